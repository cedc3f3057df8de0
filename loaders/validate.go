package loaders

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// startValidation checks that in names something to load, reads what the
// base holds of it and checks the codebook: the start of Validate and of
// Load's streaming validation.
func startValidation(ctx context.Context, store *graph.Store, in Input) (*validation, error) {
	if in.Codebook == "" && in.Manifest == "" && len(in.Codings) == 0 {
		return nil, policykb.InvalidArgument("input", "loaders: nothing to load: give a codebook, a documents manifest or codings")
	}
	v := &validation{store: store, at: time.Now().UTC().Truncate(time.Second), plan: newStudyPlan(in.Study, "load"),
		loadCodes: map[string]policykb.Code{}, docs: map[string]*docEntry{}, allowOutside: in.AllowOutsidePaths}
	if err := v.fetchStored(ctx, in); err != nil {
		return nil, err
	}
	if in.Codebook != "" {
		v.codebook(in.Codebook)
	}
	return v, nil
}

// Validate reads and checks everything in the input and returns the Plan to
// write, or, when anything is wrong, a Problems error listing every problem
// found (never just the first). store may be nil to validate offline: then
// references to codes and documents outside the input cannot be checked and
// are listed in Plan.Notes. Validate never writes. Other errors (the
// database does not answer) are returned as they are. The work of each
// document (reading, segmenting, locating quotes) runs on up to GOMAXPROCS
// goroutines; the plan and the problems, in order and wording, do not
// depend on how many.
func Validate(ctx context.Context, store *graph.Store, in Input) (*Plan, error) {
	v, err := startValidation(ctx, store, in)
	if err != nil {
		return nil, err
	}
	var entries []docEntry
	if in.Manifest != "" {
		entries = v.manifest(in.Manifest)
		if err := v.checkStoredDocuments(ctx, entries); err != nil {
			return nil, err
		}
		if err := v.checkSharedDocuments(ctx, in.Manifest, entries); err != nil {
			return nil, err
		}
	}
	codings := make([][]policykb.Coding, len(entries)) // parallel to entries
	index := map[string]int{}
	for i := range entries {
		index[entries[i].doc.ID] = i
	}
	seen := map[string]bool{} // sentence id, code, coder: duplicates merge
	for _, f := range in.Codings {
		rows := v.codingsFile(f)
		resolved, err := v.resolve(ctx, rows)
		if err != nil {
			return nil, err
		}
		for i, ce := range rows {
			for _, k := range resolved[i] {
				key := k.SentenceID + "\x00" + k.CodeID + "\x00" + k.Coder
				if seen[key] {
					continue
				}
				seen[key] = true
				if i, ok := index[ce.docID]; ok {
					codings[i] = append(codings[i], k)
				} else {
					v.plan.Codings = append(v.plan.Codings, k)
				}
			}
		}
	}
	if len(v.c.problems) > 0 {
		return nil, v.c.sorted()
	}
	for i, e := range entries {
		v.plan.Documents = append(v.plan.Documents, v.shared(graph.DocumentBundle{
			City: e.city, Document: e.doc, Sentences: e.sentences, Codings: codings[i]}))
	}
	v.plan.Notes = append(v.plan.Notes, v.unchecked()...)
	return v.plan, nil
}

// validation is the state of one Validate call.
type validation struct {
	store *graph.Store
	at    time.Time
	plan  *Plan
	c     collector

	storedCodes  map[string]policykb.Code // nil offline
	storedCities map[string]policykb.City
	storedDocs   map[string]*storedDoc // fetched on demand

	loadCodes map[string]policykb.Code
	docs      map[string]*docEntry // documents of this load, ok or not

	allowOutside bool
	// haveCodebook, haveManifest: the input's codebook, manifest could be
	// read (its codes, rows, listed). Offline, codings are checked against
	// them; only references that no given file could answer are left
	// unchecked.
	haveCodebook, haveManifest bool

	uncheckedCodes, uncheckedDocs map[string]int    // offline: references not checked
	aliases                       map[string]string // a document of this load → the stored one with its text (study.go)
	// frame, when set, is the frame whose codes a codings file codes
	// (frames_load.go): loadCodes are its codes, the only ones allowed.
	frame string
}

type storedDoc struct {
	doc       policykb.Document
	sentences []policykb.Sentence
}

func (v *validation) fetchStored(ctx context.Context, in Input) error {
	if v.store == nil {
		v.uncheckedCodes, v.uncheckedDocs = map[string]int{}, map[string]int{}
		return nil
	}
	v.storedDocs = map[string]*storedDoc{}
	if in.Codebook != "" || len(in.Codings) > 0 {
		codes, err := v.studyCodes(ctx)
		if err != nil {
			return err
		}
		v.storedCodes = map[string]policykb.Code{}
		for _, k := range codes {
			v.storedCodes[k.ID] = k
		}
	}
	if in.Manifest != "" {
		cities, err := v.store.Cities(ctx)
		if err != nil {
			return fmt.Errorf("loaders: read stored cities: %w", err)
		}
		v.storedCities = map[string]policykb.City{}
		for _, c := range cities {
			v.storedCities[c.Name] = c
		}
	}
	return nil
}

