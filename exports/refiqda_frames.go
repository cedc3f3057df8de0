package exports

import (
	"context"
	"fmt"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/refiqda"
)

// frameKey is the key of a frame code among the codes an export maps to
// GUIDs (codebook codes are keyed by their ids, which hold no NUL).
func frameKey(frame, code string) string { return "\x00" + frame + "\x00" + code }

// frameTrees makes one root code per frame of the study, its codes below
// it, and adds their GUIDs to guids (under frameKey); n counts the codes
// made, roots included. The root is not
// codable; its description carries the frame and the mappings into it
// (policykb.FrameExchange), with the mappings' codebook codes named by
// their GUIDs in this export, so that importing the project restores the
// frame and derives its codings again. A frame code's description gives
// its Chinese name, level, id and definition, and says which codings are
// derived.
func frameTrees(ctx context.Context, store REFISource, study string, guids map[string]string) ([]*refiqda.Code, int, error) {
	frames, err := store.Frames(ctx, study)
	if err != nil {
		return nil, 0, err
	}
	var roots []*refiqda.Code
	n := 0
	maps := map[string][]policykb.Mapping{}
	for _, fi := range frames {
		if _, ok := maps[fi.Study]; !ok {
			if maps[fi.Study], err = store.Mappings(ctx, fi.Study); err != nil {
				return nil, 0, err
			}
		}
		x := policykb.FrameExchange{Frame: fi.Frame}
		for _, m := range maps[fi.Study] {
			if m.Target != fi.ID {
				continue
			}
			if m.Source == policykb.CodebookFrameID {
				m.Entries = append([]policykb.MappingEntry(nil), m.Entries...)
				for i, e := range m.Entries {
					m.Entries[i].Code = refiqda.GUIDFor("code", e.Code)
				}
				m.Excluded = append([]policykb.MappingExclusion(nil), m.Excluded...)
				for i, e := range m.Excluded {
					m.Excluded[i].Code = refiqda.GUIDFor("code", e.Code)
				}
			}
			x.Mappings = append(x.Mappings, m)
		}
		root := &refiqda.Code{GUID: refiqda.GUIDFor("frame", fi.ID), Name: fi.Name, Description: x.Description()}
		if fi.NameZh != "" {
			root.Name += " " + fi.NameZh
		}
		derived := ""
		for _, m := range x.Mappings {
			derived += fmt.Sprintf(" Codings by %q are derived through the mapping %q.", policykb.DerivedCoder(m.ID), m.ID)
		}
		byID := map[string]*refiqda.Code{}
		for _, c := range fi.Codes {
			desc := c.Level + " " + c.ID + " in the frame " + fi.ID
			if c.NameZh != "" {
				desc = c.NameZh + " (" + desc + ")"
			}
			desc += "."
			if c.Definition != "" {
				desc += " " + c.Definition
			}
			k := &refiqda.Code{GUID: refiqda.FrameCodeGUID(fi.ID, c.ID), Name: c.Name, Description: desc + derived, IsCodable: true}
			guids[frameKey(fi.ID, c.ID)], byID[c.ID] = k.GUID, k
			if p, ok := byID[c.Parent]; ok {
				p.Children = append(p.Children, k)
			} else {
				root.Children = append(root.Children, k)
			}
			n++
		}
		roots = append(roots, root)
		n++
	}
	return roots, n, nil
}

// frameCodings are a document's frame codings as codings of the export's
// code keys (frameKey).
func frameCodings(d graph.ExportDocument) []policykb.Coding {
	out := make([]policykb.Coding, len(d.FrameCodings))
	for i, c := range d.FrameCodings {
		out[i] = c.Coding
		out[i].CodeID = frameKey(c.Frame, c.CodeID)
	}
	return out
}
