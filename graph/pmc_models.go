package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// PMC models in the graph. A model belongs to a study:
//
//	(:Study)-[:HAS_PMC_MODEL]->(m:PMCModel {study, id, name, nameZh, description, source,
//	    file, yaml, model, codebookCodes, frameCodes, frames})
//	    key (study, id)
//	(d:Document)-[:PMC_SCORE {study, model, variable, score, note}]->(m)
//
// yaml is the model file as given (file its name); model the parsed model
// (policykb.PMCModel as JSON), so that reading needs no parsing against
// the frames; codebookCodes are the codebook codes its codings rules name,
// frameCodes the other frames' codes as "frame/code", frames the frames
// named (codebook first when named). A PMC_SCORE is one manual score, the
// reader's note its evidence. Nothing else points at a model, so no
// grounded-theory or frame count can see one.

// PMCModelInfo is a stored model.
type PMCModelInfo struct {
	Study, File   string
	YAML          string
	Model         policykb.PMCModel
	CodebookCodes []string
	FrameCodes    []FrameCodeRef // codes of frames other than the codebook
	Frames        []string
	Scores        int // manual scores stored
}

// FrameCodeRef names a code of a frame.
type FrameCodeRef struct{ Frame, Code string }

// PMCModelWrite is a parsed model and its manual scores, to be stored.
type PMCModelWrite struct {
	Study  string
	File   string
	YAML   []byte
	Model  policykb.PMCModel
	Frames []policykb.Frame // the frames the model was parsed against
	Scores []policykb.ManualScore
	// KeepScores leaves the stored manual scores as they are (no scores
	// file given); otherwise Scores replaces them all.
	KeepScores bool
}

// StudyFrames returns a study's frames: its codebook (the frame
// policykb.CodebookFrameID) first, then every Frame of the study by id.
func (s *Store) StudyFrames(ctx context.Context, study string) ([]policykb.Frame, error) {
	ctx, end := s.enter(ctx, "StudyFrames")
	defer end()
	st, err := s.Study(ctx, study)
	if err != nil {
		return nil, fmt.Errorf("graph: frames of study %s: %w", study, err)
	}
	codes, err := s.StudyCodes(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	frames := []policykb.Frame{policykb.CodebookFrame(st.Name, codes)}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, pmcStudyFrames, map[string]any{"study": st.ID})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: frames of study %s: %w", study, err)
	}
	for _, rec := range out.([]*neo4j.Record) {
		v := rec.Values
		f := policykb.Frame{ID: str(v[0]), Name: str(v[1]), NameZh: str(v[2]), Source: str(v[3])}
		for _, c := range v[4].([]any) {
			c := c.([]any)
			f.Codes = append(f.Codes, policykb.FrameCode{ID: str(c[0]), Level: str(c[1]), Parent: str(c[2]), Name: str(c[3]), NameZh: str(c[4])})
		}
		frames = append(frames, f)
	}
	return frames, nil
}

const pmcStudyFrames = `
MATCH (:Study {id: $study})-[:HAS_FRAME]->(f:Frame)
CALL (f) {
  MATCH (c:FrameCode)-[:IN_FRAME]->(f)
  OPTIONAL MATCH (c)-[:PART_OF]->(p:FrameCode)
  WITH c, p ORDER BY c.ord
  RETURN collect([c.id, c.level, p.id, c.name, c.nameZh]) AS codes
}
RETURN f.id, f.name, f.nameZh, f.source, codes ORDER BY f.id`

// StudyDocumentIDs returns the ids of the documents a study includes.
func (s *Store) StudyDocumentIDs(ctx context.Context, study string) ([]string, error) {
	ctx, end := s.enter(ctx, "StudyDocumentIDs")
	defer end()
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, studyDocumentIDs, map[string]any{"study": study})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: documents of study %s: %w", study, err)
	}
	var ids []string
	for _, v := range out.([]*neo4j.Record)[0].Values[0].([]any) {
		ids = append(ids, str(v))
	}
	return ids, nil
}