func (v *validation) read(path string) ([]byte, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, os.ErrNotExist) {
			msg = "no such file"
		}
		v.c.add(path, 0, "", "cannot read: %s", msg)
		return nil, false
	}
	return b, true
}

func (v *validation) codebook(path string) {
	data, ok := v.read(path)
	if !ok {
		return
	}
	name, entries := parseCodebook(path, data, &v.c)
	v.haveCodebook = len(entries) > 0
	checkCodebook(path, entries, v.storedCodes, &v.c)
	v.plan.CodebookName = name
	var codes []policykb.Code
	for _, e := range entries {
		if _, dup := v.loadCodes[e.code.ID]; dup {
			continue
		}
		v.loadCodes[e.code.ID] = e.code
		codes = append(codes, e.code)
	}
	v.plan.Codes = treeOrder(codes)
}

// treeOrder puts each code before its children (depth first), keeping file
// order among siblings; codes whose parent is not in the list come first
// among the roots in file order.
func treeOrder(codes []policykb.Code) []policykb.Code {
	in := map[string]bool{}
	for _, c := range codes {
		in[c.ID] = true
	}
	children := map[string][]policykb.Code{}
	var roots []policykb.Code
	for _, c := range codes {
		if c.Parent != "" && in[c.Parent] && c.Parent != c.ID {
			children[c.Parent] = append(children[c.Parent], c)
		} else {
			roots = append(roots, c)
		}
	}
	out := make([]policykb.Code, 0, len(codes))
	done := map[string]bool{}
	var walk func(c policykb.Code)
	walk = func(c policykb.Code) {
		if done[c.ID] {
			return
		}
		done[c.ID] = true
		out = append(out, c)
		for _, k := range children[c.ID] {
			walk(k)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	for _, c := range codes { // codes on a cycle (only in plans that failed)
		walk(c)
	}
	return out
}

func (v *validation) manifest(path string) []docEntry {
	data, ok := v.read(path)
	if !ok {
		return nil
	}
	return v.manifestEntries(path, parseManifest(path, data, v.allowOutside, &v.c))
}

// manifestEntries records the rows of a manifest as the documents of this
// load, checks their cities against the stored ones, and returns those
// whose text was read.
func (v *validation) manifestEntries(path string, entries []docEntry) []docEntry {
	v.haveManifest = len(entries) > 0
	reported := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		v.docs[e.doc.ID] = e
		if s, ok := v.storedCities[e.city.Name]; ok && !reported[e.city.Name] {
			if s.Province != "" && e.city.Province != "" && s.Province != e.city.Province {
				v.c.add(path, e.line, "province", "city %q is stored in province %q, not %q", e.city.Name, s.Province, e.city.Province)
				reported[e.city.Name] = true
			}
		}
	}
	return validEntries(entries)
}

func validEntries(entries []docEntry) []docEntry {
	var valid []docEntry
	for _, e := range entries {
		if e.ok {
			valid = append(valid, e)
		}
	}
	return valid
}

// checkStoredDocuments notes the documents of this load whose stored text
// differs: their sentences, and the codings on them, will be replaced.
func (v *validation) checkStoredDocuments(ctx context.Context, entries []docEntry) error {
	if v.store == nil || len(entries) == 0 {
		return nil
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.doc.ID
	}
	stored, err := v.store.DocumentsByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("loaders: read stored documents: %w", err)
	}
	var changed []string
	for _, e := range entries {
		if s, ok := stored[e.doc.ID]; ok && s.SHA256 != e.doc.SHA256 {
			changed = append(changed, e.doc.ID)
		}
	}
	if len(changed) > 0 {
		v.plan.Notes = append(v.plan.Notes, fmt.Sprintf(
			"the text of %s changed since it was stored: its sentences, and every coding on them, will be replaced",
			strings.Join(changed, ", ")))
	}
	return nil
}

func (v *validation) codingsFile(path string) []codingEntry {
	data, ok := v.read(path)
	if !ok {
		return nil
	}
	return parseCodings(path, data, &v.c)
}

