package loaders

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

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
	// Notes are things worth knowing that are not errors: what could not be
	// checked offline, stored documents whose text changed.
	Notes []string
}

// Counts returns the sizes of the plan.
func (p *Plan) Counts() (codes, documents, sentences, codings int) {
	for _, b := range p.Documents {
		sentences += len(b.Sentences)
		codings += len(b.Codings)
	}
	return len(p.Codes), len(p.Documents), sentences, codings + len(p.Codings)
}

// String summarises the plan in one line.
func (p *Plan) String() string {
	c, d, s, k := p.Counts()
	return fmt.Sprintf("%d codes, %d documents, %d sentences, %d codings", c, d, s, k)
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

	uncheckedCodes, uncheckedDocs map[string]int // offline: references not checked
	aliases                       map[string]string // a document of this load → the stored one with its text (study.go)
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
	entries := parseManifest(path, data, v.allowOutside, &v.c)
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

// Options tune Load. Both fields may be nil.
type Options struct {
	// Progress receives a line now and then while documents are written
	// (documents done/total, sentences per second), at most four a second
	// and only once a load has taken more than a second.
	Progress io.Writer
	Log      *slog.Logger
}

// Summary reports a load: what was submitted (Codes, Documents, Sentences,
// Codings) and what changed in the database (NodesCreated, ...). A second
// load of the same input shows the same submitted counts and nothing
// created or deleted.
type Summary struct {
	graph.WriteSummary
	Elapsed time.Duration
}

// String summarises the load in one line.
func (s Summary) String() string {
	out := fmt.Sprintf("%d codes, %d documents, %d sentences, %d codings; %d nodes and %d relationships created",
		s.Codes, s.Documents, s.Sentences, s.Codings, s.NodesCreated, s.RelationshipsCreated)
	if s.NodesDeleted > 0 || s.RelationshipsDeleted > 0 {
		out += fmt.Sprintf(", %d nodes and %d relationships deleted", s.NodesDeleted, s.RelationshipsDeleted)
	}
	return out + fmt.Sprintf(" (%s)", s.Elapsed.Round(time.Millisecond))
}

// Load validates the input (see Validate) and, only when it is free of
// problems, writes it: the codebook, then the documents with their cities,
// sentences and codings, then the codings on documents already stored. Bad
// input writes nothing. Each step is idempotent, so loading the same input
// twice changes nothing; a load interrupted between steps is completed by
// running it again.
func Load(ctx context.Context, store *graph.Store, in Input, opts Options) (Summary, error) {
	if store == nil {
		return Summary{}, errors.New("loaders: load: no database")
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	began := time.Now()
	store.PrepareWords() // gse's dictionary loads while the input is checked
	plan, err := Validate(ctx, store, in)
	if err != nil {
		return Summary{}, err
	}
	for _, n := range plan.Notes {
		log.Info("load: " + n)
	}
	log.Info("load: validated", "plan", plan.String(), "took", time.Since(began).Round(time.Millisecond))
	return writePlan(ctx, store, plan, opts, log, began)
}

// WritePlan writes a validated plan (from Validate, or from an importer
// such as PlanQDPX): the codebook, then the documents with their cities,
// sentences and codings, then the codings on documents already stored.
// Each step is idempotent, so writing the same plan twice changes nothing.
func WritePlan(ctx context.Context, store *graph.Store, plan *Plan, opts Options) (Summary, error) {
	if store == nil {
		return Summary{}, errors.New("loaders: write: no database")
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return writePlan(ctx, store, plan, opts, log, time.Now())
}

func writePlan(ctx context.Context, store *graph.Store, plan *Plan, opts Options, log *slog.Logger, began time.Time) (Summary, error) {
	if err := store.EnsureSchema(ctx); err != nil {
		return Summary{}, fmt.Errorf("loaders: load: %w", err)
	}
	if err := plan.ensureStudy(ctx, store); err != nil {
		return Summary{}, fmt.Errorf("loaders: load: %w", err)
	}
	var sum graph.WriteSummary
	if len(plan.Codes) > 0 {
		s, err := store.WriteCodebook(ctx, plan.Codes)
		if err != nil {
			return Summary{sum, time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		sum = sum.Add(s)
		log.Debug("load: codebook written", "codes", s.Codes, "nodesCreated", s.NodesCreated)
	}
	if len(plan.Documents) > 0 {
		p := newProgress(opts.Progress, plan.Documents)
		s, err := store.WriteDocuments(ctx, plan.Documents, p.report)
		p.finish()
		if err != nil {
			return Summary{sum.Add(s), time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		sum = sum.Add(s)
		log.Debug("load: documents written", "documents", s.Documents, "sentences", s.Sentences, "nodesCreated", s.NodesCreated)
	}
	if len(plan.Codings) > 0 {
		s, err := store.WriteCodings(ctx, plan.Codings)
		if err != nil {
			return Summary{sum.Add(s), time.Since(began)}, fmt.Errorf("loaders: load: %w", err)
		}
		sum = sum.Add(s)
		log.Debug("load: codings written", "codings", s.Codings, "relationshipsCreated", s.RelationshipsCreated)
	}
	out := Summary{sum, time.Since(began)}
	log.Info("load: done", "summary", out.String())
	return out, nil
}

// progress writes throttled progress lines while documents are written.
type progress struct {
	w          io.Writer
	began      time.Time
	last       time.Time
	sentences  []int // sentences in the first i documents
	printed    bool
	shown      int // documents done at the last line printed
	done, all  int
	minElapsed time.Duration
	every      time.Duration
}

func newProgress(w io.Writer, docs []graph.DocumentBundle) *progress {
	p := &progress{w: w, began: time.Now(), sentences: make([]int, len(docs)+1), all: len(docs),
		minElapsed: time.Second, every: 250 * time.Millisecond}
	for i, d := range docs {
		p.sentences[i+1] = p.sentences[i] + len(d.Sentences)
	}
	return p
}

func (p *progress) report(done, total int) {
	if p.w == nil {
		return
	}
	p.done = min(max(done, 0), len(p.sentences)-1)
	now := time.Now()
	if now.Sub(p.began) < p.minElapsed || now.Sub(p.last) < p.every {
		return
	}
	p.last = now
	p.print(now)
}

func (p *progress) print(now time.Time) {
	p.printed, p.shown = true, p.done
	rate := float64(p.sentences[p.done]) / max(now.Sub(p.began).Seconds(), 1e-3)
	fmt.Fprintf(p.w, "documents %d/%d, %d sentences, %.0f sentences/s\n", p.done, p.all, p.sentences[p.done], rate)
}

// finish prints the last state if lines were printed but not this one.
func (p *progress) finish() {
	if p.w != nil && p.printed && p.shown != p.done {
		p.print(time.Now())
	}
}
