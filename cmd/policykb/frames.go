package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/loaders"
)

// The sample's frame files, embedded (data.Frames).
const (
	sampleFrameFile   = "frames/policy-instruments.yaml"
	sampleMappingFile = "frames/sample-instruments-mapping.yaml"
)

// sampleFrameInput adds the instrument frame and the sample's mapping onto
// it to the study (the sample study loaded by `policykb load sample`).
func sampleFrameInput(study string) loaders.FrameInput {
	return loaders.FrameInput{Study: study, Frame: sampleFrameFile, Mappings: []string{sampleMappingFile},
		Read: func(name string) ([]byte, error) { return fs.ReadFile(data.Frames, name) }}
}

func frameSummary(s graph.WriteSummary) string {
	out := fmt.Sprintf("frames: %d codes, %d codings (direct and derived); %d nodes and %d relationships created",
		s.Codes, s.Codings, s.NodesCreated, s.RelationshipsCreated)
	if s.NodesDeleted > 0 || s.RelationshipsDeleted > 0 {
		out += fmt.Sprintf(", %d nodes and %d relationships deleted", s.NodesDeleted, s.RelationshipsDeleted)
	}
	return out
}

func (a *app) framesCmd() *cobra.Command {
	var study string
	cmd := &cobra.Command{
		Use:   "frames [--study NAME]",
		Short: "List the coding frames of each study, with their codes and codings",
		Long: "One row per frame beside the grounded-theory codebook: its study, id, name, levels, number of\n" +
			"codes, direct codings, derived codings, coded sentences and the mappings deriving into it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			if study != "" {
				st, err := store.StudyID(ctx, study)
				if err != nil {
					return err
				}
				study = st
			}
			frames, err := store.Frames(ctx, study)
			if err != nil {
				return err
			}
			printFrames(cmd.OutOrStdout(), frames)
			return nil
		},
	}
	cmd.Flags().StringVar(&study, "study", "", "list one study's frames (id or name); default: every study's")
	cmd.AddCommand(a.framesAddCmd())
	return cmd
}

func printFrames(w io.Writer, frames []graph.FrameInfo) {
	if len(frames) == 0 {
		fmt.Fprintln(w, "no frames besides the codebook: add one with policykb frames add")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "study\tframe\tname\tlevels\tcodes\tcodings\tderived\tcoded sentences\tmappings\t")
	for _, f := range frames {
		var levels []string
		for _, l := range f.Levels {
			levels = append(levels, l.ID)
		}
		maps := strings.Join(f.Mappings, ", ")
		if maps == "" {
			maps = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t\n", f.Study, f.ID, f.Name, strings.Join(levels, " > "),
			len(f.Codes), f.Codings, f.Derived, f.CodedSentences, maps)
	}
	tw.Flush()
}

func (a *app) framesAddCmd() *cobra.Command {
	var in loaders.FrameInput
	var validate bool
	cmd := &cobra.Command{
		Use:   "add [FRAME.yaml] [--study NAME] [--mapping MAPPING.yaml...] [--codings CODINGS.csv... [--frame ID]]",
		Short: "Add a coding frame to a study, with mappings that derive its codings and direct codings (idempotent)",
		Long: "Reads a frame file (a code tree on named levels, e.g. data/frames/policy-instruments.yaml), mapping files\n" +
			"(source codes of the codebook or another frame → codes of the frame, e.g.\n" +
			"data/frames/sample-instruments-mapping.yaml) and codings CSVs of the frame's codes (the format of\n" +
			"`policykb load --codings`; without a frame file, --frame names the stored frame they code).\n" +
			"Everything is checked first: any problem (file, line, field) and nothing is written. Then the frame,\n" +
			"each mapping with the codings it derives (replacing those it derived before) and the direct codings\n" +
			"are written. Adding the same files twice changes nothing.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				in.Frame = args[0]
			}
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			if validate {
				if err := store.EnsureSchema(ctx); err != nil {
					return err
				}
				plan, err := loaders.ValidateFrame(ctx, store, in)
				if err != nil {
					return problemsError(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "valid: frame %s, %d mappings, %d codings for the study %s\n",
					plan.FrameID, len(plan.Mappings), len(plan.Codings), plan.Study)
				return nil
			}
			sum, err := loaders.AddFrame(ctx, store, in)
			if err != nil {
				return problemsError(err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), frameSummary(sum))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Study, "study", "", "the study (id or name); default: the knowledge base's one study")
	f.StringSliceVar(&in.Mappings, "mapping", nil, "mapping YAML file (repeatable)")
	f.StringSliceVar(&in.Codings, "codings", nil, "codings CSV of the frame's codes (repeatable)")
	f.StringVar(&in.FrameID, "frame", "", "the stored frame the --codings code, when no frame file is given")
	f.BoolVar(&validate, "validate", false, "check everything and write nothing")
	return cmd
}

// problemsError prefixes a Problems error with how many there are.
func problemsError(err error) error {
	var problems loaders.Problems
	if errors.As(err, &problems) {
		return fmt.Errorf("%d %s:\n%w", len(problems), plural(len(problems), "problem", "problems"), err)
	}
	return err
}
