package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/loaders"
)

// pmcCmd is `policykb pmc add-model|models|check`: PMC models and their
// manual scores in a study, and a check of their stored decisions.
func (a *app) pmcCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pmc",
		Short: "Store PMC models and their manual scores in a study, and list them",
	}
	cmd.AddCommand(a.pmcAddModelCmd(), a.pmcModelsCmd(), a.pmcCheckCmd())
	return cmd
}

func (a *app) pmcAddModelCmd() *cobra.Command {
	var study, scores string
	cmd := &cobra.Command{
		Use:   "add-model [--study S] MODEL.yaml [--scores SCORES.csv]",
		Short: "Check a PMC model (and its manual scores) against the study, then store it (idempotent)",
		Long: "Checks the model against the study's frames (its codebook and every frame it holds: the codes\n" +
			"its codings rules name must exist in exactly one) and the manual scores (document, variable,\n" +
			"score, note) against the model and the study's documents, listing every problem with file,\n" +
			"line and field and writing nothing when there is any. Then stores the model and replaces its\n" +
			"manual scores in one transaction; without --scores the stored scores stay. Adding the same\n" +
			"files again changes nothing. A model with the id of a stored one replaces it.",
		Example: "  policykb pmc add-model --study sample data/pmc/default-model.yaml --scores data/pmc/sample-manual-scores.csv",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := loaders.PMCInput{Study: study, ModelFile: args[0]}
			var err error
			if in.Model, err = os.ReadFile(args[0]); err != nil {
				return err
			}
			if scores != "" {
				in.ScoresFile = scores
				if in.Scores, err = os.ReadFile(scores); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			done, err := loaders.LoadPMCModel(ctx, store, in)
			var problems loaders.Problems
			if errors.As(err, &problems) {
				return fmt.Errorf("%d %s, nothing written:\n%w", len(problems), plural(len(problems), "problem", "problems"), err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), done)
			return nil
		},
	}
	cmd.Flags().StringVar(&study, "study", "", "the study (id or name); required when the knowledge base holds several")
	cmd.Flags().StringVar(&scores, "scores", "", "the manual scores CSV (document, variable, score, note)")
	return cmd
}

func (a *app) pmcModelsCmd() *cobra.Command {
	var study string
	cmd := &cobra.Command{
		Use:   "models [--study S]",
		Short: "List a study's PMC models",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			id, err := store.StudyID(ctx, study)
			if err != nil {
				return err
			}
			ms, err := store.PMCModels(ctx, id)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "id\tname\tprimary\tsecondary\tmanual scores\tfile\t")
			for _, m := range ms {
				n := 0
				for _, v := range m.Model.Variables {
					n += len(v.Secondary)
				}
				fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%s\t\n", m.Model.ID, m.Model.Name, len(m.Model.Variables), n, m.Scores, m.File)
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&study, "study", "", "the study (id or name); required when the knowledge base holds several")
	return cmd
}

func (a *app) pmcCheckCmd() *cobra.Command {
	var study string
	var fix bool
	cmd := &cobra.Command{
		Use:   "check [--study S] MODEL [--fix]",
		Short: "Recount a PMC model's codings rules for every document and compare with the stored decisions",
		Long: "pmc answers from each document's decisions of the model's codings rules, stored with the rollups\n" +
			"and kept current by every write (docs/frames.md). check recounts them from the rollups and the\n" +
			"sentences and lists every document whose stored decisions differ or are missing; it exits with an\n" +
			"error when there is any. --fix then recomputes and stores them all.",
		Example: "  policykb pmc check --study sample default",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			bad, err := store.CheckPMCDecisions(ctx, study, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, b := range bad {
				stored := fmt.Sprint(b.Stored)
				if b.Stored == nil {
					stored = "none"
				}
				fmt.Fprintf(out, "%s: stored %s, recount %v\n", b.Document, stored, b.Recount)
			}
			if len(bad) == 0 {
				fmt.Fprintf(out, "model %s: every document's stored decisions equal the recount\n", args[0])
				return nil
			}
			if !fix {
				return fmt.Errorf("model %s: %d %s stored decisions differ from the recount; --fix recomputes them",
					args[0], len(bad), plural(len(bad), "document's", "documents'"))
			}
			if err := store.RefreshPMCDecisions(ctx, study, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(out, "model %s: decisions recomputed for every document\n", args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&study, "study", "", "the study (id or name); required when the knowledge base holds several")
	cmd.Flags().BoolVar(&fix, "fix", false, "recompute and store every document's decisions when any differ")
	return cmd
}

// loadSamplePMC stores the shipped default PMC model and the sample's
// manual scores in the sample study; the model names instrument codes,
// so the instrument frame must be stored first.
func loadSamplePMC(ctx context.Context, store *graph.Store, study string) (loaders.PMCLoaded, error) {
	model, err := fs.ReadFile(data.PMC, "pmc/default-model.yaml")
	if err != nil {
		return loaders.PMCLoaded{}, err
	}
	scores, err := fs.ReadFile(data.PMC, "pmc/sample-manual-scores.csv")
	if err != nil {
		return loaders.PMCLoaded{}, err
	}
	return loaders.LoadPMCModel(ctx, store, loaders.PMCInput{Study: study,
		ModelFile: "data/pmc/default-model.yaml", Model: model,
		ScoresFile: "data/pmc/sample-manual-scores.csv", Scores: scores})
}
