package loaders

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// A load is for one study (Input.Study, Plan.Study): its codebook is the
// study's, its codings are at the study's codes, and the study comes to
// include its documents. Documents are shared by every study:
//
//   - a document stored under the same id with the same text is linked to
//     the study, nothing of it written again;
//   - a document stored under the same id with another text and included
//     by another study is a problem at its manifest row (naming the study
//     that has it): one id names one text;
//   - a document whose text is stored under another id is that stored
//     document: the load links it (and its codings go onto its sentences),
//     and a note says so.

// targetStudy returns the id of the study the load is for: Plan.Study, or
// the base's one study; none ("") in a base without studies. A base with
// several and no study named is an error listing them.
func (v *validation) targetStudy(ctx context.Context) (string, error) {
	if v.plan.Study != "" || v.store == nil {
		return v.plan.Study, nil
	}
	studies, err := v.store.Studies(ctx)
	if err != nil {
		return "", fmt.Errorf("loaders: read studies: %w", err)
	}
	switch len(studies) {
	case 0:
		return "", nil
	case 1:
		return studies[0].ID, nil
	}
	ids := make([]string, len(studies))
	for i, st := range studies {
		ids[i] = st.ID
	}
	return "", policykb.InvalidArgument("study", "loaders: the knowledge base holds %d studies; say which one this load is for (--study): %s",
		len(studies), strings.Join(ids, ", "))
}

// studyCodes returns the stored codes of the load's study.
func (v *validation) studyCodes(ctx context.Context) ([]policykb.Code, error) {
	study, err := v.targetStudy(ctx)
	if err != nil {
		return nil, err
	}
	if study == "" {
		return nil, nil
	}
	codes, err := v.store.StudyCodes(ctx, study)
	if err != nil {
		return nil, fmt.Errorf("loaders: read stored codes: %w", err)
	}
	return codes, nil
}

// checkSharedDocuments finds the documents of this load that other
// studies hold: a problem for another text under a stored id, an alias
// and a note for a text stored under another id.
func (v *validation) checkSharedDocuments(ctx context.Context, manifest string, entries []docEntry) error {
	if v.store == nil || len(entries) == 0 {
		return nil
	}
	study, err := v.targetStudy(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, len(entries))
	var hashes []string
	for i, e := range entries {
		ids[i] = e.doc.ID
		if e.ok && e.doc.SHA256 != "" {
			hashes = append(hashes, e.doc.SHA256)
		}
	}
	held, err := v.store.DocumentStudies(ctx, ids)
	if err != nil {
		return fmt.Errorf("loaders: read stored documents: %w", err)
	}
	stored, err := v.store.DocumentsByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("loaders: read stored documents: %w", err)
	}
	bySHA, err := v.store.DocumentsBySHA256(ctx, hashes)
	if err != nil {
		return err
	}
	var linked []string
	for _, e := range entries {
		if s, ok := stored[e.doc.ID]; ok {
			others := slices.DeleteFunc(slices.Clone(held[e.doc.ID]), func(id string) bool { return id == study })
			if e.ok && s.SHA256 != e.doc.SHA256 && len(others) > 0 {
				v.c.add(manifest, e.line, "file",
					"document %s: %s is another text than the one study %s holds under this id; a document's id names one text: give this one another id",
					e.doc.ID, e.path, strings.Join(others, ", "))
			}
			continue
		}
		if id, ok := bySHA[e.doc.SHA256]; ok && e.ok && id != e.doc.ID {
			if v.aliases == nil {
				v.aliases = map[string]string{}
			}
			v.aliases[e.doc.ID] = id
			linked = append(linked, fmt.Sprintf("%s (%s) is stored document %s", e.doc.ID, e.path, id))
		}
	}
	if len(linked) > 0 {
		v.plan.Notes = append(v.plan.Notes, "same text already stored, the stored document is linked instead: "+strings.Join(linked, "; "))
	}
	return nil
}

