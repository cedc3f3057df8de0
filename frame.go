package policykb

// Frame is a coding frame: a tree of codes on named levels. A study's
// grounded-theory codebook is one frame (CodebookFrame); a policy-instrument
// classification is another. A sentence can be coded in several frames.
//
// Contract (what a Frame from loaders or CodebookFrame guarantees): ID is not
// empty; Levels has at least one level, with unique ids; code ids are unique
// within the frame; a code on Levels[0] has no parent; a code on Levels[i],
// i > 0, has a parent on Levels[i-1]; so the tree has no cycles. Codes are in
// tree order: every code after its parent, siblings in file order.
type Frame struct {
	ID          string
	Name        string
	NameZh      string
	Description string
	Source      string // citation of where the frame comes from
	Levels      []FrameLevel
	Codes       []FrameCode
}

// FrameLevel is one level of a frame, from the root (Levels[0]) down.
type FrameLevel struct {
	ID     string // e.g. TYPE, TOOL; LAYER ... CONCEPT for a codebook
	Name   string
	NameZh string
}

// FrameCode is one node of a frame.
type FrameCode struct {
	ID         string
	Level      string // a FrameLevel.ID
	Parent     string // empty on the top level
	Number     *int   // as printed in a study, nil when not printed
	Name       string
	NameZh     string
	Definition string // which sentence counts under the code; may be empty
	Source     string
}

// CodebookFrameID is the frame id of a study's grounded-theory codebook.
const CodebookFrameID = "codebook"

// CodebookFrame returns a study's codebook as a frame with id CodebookFrameID
// and the four levels LAYER, MAIN_CATEGORY, CATEGORY and CONCEPT. codes must
// be in tree order (as loaders.Plan.Codes are); the frame keeps their order.
func CodebookFrame(name string, codes []Code) Frame {
	f := Frame{ID: CodebookFrameID, Name: name}
	for _, l := range Levels {
		f.Levels = append(f.Levels, FrameLevel{ID: l.String(), Name: l.Label()})
	}
	for _, c := range codes {
		f.Codes = append(f.Codes, FrameCode{
			ID: c.ID, Level: c.Level.String(), Parent: c.Parent, Number: c.Number,
			Name: c.Name, NameZh: c.NameZh, Source: c.Source,
		})
	}
	return f
}

// Parents returns each code's parent id ("" for the top level).
func (f *Frame) Parents() map[string]string {
	m := make(map[string]string, len(f.Codes))
	for _, c := range f.Codes {
		m[c.ID] = c.Parent
	}
	return m
}

// Lookup returns the code with the given id.
func (f *Frame) Lookup(id string) (FrameCode, bool) {
	for _, c := range f.Codes {
		if c.ID == id {
			return c, true
		}
	}
	return FrameCode{}, false
}

// Mapping derives codings in a target frame from codings in a source frame:
// "every sentence coded under con-12 is an ins-env-organisation instrument".
//
// Rule, most specific wins: a sentence coded at code c takes the target codes
// of the nearest decision on the path from c up to the top of the source
// frame — the Entries naming that code (all of them, when several do), or an
// Excluded line naming it, which yields nothing. A code with no decision on
// its path is uncovered and yields nothing.
//
// Contract (from loaders.ParseMapping): every Entry.Code and Excluded code is
// in the source frame, every Entry.To in the target frame; no (Code, To) pair
// twice; no code both in Entries and Excluded, nor twice in Excluded.
type Mapping struct {
	ID          string
	Name        string
	Description string
	Source      string // the source frame's id
	Target      string // the target frame's id
	Entries     []MappingEntry
	Excluded    []MappingExclusion
}

// MappingEntry maps one source code (at any level) to one target code.
type MappingEntry struct {
	Code   string
	To     string
	Reason string
	Line   int // in the mapping file, 0 when not read from a file
}

// MappingExclusion says that sentences coded under Code derive nothing: for
// an instrument frame, background facts or statements that are not measures.
type MappingExclusion struct {
	Code   string
	Reason string
	Line   int
}
