package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/refiqda"
)

func init() {
	exportCommands = append(exportCommands,
		func(a *app) *cobra.Command { return a.exportREFICmd("qdpx") },
		func(a *app) *cobra.Command { return a.exportREFICmd("qdc") })
}

func (a *app) exportREFICmd(format string) *cobra.Command {
	short := "Write the knowledge base as a REFI-QDA project (.qdpx) that NVivo, ATLAS.ti, MAXQDA and QualCoder import"
	if format == "qdc" {
		short = "Write the coding scheme as a REFI-QDA codebook (.qdc)"
	}
	return &cobra.Command{
		Use:   format + " FILE",
		Short: short,
		Long: short + ".\nCodes keep stable GUIDs (derived from their ids, or their own GUIDs when they were imported);\n" +
			"selections are written in code points. See the README, \"Exporting to NVivo, ATLAS.ti, MAXQDA\".",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(ctx)
			n, err := writeFileAtomic(args[0], func(w io.Writer) (exportCounts, error) {
				if format == "qdc" {
					return exportQDC(ctx, store, w)
				}
				return exportQDPX(ctx, store, w, max(a.cfg.Load.BatchSize/100, 10))
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s\n", args[0], n)
			return nil
		},
	}
}

// exportCounts says what an export wrote.
type exportCounts struct {
	codes, cases, users, sources, selections, codings int
}

func (c exportCounts) String() string {
	if c.sources == 0 && c.cases == 0 && c.users == 0 {
		return fmt.Sprintf("%d codes", c.codes)
	}
	return fmt.Sprintf("%d codes, %d cases, %d users, %d sources, %d selections, %d codings",
		c.codes, c.cases, c.users, c.sources, c.selections, c.codings)
}

// writeFileAtomic writes a file through a temporary file beside it, so a
// failed export leaves no half-written file.
func writeFileAtomic(path string, write func(io.Writer) (exportCounts, error)) (exportCounts, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".policykb-export-*")
	if err != nil {
		return exportCounts{}, err
	}
	defer os.Remove(tmp.Name())
	n, err := write(tmp)
	if err != nil {
		tmp.Close()
		return n, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return n, err
	}
	if err := tmp.Close(); err != nil {
		return n, err
	}
	return n, os.Rename(tmp.Name(), path)
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

func exportQDC(ctx context.Context, store *graph.Store, w io.Writer) (exportCounts, error) {
	codes, err := store.Codes(ctx)
	if err != nil {
		return exportCounts{}, err
	}
	if len(codes) == 0 {
		return exportCounts{}, policykb.Errorf(policykb.ENotFound, "export: the knowledge base has no codes to export")
	}
	roots, _ := codeTree(codes)
	return exportCounts{codes: len(codes)}, refiqda.WriteCodebook(w, "policykb", roots)
}

// The variables an export writes: on cases, a city's province and Chinese
// name; on sources, the issue date. Import reads them back by name.
var (
	varProvince = refiqda.Variable{GUID: refiqda.GUIDFor("variable", "province"), Name: "province", Type: "Text"}
	varCityZh   = refiqda.Variable{GUID: refiqda.GUIDFor("variable", "city_zh"), Name: "city_zh", Type: "Text"}
	varDate     = refiqda.Variable{GUID: refiqda.GUIDFor("variable", "date"), Name: "date", Type: "Date"}
)

// exportQDPX writes the whole knowledge base as a .qdpx archive: the
// codebook, one case per city (with its province and Chinese name), one
// user per coder, and one text source per document, its codings grouped
// into selections by span (a coding without a span selects its whole
// sentence) in code points of the stored text. Documents are read batch
// documents at a time.
func exportQDPX(ctx context.Context, store *graph.Store, w io.Writer, batch int) (exportCounts, error) {
	var n exportCounts
	codes, err := store.Codes(ctx)
	if err != nil {
		return n, err
	}
	roots, codeGUID := codeTree(codes)
	n.codes = len(codes)
	coders, err := store.Coders(ctx)
	if err != nil {
		return n, err
	}
	p := &refiqda.Project{Name: "policykb export", Origin: "policykb", Codes: roots,
		Variables: []refiqda.Variable{varProvince, varCityZh, varDate}}
	userGUID := map[string]string{}
	for _, c := range coders {
		if c == "" {
			continue
		}
		u := refiqda.User{GUID: refiqda.GUIDFor("user", c), Name: c}
		userGUID[c] = u.GUID
		p.Users = append(p.Users, u)
	}
	n.users = len(p.Users)
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
	n.cases = len(p.Cases)
	aw, err := refiqda.NewArchiveWriter(w, p)
	if err != nil {
		return n, err
	}
	err = store.EachDocument(ctx, batch, func(d graph.ExportDocument) error {
		src := sourceOf(d, codeGUID, userGUID)
		n.sources++
		n.selections += len(src.Selections)
		for _, s := range src.Selections {
			n.codings += len(s.Codings)
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
