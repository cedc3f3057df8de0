package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/exports"
)

// exportREFICmd is `policykb export qdpx|qdc FILE`; the mapping of the
// knowledge base onto REFI-QDA is exports.QDPX and exports.QDC.
func (a *app) exportREFICmd(format string) *cobra.Command {
	short := "Write the knowledge base as a REFI-QDA project (.qdpx) that NVivo, ATLAS.ti, MAXQDA and QualCoder import"
	if format == "qdc" {
		short = "Write the coding scheme as a REFI-QDA codebook (.qdc)"
	}
	var study string
	cmd := &cobra.Command{
		Use:   format + " FILE [--study NAME]",
		Short: short,
		Long: short + ".\nCodes keep stable GUIDs (derived from their ids, or their own GUIDs when they were imported);\n" +
			"selections are written in code points. See docs/refi-qda.md, \"Exporting to NVivo, ATLAS.ti, MAXQDA\".",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			n, err := writeFileAtomic(args[0], func(w io.Writer) (exports.REFICounts, error) {
				if format == "qdc" {
					return exports.QDC(ctx, store, w, study)
				}
				return exports.QDPX(ctx, store, w, max(a.cfg.Load.BatchSize/100, 10), study)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s\n", args[0], n)
			return nil
		},
	}
	cmd.Flags().StringVar(&study, "study", "", "the study to export (id or name); required when the knowledge base holds several")
	return cmd
}
