package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// PMCQuery asks for the PMC index of a model of a study over the documents
// of the study the filter admits.
type PMCQuery struct {
	Study  string // id or name; "" in a base of one study
	Model  string
	Filter policykb.CorpusFilter
}

// PMCDocument is one document's PMC index with the document (without its
// text) and its place in the ranking.
type PMCDocument struct {
	analysis.DocumentPMC
	Doc  policykb.Document
	Rank int
}

// PMCResult is the answer to a PMCQuery: every admitted document scored,
// in ranking order (analysis.Summarise's), and the summary across them.
// The evidence of a codings score (its sentences) is not read here: ask
// PMCEvidence for the documents that need it.
type PMCResult struct {
	Study     string
	Model     PMCModelInfo
	Documents []PMCDocument
	Summary   analysis.Summary
	// Recounted is how many documents' codings rules were decided from
	// the rollups and sentences because their stored decisions were
	// missing or of an older version (pmc_decisions.go); 0 when every
	// decision was read as stored.
	Recounted int
}

// pmcFacts reads, in one statement, the admitted documents with their
// cities and the fields their attributes need, the stored decisions of the
// model, the model's manual scores, and the version of the model's
// decisions. Each part starts from the few nodes it is about (the study,
// the model): the decisions are read along the model's relationships, which
// costs a fraction of reaching them from each document.
const pmcFacts = `
MATCH (m:PMCModel {study: $study, id: $model})
CALL () {
  MATCH (:Study {id: $study})-[:INCLUDES]->(d:Document)<-[:ISSUED]-(city:City)
  WHERE %s
  RETURN collect([d.id, city.name, d.title, d.issuer, d.issuedOn, d.docType, d.sha256]) AS docs
}
CALL (m) {
  MATCH (m)<-[pd:PMC_DECISIONS]-(d)
  RETURN collect([d.id, pd.ones]) AS decided
}
CALL (m) {
  MATCH (m)<-[ps:PMC_SCORE]-(d)
  RETURN collect([d.id, ps.variable, ps.score, ps.note]) AS manual
}
RETURN docs, decided, manual, coalesce(m.decisions, 0)`

// pmcRules are the codings rules of a model as $rules of pmcDecideAll, and
// the variable of each index.
func pmcRules(info PMCModelInfo) ([]any, []string) {
	frameOf := map[string]string{}
	for _, r := range info.FrameCodes {
		frameOf[r.Code] = r.Frame
	}
	var rules []any
	var ids []string
	for _, v := range info.Model.Variables {
		for _, sv := range v.Secondary {
			if sv.Rule.Kind != policykb.RuleCodings {
				continue
			}
			cb, fc := []string{}, []any{}
			for _, c := range sv.Rule.Codes {
				if f, ok := frameOf[c]; ok {
					fc = append(fc, []any{f, c})
				} else {
					cb = append(cb, c)
				}
			}
			rules = append(rules, map[string]any{"i": int64(len(ids)), "atLeast": int64(sv.Rule.AtLeast), "codebook": cb, "frames": fc})
			ids = append(ids, sv.ID)
		}
	}
	return rules, ids
}

// pmcTexts reads the texts the attribute cache lacks.
const pmcTexts = `
UNWIND $ids AS id
MATCH (d:Document {id: id})
RETURN collect([d.id, d.text])`

