package loaders

import (
	"context"
	"fmt"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/refiqda"
)

// PlanFrame is a coding frame an import restores beside the codebook: the
// frame, its direct codings and the mappings that derive codings into it.
type PlanFrame struct {
	Frame    policykb.Frame
	Codings  []policykb.Coding
	Mappings []policykb.Mapping
}

// importFrame is a frame read from a project's code tree (a root code
// whose description holds a policykb.FrameExchange, as policykb's export
// writes it).
type importFrame struct {
	PlanFrame
	target  map[string]string            // code guid → frame code id
	byDoc   map[string][]policykb.Coding // document id → its direct codings
	seen    map[string]bool              // sentence, code, coder
	derived int                          // codings by "derived:" users, left to the mappings
}

// importFrames are the frames of one import.
type importFrames []*importFrame

// splitFrames takes the frames out of a project's code tree: each root
// code whose description holds a frame (policykb.ParseFrameExchange)
// becomes a frame, its code tree below it the frame's codes on the
// frame's levels by depth (a code the exported frame does not list, made in
// a QDA program, is added with its GUID as id; one deeper than the levels
// is folded onto its parent). The other roots are the codebook's.
func splitFrames(file string, roots []*refiqda.Code, rep *ImportReport) ([]*refiqda.Code, importFrames, error) {
	var codebook []*refiqda.Code
	var frames importFrames
	for _, root := range roots {
		x, ok, err := policykb.ParseFrameExchange(root.Description)
		if err != nil {
			return nil, nil, refusal(file, 0, "code %q (%s): %v", root.Name, root.GUID, err)
		}
		if !ok {
			codebook = append(codebook, root)
			continue
		}
		f := x.Frame
		known := map[string]policykb.FrameCode{}
		for _, c := range f.Codes {
			known[refiqda.FrameCodeGUID(f.ID, c.ID)] = c
		}
		fr := &importFrame{target: map[string]string{}, byDoc: map[string][]policykb.Coding{}, seen: map[string]bool{}}
		fr.Frame = policykb.Frame{ID: f.ID, Name: f.Name, NameZh: f.NameZh, Description: f.Description, Source: f.Source, Levels: f.Levels}
		refiqda.Walk(root.Children, func(c *refiqda.Code, depth int, parent *refiqda.Code) {
			up := ""
			if parent != nil {
				up = fr.target[parent.GUID]
			}
			if depth > len(f.Levels) {
				fr.target[c.GUID] = up
				rep.warn("code %q (%s) of the frame %s is deeper than its %d levels: folded onto its parent, with its codings", c.Name, c.GUID, f.ID, len(f.Levels))
				return
			}
			k, ok := known[c.GUID]
			if !ok {
				k = policykb.FrameCode{ID: c.GUID}
				rep.warn("code %q (%s) under the frame %s is not one of the frame's codes as exported: added with its GUID as id", c.Name, c.GUID, f.ID)
			}
			k.Level, k.Parent = f.Levels[depth-1].ID, up
			if name := strings.TrimSpace(c.Name); name != "" {
				k.Name = name
			}
			if k.Name == "" {
				k.Name = "(unnamed " + c.GUID + ")"
			}
			fr.Frame.Codes = append(fr.Frame.Codes, k)
			fr.target[c.GUID] = k.ID
		})
		fr.Mappings = x.Mappings
		frames = append(frames, fr)
	}
	return codebook, frames, nil
}

// code finds the frame and frame code a code GUID belongs to.
func (fs importFrames) code(guid string) (*importFrame, string, bool) {
	for _, fr := range fs {
		if id, ok := fr.target[guid]; ok {
			return fr, id, true
		}
	}
	return nil, "", false
}

