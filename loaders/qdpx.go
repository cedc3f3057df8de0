package loaders

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/refiqda"
)

// DefaultLevels maps code-tree depths 1 to 4 onto LAYER, MAIN_CATEGORY,
// CATEGORY and CONCEPT; deeper codes fold onto their depth-4 ancestor.
var DefaultLevels = []int{1, 2, 3, 4}

// ImportOptions tune PlanQDPX and PlanQDC.
type ImportOptions struct {
	// Levels are the four code-tree depths (1 = the roots) that become
	// LAYER, MAIN_CATEGORY, CATEGORY and CONCEPT, strictly increasing; nil
	// means DefaultLevels. A code at another depth is folded onto its
	// nearest ancestor at a listed depth: it is not created and its codings
	// land on that ancestor. A code with no such ancestor (shallower than
	// Levels[0]) is dropped with its codings, with a warning.
	Levels []int
	// Cities names a mapping CSV (source, city, and optionally province,
	// city_zh, date) that says where each source comes from. It wins over
	// the project's own variables and cases.
	Cities string
	// MaxBytes caps the bytes the archive may expand to (0: the default
	// refiqda.DefaultMaxBytes).
	MaxBytes int64
	// Study is the study the import is for (a name or an id); empty: see
	// importPlan: an import never adds to another study unless asked.
	Study string
}

// ImportReport says what an import took from a file and what it left,
// with the reasons.
type ImportReport struct {
	File, Origin, Tool string
	Unit               refiqda.Unit
	// In the file.
	Sources, Codes, Codings int
	// Taken: documents made of text sources, codes created, codings
	// (selection × code) mapped onto sentences.
	Documents, CodesKept, CodingsKept int
	// CodesFolded were folded onto an ancestor; CodesDropped had none.
	CodesFolded, CodesDropped int
	// CodingsDropped = Codings - CodingsKept - DerivedCodings, for the
	// reasons in Warnings.
	CodingsDropped int
	// Frames are the coding frames restored beside the codebook (a
	// policykb export); DerivedCodings the codings in them by derived users,
	// left to the frames' mappings to derive again.
	Frames, DerivedCodings int
	// Warnings are accepted deviations and everything left out, one line
	// each, naming the source or code.
	Warnings []string
}

// String summarises the report in one line.
func (r *ImportReport) String() string {
	s := fmt.Sprintf("%s (%s, offsets in %s): %d sources → %d documents; %d codes → %d kept, %d folded, %d dropped; %d codings → %d kept, %d dropped",
		filepath.Base(r.File), r.Origin, r.Unit, r.Sources, r.Documents, r.Codes, r.CodesKept, r.CodesFolded, r.CodesDropped,
		r.Codings, r.CodingsKept, r.CodingsDropped)
	if r.Frames > 0 {
		s += fmt.Sprintf("; %d frames beside the codebook, %d derived codings left to their mappings", r.Frames, r.DerivedCodings)
	}
	return s
}

func (r *ImportReport) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// ParseLevels reads a --levels value: four strictly increasing code-tree
// depths from 1, comma-separated ("1,2,3,7").
func ParseLevels(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, policykb.InvalidArgument("levels", "--levels %q: expected four tree depths, comma-separated, for LAYER, MAIN_CATEGORY, CATEGORY and CONCEPT (e.g. 1,2,3,4)", s)
	}
	out := make([]int, 4)
	for i, p := range parts {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(p), "%d", &n); err != nil || n < 1 || (i > 0 && n <= out[i-1]) {
			return nil, policykb.InvalidArgument("levels", "--levels %q: depths must be whole numbers from 1, strictly increasing (e.g. 1,2,3,7)", s)
		}
		out[i] = n
	}
	return out, nil
}

// codeMap is a code tree mapped onto the four levels.
type codeMap struct {
	codes  []policykb.Code   // created, parents first
	target map[string]string // code guid → id of the code its codings land on ("" dropped)
}

