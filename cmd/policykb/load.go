package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/loaders"
)

type inputFlags struct {
	study              string
	codebook, manifest string
	codings            []string
	allowOutside       bool
}

func (f *inputFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.study, "study", "", "the study the files are for, by name (created when new; `sample` is the study \"sample\"); default: the knowledge base's one study")
	cmd.Flags().StringVar(&f.codebook, "codebook", "", "codebook YAML file (the four levels of the coding scheme)")
	cmd.Flags().StringVar(&f.manifest, "documents", "", "documents manifest CSV (texts are read relative to it)")
	cmd.Flags().StringSliceVar(&f.codings, "codings", nil, "codings CSV file (repeatable)")
	cmd.Flags().BoolVar(&f.allowOutside, "allow-outside-paths", false,
		"let the manifest name document files outside its own folder (by .., an absolute path or a symbolic link)")
}

// input resolves the arguments: "sample" for the shipped study, or the
// files named by flags.
func (f *inputFlags) input(args []string) (loaders.Input, func(), error) {
	if len(args) == 1 && args[0] == "sample" {
		if f.codebook != "" || f.manifest != "" || len(f.codings) > 0 {
			return loaders.Input{}, nil, fmt.Errorf("`sample` takes no --codebook, --documents or --codings")
		}
		dir, err := extractSample()
		if err != nil {
			return loaders.Input{}, nil, err
		}
		in := loaders.SampleInput(dir)
		in.Study = "sample"
		if f.study != "" {
			in.Study = f.study
		}
		return in, func() { os.RemoveAll(dir) }, nil
	}
	if len(args) > 0 {
		return loaders.Input{}, nil, fmt.Errorf("unexpected argument %q: name files with --codebook, --documents and --codings, or say `sample`", args[0])
	}
	if f.codebook == "" && f.manifest == "" && len(f.codings) == 0 {
		return loaders.Input{}, nil, fmt.Errorf("nothing to load: give `sample`, or --codebook, --documents and/or --codings")
	}
	return loaders.Input{Codebook: f.codebook, Manifest: f.manifest, Codings: f.codings, AllowOutsidePaths: f.allowOutside,
		Study: f.study}, func() {}, nil
}

// extractSample copies the embedded sample study to a temporary directory,
// so that the loaders read it like any other input (source files are
// recorded relative to it: texts/d01.txt).
func extractSample() (string, error) {
	dir, err := os.MkdirTemp("", "policykb-sample-")
	if err != nil {
		return "", err
	}
	err = fs.WalkDir(data.Sample, "sample", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("sample", path)
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := data.Sample.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("extract the sample study: %w", err)
	}
	return dir, nil
}

func (a *app) loadCmd() *cobra.Command {
	var in inputFlags
	cmd := &cobra.Command{
		Use:   "load [sample] [--codebook FILE] [--documents MANIFEST] [--codings FILE...]",
		Short: "Validate, then load a codebook, documents and codings (idempotent)",
		Long: "Checks every input first and writes nothing when any check fails (all problems are listed).\n" +
			"Then writes the codebook, each document with its sentences and codings (a document is never\n" +
			"half-written), and codings on documents already stored. Loading the same input twice changes nothing.\n" +
			"`policykb load sample` loads the shipped sample study.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			input, cleanup, err := in.input(args)
			if err != nil {
				return err
			}
			defer cleanup()
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			opts, err := withProgress(cmd, loaders.Options{Log: a.log})
			if err != nil {
				return err
			}
			t0 := time.Now()
			sum, err := loaders.Load(ctx, store, input, opts)
			if err != nil {
				return err
			}
			if len(args) == 1 && args[0] == "sample" {
				// The sample's instrument frame and its mapping (frames.go).
				fs, err := loaders.AddFrame(ctx, store, sampleFrameInput(input.Study))
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n", frameSummary(fs))
				// The default PMC model names instrument codes: after the frame (pmc.go).
				pmc, err := loadSamplePMC(ctx, store, input.Study)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n", pmc)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\nloaded in %s\n", sum, time.Since(t0).Round(time.Millisecond))
			return nil
		},
	}
	in.register(cmd)
	cmd.Flags().Int("batch-size", 0, "rows per write batch (load.batch_size)")
	registerProgress(cmd)
	return cmd
}

func (a *app) validateCmd() *cobra.Command {
	var in inputFlags
	var offline bool
	cmd := &cobra.Command{
		Use:   "validate [sample] [--codebook FILE] [--documents MANIFEST] [--codings FILE...]",
		Short: "Run the checks of `load` and print every problem, writing nothing",
		Long: "Runs every check of `load` without writing and lists every problem found (file, line, field),\n" +
			"exiting with status 1 when there is any. Codings are checked against the codebook and manifest\n" +
			"given and, unless --offline, against what the database holds; offline, references that no given\n" +
			"file can answer (codings loaded on their own) are listed as not checked.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			input, cleanup, err := in.input(args)
			if err != nil {
				return err
			}
			defer cleanup()
			ctx := cmd.Context()
			var store *graph.Store
			if !offline {
				if store, err = a.openStore(ctx); err != nil {
					return err
				}
				defer store.Close(ctx)
			}
			plan, err := loaders.Check(ctx, store, input)
			var problems loaders.Problems
			if errors.As(err, &problems) {
				return fmt.Errorf("%d %s:\n%w", len(problems), plural(len(problems), "problem", "problems"), err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "valid: %s\n", plan)
			for _, n := range plan.Notes {
				fmt.Fprintf(out, "note: %s\n", n)
			}
			return nil
		},
	}
	in.register(cmd)
	cmd.Flags().BoolVar(&offline, "offline", false, "check the files alone, without a database")
	return cmd
}

func (a *app) wipeCmd() *cobra.Command {
	var yes bool
	var study string
	cmd := &cobra.Command{
		Use:   "wipe --yes [--study NAME]",
		Short: "Delete every node of the knowledge base, or one study (constraints and indexes stay)",
		Long: "Deletes every node of the knowledge base; with --study, one study: its codings, codes and\n" +
			"rollups, the documents no other study includes, the cities left without documents, and the study.\n" +
			"Every other study's numbers stay as they were.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !yes && study != "" {
				return fmt.Errorf("wipe --study deletes the study's codes, codings and the documents no other study includes: confirm with --yes")
			}
			if !yes {
				return fmt.Errorf("wipe deletes every city, document, sentence, code and coding: confirm with --yes")
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			var sum graph.WriteSummary
			if study != "" {
				var st policykb.Study
				st, err = store.Study(ctx, study)
				if errors.Is(err, graph.ErrNotFound) {
					_, err = store.ResolveStudy(ctx, study) // the error naming the nearest studies
					if err == nil {
						err = fmt.Errorf("no study %q", study)
					}
				}
				if err != nil {
					return err
				}
				sum, err = store.WipeStudy(ctx, st.ID)
			} else {
				sum, err = store.Wipe(ctx)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted %d nodes and %d relationships\n", sum.NodesDeleted, sum.RelationshipsDeleted)
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "really delete everything (or the study)")
	cmd.Flags().StringVar(&study, "study", "", "delete only this study (id or name)")
	return cmd
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
