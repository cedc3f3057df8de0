package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/gen"
)

func (a *app) generateCmd() *cobra.Command {
	var (
		tier, out string
		seed      uint64
		cities    int
		docs      int
		sentences int
		coded     float64
		counties  int
		documents int
		parts     int
	)
	cmd := &cobra.Command{
		Use:   "generate --tier S|M|M4|L --out DIR",
		Short: "Write a deterministic synthetic corpus (for scale tests and benchmarks) in the sample's input formats",
		Long: "Writes codebook.yaml (the sample's), documents.csv, texts/*.txt and codings.csv into DIR, the way\n" +
			"data/sample is laid out, so `policykb load --codebook DIR/codebook.yaml --documents DIR/documents.csv\n" +
			"--codings DIR/codings.csv` loads it. Every document is synthetic (synthetic=true), built from a bank of\n" +
			"policy wording; the same tier, overrides and seed always give byte-identical files.\n\n" +
			"Tiers: S is the shipped sample study copied as it is; M is 300 cities x 10 documents x 300 sentences\n" +
			"(900k sentences, 40% coded); M4 is a quarter of M (75 cities); L is county scale: 300 cities and\n" +
			"2,800 counties (names ending in County / 县), 30,000 documents of 300 sentences (9 million), spread\n" +
			"with a log-normal skew (a few jurisdictions with hundreds of documents, most with a handful, each\n" +
			"at least one). --cities, --docs, --sentences, --coded, --counties and --documents override a\n" +
			"generated tier's figures (--counties and --documents: tier L only). --parts N writes the manifest and\n" +
			"codings as N pairs (documents-part01.csv, codings-part01.csv, ...), each loaded by one `policykb load`:\n" +
			"a load holds its input in memory (about 1.3 GB for 900,000 sentences), so load tier L with --parts 10.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return policykb.InvalidArgument("out", "generate: --out DIR is required")
			}
			began := time.Now()
			overridden := cmd.Flags().Changed("cities") || cmd.Flags().Changed("docs") ||
				cmd.Flags().Changed("sentences") || cmd.Flags().Changed("coded") ||
				cmd.Flags().Changed("counties") || cmd.Flags().Changed("documents") || cmd.Flags().Changed("parts")
			if tier == "S" {
				if overridden || cmd.Flags().Changed("seed") {
					return policykb.InvalidArgument("tier", "generate: tier S is the shipped sample as it is: --seed, --cities, --docs, --sentences, --coded and --parts do not apply")
				}
				rep, err := gen.CopySample(out)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "copied tier S (the sample study) to %s: %s\n", out, rep)
				return nil
			}
			spec, ok := gen.Tiers[tier]
			if !ok {
				return policykb.InvalidArgument("tier", "generate: unknown tier %q: expected S, M, M4 or L", tier)
			}
			spec.Seed = seed
			if cmd.Flags().Changed("cities") {
				spec.Cities = cities
			}
			if cmd.Flags().Changed("docs") {
				if spec.Documents > 0 {
					return policykb.InvalidArgument("docs", "generate: tier %s spreads --documents over its jurisdictions; --docs (per city) does not apply", tier)
				}
				spec.DocsPerCity = docs
			}
			if (cmd.Flags().Changed("counties") || cmd.Flags().Changed("documents")) && spec.Documents == 0 {
				return policykb.InvalidArgument("tier", "generate: --counties and --documents apply to tier L only, not %s", tier)
			}
			if cmd.Flags().Changed("counties") {
				spec.Counties = counties
			}
			if cmd.Flags().Changed("documents") {
				spec.Documents = documents
			}
			spec.Parts = parts
			if cmd.Flags().Changed("sentences") {
				spec.SentencesPerDoc = sentences
			}
			if cmd.Flags().Changed("coded") {
				spec.CodedRate = coded
			}
			rep, err := gen.Generate(out, spec)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "generated tier %s (seed %d, synthetic) in %s: %s (%s)\n",
				tier, seed, out, rep, time.Since(began).Round(time.Millisecond))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&tier, "tier", "M4", "corpus size: S (the sample), M (national scale), M4 (a quarter of M) or L (county scale)")
	f.StringVar(&out, "out", "", "folder to write the corpus into (created if missing)")
	f.Uint64Var(&seed, "seed", 1, "random seed: the same seed gives the same corpus")
	f.IntVar(&cities, "cities", 0, "number of cities (overrides the tier)")
	f.IntVar(&docs, "docs", 0, "documents per city (overrides the tier)")
	f.IntVar(&sentences, "sentences", 0, "sentences per document, headings included (overrides the tier)")
	f.Float64Var(&coded, "coded", 0, "share of sentences coded, 0 to 1 (overrides the tier)")
	f.IntVar(&counties, "counties", 0, "number of counties (overrides tier L)")
	f.IntVar(&documents, "documents", 0, "documents in all, spread over the cities and counties (overrides tier L)")
	f.IntVar(&parts, "parts", 0, "write the manifest and codings as this many pairs of files, one load each (0 or 1: one pair)")
	return cmd
}