func mapCodes(roots []*refiqda.Code, levels []int, source string, rep *ImportReport) codeMap {
	if levels == nil {
		levels = DefaultLevels
	}
	levelAt := map[int]policykb.Level{}
	for i, d := range levels {
		levelAt[d] = policykb.Levels[i]
	}
	m := codeMap{target: map[string]string{}}
	refiqda.Walk(roots, func(c *refiqda.Code, depth int, parent *refiqda.Code) {
		rep.Codes++
		up := ""
		if parent != nil {
			up = m.target[parent.GUID]
		}
		level, kept := levelAt[depth]
		if !kept {
			m.target[c.GUID] = up
			if up == "" {
				rep.CodesDropped++
				rep.warn("code %q (%s) at depth %d is above the first level depth %d: dropped, with its codings", c.Name, c.GUID, depth, levels[0])
			} else {
				rep.CodesFolded++
			}
			return
		}
		name := strings.TrimSpace(c.Name)
		if name == "" {
			name = "(unnamed " + c.GUID + ")"
		}
		m.codes = append(m.codes, policykb.Code{ID: c.GUID, Level: level, Name: name, Parent: up, Source: source})
		m.target[c.GUID] = c.GUID
		rep.CodesKept++
	})
	if rep.CodesFolded > 0 {
		rep.warn("%d codes deeper than the level depths %v were folded onto their ancestor at depth %d (their codings land there)",
			rep.CodesFolded, levels, levels[3])
	}
	return m
}

// refusal makes a Problems error of one message about a file.
func refusal(file string, line int, format string, args ...any) error {
	return Problems{{File: file, Line: line, Message: fmt.Sprintf(format, args...)}}
}

// refusalOf turns a parse error (joined *refiqda.ParseError) into Problems.
func refusalOf(file string, err error) error {
	var ps Problems
	var walk func(err error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var pe *refiqda.ParseError
		if errors.As(err, &pe) {
			ps = append(ps, Problem{File: pe.File, Line: pe.Line, Message: pe.Message})
			return
		}
		ps = append(ps, Problem{File: file, Message: err.Error()})
	}
	walk(err)
	return ps
}

// PlanQDC reads a REFI-QDA codebook (.qdc) and returns the plan that
// writes its codes, mapped onto the four levels by depth. Nothing is
// written; store may be nil (then codes already stored at another level
// cannot be checked).
func PlanQDC(ctx context.Context, store *graph.Store, file string, opts ImportOptions) (*Plan, *ImportReport, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, refusal(file, 0, "cannot read: %v", err)
	}
	res, err := refiqda.ParseCodebook(filepath.Base(file), bytes.NewReader(data))
	if err != nil {
		return nil, nil, refusalOf(file, err)
	}
	p := res.Project
	rep := &ImportReport{File: file, Origin: p.Origin, Tool: refiqda.Tool(p.Origin), Warnings: res.Warnings}
	roots, frames, err := splitFrames(file, p.Codes, rep)
	if err != nil {
		return nil, rep, err
	}
	cm := mapCodes(roots, opts.Levels, codeSource(p.Origin), rep)
	plan := importPlan(opts.Study, "", file, "import:"+rep.Tool)
	plan.Codes = cm.codes
	frames.planFrames(plan, cm.target, rep)
	if err := checkStoredLevels(ctx, store, file, plan); err != nil {
		return nil, rep, err
	}
	return plan, rep, nil
}

func codeSource(origin string) string {
	if strings.TrimSpace(origin) == "" {
		return "REFI-QDA"
	}
	return origin
}