// ruleCodes splits the codes a model's codings rules name into codebook
// codes and the other frames' codes, each once, in model order.
func ruleCodes(m policykb.PMCModel, frames []policykb.Frame) (codebook []string, other []FrameCodeRef, names []string) {
	frameOf := map[string]string{}
	for _, f := range frames {
		for _, c := range f.Codes {
			frameOf[c.ID] = f.ID
		}
	}
	for _, v := range m.Variables {
		for _, sv := range v.Secondary {
			for _, c := range sv.Rule.Codes {
				f := frameOf[c]
				if !slices.Contains(names, f) {
					names = append(names, f)
				}
				if f == policykb.CodebookFrameID {
					if !slices.Contains(codebook, c) {
						codebook = append(codebook, c)
					}
				} else if r := (FrameCodeRef{f, c}); !slices.Contains(other, r) {
					other = append(other, r)
				}
			}
		}
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return boolOrder(a != policykb.CodebookFrameID) - boolOrder(b != policykb.CodebookFrameID)
	})
	return codebook, other, names
}

func boolOrder(b bool) int {
	if b {
		return 1
	}
	return 0
}

const upsertPMCModel = `
MATCH (st:Study {id: $study})
MERGE (m:PMCModel {study: $study, id: $id})
MERGE (st)-[:HAS_PMC_MODEL]->(m)
SET m.name = $name, m.nameZh = $nameZh, m.description = $description, m.source = $source,
    m.file = $file, m.yaml = $yaml, m.model = $model, m.codebookCodes = $codebookCodes,
    m.frameCodes = $frameCodes, m.frames = $frames`

const deletePMCScores = `
MATCH (:PMCModel {study: $study, id: $id})<-[r:PMC_SCORE]-()
DELETE r`

const writePMCScores = `
MATCH (m:PMCModel {study: $study, id: $id})
UNWIND $scores AS sc
MATCH (:Study {id: $study})-[:INCLUDES]->(d:Document {id: sc.document})
CREATE (d)-[:PMC_SCORE {study: $study, model: $id, variable: sc.variable, score: sc.score, note: sc.note}]->(m)`

const storedPMCScores = `
MATCH (d:Document)-[r:PMC_SCORE]->(:PMCModel {study: $study, id: $id})
RETURN collect([d.id, r.variable, r.score, r.note])`

