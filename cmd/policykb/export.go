package main

import (
	"github.com/spf13/cobra"

	"github.com/policykb/policykb/exports"
)

// exportCmd is `policykb export`: the REFI-QDA project and codebook, and
// the flat tables in each format of package exports.
func (a *app) exportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the knowledge base, or tables computed from it, to files other tools read",
	}
	cmd.AddCommand(a.exportREFICmd("qdpx"), a.exportREFICmd("qdc"))
	for _, f := range exports.Formats {
		cmd.AddCommand(a.exportFlatCmd(f))
	}
	return cmd
}
