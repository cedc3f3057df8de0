package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/exports"
)

// exportFlatCmd is `policykb export csv|xlsx|json TABLE`: the tables of
// package exports, with the parameters the HTTP endpoints take as flags of
// the same names.
func (a *app) exportFlatCmd(format exports.Format) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   string(format) + " codings|counts|matrix|crosstab|similarity|cooccurrence|saturation|agreement|words|keywords|coword|pmc",
		Short: "Write a flat table (codings, counts, a matrix, an analysis, words, keywords, a co-word matrix) as " + strings.ToUpper(string(format)),
		Long: `Write a flat table of the knowledge base as ` + strings.ToUpper(string(format)) + `, the same as GET /export/TABLE.` + string(format) + `:

  codings   one row per coding: city, document, sentence, the code and its
            concept, category, main category and layer, coder, origin
  counts    reference points and material sources of every code of --level
  matrix    the codes of --rows against --columns, cells holding --measure,
            with a total column and a totals row
  crosstab  --rows against --columns, each a frame level FRAME:LEVEL
            (instruments:TYPE, codebook:CATEGORY) or a dimension (CITY,
            PROVINCE, DOCUMENT, YEAR, DOC_TYPE), cells holding --measure
  words     the --top high-frequency words (default 100): frequency,
            documents, sentences, share of all counted words
  keywords  the --top keywords (TF-IDF) of each --of document, city or code
            (of --level), or of the --unit ones
  coword    the square co-word matrix of the --top words (default 50),
            --measure OCHIAI (default), JACCARD, COSINE or COUNT, --scope
            SENTENCE (default) or DOCUMENT: what clustering and network
            tools read
  similarity    city × city cosine similarity at --level, clustered order
  cooccurrence  co-occurring pairs of codes of --level (--scope, --min)
  saturation    the saturation curve at --level: one row per document
  agreement     coders --a and --b compared per code of --level
  pmc       the PMC index of --model for every document, in ranking order:
            every secondary score, X1…Xn, PMC, depression index, grade

Words shorter than --min-length (default 2) and stop words are not counted.
Filters (repeatable, or comma-separated): --city, --province, --document,
--coder, --doctype; --from and --to bound the issue date (YYYY-MM-DD); --automatic
counts automatic codings too; --study names the study (required when the knowledge base holds several).`,
		Example: "  policykb export csv codings -o codings.csv\n" +
			"  policykb export xlsx counts --level MAIN_CATEGORY --city Linlan -o counts.xlsx\n" +
			"  policykb export json matrix --rows MAIN_CATEGORY --columns CITY --measure SHARE\n" +
			"  policykb export csv crosstab --rows instruments:TYPE --columns CITY --measure SHARE",
		Args:      cobra.ExactArgs(1),
		ValidArgs: tableNames(),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := url.Values{}
			for _, name := range []string{"level", "rows", "columns", "measure", "scope", "min", "a", "b", "from", "to", "top", "min-length", "of", "automatic", "study", "model"} {
				if cmd.Flags().Changed(name) {
					v := cmd.Flags().Lookup(name).Value.String()
					q.Set(strings.ReplaceAll(name, "-", "_"), v)
				}
			}
			for _, name := range []string{"city", "province", "document", "coder", "doctype", "unit"} {
				if cmd.Flags().Changed(name) {
					vs, _ := cmd.Flags().GetStringSlice(name)
					q[name] = vs
				}
			}
			req, err := exports.ParseRequest(args[0], q)
			if err != nil {
				return flagError(err)
			}
			if output == "" && format == exports.XLSX {
				output = req.FileName(format)
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			if output == "" || output == "-" {
				_, err := exports.Write(ctx, store, req, format, cmd.OutOrStdout())
				return flagError(err)
			}
			n, err := writeFileAtomic(output, func(w io.Writer) (int, error) {
				return exports.Write(ctx, store, req, format, w)
			})
			if err != nil {
				return flagError(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d rows\n", output, n)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "output file (default: standard output; for xlsx, TABLE-....xlsx in the current directory)")
	f.String("level", "", "counts, similarity, cooccurrence, saturation, agreement, keywords of codes: the level (LAYER, MAIN_CATEGORY, CATEGORY, CONCEPT)")
	f.String("min", "", "cooccurrence: the least count of a pair (default 1)")
	f.String("a", "", "agreement: the first coder")
	f.String("b", "", "agreement: the second coder")
	f.String("rows", "", "matrix: the level of the rows; crosstab: FRAME:LEVEL (instruments:TYPE) or a dimension")
	f.String("columns", "", "matrix: CITY (default), PROVINCE, DOCUMENT, YEAR or DOC_TYPE; crosstab: as --rows")
	f.String("measure", "", "matrix, crosstab: REFERENCE_POINTS (default), MATERIAL_SOURCES, SHARE, PER_1000_SENTENCES or PRESENCE; coword: OCHIAI (default), JACCARD, COSINE or COUNT")
	f.Int("top", 0, "words, keywords, coword: how many words (default 100, 10, 50)")
	f.Int("min-length", 2, "words, keywords, coword: leave out words shorter than this (characters)")
	f.String("of", "", "keywords: document, city or code")
	f.StringSlice("unit", nil, "keywords: only these documents, cities or codes")
	f.String("scope", "", "cooccurrence, coword: SENTENCE (default) or DOCUMENT")
	f.Bool("automatic", false, "count automatic codings too")
	f.String("model", "", "pmc: the PMC model (its id)")
	f.String("study", "", "the study (id or name); required when the knowledge base holds several")
	f.StringSlice("city", nil, "only these cities (English or Chinese name)")
	f.StringSlice("province", nil, "only these provinces")
	f.StringSlice("document", nil, "only these document ids")
	f.StringSlice("coder", nil, "only the codings of these coders")
	f.StringSlice("doctype", nil, "only documents of these document types")
	f.String("from", "", "only documents issued on or after this date (YYYY-MM-DD)")
	f.String("to", "", "only documents issued on or before this date (YYYY-MM-DD)")
	return cmd
}

func tableNames() []string {
	out := make([]string, len(exports.Tables))
	for i, t := range exports.Tables {
		out[i] = string(t)
	}
	return out
}

// flagError names a bad parameter as the flag the user typed.
func flagError(err error) error {
	var pe *policykb.Error
	if errors.As(err, &pe) && pe.Code == policykb.EInvalid && pe.Argument != "" && pe.Argument != "table" {
		return fmt.Errorf("--%s: %s", pe.Argument, strings.TrimPrefix(pe.Message, "exports: "))
	}
	return err
}
