package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Stored PMC decisions. For every stored model m of a study and every
// document d the study includes, the graph holds
//
//	(d:Document)-[:PMC_DECISIONS {study, model, ones: [secondary variable ids]}]->(m:PMCModel)
//
// ones lists the model's codings rules d scores 1 on (in model order); every
// other codings rule scores 0. They are derived data, like the rollups they
// are computed from, and kept as current: every statement that recomputes
// a document's rollups or frame rollups marks the document (:PMCStale),
// and every write transaction ends by recomputing the decisions of the
// marked documents for each model of the studies that include them
// (refreshStalePMC, run by Store.write), so a change of codings and the
// decisions it moves commit together. Storing a model recomputes its
// decisions for every document of the study in the transaction that
// stores it, and sets m.decisions to pmcDecisionsVersion; a model stored
// before decisions existed (an older m.decisions) gets them when a store
// opens the base (backfillPMCDecisions). A question then reads one
// relationship per document instead of the rollups of every rule code;
// a document without one (or a model without current decisions) is
// recounted from the rollups and sentences, which is the same computation
// (decidePMC), and PMCResult.Recounted says how many were.

// pmcDecisionsVersion is the version of the decisions this policykb keeps.
const pmcDecisionsVersion = 1

// markPMCStale marks the document d bound by the statement for
// refreshStalePMC.
const markPMCStale = `
SET d:PMCStale`

// pmcDecideAll decides, from the rollups, each codings rule of $rules for
// every document of the study with a rollup of a rule code: for each rule r
// (its index i, threshold atLeast, codebook codes and other frames' codes
// as [frame, code]) the ROLLUP of each codebook code and the FRAME_ROLLUP
// of each frame code (distinct sentences of d coded at the code or below
// it, human codings and derived ones). One code with atLeast sentences
// decides 1 (listed as i); all codes together with fewer decide 0 (not
// listed); in between the sentences must be read to count each once
// (listed as -1 - i). It starts from the rule codes, whose rollups are
// what it reads.
const pmcDecideAll = `
UNWIND $rules AS r
CALL (r) {
  UNWIND r.codebook AS id
  MATCH (:Code {study: $study, id: id})<-[ru:ROLLUP]-(d)
  RETURN d, ru.sentences AS n
  UNION ALL
  UNWIND r.frames AS ref
  MATCH (:FrameCode {study: $study, frame: ref[0], id: ref[1]})<-[fr:FRAME_ROLLUP]-(d)
  RETURN d, fr.sentences AS n
}
WITH r, d, max(n) AS most, sum(n) AS total
WHERE total >= r.atLeast
WITH d, collect(CASE WHEN most >= r.atLeast THEN r.i ELSE -1 - r.i END) AS rules
RETURN collect([d.id, rules])`

// pmcDecideDocuments is pmcDecideAll for the documents $docs, starting
// from them.
const pmcDecideDocuments = `
UNWIND $docs AS did
MATCH (d:Document {id: did})
CALL (d) {
  UNWIND $rules AS r
  CALL (d, r) {
    UNWIND r.codebook AS id
    MATCH (d)-[ru:ROLLUP]->(:Code {study: $study, id: id})
    RETURN ru.sentences AS n
    UNION ALL
    UNWIND r.frames AS ref
    MATCH (d)-[fr:FRAME_ROLLUP]->(:FrameCode {study: $study, frame: ref[0], id: ref[1]})
    RETURN fr.sentences AS n
  }
  WITH r, max(n) AS most, sum(n) AS total
  WHERE total >= r.atLeast
  RETURN collect(CASE WHEN most >= r.atLeast THEN r.i ELSE -1 - r.i END) AS rules
}
RETURN collect([d.id, rules])`

// decidePMC decides, inside tx, every codings rule of the model for the
// documents docIDs of the study (nil: every document the study includes):
// from the rollups, and for a rule they leave open from the document's
// sentences (pmcEvidenceIn). It returns each document's ones, in model
// order; a document with none has an empty list.
func (s *Store) decidePMC(ctx context.Context, tx neo4j.ManagedTransaction, study string, info PMCModelInfo, docIDs []string) (map[string][]string, error) {
	rules, ids := pmcRules(info)
	params := map[string]any{"study": study, "rules": rules}
	cypher := pmcDecideDocuments
	if docIDs == nil {
		recs, err := collect(ctx, tx, studyDocumentIDs, map[string]any{"study": study})
		if err != nil {
			return nil, err
		}
		docIDs = strings1(recs[0].Values[0])
		cypher = pmcDecideAll
	} else {
		params["docs"] = docIDs
	}
	out := make(map[string][]string, len(docIDs))
	for _, d := range docIDs {
		out[d] = []string{}
	}
	if len(rules) == 0 || len(docIDs) == 0 {
		return out, nil
	}
	rows, err := packed(ctx, tx, cypher, params)
	if err != nil {
		return nil, fmt.Errorf("decide pmc rules: %w", err)
	}
	one := map[string]map[string]bool{}
	open := map[string][]string{} // document → rules its sentences decide
	for _, r := range rows {
		d := str(r[0])
		if _, ok := out[d]; !ok {
			continue // a document of another study holding the codes
		}
		for _, x := range r[1].([]any) {
			if i := integer(x); i >= 0 {
				if one[d] == nil {
					one[d] = map[string]bool{}
				}
				one[d][ids[i]] = true
			} else {
				open[d] = append(open[d], ids[-1-i])
			}
		}
	}
	if len(open) > 0 {
		var docs []string
		for d := range open {
			docs = append(docs, d)
		}
		slices.Sort(docs)
		ev, err := s.pmcEvidenceIn(ctx, tx, study, info, docs)
		if err != nil {
			return nil, err
		}
		for d, vars := range open {
			for _, v := range vars {
				if len(ev[d][v]) >= secondaryOf(info.Model, v).Rule.AtLeast {
					if one[d] == nil {
						one[d] = map[string]bool{}
					}
					one[d][v] = true
				}
			}
		}
	}
	for d, set := range one {
		for _, v := range ids {
			if set[v] {
				out[d] = append(out[d], v)
			}
		}
	}
	return out, nil
}