// PMC scores the admitted documents of the study with the model. Codings
// rules are decided by the decisions stored with the rollups (a rule with
// codes C and threshold k scores 1 when at least k distinct sentences of
// the document are coded under C; pmc_decisions.go); a document without
// stored decisions is recounted (decidePMC). Filters on coders do not
// apply: a score rests on the human codings and the derived ones.
func (s *Store) PMC(ctx context.Context, q PMCQuery) (*PMCResult, error) {
	ctx, end := s.enter(ctx, "PMC")
	defer end()
	if sentenceLevel(q.Filter) {
		return nil, policykb.InvalidArgument("filter", "pmc scores documents on their human and derived codings: coders and includeAutomatic do not apply")
	}
	study, err := s.StudyID(ctx, q.Study)
	if err != nil {
		return nil, err
	}
	info, err := s.PMCModel(ctx, study, q.Model)
	if err == ErrNotFound {
		return nil, s.unknownModel(ctx, study, q.Model)
	}
	if err != nil {
		return nil, err
	}
	f := q.Filter
	f.Study = "" // the statement starts from the study
	params, err := s.filterParams(ctx, f, map[string]any{"study": study, "model": info.Model.ID})
	if err != nil {
		return nil, err
	}
	cypher := fmt.Sprintf(pmcFacts, filterClause(f, params, false))
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pmc: %w", err)
	}
	recs := out.([]*neo4j.Record)
	if len(recs) == 0 { // the model went since it was read
		return nil, s.unknownModel(ctx, study, q.Model)
	}
	v := recs[0].Values
	rows := v[0].([]any)
	docs := make([]policykb.Document, 0, len(rows))
	decided := make(map[string][]string, len(rows)) // document → codings rules scoring 1
	current := integer(v[3]) == pmcDecisionsVersion
	if current {
		for _, r := range v[1].([]any) {
			r := r.([]any)
			decided[str(r[0])] = strings1(r[1])
		}
	}
	var recount []string
	for _, r := range rows {
		r := r.([]any)
		d := policykb.Document{ID: str(r[0]), City: str(r[1]), Title: str(r[2]), Issuer: str(r[3]),
			IssuedOn: date(r[4]), DocType: str(r[5]), SHA256: str(r[6])}
		docs = append(docs, d)
		if _, ok := decided[d.ID]; !ok {
			recount = append(recount, d.ID)
		}
	}
	if len(recount) > 0 {
		ids := recount
		if !current || len(ids) > pmcWholeStudy {
			ids = nil // every document of the study, from the rule codes
		}
		out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return s.decidePMC(ctx, tx, study, info, ids)
		})
		if err != nil {
			return nil, fmt.Errorf("graph: pmc: %w", err)
		}
		all := out.(map[string][]string)
		for _, d := range recount {
			decided[d] = all[d]
		}
		s.log.Debug("graph: pmc decisions recounted", "study", study, "model", info.Model.ID, "documents", len(recount))
	}
	manualRows := v[2].([]any)
	manual := make([]policykb.ManualScore, 0, len(manualRows))
	for _, r := range manualRows {
		r := r.([]any)
		manual = append(manual, policykb.ManualScore{Document: str(r[0]), Variable: str(r[1]), Score: integer(r[2]), Note: str(r[3])})
	}
	attrs, err := s.pmcAttributes(ctx, docs)
	if err != nil {
		return nil, fmt.Errorf("graph: pmc: %w", err)
	}
	res, err := s.scorePMC(study, info, docs, attrs, decided, manual)
	if err != nil {
		return nil, err
	}
	res.Recounted = len(recount)
	return res, nil
}

