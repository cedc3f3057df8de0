package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/graph"
)

func (a *app) studiesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "studies",
		Short: "List the studies of the knowledge base with their numbers",
		Long: "One row per study: its id, name, source, and the numbers GraphQL's Study.stats answers\n" +
			"(the cities, documents and sentences of the documents it includes; its codes; the human codings at them).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			studies, err := store.StudiesWithStats(ctx)
			if err != nil {
				return err
			}
			printStudies(cmd.OutOrStdout(), studies)
			return nil
		},
	}
}

func printStudies(w io.Writer, studies []graph.StudyInfo) {
	if len(studies) == 0 {
		fmt.Fprintln(w, "no studies: the knowledge base is empty")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tsource\tcities\tdocuments\tsentences\tcoded sentences\tcodings\tcodes\t")
	for _, st := range studies {
		s := st.Stats
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", st.ID, st.Name, st.Source, s.Cities, s.Documents,
			s.Sentences, s.CodedSentences, s.Codings, s.Layers+s.MainCategories+s.Categories+s.Concepts)
	}
	tw.Flush()
}