// add records the sentence codings of a selection of a document coded at
// a frame code, or counts a derived one ("derived:<mapping>"), which is
// not kept: the mapping derives it again. It reports whether the selection
// covered a sentence.
func (fr *importFrame) add(doc string, units []policykb.Sentence, start, end int, k policykb.Coding) bool {
	if strings.HasPrefix(k.Coder, "derived:") {
		fr.derived++
		return true
	}
	cs := passageCodings(units, start, end, k)
	for _, c := range cs {
		key := c.SentenceID + "\x00" + c.CodeID + "\x00" + c.Coder
		if !fr.seen[key] {
			fr.seen[key] = true
			fr.byDoc[doc] = append(fr.byDoc[doc], c)
		}
	}
	return len(cs) > 0
}

// planFrames finishes the frames for a plan: the direct codings of the
// documents it writes, and each mapping with its codebook codes (named by
// GUID in the export) turned into the ids the import gives them (target);
// an entry whose code the import dropped, or whose target code is not in
// the frame, is left out with a warning.
func (fs importFrames) planFrames(plan *Plan, codebook map[string]string, rep *ImportReport) {
	for _, fr := range fs {
		for _, b := range plan.Documents {
			fr.Codings = append(fr.Codings, fr.byDoc[b.Document.ID]...)
		}
		inFrame := map[string]bool{}
		for _, c := range fr.Frame.Codes {
			inFrame[c.ID] = true
		}
		source := func(m policykb.Mapping, code string) string {
			if m.Source != policykb.CodebookFrameID {
				return code
			}
			return codebook[refiqda.NormGUID(code)]
		}
		for i, m := range fr.Mappings {
			var entries []policykb.MappingEntry
			for _, e := range m.Entries {
				code := source(m, e.Code)
				if code == "" || !inFrame[e.To] {
					rep.warn("mapping %s: the entry %s → %s is left out: the import has no such code", m.ID, e.Code, e.To)
					continue
				}
				e.Code = code
				entries = append(entries, e)
			}
			var excluded []policykb.MappingExclusion
			for _, x := range m.Excluded {
				if x.Code = source(m, x.Code); x.Code != "" {
					excluded = append(excluded, x)
				}
			}
			fr.Mappings[i].Entries, fr.Mappings[i].Excluded = entries, excluded
		}
		if fr.derived > 0 {
			rep.warn("frame %s: %d codings by derived users are not imported as codings: the mappings %s derive them again",
				fr.Frame.ID, fr.derived, mappingIDs(fr.Mappings))
		}
		rep.Frames++
		rep.DerivedCodings += fr.derived
		plan.Frames = append(plan.Frames, fr.PlanFrame)
	}
}

func mappingIDs(ms []policykb.Mapping) string {
	if len(ms) == 0 {
		return "(none: the file has no mapping into the frame)"
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return strings.Join(ids, ", ")
}

// String summarises the frames of a plan.
func framesSummary(fs []PlanFrame) string {
	if len(fs) == 0 {
		return ""
	}
	codes, codings := 0, 0
	for _, f := range fs {
		codes += len(f.Frame.Codes)
		codings += len(f.Codings)
	}
	return fmt.Sprintf("; %d frames (%d codes, %d direct codings)", len(fs), codes, codings)
}

// writePlanFrames writes a plan's frames: each frame, its direct codings,
// then every mapping (which derives its codings). Each step is idempotent.
func writePlanFrames(ctx context.Context, store *graph.Store, plan *Plan) (graph.WriteSummary, error) {
	var sum graph.WriteSummary
	for _, f := range plan.Frames {
		s, err := store.WriteFrame(ctx, plan.Study, f.Frame)
		if err != nil {
			return sum, err
		}
		sum = sum.Add(s)
		if len(f.Codings) > 0 {
			if s, err = store.WriteFrameCodings(ctx, plan.Study, f.Frame.ID, f.Codings); err != nil {
				return sum, err
			}
			sum = sum.Add(s)
		}
	}
	for _, f := range plan.Frames {
		for _, m := range f.Mappings {
			s, err := store.WriteMapping(ctx, plan.Study, m)
			if err != nil {
				return sum, err
			}
			sum = sum.Add(s)
		}
	}
	return sum, nil
}