// scorePMC scores each document from its decided codings rules, attributes
// and manual scores.
func (s *Store) scorePMC(study string, info PMCModelInfo, docs []policykb.Document,
	attrs map[string]map[string]string, decided map[string][]string, manual []policykb.ManualScore) (*PMCResult, error) {
	model := info.Model
	res := &PMCResult{Study: study, Model: info}
	scored := make([]analysis.DocumentPMC, 0, len(docs))
	byID := make(map[string]int, len(docs))
	manualOf := make(map[string][]policykb.ManualScore, len(docs))
	for _, m := range manual {
		manualOf[m.Document] = append(manualOf[m.Document], m)
	}
	for i, d := range docs {
		byID[d.ID] = i
		facts := analysis.DocumentFacts{Document: d.ID, City: d.City, Attributes: attrs[d.ID]}
		scores, err := analysis.Score(model, nil, facts, manualOf[d.ID])
		if err != nil {
			return nil, policykb.InvalidArgument("model", "%v: load the scores with `policykb pmc add-model --study %s --scores FILE`", err, study)
		}
		ones, next := decided[d.ID], 0 // ones in model order, as scores
		for i := range scores {
			if scores[i].Evidence.Kind == policykb.RuleCodings {
				scores[i].Score = 0
				if next < len(ones) && ones[next] == scores[i].Variable {
					scores[i].Score = 1
					next++
				} else if slices.Contains(ones, scores[i].Variable) {
					scores[i].Score = 1
				}
			}
		}
		dp, err := analysis.Compute(model, d.ID, d.City, scores)
		if err != nil {
			return nil, fmt.Errorf("graph: pmc: %w", err)
		}
		scored = append(scored, dp)
	}
	res.Summary = analysis.Summarise(scored)
	res.Documents = make([]PMCDocument, 0, len(scored))
	for _, r := range res.Summary.Ranking {
		i := byID[r.Document]
		res.Documents = append(res.Documents, PMCDocument{DocumentPMC: scored[i], Doc: docs[i], Rank: r.Rank})
	}
	return res, nil
}

func secondaryOf(m policykb.PMCModel, id string) policykb.PMCSecondary {
	for _, v := range m.Variables {
		for _, sv := range v.Secondary {
			if sv.ID == id {
				return sv
			}
		}
	}
	return policykb.PMCSecondary{}
}

func (s *Store) unknownModel(ctx context.Context, study, id string) error {
	ms, err := s.PMCModels(ctx, study)
	if err != nil {
		return err
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.Model.ID)
	}
	if len(ids) == 0 {
		return policykb.InvalidArgument("model", "study %s has no PMC model: add one with `policykb pmc add-model --study %s MODEL.yaml`", study, study)
	}
	return policykb.InvalidArgument("model", "study %s has no PMC model %q; its models are %v", study, id, ids)
}

// pmcEvidenceSentences lists, for each sentence of the given documents
// coded under a code a rule names, those codes: codebook codes through
// CODED_AS (human codings) and BELONGS_TO, other frames' codes through
// CODED_IN (human and derived codings) and PART_OF.
const pmcEvidenceSentences = `
UNWIND $docs AS did
MATCH (d:Document {id: did})-[:HAS_SENTENCE]->(s:Sentence)
CALL (s) {
  MATCH (s)-[r:CODED_AS]->(:Code)-[:BELONGS_TO*0..3]->(k:Code)
  WHERE k.study = $study AND k.id IN $codebookCodes AND coalesce(r.origin, '') <> '` + policykb.OriginAuto + `'
  RETURN k.id AS code
  UNION
  MATCH (s)-[r:CODED_IN]->(:FrameCode)-[:PART_OF*0..]->(k:FrameCode)
  WHERE k.study = $study AND [k.frame, k.id] IN $frameCodes AND coalesce(r.origin, '') <> '` + policykb.OriginAuto + `'
  RETURN k.id AS code
}
WITH d, s, collect(code) AS codes
RETURN collect([d.id, s.id, codes])`

// PMCEvidence returns, for each of the given documents, the sentences
// behind each of its codings scores (variable → sentence ids, sorted):
// every sentence coded under one of the rule's codes, as analysis.Score
// lists them.
func (s *Store) PMCEvidence(ctx context.Context, res *PMCResult, docIDs []string) (map[string]map[string][]string, error) {
	ctx, end := s.enter(ctx, "PMCEvidence")
	defer end()
	return s.pmcEvidence(ctx, res.Study, res.Model, docIDs)
}

func (s *Store) pmcEvidence(ctx context.Context, study string, info PMCModelInfo, docIDs []string) (map[string]map[string][]string, error) {
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return s.pmcEvidenceIn(ctx, tx, study, info, docIDs)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pmc evidence: %w", err)
	}
	return out.(map[string]map[string][]string), nil
}

