package loaders

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// FrameInput is what `policykb frames add` loads into a study: a frame
// file, mapping files that derive codings (into it or another stored
// frame) and codings CSVs coding the frame's codes directly.
type FrameInput struct {
	// Study is the study (id or name); "" is the base's one study.
	Study string
	// Frame is a frame file (loaders.ParseFrame); "" when the frame is
	// stored already.
	Frame string
	// FrameID names the stored frame the Codings code when Frame is "".
	FrameID string
	// Mappings are mapping files (ParseMapping). A mapping's source is
	// the study's codebook ("codebook"), the frame of this input or a
	// stored frame; its target the frame of this input or a stored frame.
	Mappings []string
	// Codings are codings CSVs in the format of `policykb load --codings`
	// (document_id, quote, code_id, coder, occurrence), whose code_id are
	// codes of the frame.
	Codings []string
	// Read reads a named file; nil reads from disk (the sample reads the
	// embedded files).
	Read func(name string) ([]byte, error)
}

// FramePlan is a validated FrameInput, ready to write.
type FramePlan struct {
	Study    string
	Frame    *policykb.Frame // nil when the input has no frame file
	FrameID  string          // the frame the codings code
	Mappings []policykb.Mapping
	Codings  []policykb.Coding
}

// ValidateFrame reads and checks everything in the input against the
// study as stored (its codebook, its frames, the documents' texts) and
// returns the plan, or a Problems error listing every problem found with
// file, line and field. It never writes.
func ValidateFrame(ctx context.Context, store *graph.Store, in FrameInput) (*FramePlan, error) {
	if in.Frame == "" && len(in.Mappings) == 0 && len(in.Codings) == 0 {
		return nil, policykb.InvalidArgument("input", "loaders: nothing to add: give a frame file, --mapping or --codings")
	}
	study, err := store.StudyID(ctx, in.Study)
	if err != nil {
		return nil, err
	}
	plan := &FramePlan{Study: study, FrameID: in.FrameID}
	c := &collector{}
	readFile := func(path string) ([]byte, bool) {
		b, err := in.read(path)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, os.ErrNotExist) {
				msg = "no such file"
			}
			c.add(path, 0, "", "cannot read: %s", msg)
			return nil, false
		}
		return b, true
	}
	if in.Frame != "" {
		if data, ok := readFile(in.Frame); ok {
			f := parseFrame(in.Frame, data, c)
			if f.ID == policykb.CodebookFrameID {
				c.add(in.Frame, 0, "id", "%q is the study's codebook: load it with policykb load --codebook; a frame file here needs levels and another id", f.ID)
			} else if len(c.problems) == 0 {
				plan.Frame, plan.FrameID = &f, f.ID
			}
		}
	}
	// frame returns a frame by id: this input's, the codebook or a stored one.
	frame := func(id string) (policykb.Frame, bool, error) {
		if plan.Frame != nil && plan.Frame.ID == id {
			return *plan.Frame, true, nil
		}
		f, err := store.SourceFrame(ctx, study, id)
		if errors.Is(err, graph.ErrNotFound) {
			return f, false, nil
		}
		return f, err == nil, err
	}
	for _, path := range in.Mappings {
		data, ok := readFile(path)
		if !ok {
			continue
		}
		var ends struct{ Source, Target string }
		_ = yaml.Unmarshal(data, &ends) // a broken file is reported by parseMapping
		source, okS, err := frame(ends.Source)
		if err != nil {
			return nil, err
		}
		target, okT, err := frame(ends.Target)
		if err != nil {
			return nil, err
		}
		if ends.Target == policykb.CodebookFrameID {
			okT = false
		}
		if !okS || !okT {
			side, id := "source", ends.Source
			if okS {
				side, id = "target", ends.Target
			}
			if id != "" {
				c.add(path, 0, side, "no frame %q in the study %s: give its frame file too, or add it first (the codebook is %q, and only a source)", id, study, policykb.CodebookFrameID)
				continue
			}
		}
		m := parseMapping(path, data, source, target, c)
		plan.Mappings = append(plan.Mappings, m)
	}
	if len(in.Codings) > 0 {
		if err := plan.frameCodings(ctx, store, in, c); err != nil {
			return nil, err
		}
	}
	if len(c.problems) > 0 {
		return nil, c.sorted()
	}
	return plan, nil
}

