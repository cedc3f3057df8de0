package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/loaders"
)

// ImportConfig tunes `policykb import`.
type ImportConfig struct {
	// MaxBytes caps what an archive may expand to (import.max_bytes,
	// --max-size); the bytes actually read count, not the zip headers.
	MaxBytes int64 `mapstructure:"max_bytes"`
}

type importFlags struct {
	study  string
	levels string
	cities string
	dryRun bool
}

func (a *app) importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import a project or codebook that another analysis tool exported (REFI-QDA)",
	}
	cmd.AddCommand(a.importFormatCmd("qdpx", "a REFI-QDA project (.qdpx): codebook, text sources, codings, cases, users"),
		a.importFormatCmd("qdc", "a REFI-QDA codebook (.qdc)"))
	return cmd
}

func (a *app) importFormatCmd(format, what string) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   format + " FILE",
		Short: "Import " + what,
		Long: "Reads " + what + " as NVivo, ATLAS.ti, MAXQDA, QualCoder and others export it, checks it, and writes it\n" +
			"(idempotent: importing the same file twice changes nothing). A refused file writes nothing.\n" +
			"Code-tree depths 1-4 become LAYER, MAIN_CATEGORY, CATEGORY, CONCEPT; deeper codes fold onto their\n" +
			"depth-4 ancestor; --levels picks other depths. See the README, \"Importing from NVivo, ATLAS.ti, MAXQDA\".",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := loaders.ImportOptions{Cities: f.cities, MaxBytes: a.cfg.Import.MaxBytes, Study: f.study}
			if f.levels != "" {
				lv, err := loaders.ParseLevels(f.levels)
				if err != nil {
					return err
				}
				opts.Levels = lv
			}
			ctx := cmd.Context()
			var store *graph.Store
			if !f.dryRun {
				s, err := a.openStore(ctx)
				if err != nil {
					return err
				}
				defer s.Close(ctx)
				store = s
			}
			t0 := time.Now()
			plan, rep, err := planImport(cmd, format, store, args[0], opts)
			if rep != nil {
				printReport(cmd.ErrOrStderr(), rep)
			}
			if err != nil {
				return err
			}
			for _, n := range plan.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "note:", n)
			}
			if f.dryRun {
				fmt.Fprintf(cmd.OutOrStdout(), "valid (dry run, nothing written): %s\n", plan)
				return nil
			}
			wopts, err := withProgress(cmd, loaders.Options{Log: a.log})
			if err != nil {
				return err
			}
			sum, err := loaders.WritePlan(ctx, store, plan, wopts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\nimported in %s\n", sum, time.Since(t0).Round(time.Millisecond))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.study, "study", "", "the study to import into, by name (default: a new study named after the project or codebook)")
	fl.StringVar(&f.levels, "levels", "", "the four code-tree depths that become LAYER,MAIN_CATEGORY,CATEGORY,CONCEPT (default 1,2,3,4)")
	if format == "qdpx" {
		fl.StringVar(&f.cities, "cities", "", "mapping CSV: source,city[,province,city_zh,date]; wins over the project's cases and variables")
	}
	fl.BoolVar(&f.dryRun, "dry-run", false, "read and check the file and print what would be written, without a database")
	fl.Int64("max-size", 0, "bytes the archive may expand to (import.max_bytes, default 512 MiB)")
	fl.Int("batch-size", 0, "rows per write batch (load.batch_size)")
	registerProgress(cmd)
	return cmd
}

func planImport(cmd *cobra.Command, format string, store *graph.Store, file string, opts loaders.ImportOptions) (*loaders.Plan, *loaders.ImportReport, error) {
	if format == "qdc" {
		return loaders.PlanQDC(cmd.Context(), store, file, opts)
	}
	return loaders.PlanQDPX(cmd.Context(), store, file, opts)
}

func printReport(w io.Writer, rep *loaders.ImportReport) {
	fmt.Fprintln(w, rep)
	for _, m := range rep.Warnings {
		fmt.Fprintln(w, "warning:", m)
	}
}