// pmcEvidenceIn is PMCEvidence inside tx.
func (s *Store) pmcEvidenceIn(ctx context.Context, tx neo4j.ManagedTransaction, study string, info PMCModelInfo, docIDs []string) (map[string]map[string][]string, error) {
	refs := make([]any, len(info.FrameCodes))
	for i, r := range info.FrameCodes {
		refs[i] = []any{r.Frame, r.Code}
	}
	params := map[string]any{"study": study, "docs": docIDs, "codebookCodes": nonNilStrings(info.CodebookCodes), "frameCodes": refs}
	rows, err := packed(ctx, tx, pmcEvidenceSentences, params)
	if err != nil {
		return nil, err
	}
	coded := map[string]map[string][]string{} // document → sentence → rule codes
	for _, r := range rows {
		d := str(r[0])
		if coded[d] == nil {
			coded[d] = map[string][]string{}
		}
		coded[d][str(r[1])] = stringList(r[2])
	}
	// Only the codings rules: a model without its other rules' inputs.
	codings := info.Model
	codings.Variables = nil
	for _, v := range info.Model.Variables {
		pv := v
		pv.Secondary = nil
		for _, sv := range v.Secondary {
			if sv.Rule.Kind == policykb.RuleCodings {
				pv.Secondary = append(pv.Secondary, sv)
			}
		}
		codings.Variables = append(codings.Variables, pv)
	}
	out := map[string]map[string][]string{}
	for _, d := range docIDs {
		// The codes listed are the rule codes themselves, so no parents
		// are needed to tell what is under them.
		scores, err := analysis.Score(codings, map[string]string{}, analysis.DocumentFacts{Document: d, Coded: coded[d]}, nil)
		if err != nil {
			return nil, err
		}
		out[d] = map[string][]string{}
		for _, sc := range scores {
			out[d][sc.Variable] = sc.Evidence.Sentences
		}
	}
	return out, nil
}

// attributeCache keeps each document's PMC attributes
// (analysis.DocumentAttributes), which read its whole text, while the
// fields they come from stay the same, so that a PMC reads texts only of
// documents it has not seen or that changed.
type attributeCache struct {
	mu sync.Mutex
	m  map[string]cachedAttributes
}

type cachedAttributes struct {
	key   string // what the attributes were computed from, but the text: its hash
	attrs map[string]string
}

// textsPerRead is how many documents' texts one statement reads.
const textsPerRead = 200

// maxCachedAttributes bounds the cache; past it the cache starts over.
const maxCachedAttributes = 200_000

func attributeKey(d policykb.Document) string {
	return d.SHA256 + "\x00" + d.Issuer + "\x00" + d.DocType + "\x00" + d.IssuedOn.Format("2006-01-02")
}

func (s *Store) pmcAttributes(ctx context.Context, docs []policykb.Document) (map[string]map[string]string, error) {
	c := &s.pmcAttrs
	out := map[string]map[string]string{}
	var missing []string
	c.mu.Lock()
	for _, d := range docs {
		if e, ok := c.m[d.ID]; ok && e.key == attributeKey(d) && d.SHA256 != "" {
			out[d.ID] = e.attrs
		} else {
			missing = append(missing, d.ID)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	byID := map[string]policykb.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	// A chunk at a time, each kept as soon as it is read: a first
	// question over a large base that runs out of time leaves the next
	// one less to read.
	for _, ids := range chunks(missing, textsPerRead) {
		rows, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return packed(ctx, tx, pmcTexts, map[string]any{"ids": ids})
		})
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.m == nil || len(c.m) > maxCachedAttributes {
			c.m = map[string]cachedAttributes{}
		}
		for _, r := range rows.([][]any) {
			d := byID[str(r[0])]
			full := d
			full.Text = str(r[1])
			a := analysis.DocumentAttributes(full)
			out[d.ID] = a
			c.m[d.ID] = cachedAttributes{key: attributeKey(d), attrs: a}
		}
		c.mu.Unlock()
	}
	return out, nil
}