// frameCodings reads the codings CSVs of the plan's frame, locating each
// quote as `policykb load --codings` does.
func (p *FramePlan) frameCodings(ctx context.Context, store *graph.Store, in FrameInput, c *collector) error {
	var f policykb.Frame
	switch {
	case p.Frame != nil:
		f = *p.Frame
	case p.FrameID == "":
		c.add(in.Codings[0], 0, "", "which frame do these codings code? give its frame file or --frame")
		return nil
	default:
		var err error
		f, err = store.Frame(ctx, p.Study, p.FrameID)
		if errors.Is(err, graph.ErrNotFound) {
			c.add(in.Codings[0], 0, "", "no frame %q in the study %s", p.FrameID, p.Study)
			return nil
		}
		if err != nil {
			return err
		}
	}
	v := &validation{store: store, at: time.Now().UTC().Truncate(time.Second), loadCodes: map[string]policykb.Code{},
		docs: map[string]*docEntry{}, storedDocs: map[string]*storedDoc{}, frame: f.ID}
	for _, k := range f.Codes {
		v.loadCodes[k.ID] = policykb.Code{ID: k.ID}
	}
	seen := map[string]bool{}
	for _, path := range in.Codings {
		data, err := in.read(path)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, os.ErrNotExist) {
				msg = "no such file"
			}
			v.c.add(path, 0, "", "cannot read: %s", msg)
			continue
		}
		rows := parseCodings(path, data, &v.c)
		resolved, err := v.resolve(ctx, rows)
		if err != nil {
			return err
		}
		for i := range rows {
			for _, k := range resolved[i] {
				key := k.SentenceID + "\x00" + k.CodeID + "\x00" + k.Coder
				if !seen[key] {
					seen[key] = true
					p.Codings = append(p.Codings, k)
				}
			}
		}
	}
	c.problems = append(c.problems, v.c.problems...)
	return nil
}

func (in FrameInput) read(path string) ([]byte, error) {
	if in.Read != nil {
		return in.Read(path)
	}
	return os.ReadFile(path)
}

// WriteFrame writes a validated plan: the frame, then each mapping (with
// its derived codings), then the direct codings, after which every mapping
// of the study is derived anew (a mapping may read the frame just coded).
// Each step is idempotent, so writing the same plan twice changes nothing.
func WriteFrame(ctx context.Context, store *graph.Store, p *FramePlan) (graph.WriteSummary, error) {
	var sum graph.WriteSummary
	if p.Frame != nil {
		s, err := store.WriteFrame(ctx, p.Study, *p.Frame)
		if err != nil {
			return sum, fmt.Errorf("loaders: frames: %w", err)
		}
		sum = sum.Add(s)
	}
	for _, m := range p.Mappings {
		s, err := store.WriteMapping(ctx, p.Study, m)
		if err != nil {
			return sum, fmt.Errorf("loaders: frames: %w", err)
		}
		sum = sum.Add(s)
	}
	if len(p.Codings) > 0 {
		s, err := store.WriteFrameCodings(ctx, p.Study, p.FrameID, p.Codings)
		if err != nil {
			return sum, fmt.Errorf("loaders: frames: %w", err)
		}
		sum = sum.Add(s)
		if s.RelationshipsCreated > 0 {
			d, err := store.Rederive(ctx, p.Study)
			if err != nil {
				return sum, fmt.Errorf("loaders: frames: %w", err)
			}
			d.Codings = 0
			sum = sum.Add(d)
		}
	}
	return sum, nil
}

// AddFrame validates the input (ValidateFrame) and, only when it is free
// of problems, writes it (WriteFrame). Bad input writes nothing.
func AddFrame(ctx context.Context, store *graph.Store, in FrameInput) (graph.WriteSummary, error) {
	if err := store.EnsureSchema(ctx); err != nil {
		return graph.WriteSummary{}, fmt.Errorf("loaders: frames: %w", err)
	}
	plan, err := ValidateFrame(ctx, store, in)
	if err != nil {
		return graph.WriteSummary{}, err
	}
	return WriteFrame(ctx, store, plan)
}