// resolve checks the rows of one codings file and maps each row's quote
// onto sentences; the result is parallel to rows (nil for a row with a
// problem). Codes and documents are looked up row by row; the quotes of
// each document are then located on their own core. Problems come in the
// order a row-by-row check finds them.
func (v *validation) resolve(ctx context.Context, rows []codingEntry) ([][]policykb.Coding, error) {
	out := make([][]policykb.Coding, len(rows))
	codeOK := make([]bool, len(rows))
	work := make([]deferred, len(rows)) // each row's quote problem
	type target struct {
		text  string
		units []policykb.Sentence
		rows  []int
	}
	var targets []*target
	byDoc := map[string]*target{}
	for i, ce := range rows {
		codeOK[i] = v.checkCode(ce)
		text, units, ok, err := v.codedText(ctx, ce)
		if err != nil {
			return nil, err
		}
		work[i].at = len(v.c.problems)
		if !ok {
			continue
		}
		t := byDoc[ce.docID]
		if t == nil {
			t = &target{text: text, units: units}
			byDoc[ce.docID] = t
			targets = append(targets, t)
		}
		t.rows = append(t.rows, i)
	}
	forEach(len(targets), func(ti int) {
		t := targets[ti]
		l := &locator{text: t.text}
		for _, i := range t.rows {
			ce := rows[i]
			start, end, err := l.locate(ce.quote, ce.occurrence)
			if err != nil {
				field := "quote"
				if strings.HasPrefix(err.Error(), "occurrence") {
					field = "occurrence"
				}
				work[i].problems.add(ce.file, ce.line, field, "document %s: %v", ce.docID, err)
				continue
			}
			if codeOK[i] {
				out[i] = passageCodings(t.units, start, end, policykb.Coding{CodeID: ce.codeID, Coder: ce.coder, Origin: "manual", At: v.at})
			}
		}
	})
	v.c.splice(work)
	return out, nil
}

// checkCode reports whether a coding row's code is in this load or
// stored. Offline, a code missing from the codebook given is a problem; a
// code of a load without a codebook is counted as unchecked.
func (v *validation) checkCode(ce codingEntry) bool {
	if _, ok := v.loadCodes[ce.codeID]; ok {
		return true
	}
	if v.frame != "" {
		v.c.add(ce.file, ce.line, "code_id", "unknown code %q: not a code of the frame %s", ce.codeID, v.frame)
		return false
	}
	if v.storedCodes == nil && v.haveCodebook {
		v.c.add(ce.file, ce.line, "code_id", "unknown code %q: not in the codebook of this load (checked offline, without the database)", ce.codeID)
		return false
	}
	if v.storedCodes == nil {
		v.uncheckedCodes[ce.codeID]++
		return true
	}
	if _, ok := v.storedCodes[ce.codeID]; ok {
		return true
	}
	where := "in the database"
	if len(v.loadCodes) > 0 {
		where = "in the codebook of this load nor " + where
	}
	v.c.add(ce.file, ce.line, "code_id", "unknown code %q: not %s", ce.codeID, where)
	return false
}

// codedText returns the text and sentences of a coding row's document,
// from this load or the database; ok is false when there is none to map
// the quote onto (a problem reported, or offline, a reference counted as
// unchecked).
func (v *validation) codedText(ctx context.Context, ce codingEntry) (text string, units []policykb.Sentence, ok bool, err error) {
	if e, found := v.docs[ce.docID]; found {
		// A document that could not be read has its problem reported already.
		return e.doc.Text, e.sentences, e.ok, nil
	}
	if v.store == nil && v.haveManifest {
		v.c.add(ce.file, ce.line, "document_id", "unknown document %q: not in this load's manifest (checked offline, without the database)", ce.docID)
		return "", nil, false, nil
	}
	if v.store == nil {
		v.uncheckedDocs[ce.docID]++
		return "", nil, false, nil
	}
	sd, err := v.storedDocument(ctx, ce.docID)
	if err != nil {
		return "", nil, false, err
	}
	if sd == nil {
		where := "in the database"
		if len(v.docs) > 0 {
			where = "in this load's manifest nor " + where
		}
		v.c.add(ce.file, ce.line, "document_id", "unknown document %q: not %s", ce.docID, where)
		return "", nil, false, nil
	}
	return sd.doc.Text, sd.sentences, true, nil
}

// storedDocument fetches a stored document with its sentences once; nil
// when there is no such document.
func (v *validation) storedDocument(ctx context.Context, id string) (*storedDoc, error) {
	if sd, ok := v.storedDocs[id]; ok {
		return sd, nil
	}
	doc, sentences, err := v.store.DocumentSentences(ctx, id)
	if errors.Is(err, graph.ErrNotFound) {
		v.storedDocs[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("loaders: read stored document %s: %w", id, err)
	}
	slices.SortFunc(sentences, func(a, b policykb.Sentence) int { return a.Index - b.Index })
	sd := &storedDoc{doc, sentences}
	v.storedDocs[id] = sd
	return sd, nil
}

// unchecked lists, offline, the references that only a database could check.
func (v *validation) unchecked() []string {
	var notes []string
	list := func(m map[string]int, what string) {
		if len(m) == 0 {
			return
		}
		ids := make([]string, 0, len(m))
		n := 0
		for id, k := range m {
			ids = append(ids, id)
			n += k
		}
		slices.Sort(ids)
		verb := "codings refer"
		if n == 1 {
			verb = "coding refers"
		}
		notes = append(notes, fmt.Sprintf("offline: %d %s to %s not in this input (%s); not checked without a database",
			n, verb, what, strings.Join(ids, ", ")))
	}
	list(v.uncheckedCodes, "codes")
	list(v.uncheckedDocs, "documents")
	return notes
}