// checkStoredLevels refuses codes that are stored at another level (an
// import with other --levels): Neo4j would keep both labels.
func checkStoredLevels(ctx context.Context, store *graph.Store, file string, plan *Plan) error {
	if store == nil || len(plan.Codes) == 0 {
		return nil
	}
	stored, err := store.StudyCodes(ctx, plan.Study)
	if err != nil {
		return fmt.Errorf("loaders: read stored codes: %w", err)
	}
	at := map[string]policykb.Level{}
	for _, c := range stored {
		at[c.ID] = c.Level
	}
	var ps Problems
	for _, c := range plan.Codes {
		if l, ok := at[c.ID]; ok && l != c.Level {
			ps = append(ps, Problem{File: file, Field: "levels", Message: fmt.Sprintf(
				"code %q (%s) is stored as %s but this import maps it to %s: import with the --levels used before, or wipe first", c.Name, c.ID, l, c.Level)})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// sourcePlace is what is known of where a source comes from.
type sourcePlace struct {
	city     policykb.City
	issuedOn time.Time
	from     string // "mapping", "source variables", "case"
}

// PlanQDPX reads a REFI-QDA project (.qdpx) and returns the plan that
// writes it, with a report of what was taken and left. Nothing is written;
// store may be nil to check the file alone.
//
// It refuses, with Problems and nothing planned: a zip entry that escapes
// the archive, an archive expanding past opts.MaxBytes, a selection outside
// its source's text, a CodeRef to no code, malformed XML, a bad mapping CSV.
// Non-text sources, text sources whose text is missing or empty, and
// schema deviations are warnings in the report.
func PlanQDPX(ctx context.Context, store *graph.Store, file string, opts ImportOptions) (*Plan, *ImportReport, error) {
	a, err := refiqda.OpenArchive(file, opts.MaxBytes)
	if err != nil {
		return nil, nil, refusal(file, 0, "%v", err)
	}
	defer a.Close()
	qde, err := a.ReadEntry(a.QDE)
	if err != nil {
		return nil, nil, refusal(file, 0, "%v", err)
	}
	res, err := refiqda.ParseProject(filepath.Base(file)+"/"+a.QDE, bytes.NewReader(qde))
	if err != nil {
		return nil, nil, refusalOf(file, err)
	}
	p := res.Project
	unit := refiqda.UnitFor(p.Origin)
	tool := refiqda.Tool(p.Origin)
	rep := &ImportReport{File: file, Origin: p.Origin, Tool: tool, Unit: unit, Warnings: res.Warnings, Sources: len(p.Sources)}
	for _, s := range p.Sources {
		rep.Codings += s.CodingCount
	}
	roots, frames, err := splitFrames(file, p.Codes, rep)
	if err != nil {
		return nil, rep, err
	}
	cm := mapCodes(roots, opts.Levels, codeSource(p.Origin), rep)
	plan := importPlan(opts.Study, p.Name, file, "import:"+tool)
	plan.CodebookName, plan.Codes = p.Name, cm.codes

	places, err := placesOf(p, opts.Cities, rep)
	if err != nil {
		return nil, rep, err
	}
	placeholder := strings.TrimSpace(p.Name)
	if placeholder == "" {
		placeholder = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	users := map[string]string{}
	for _, u := range p.Users {
		users[u.GUID] = u.Name
	}
	coder := func(guids ...string) string {
		for _, g := range guids {
			if g == "" {
				continue
			}
			if n := strings.TrimSpace(users[g]); n != "" {
				return n
			}
			return g
		}
		return ""
	}
	origin := "import:" + tool
	var problems Problems
	unplaced, merged := 0, 0
	for _, s := range p.Sources {
		label := fmt.Sprintf("%q (%s)", s.Name, s.GUID)
		if s.Kind != refiqda.KindText {
			rep.warn("skipped %s %s: only text sources are imported; its %d codings are dropped", sourceKindName(s.Kind), label, s.CodingCount)
			continue
		}
		raw, why, note, err := sourceText(a, s)
		if err != nil {
			return nil, rep, refusal(file, 0, "%v", err) // past the size cap
		}
		if note != "" {
			rep.warn("text source %s: %s", label, note)
		}
		if why != "" {
			rep.warn("skipped text source %s: %s; its %d codings are dropped", label, why, s.CodingCount)
			continue
		}
		text := refiqda.NewText(raw, unit)
		id := s.GUID
		if id == "" {
			id = refiqda.GUIDFor("source", s.Name)
		}
		units := Segment(id, text.Text)
		title := strings.TrimSpace(s.Name)
		if title == "" {
			title = strings.TrimSuffix(filepath.Base(s.PlainTextPath), filepath.Ext(s.PlainTextPath))
		}
		if title == "" {
			title = id
		}
		place, placed := places[s.GUID]
		if place.city.Name == "" {
			place.city = policykb.City{Name: placeholder}
			placed = false
		}
		doc := policykb.Document{ID: id, City: place.city.Name, Title: title, IssuedOn: place.issuedOn,
			SourceFile: filepath.Base(file) + ":" + sourceEntry(a, s), Text: text.Text, SHA256: sha256Hex(text.Text)}
		var codings []policykb.Coding
		seen := map[string]bool{}
		bad := false
		for _, sel := range s.Selections {
			start, err1 := text.CodePoint(sel.Start)
			end, err2 := text.CodePoint(sel.End)
			if err := errors.Join(err1, err2); err != nil {
				problems = append(problems, Problem{File: file, Field: "selection", Message: fmt.Sprintf(
					"source %s: selection %s [%d, %d) is outside its source: %v", label, sel.GUID, sel.Start, sel.End, err)})
				bad = true
				continue
			}
			if bad {
				continue
			}
			if start == end {
				rep.warn("source %s: selection %s is empty; its %d codings are dropped", label, sel.GUID, len(sel.Codings))
				continue
			}
			for _, c := range sel.Codings {
				at := c.Created
				if at.IsZero() {
					at = sel.Created
				}
				k := policykb.Coding{Coder: coder(c.CreatingUser, sel.CreatingUser, s.CreatingUser), Origin: origin, At: at}
				if fr, code, ok := frames.code(c.CodeGUID); ok {
					k.CodeID = code
					if !fr.add(id, units, start, end, k) {
						rep.warn("source %s: selection %s [%d, %d) covers no sentence (white space only); coding dropped", label, sel.GUID, sel.Start, sel.End)
					} else if !strings.HasPrefix(k.Coder, "derived:") {
						rep.CodingsKept++
					}
					continue
				}
				if k.CodeID = cm.target[c.CodeGUID]; k.CodeID == "" {
					rep.warn("source %s: selection %s codes %s, which was dropped with its level; coding dropped", label, sel.GUID, c.CodeGUID)
					continue
				}
				cs := passageCodings(units, start, end, k)
				if len(cs) == 0 {
					rep.warn("source %s: selection %s [%d, %d) covers no sentence (white space only); coding dropped", label, sel.GUID, sel.Start, sel.End)
					continue
				}
				rep.CodingsKept++
				for _, k := range cs {
					key := k.SentenceID + "\x00" + k.CodeID + "\x00" + k.Coder
					if seen[key] {
						merged++
						continue
					}
					seen[key] = true
					codings = append(codings, k)
				}
			}
		}
		if bad {
			continue
		}
		if len(units) == 0 {
			rep.warn("skipped text source %s: its text is empty; its %d codings are dropped", label, s.CodingCount)
			continue
		}
		if !placed {
			unplaced++
		}
		rep.Documents++
		plan.Documents = append(plan.Documents, graph.DocumentBundle{City: place.city, Document: doc, Sentences: units, Codings: codings})
	}
	if len(problems) > 0 {
		return nil, rep, problems
	}
	if unplaced > 0 {
		rep.warn("%d documents have no city in the project's cases or variables, nor in a mapping CSV: they are filed under the project's name, %q", unplaced, placeholder)
	}
	if merged > 0 {
		rep.warn("%d times a selection coded a sentence that the same coder had coded at the same code already: the sentence is coded once (it is the counting unit), with the first selection's span", merged)
	}
	frames.planFrames(plan, cm.target, rep)
	rep.CodingsDropped = rep.Codings - rep.CodingsKept - rep.DerivedCodings
	if err := checkStoredLevels(ctx, store, file, plan); err != nil {
		return nil, rep, err
	}
	if err := noteChangedDocuments(ctx, store, plan); err != nil {
		return nil, rep, err
	}
	return plan, rep, nil
}

// noteChangedDocuments notes the stored documents whose text differs from
// the plan's: their sentences and codings will be replaced.
func noteChangedDocuments(ctx context.Context, store *graph.Store, plan *Plan) error {
	if store == nil || len(plan.Documents) == 0 {
		return nil
	}
	ids := make([]string, len(plan.Documents))
	for i, b := range plan.Documents {
		ids[i] = b.Document.ID
	}
	stored, err := store.DocumentsByID(ctx, ids)
	if err != nil {
		return fmt.Errorf("loaders: read stored documents: %w", err)
	}
	var changed []string
	for _, b := range plan.Documents {
		if s, ok := stored[b.Document.ID]; ok && s.SHA256 != b.Document.SHA256 {
			changed = append(changed, b.Document.ID)
		}
	}
	if len(changed) > 0 {
		plan.Notes = append(plan.Notes, fmt.Sprintf("the text of %s changed since it was stored: its sentences, and every coding on them, will be replaced",
			strings.Join(changed, ", ")))
	}
	return nil
}

var mappingColumns = columns{
	known:    []string{"source", "city", "province", "city_zh", "date"},
	aliases:  map[string]string{"issued_on": "date", "name": "source", "document": "source"},
	required: []string{"source", "city"},
}

// placesOf says where each text source comes from, by source guid: the
// mapping CSV first, then the source's own variables (city, province,
// city_zh, date), then the case it belongs to (its city variable, else its
// name; its province and city_zh variables).
func placesOf(p *refiqda.Project, mapping string, rep *ImportReport) (map[string]sourcePlace, error) {
	varName := map[string]string{}
	for _, v := range p.Variables {
		varName[v.GUID] = variableKey(v.Name)
	}
	values := func(vs []refiqda.VariableValue) map[string]string {
		out := map[string]string{}
		for _, v := range vs {
			if k := varName[v.VariableGUID]; k != "" && v.Value != "" {
				out[k] = v.Value
			}
		}
		return out
	}
	places := map[string]sourcePlace{}
	// cases, in file order: the first case naming a source wins
	for _, c := range p.Cases {
		vals := values(c.Values)
		city := vals["city"]
		if city == "" {
			city = strings.TrimSpace(c.Name)
		}
		if city == "" {
			continue
		}
		for _, ref := range c.SourceRefs {
			if prev, ok := places[ref]; ok {
				if prev.city.Name != city {
					rep.warn("source %s is in the cases of %q and %q: %q is kept", ref, prev.city.Name, city, prev.city.Name)
				}
				continue
			}
			places[ref] = sourcePlace{city: policykb.City{Name: city, Province: vals["province"], NameZh: vals["city_zh"]}, from: "case"}
		}
	}
	byName := map[string]string{} // lower-cased name, guid, file base → guid
	for _, s := range p.Sources {
		if s.Kind != refiqda.KindText {
			continue
		}
		for _, k := range []string{s.Name, s.GUID, filepath.Base(s.PlainTextPath)} {
			if k != "" {
				byName[strings.ToLower(strings.TrimSpace(k))] = s.GUID
			}
		}
		vals := values(s.Values)
		pl := places[s.GUID]
		if vals["city"] != "" {
			pl = sourcePlace{city: policykb.City{Name: vals["city"], Province: vals["province"], NameZh: vals["city_zh"]}, from: "source variables"}
		}
		if d := vals["date"]; d != "" {
			day, err := parseDay(d)
			if err != nil {
				rep.warn("source %q: date variable %q is not a date; ignored", s.Name, d)
			} else {
				pl.issuedOn = day
			}
		}
		if pl.city.Name != "" || !pl.issuedOn.IsZero() {
			places[s.GUID] = pl
		}
	}
	if mapping == "" {
		return completeCities(places), nil
	}
	data, err := os.ReadFile(mapping)
	if err != nil {
		return nil, refusal(mapping, 0, "cannot read the cities mapping: %v", err)
	}
	var c collector
	t, ok := readTable(mapping, data, mappingColumns, &c)
	if ok {
		for _, r := range t.rows {
			name := t.get(r, "source")
			guid, found := byName[strings.ToLower(name)]
			if !found {
				guid, found = byName[refiqda.NormGUID(name)]
			}
			if !found {
				rep.warn("%s:%d: no text source is named %q; row ignored", mapping, r.line, name)
				continue
			}
			pl := places[guid]
			pl.city = policykb.City{Name: t.get(r, "city"), Province: t.get(r, "province"), NameZh: t.get(r, "city_zh")}
			pl.from = "mapping"
			if pl.city.Name == "" {
				c.add(mapping, r.line, "city", "empty: every row needs a city")
			}
			if d := t.get(r, "date"); d != "" {
				day, err := parseDay(d)
				if err != nil {
					c.add(mapping, r.line, "date", "%q is not a date: expected YYYY-MM-DD", d)
				}
				pl.issuedOn = day
			}
			places[guid] = pl
		}
	}
	if len(c.problems) > 0 {
		return nil, c.sorted()
	}
	return completeCities(places), nil
}

// completeCities gives every mention of a city the province and Chinese
// name that any mention has (one City node per name).
func completeCities(places map[string]sourcePlace) map[string]sourcePlace {
	best := map[string]policykb.City{}
	keys := make([]string, 0, len(places))
	for k := range places {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		c := places[k].city
		b := best[c.Name]
		b.Name = c.Name
		if b.Province == "" {
			b.Province = c.Province
		}
		if b.NameZh == "" {
			b.NameZh = c.NameZh
		}
		best[c.Name] = b
	}
	for k, pl := range places {
		if pl.city.Name != "" {
			pl.city = best[pl.city.Name]
			places[k] = pl
		}
	}
	return places
}

func variableKey(name string) string {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "city", "城市", "市", "city name":
		return "city"
	case "province", "省", "省份":
		return "province"
	case "city_zh", "城市中文名", "中文名":
		return "city_zh"
	case "date", "issued_on", "issued", "issue date", "发布日期", "日期":
		return "date"
	}
	return ""
}

func parseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10]
	}
	return time.Parse(time.DateOnly, s)
}