// shared returns the bundle as written: a document whose text is stored
// under another id becomes that document, its sentences and codings
// renamed to its sentences (segmentation is deterministic: the same text
// gives the same sentences).
func (v *validation) shared(b graph.DocumentBundle) graph.DocumentBundle {
	if id, ok := v.aliases[b.Document.ID]; ok {
		return renamed(b, id)
	}
	return b
}

// renamed is the bundle b as the stored document id, which has its text.
func renamed(b graph.DocumentBundle, id string) graph.DocumentBundle {
	rename := map[string]string{}
	b.Document.ID = id
	b.Sentences = slices.Clone(b.Sentences)
	for i := range b.Sentences {
		newID := policykb.SentenceID(id, b.Sentences[i].Index)
		rename[b.Sentences[i].ID] = newID
		b.Sentences[i].ID = newID
	}
	b.Codings = slices.Clone(b.Codings)
	for i := range b.Codings {
		b.Codings[i].SentenceID = rename[b.Codings[i].SentenceID]
	}
	return b
}

// newStudyPlan returns an empty plan for the study called study (a name
// or an id; "" for the base's one study) from source.
func newStudyPlan(study, source string) *Plan {
	p := &Plan{}
	if strings.TrimSpace(study) != "" {
		p.Study, p.StudyName, p.StudySource = policykb.StudySlug(study), strings.TrimSpace(study), source
	}
	return p
}

// linkStoredTexts makes each document of the plan whose id is not stored
// but whose text is, under another id, that stored document (as a load's
// validation does, see checkSharedDocuments): an import of a project
// holding documents another study has does not store them again. It
// returns a note per document linked.
func (p *Plan) linkStoredTexts(ctx context.Context, store *graph.Store) ([]string, error) {
	if len(p.Documents) == 0 {
		return nil, nil
	}
	ids := make([]string, len(p.Documents))
	hashes := make([]string, len(p.Documents))
	for i, b := range p.Documents {
		ids[i], hashes[i] = b.Document.ID, b.Document.SHA256
	}
	stored, err := store.DocumentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	bySHA, err := store.DocumentsBySHA256(ctx, hashes)
	if err != nil {
		return nil, err
	}
	var notes []string
	for i, b := range p.Documents {
		if _, ok := stored[b.Document.ID]; ok {
			continue
		}
		if id, ok := bySHA[b.Document.SHA256]; ok && id != b.Document.ID {
			p.Documents[i] = renamed(b, id)
			notes = append(notes, fmt.Sprintf("%s (%s) has the text of stored document %s: linked to it", b.Document.ID, b.Document.SourceFile, id))
		}
	}
	return notes, nil
}

// ensureStudy creates or updates the plan's study (when it names one) and
// marks every code, document and coding of the plan with it.
func (p *Plan) ensureStudy(ctx context.Context, store *graph.Store) error {
	if p.Study == "" {
		return nil
	}
	name := p.StudyName
	if policykb.StudySlug(name) != p.Study {
		name = "" // an id given: keep the stored name
	}
	if _, err := store.EnsureStudy(ctx, policykb.Study{ID: p.Study, Name: name, Source: p.StudySource}); err != nil {
		return err
	}
	for i := range p.Codes {
		p.Codes[i].Study = p.Study
	}
	for i := range p.Documents {
		p.Documents[i].Study = p.Study
		for j := range p.Documents[i].Codings {
			p.Documents[i].Codings[j].Study = p.Study
		}
	}
	for i := range p.Codings {
		p.Codings[i].Study = p.Study
	}
	return nil
}

// importPlan returns an empty plan of an import of file for the study
// called study, or, when it is empty, for a new study called name (the
// project's), or when that is empty too, after the file.
func importPlan(study, name, file, source string) *Plan {
	if strings.TrimSpace(name) == "" {
		name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if strings.TrimSpace(study) == "" || policykb.StudySlug(study) == "" {
		study = name
	}
	p := newStudyPlan(study, source)
	p.CodebookName = name
	return p
}
