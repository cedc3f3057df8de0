package exports

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/refiqda"
)

// REFISource is what the REFI-QDA exports read: normally a *graph.Store.
type REFISource interface {
	ResolveStudy(ctx context.Context, ref string) (string, error)
	StudyCodes(ctx context.Context, study string) ([]policykb.Code, error)
	Coders(ctx context.Context) ([]string, error)
	Cities(ctx context.Context) ([]policykb.City, error)
	DocumentsByCity(ctx context.Context, cities []string) (map[string][]policykb.Document, error)
	DocumentStudies(ctx context.Context, ids []string) (map[string][]string, error)
	StudyEachDocument(ctx context.Context, study string, batchSize int, fn func(graph.ExportDocument) error) error
	Frames(ctx context.Context, study string) ([]graph.FrameInfo, error)
	Mappings(ctx context.Context, study string) ([]policykb.Mapping, error)
	FrameCoders(ctx context.Context, study string) ([]string, error)
}

// REFICounts says what a REFI-QDA export wrote.
type REFICounts struct {
	Codes, Cases, Users, Sources, Selections, Codings int
}

func (c REFICounts) String() string {
	if c.Sources == 0 && c.Cases == 0 && c.Users == 0 {
		return fmt.Sprintf("%d codes", c.Codes)
	}
	return fmt.Sprintf("%d codes, %d cases, %d users, %d sources, %d selections, %d codings",
		c.Codes, c.Cases, c.Users, c.Sources, c.Selections, c.Codings)
}

// codeTree turns the stored codes (in tree order, parents first) into a
// REFI-QDA code tree with stable GUIDs.
func codeTree(codes []policykb.Code) ([]*refiqda.Code, map[string]string) {
	guids := map[string]string{}
	byID := map[string]*refiqda.Code{}
	var roots []*refiqda.Code
	for _, c := range codes {
		desc := c.Level.String() + " " + c.ID
		if c.NameZh != "" {
			desc = c.NameZh + " (" + desc + ")"
		}
		k := &refiqda.Code{GUID: refiqda.GUIDFor("code", c.ID), Name: c.Name, Description: desc, IsCodable: true}
		guids[c.ID], byID[c.ID] = k.GUID, k
		if p, ok := byID[c.Parent]; ok {
			p.Children = append(p.Children, k)
		} else {
			roots = append(roots, k)
		}
	}
	return roots, guids
}

// QDC writes the coding scheme of a study (an id or a name; "" while the
// knowledge base holds one, see graph.Store.ResolveStudy) as a REFI-QDA
// codebook (.qdc) with stable GUIDs (derived from the codes' ids), each of
// the study's frames beside it as a root code of its own (frameTrees).
func QDC(ctx context.Context, store REFISource, w io.Writer, study string) (REFICounts, error) {
	study, err := store.ResolveStudy(ctx, study)
	if err != nil {
		return REFICounts{}, err
	}
	codes, err := store.StudyCodes(ctx, study)
	if err != nil {
		return REFICounts{}, err
	}
	if len(codes) == 0 {
		return REFICounts{}, policykb.Errorf(policykb.ENotFound, "export: the knowledge base has no codes to export")
	}
	roots, guids := codeTree(codes)
	frames, n, err := frameTrees(ctx, store, study, guids)
	if err != nil {
		return REFICounts{}, err
	}
	return REFICounts{Codes: len(codes) + n}, refiqda.WriteCodebook(w, "policykb", append(roots, frames...))
}

// The variables an export writes: on cases, a city's province and Chinese
// name; on sources, the issue date. Import reads them back by name.
var (
	varProvince = refiqda.Variable{GUID: refiqda.GUIDFor("variable", "province"), Name: "province", Type: "Text"}
	varCityZh   = refiqda.Variable{GUID: refiqda.GUIDFor("variable", "city_zh"), Name: "city_zh", Type: "Text"}
	varDate     = refiqda.Variable{GUID: refiqda.GUIDFor("variable", "date"), Name: "date", Type: "Date"}
)