// WritePMCModel stores a model and (unless KeepScores) replaces its manual
// scores, in one transaction, which also stores the model's decisions for
// every document of the study (pmc_decisions.go). Writing what is stored
// already writes nothing and returns false.
func (s *Store) WritePMCModel(ctx context.Context, w PMCModelWrite) (bool, error) {
	ctx, end := s.enter(ctx, "WritePMCModel")
	defer end()
	model, err := json.Marshal(w.Model)
	if err != nil {
		return false, fmt.Errorf("graph: pmc model %s: %w", w.Model.ID, err)
	}
	cb, other, frames := ruleCodes(w.Model, w.Frames)
	refs := make([]string, len(other))
	for i, r := range other {
		refs[i] = r.Frame + "/" + r.Code
	}
	params := map[string]any{"study": w.Study, "id": w.Model.ID, "name": w.Model.Name, "nameZh": w.Model.NameZh,
		"description": w.Model.Description, "source": w.Model.Source, "file": w.File, "yaml": string(w.YAML),
		"model": string(model), "codebookCodes": nonNilStrings(cb), "frameCodes": nonNilStrings(refs), "frames": nonNilStrings(frames)}
	scores := make([]any, len(w.Scores))
	want := map[[2]string][2]any{}
	for i, sc := range w.Scores {
		scores[i] = map[string]any{"document": sc.Document, "variable": sc.Variable, "score": int64(sc.Score), "note": sc.Note}
		want[[2]string{sc.Document, sc.Variable}] = [2]any{int64(sc.Score), sc.Note}
	}
	params["scores"] = scores
	// Unchanged: the same model source and the same scores.
	stored, err := s.PMCModel(ctx, w.Study, w.Model.ID)
	if err == nil && stored.YAML == string(w.YAML) && stored.File == w.File {
		same := w.KeepScores
		if !same {
			have, err := s.pmcScores(ctx, w.Study, w.Model.ID)
			if err != nil {
				return false, err
			}
			same = len(have) == len(want)
			for k, v := range have {
				if want[k] != v {
					same = false
				}
			}
		}
		if same {
			return false, nil
		}
	} else if err != nil && err != ErrNotFound {
		return false, err
	}
	_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		if err := exec(ctx, tx, upsertPMCModel, params); err != nil {
			return nil, err
		}
		info := PMCModelInfo{Study: w.Study, Model: w.Model, CodebookCodes: cb, FrameCodes: other}
		if err := s.refreshPMCModel(ctx, tx, w.Study, info); err != nil {
			return nil, err
		}
		if w.KeepScores {
			return nil, nil
		}
		if err := exec(ctx, tx, deletePMCScores, params); err != nil {
			return nil, err
		}
		return nil, exec(ctx, tx, writePMCScores, params)
	})
	if err != nil {
		return false, fmt.Errorf("graph: pmc model %s: %w", w.Model.ID, err)
	}
	return true, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Store) pmcScores(ctx context.Context, study, id string) (map[[2]string][2]any, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, storedPMCScores, map[string]any{"study": study, "id": id})
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pmc scores of %s: %w", id, err)
	}
	have := map[[2]string][2]any{}
	for _, r := range out.([]*neo4j.Record)[0].Values[0].([]any) {
		r := r.([]any)
		have[[2]string{str(r[0]), str(r[1])}] = [2]any{r[2], str(r[3])}
	}
	return have, nil
}

const pmcModels = `
MATCH (:Study {id: $study})-[:HAS_PMC_MODEL]->(m:PMCModel)
WHERE $id IS NULL OR m.id = $id
RETURN m.file, m.yaml, m.model, m.codebookCodes, m.frameCodes, m.frames, COUNT { (m)<-[:PMC_SCORE]-() }
ORDER BY m.id`

// PMCModels returns a study's models (study as StudyOf resolves it), by id.
func (s *Store) PMCModels(ctx context.Context, study string) ([]PMCModelInfo, error) {
	ctx, end := s.enter(ctx, "PMCModels")
	defer end()
	return s.pmcModels(ctx, study, nil)
}

// PMCModel returns one of a study's models, or ErrNotFound.
func (s *Store) PMCModel(ctx context.Context, study, id string) (PMCModelInfo, error) {
	ctx, end := s.enter(ctx, "PMCModel")
	defer end()
	ms, err := s.pmcModels(ctx, study, &id)
	if err != nil {
		return PMCModelInfo{}, err
	}
	if len(ms) == 0 {
		return PMCModelInfo{}, ErrNotFound
	}
	return ms[0], nil
}

func (s *Store) pmcModels(ctx context.Context, study string, id *string) ([]PMCModelInfo, error) {
	params := map[string]any{"study": study, "id": nil}
	if id != nil {
		params["id"] = *id
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, pmcModels, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pmc models of study %s: %w", study, err)
	}
	var ms []PMCModelInfo
	for _, rec := range out.([]*neo4j.Record) {
		v := rec.Values
		m := PMCModelInfo{Study: study, File: str(v[0]), YAML: str(v[1]), Scores: integer(v[6])}
		if err := json.Unmarshal([]byte(str(v[2])), &m.Model); err != nil {
			return nil, fmt.Errorf("graph: pmc model of study %s: stored model unreadable: %w", study, err)
		}
		m.CodebookCodes = stringList(v[3])
		for _, r := range stringList(v[4]) {
			f, c, _ := strings.Cut(r, "/")
			m.FrameCodes = append(m.FrameCodes, FrameCodeRef{f, c})
		}
		m.Frames = stringList(v[5])
		ms = append(ms, m)
	}
	return ms, nil
}

func stringList(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, str(x))
	}
	return out
}
