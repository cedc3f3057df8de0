package loaders

import (
	"context"
	"fmt"
	"slices"

	"github.com/policykb/policykb/graph"
)

// PMCInput is a PMC model file and, optionally, its manual scores, for a
// study.
type PMCInput struct {
	Study      string // id or name; "" in a base of one study
	ModelFile  string
	Model      []byte
	ScoresFile string // "" for none: the stored scores stay
	Scores     []byte
}

// PMCLoaded says what LoadPMCModel did.
type PMCLoaded struct {
	Study, Model string
	Variables    int // primary
	Secondary    int
	Scores       int  // manual scores given (0 when no scores file)
	Written      bool // false: the same model and scores were stored already
}

func (l PMCLoaded) String() string {
	what := "stored"
	if !l.Written {
		what = "unchanged"
	}
	s := fmt.Sprintf("study %s: PMC model %s (%d primary, %d secondary variables) %s", l.Study, l.Model, l.Variables, l.Secondary, what)
	if l.Scores > 0 {
		s += fmt.Sprintf(", %d manual scores", l.Scores)
	}
	return s
}

// LoadPMCModel checks a PMC model against the study's frames (its
// codebook and every other frame it holds), and its manual scores against
// the model and the study's documents, then stores both in one
// transaction. Every problem is returned in a Problems error with its file,
// line and field, and then nothing is written. Loading the same files
// again writes nothing.
func LoadPMCModel(ctx context.Context, store *graph.Store, in PMCInput) (PMCLoaded, error) {
	id, err := store.StudyID(ctx, in.Study)
	if err != nil {
		return PMCLoaded{}, err
	}
	st := struct{ ID string }{id}
	frames, err := store.StudyFrames(ctx, st.ID)
	if err != nil {
		return PMCLoaded{}, err
	}
	model, err := ParsePMCModel(in.ModelFile, in.Model, frames...)
	if err != nil {
		return PMCLoaded{}, err
	}
	w := graph.PMCModelWrite{Study: st.ID, File: in.ModelFile, YAML: in.Model, Model: model, Frames: frames, KeepScores: in.ScoresFile == ""}
	out := PMCLoaded{Study: st.ID, Model: model.ID, Variables: len(model.Variables)}
	for _, v := range model.Variables {
		out.Secondary += len(v.Secondary)
	}
	if in.ScoresFile != "" {
		if w.Scores, err = ParseManualScores(in.ScoresFile, in.Scores, model, nil); err != nil {
			return PMCLoaded{}, err
		}
		docs, err := store.StudyDocumentIDs(ctx, st.ID)
		if err != nil {
			return PMCLoaded{}, err
		}
		c := &collector{}
		for _, s := range w.Scores {
			if !slices.Contains(docs, s.Document) {
				c.add(in.ScoresFile, s.Line, "document", "unknown document %q: study %s has no such document", s.Document, st.ID)
			}
		}
		if len(c.problems) > 0 {
			return PMCLoaded{}, c.sorted()
		}
		out.Scores = len(w.Scores)
	}
	if out.Written, err = store.WritePMCModel(ctx, w); err != nil {
		return PMCLoaded{}, err
	}
	return out, nil
}
