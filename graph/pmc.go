package graph

import (
	"context"
	"fmt"
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
}

// pmcFacts reads, in one statement, the admitted documents with their
// cities and the fields their attributes need, the model's manual scores,
// and what the rollups decide of each codings rule: for each rule r
// ($rules: its index i, threshold atLeast, codebook codes and other
// frames' codes) and document d, the ROLLUP of each codebook code and the
// FRAME_ROLLUP of each frame code (distinct sentences of d coded at the
// code or below it, human codings and derived ones). One code with
// atLeast sentences decides 1 (listed as i); all codes together with fewer
// decide 0 (not listed); in between the sentences must be read to count
// each once (listed as -1 - i). Each part starts from the few nodes it is
// about (the study, the rule codes, the model), and a document's
// decisions travel as one list of small integers.
const pmcFacts = `
CALL () {
  MATCH (:Study {id: $study})-[:INCLUDES]->(d:Document)<-[:ISSUED]-(city:City)
  WHERE %s
  RETURN collect([d.id, city.name, d.title, d.issuer, d.issuedOn, d.docType, d.sha256]) AS docs
}
CALL () {
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
  RETURN collect([d.id, rules]) AS decided
}
CALL () {
  MATCH (:PMCModel {study: $study, id: $model})<-[ps:PMC_SCORE]-(d)
  RETURN collect([d.id, ps.variable, ps.score, ps.note]) AS manual
}
RETURN docs, decided, manual`

// pmcRules are the codings rules of a model as $rules of pmcFacts, and
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
// rules are decided from the rollups: a rule with codes C and threshold k
// scores 1 when one code of C alone has k sentences, 0 when all of C
// together have fewer than k; only in between (several codes whose
// sentences may overlap) are the document's sentences read, by
// PMCEvidence, to count them once. Filters on coders do not apply: a
// score rests on the human codings and the derived ones.
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
	rules, ids := pmcRules(info)
	params["rules"] = rules
	cypher := fmt.Sprintf(pmcFacts, filterClause(f, params, false))
	out, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return collect(ctx, tx, cypher, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pmc: %w", err)
	}
	v := out.([]*neo4j.Record)[0].Values
	var docs []policykb.Document
	for _, r := range v[0].([]any) {
		r := r.([]any)
		docs = append(docs, policykb.Document{ID: str(r[0]), City: str(r[1]), Title: str(r[2]), Issuer: str(r[3]),
			IssuedOn: date(r[4]), DocType: str(r[5]), SHA256: str(r[6])})
	}
	// document → codings variable → 1 (decided), -1 (the sentences decide);
	// absent: 0.
	decided := map[string]map[string]int{}
	for _, r := range v[1].([]any) {
		r := r.([]any)
		m := map[string]int{}
		for _, x := range r[1].([]any) {
			if i := integer(x); i >= 0 {
				m[ids[i]] = 1
			} else {
				m[ids[-1-i]] = -1
			}
		}
		decided[str(r[0])] = m
	}
	var manual []policykb.ManualScore
	for _, r := range v[2].([]any) {
		r := r.([]any)
		manual = append(manual, policykb.ManualScore{Document: str(r[0]), Variable: str(r[1]), Score: integer(r[2]), Note: str(r[3])})
	}
	attrs, err := s.pmcAttributes(ctx, docs)
	if err != nil {
		return nil, fmt.Errorf("graph: pmc: %w", err)
	}
	return s.scorePMC(ctx, study, info, docs, attrs, decided, manual)
}

// scorePMC scores each document from its rollup decisions, attributes and
// manual scores, reading the sentences of those whose rollups leave a rule
// open.
func (s *Store) scorePMC(ctx context.Context, study string, info PMCModelInfo, docs []policykb.Document,
	attrs map[string]map[string]string, decided map[string]map[string]int, manual []policykb.ManualScore) (*PMCResult, error) {
	model := info.Model
	type open struct{ doc, variable string }
	var undecided []open
	for _, d := range docs {
		if decided[d.ID] == nil {
			decided[d.ID] = map[string]int{}
		}
		for v, x := range decided[d.ID] {
			if x < 0 {
				undecided = append(undecided, open{d.ID, v})
			}
		}
	}
	if len(undecided) > 0 {
		var ids []string
		seen := map[string]bool{}
		for _, u := range undecided {
			if !seen[u.doc] {
				seen[u.doc] = true
				ids = append(ids, u.doc)
			}
		}
		ev, err := s.pmcEvidence(ctx, study, info, ids)
		if err != nil {
			return nil, err
		}
		for _, u := range undecided {
			sv := secondaryOf(model, u.variable)
			if len(ev[u.doc][u.variable]) >= sv.Rule.AtLeast {
				decided[u.doc][u.variable] = 1
			} else {
				decided[u.doc][u.variable] = 0
			}
		}
	}
	res := &PMCResult{Study: study, Model: info}
	var scored []analysis.DocumentPMC
	byID := map[string]policykb.Document{}
	manualOf := map[string][]policykb.ManualScore{}
	for _, m := range manual {
		manualOf[m.Document] = append(manualOf[m.Document], m)
	}
	for _, d := range docs {
		byID[d.ID] = d
		facts := analysis.DocumentFacts{Document: d.ID, City: d.City, Attributes: attrs[d.ID]}
		scores, err := analysis.Score(model, nil, facts, manualOf[d.ID])
		if err != nil {
			return nil, policykb.InvalidArgument("model", "%v: load the scores with `policykb pmc add-model --study %s --scores FILE`", err, study)
		}
		for i := range scores {
			if scores[i].Evidence.Kind == policykb.RuleCodings {
				scores[i].Score = decided[d.ID][scores[i].Variable]
			}
		}
		dp, err := analysis.Compute(model, d.ID, d.City, scores)
		if err != nil {
			return nil, fmt.Errorf("graph: pmc: %w", err)
		}
		scored = append(scored, dp)
	}
	res.Summary = analysis.Summarise(scored)
	byDoc := map[string]analysis.DocumentPMC{}
	for _, dp := range scored {
		byDoc[dp.Document] = dp
	}
	for _, r := range res.Summary.Ranking {
		res.Documents = append(res.Documents, PMCDocument{DocumentPMC: byDoc[r.Document], Doc: byID[r.Document], Rank: r.Rank})
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
	refs := make([]any, len(info.FrameCodes))
	for i, r := range info.FrameCodes {
		refs[i] = []any{r.Frame, r.Code}
	}
	params := map[string]any{"study": study, "docs": docIDs, "codebookCodes": nonNilStrings(info.CodebookCodes), "frameCodes": refs}
	rows, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return packed(ctx, tx, pmcEvidenceSentences, params)
	})
	if err != nil {
		return nil, fmt.Errorf("graph: pmc evidence: %w", err)
	}
	coded := map[string]map[string][]string{} // document → sentence → rule codes
	for _, r := range rows.([][]any) {
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
			return nil, fmt.Errorf("graph: pmc evidence: %w", err)
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
