package loaders

import (
	"fmt"
	"path/filepath"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// Input names the files of one load. Any of them may be empty (a load of
// codings only, say), but not all.
type Input struct {
	Codebook string   // YAML codebook
	Manifest string   // documents.csv; text files are relative to its directory
	Codings  []string // codings CSVs
	// AllowOutsidePaths lets the manifest name text files outside its own
	// folder (by .., an absolute path or a symbolic link); without it such
	// a row is a problem.
	AllowOutsidePaths bool
	// Study is the study the load is for (see study.go): its name (the id
	// is its slug), or its id. Empty: the base's one study.
	Study string
}

// SampleInput returns the Input for a directory laid out like data/sample:
// codebook.yaml, documents.csv (texts beside it) and codings.csv.
func SampleInput(dir string) Input {
	return Input{
		Codebook: filepath.Join(dir, "codebook.yaml"),
		Manifest: filepath.Join(dir, "documents.csv"),
		Codings:  []string{filepath.Join(dir, "codings.csv")},
	}
}

// Plan is a validated input, ready to be written.
type Plan struct {
	// Study is the id of the study the plan is written for; empty: the
	// base's one study (graph.Store.WriteCodebook says which). StudyName
	// and StudySource, when set, are the study's name and source.
	Study, StudyName, StudySource string
	CodebookName                  string
	// Codes in tree order (each code before its children, siblings in file
	// order), as graph.Store.WriteCodebook wants them.
	Codes []policykb.Code
	// Documents in manifest order, each with its sentences and the codings
	// of this load on them.
	Documents []graph.DocumentBundle
	// Codings on documents that are already stored and not in this load.
	Codings []policykb.Coding
	// Frames are coding frames beside the codebook (from a REFI-QDA project
	// that policykb exported), written after the codings: each frame, its
	// direct codings, then the mappings into it, which derive theirs.
	Frames []PlanFrame
	// Notes are things worth knowing that are not errors: what could not be
	// checked offline, stored documents whose text changed.
	Notes []string
	// stream, when set, holds documents beside Documents that are read
	// again from their files when written (stream.go).
	stream *docStream
}

// Counts returns the sizes of the plan.
func (p *Plan) Counts() (codes, documents, sentences, codings int) {
	for _, b := range p.Documents {
		sentences += len(b.Sentences)
		codings += len(b.Codings)
	}
	documents = len(p.Documents)
	if p.stream != nil {
		documents += len(p.stream.jobs)
		sentences += p.stream.nSentences
		codings += p.stream.nCodings
	}
	return len(p.Codes), documents, sentences, codings + len(p.Codings)
}

// String summarises the plan in one line.
func (p *Plan) String() string {
	c, d, s, k := p.Counts()
	return fmt.Sprintf("%d codes, %d documents, %d sentences, %d codings", c, d, s, k) + framesSummary(p.Frames)
}