const writePMCDecisions = `
MATCH (m:PMCModel {study: $study, id: $model})
UNWIND $rows AS row
MATCH (d:Document {id: row[0]})
MERGE (d)-[pd:PMC_DECISIONS]->(m)
SET pd.study = $study, pd.model = $model, pd.ones = row[1]`

// pmcDecisionsDone drops the decisions of documents the study no longer
// includes and marks the model's decisions current.
const pmcDecisionsDone = `
MATCH (m:PMCModel {study: $study, id: $model})
CALL (m) {
  MATCH (m)<-[pd:PMC_DECISIONS]-(d)
  WHERE NOT EXISTS { (:Study {id: $study})-[:INCLUDES]->(d) }
  DELETE pd
}
SET m.decisions = $version`

// storePMCDecisions writes, inside tx, decisions as decidePMC returns them.
func (s *Store) storePMCDecisions(ctx context.Context, tx neo4j.ManagedTransaction, study, model string, decisions map[string][]string) error {
	rows := make([]any, 0, len(decisions))
	for d, ones := range decisions {
		rows = append(rows, []any{d, ones})
	}
	for _, batch := range chunks(rows, s.cfg.BatchSize) {
		if err := exec(ctx, tx, writePMCDecisions, map[string]any{"study": study, "model": model, "rows": batch}); err != nil {
			return fmt.Errorf("store pmc decisions: %w", err)
		}
	}
	return nil
}

// refreshPMCModel recomputes, inside tx, the decisions of a model for every
// document of its study.
func (s *Store) refreshPMCModel(ctx context.Context, tx neo4j.ManagedTransaction, study string, info PMCModelInfo) error {
	decisions, err := s.decidePMC(ctx, tx, study, info, nil)
	if err != nil {
		return err
	}
	if err := s.storePMCDecisions(ctx, tx, study, info.Model.ID, decisions); err != nil {
		return err
	}
	return exec(ctx, tx, pmcDecisionsDone, map[string]any{"study": study, "model": info.Model.ID, "version": int64(pmcDecisionsVersion)})
}

// stalePMC unmarks the stale documents, drops their decisions for models of
// studies that no longer include them, and lists, per model of a study
// that includes some, those documents.
const stalePMC = `
MATCH (d:PMCStale)
REMOVE d:PMCStale
WITH d
CALL (d) {
  MATCH (d)-[pd:PMC_DECISIONS]->(m:PMCModel)
  WHERE NOT EXISTS { (m)<-[:HAS_PMC_MODEL]-(:Study)-[:INCLUDES]->(d) }
  DELETE pd
}
MATCH (st:Study)-[:INCLUDES]->(d)
MATCH (st)-[:HAS_PMC_MODEL]->(m:PMCModel)
RETURN st.id, m.model, m.codebookCodes, m.frameCodes, collect(d.id)`

// pmcWholeStudy is the number of stale documents of a study past which
// refreshStalePMC recomputes a model's decisions for the whole study.
const pmcWholeStudy = 500

// refreshStalePMC recomputes, inside tx, the decisions of the documents
// whose rollups the transaction changed (see markPMCStale).
func (s *Store) refreshStalePMC(ctx context.Context, tx neo4j.ManagedTransaction) error {
	recs, err := collect(ctx, tx, stalePMC, nil)
	if err != nil {
		return err
	}
	for _, r := range recs {
		study := str(r.Values[0])
		info, err := storedModelInfo(study, r.Values[1], r.Values[2], r.Values[3])
		if err != nil {
			return err
		}
		stale := strings1(r.Values[4])
		if len(stale) > pmcWholeStudy {
			// Most of a study (a changed codebook): reading every
			// rollup of the rule codes once costs less than each
			// document's.
			if err := s.refreshPMCModel(ctx, tx, study, info); err != nil {
				return err
			}
			continue
		}
		for _, ids := range chunks(stale, max(1, s.cfg.BatchSize)) {
			decisions, err := s.decidePMC(ctx, tx, study, info, ids)
			if err != nil {
				return err
			}
			if err := s.storePMCDecisions(ctx, tx, study, info.Model.ID, decisions); err != nil {
				return err
			}
		}
	}
	return nil
}

