package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/loaders"
)

// secondCoderFile is the sample study's second coder: coder B's codings of
// a few sample documents, with disagreements, for Query.agreement.
const secondCoderFile = "sample/second-coder.csv"

// secondCoderDocuments are the sample documents coder B coded.
var secondCoderDocuments = []string{"d02", "d07", "d11", "d15"}

// loadSecondCoderCmd is a command of its own, not part of `load sample`:
// coder B's codings add reference points where B coded sentences A did not,
// and the sample as `load sample` loads it reproduces the study's Tables 3
// and 4 exactly.
func (a *app) loadSecondCoderCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "load-second-coder",
		Short: "Add the sample study's second coder (coder B, documents d02, d07, d11, d15) for agreement queries",
		Long: "Loads coder B's codings of four sample documents (d02, d07, d11, d15) onto the sample study\n" +
			"already loaded by `policykb load sample`, so that Query.agreement can compare coders A and B.\n" +
			"Kept out of `load sample`: B codes a few sentences A did not, which changes unfiltered counts\n" +
			"(counts filtered to coder A do not change). Idempotent; `policykb load sample` does not undo it\n" +
			"(wipe, then load the sample again, to go back).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			b, err := data.Sample.ReadFile(secondCoderFile)
			if err != nil {
				return fmt.Errorf("load-second-coder: %w", err)
			}
			dir, err := os.MkdirTemp("", "policykb-second-coder-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path := filepath.Join(dir, filepath.Base(secondCoderFile))
			if err := os.WriteFile(path, b, 0o644); err != nil {
				return err
			}
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			docs, err := store.DocumentsByID(ctx, secondCoderDocuments)
			if err != nil {
				return err
			}
			var missing []string
			for _, id := range secondCoderDocuments {
				if _, ok := docs[id]; !ok {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 {
				slices.Sort(missing)
				return fmt.Errorf("load-second-coder: the sample documents %v are not in the database: run `policykb load sample` first", missing)
			}
			t0 := time.Now()
			opts, err := withProgress(cmd, loaders.Options{Log: a.log})
			if err != nil {
				return err
			}
			sum, err := loaders.Load(ctx, store, loaders.Input{Codings: []string{path}}, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\nloaded in %s\n", sum, time.Since(t0).Round(time.Millisecond))
			return nil
		},
	}
}