// QDPX writes the whole knowledge base as a .qdpx archive: the
// codebook and each frame beside it (frameTrees), one case per city (with its province and Chinese name), one
// user per coder, and one text source per document, its codings grouped
// into selections by span (a coding without a span selects its whole
// sentence) in code points of the stored text. Frame codings, direct and
// derived, are codings like the codebook's; a derived coding's user is
// "derived:<mapping>". Documents are read batch documents at a time.
//
// study names the study exported (as for QDC): its codebook, the documents
// it includes and its codings.
func QDPX(ctx context.Context, store REFISource, w io.Writer, batch int, study string) (REFICounts, error) {
	var n REFICounts
	study, err := store.ResolveStudy(ctx, study)
	if err != nil {
		return n, err
	}
	codes, err := store.StudyCodes(ctx, study)
	if err != nil {
		return n, err
	}
	roots, codeGUID := codeTree(codes)
	frames, nf, err := frameTrees(ctx, store, study, codeGUID)
	if err != nil {
		return n, err
	}
	n.Codes = len(codes) + nf
	coders, err := store.Coders(ctx)
	if err != nil {
		return n, err
	}
	fcoders, err := store.FrameCoders(ctx, study)
	if err != nil {
		return n, err
	}
	coders = append(coders, fcoders...)
	p := &refiqda.Project{Name: "policykb export", Origin: "policykb", Codes: append(roots, frames...),
		Variables: []refiqda.Variable{varProvince, varCityZh, varDate}}
	userGUID := map[string]string{}
	for _, c := range coders {
		if c == "" || userGUID[c] != "" {
			continue
		}
		u := refiqda.User{GUID: refiqda.GUIDFor("user", c), Name: c}
		userGUID[c] = u.GUID
		p.Users = append(p.Users, u)
	}
	n.Users = len(p.Users)
	cities, err := store.Cities(ctx)
	if err != nil {
		return n, err
	}
	names := make([]string, len(cities))
	for i, c := range cities {
		names[i] = c.Name
	}
	docsByCity, err := store.DocumentsByCity(ctx, names)
	if err != nil {
		return n, err
	}
	if study != "" {
		if docsByCity, err = inStudy(ctx, store, study, docsByCity); err != nil {
			return n, err
		}
	}
	for _, c := range cities {
		k := refiqda.Case{GUID: refiqda.GUIDFor("case", c.Name), Name: c.Name}
		if c.Province != "" {
			k.Values = append(k.Values, refiqda.VariableValue{VariableGUID: varProvince.GUID, Value: c.Province})
		}
		if c.NameZh != "" {
			k.Values = append(k.Values, refiqda.VariableValue{VariableGUID: varCityZh.GUID, Value: c.NameZh})
		}
		for _, d := range docsByCity[c.Name] {
			k.SourceRefs = append(k.SourceRefs, refiqda.GUIDFor("source", d.ID))
		}
		if len(k.SourceRefs) > 0 {
			p.Cases = append(p.Cases, k)
		}
	}
	n.Cases = len(p.Cases)
	aw, err := refiqda.NewArchiveWriter(w, p)
	if err != nil {
		return n, err
	}
	err = store.StudyEachDocument(ctx, study, batch, func(d graph.ExportDocument) error {
		d.Codings = append(d.Codings, frameCodings(d)...)
		src := sourceOf(d, codeGUID, userGUID)
		n.Sources++
		n.Selections += len(src.Selections)
		for _, s := range src.Selections {
			n.Codings += len(s.Codings)
		}
		return aw.AddSource(src)
	})
	if err != nil {
		aw.Close()
		return n, err
	}
	return n, aw.Close()
}

// sourceOf makes a document's text source: codings with the same span
// share one selection.
func sourceOf(d graph.ExportDocument, codeGUID, userGUID map[string]string) refiqda.SourceText {
	doc := d.Document
	src := refiqda.SourceText{Source: refiqda.Source{Kind: refiqda.KindText, GUID: refiqda.GUIDFor("source", doc.ID), Name: doc.Title}, Text: doc.Text}
	if !doc.IssuedOn.IsZero() {
		src.Values = []refiqda.VariableValue{{VariableGUID: varDate.GUID, Value: doc.IssuedOn.Format("2006-01-02")}}
	}
	span := map[string][2]int{}
	for _, s := range d.Sentences {
		span[s.ID] = [2]int{s.Start, s.End}
	}
	type key struct{ start, end int }
	groups := map[key][]policykb.Coding{}
	for _, c := range d.Codings {
		k := key{span[c.SentenceID][0], span[c.SentenceID][1]}
		if c.Start != nil && c.End != nil {
			k = key{*c.Start, *c.End}
		}
		groups[k] = append(groups[k], c)
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
	for _, k := range keys {
		where := doc.ID + ":" + strconv.Itoa(k.start) + "-" + strconv.Itoa(k.end)
		sel := refiqda.Selection{GUID: refiqda.GUIDFor("selection", where), Start: k.start, End: k.end}
		seen := map[string]bool{}
		for _, c := range groups[k] {
			id := c.CodeID + "\x00" + c.Coder
			if seen[id] || codeGUID[c.CodeID] == "" {
				continue
			}
			seen[id] = true
			sel.Codings = append(sel.Codings, refiqda.Coding{GUID: refiqda.GUIDFor("coding", where+":"+id),
				CodeGUID: codeGUID[c.CodeID], CreatingUser: userGUID[c.Coder], Created: c.At})
			if sel.Created.IsZero() || (!c.At.IsZero() && c.At.Before(sel.Created)) {
				sel.Created = c.At
			}
			if sel.CreatingUser == "" {
				sel.CreatingUser = userGUID[c.Coder]
			}
		}
		src.Selections = append(src.Selections, sel)
	}
	return src
}

// inStudy keeps, of each city's documents, those the study includes.
func inStudy(ctx context.Context, store REFISource, study string, byCity map[string][]policykb.Document) (map[string][]policykb.Document, error) {
	var ids []string
	for _, docs := range byCity {
		for _, d := range docs {
			ids = append(ids, d.ID)
		}
	}
	held, err := store.DocumentStudies(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string][]policykb.Document{}
	for city, docs := range byCity {
		for _, d := range docs {
			if slices.Contains(held[d.ID], study) {
				out[city] = append(out[city], d)
			}
		}
	}
	return out, nil
}