// storedModelInfo reads a model's rules from its stored properties.
func storedModelInfo(study string, model, codebookCodes, frameCodes any) (PMCModelInfo, error) {
	info := PMCModelInfo{Study: study}
	if err := json.Unmarshal([]byte(str(model)), &info.Model); err != nil {
		return info, fmt.Errorf("pmc model of study %s: stored model unreadable: %w", study, err)
	}
	info.CodebookCodes = stringList(codebookCodes)
	for _, r := range stringList(frameCodes) {
		f, c, _ := strings.Cut(r, "/")
		info.FrameCodes = append(info.FrameCodes, FrameCodeRef{f, c})
	}
	return info, nil
}

const modelsWithoutDecisions = `
MATCH (st:Study)-[:HAS_PMC_MODEL]->(m:PMCModel)
WHERE coalesce(m.decisions, 0) < $version
RETURN st.id, m.model, m.codebookCodes, m.frameCodes`

// backfillPMCDecisions computes the decisions of every model stored
// without current ones, a model per transaction. It does nothing on a base
// whose decisions are maintained.
func (s *Store) backfillPMCDecisions(ctx context.Context) error {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, modelsWithoutDecisions, map[string]any{"version": int64(pmcDecisionsVersion)})
	})
	if err != nil {
		return fmt.Errorf("graph: backfill pmc decisions: %w", err)
	}
	for _, r := range out.([]*neo4j.Record) {
		study := str(r.Values[0])
		info, err := storedModelInfo(study, r.Values[1], r.Values[2], r.Values[3])
		if err != nil {
			return fmt.Errorf("graph: backfill pmc decisions: %w", err)
		}
		if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return nil, s.refreshPMCModel(ctx, tx, study, info)
		}); err != nil {
			return fmt.Errorf("graph: backfill pmc decisions of model %s: %w", info.Model.ID, err)
		}
		s.log.Info(fmt.Sprintf("graph: stored the PMC decisions of model %s of study %s", info.Model.ID, study),
			"study", study, "model", info.Model.ID)
	}
	return nil
}

// PMCDecisionMismatch is a document whose stored decisions differ from a
// recount.
type PMCDecisionMismatch struct {
	Document        string
	Stored, Recount []string // the codings rules scoring 1; Stored nil: none stored
}

const storedPMCDecisions = `
MATCH (:Study {id: $study})-[:INCLUDES]->(d:Document)
OPTIONAL MATCH (d)-[pd:PMC_DECISIONS]->(:PMCModel {study: $study, id: $model})
RETURN collect([d.id, pd.ones])`

// CheckPMCDecisions recounts the codings rules of a model for every
// document of the study from the rollups and sentences, and lists the
// documents whose stored decisions differ (or are missing), by id.
func (s *Store) CheckPMCDecisions(ctx context.Context, study, model string) ([]PMCDecisionMismatch, error) {
	ctx, end := s.enter(ctx, "CheckPMCDecisions")
	defer end()
	study, err := s.StudyID(ctx, study)
	if err != nil {
		return nil, err
	}
	info, err := s.PMCModel(ctx, study, model)
	if err == ErrNotFound {
		return nil, s.unknownModel(ctx, study, model)
	}
	if err != nil {
		return nil, err
	}
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		recount, err := s.decidePMC(ctx, tx, study, info, nil)
		if err != nil {
			return nil, err
		}
		rows, err := packed(ctx, tx, storedPMCDecisions, map[string]any{"study": study, "model": model})
		if err != nil {
			return nil, err
		}
		var bad []PMCDecisionMismatch
		for _, r := range rows {
			d := str(r[0])
			var stored []string
			if r[1] != nil {
				stored = strings1(r[1])
			}
			if stored == nil || !slices.Equal(stored, recount[d]) {
				bad = append(bad, PMCDecisionMismatch{Document: d, Stored: stored, Recount: recount[d]})
			}
		}
		slices.SortFunc(bad, func(a, b PMCDecisionMismatch) int { return strings.Compare(a.Document, b.Document) })
		return bad, nil
	})
	if err != nil {
		return nil, fmt.Errorf("graph: check pmc decisions of %s: %w", model, err)
	}
	return out.([]PMCDecisionMismatch), nil
}

// RefreshPMCDecisions recomputes and stores a model's decisions for every
// document of the study, in one transaction: what CheckPMCDecisions
// reports as differing is then current again.
func (s *Store) RefreshPMCDecisions(ctx context.Context, study, model string) error {
	ctx, end := s.enter(ctx, "RefreshPMCDecisions")
	defer end()
	study, err := s.StudyID(ctx, study)
	if err != nil {
		return err
	}
	info, err := s.PMCModel(ctx, study, model)
	if err == ErrNotFound {
		return s.unknownModel(ctx, study, model)
	}
	if err != nil {
		return err
	}
	if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return nil, s.refreshPMCModel(ctx, tx, study, info)
	}); err != nil {
		return fmt.Errorf("graph: refresh pmc decisions of %s: %w", model, err)
	}
	return nil
}
