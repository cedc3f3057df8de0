package refiqda

import "time"

// Project is the content of a .qde file (or, with only Codes set, of a .qdc
// codebook) that policykb uses. Elements policykb has no use for (Notes,
// Links, Sets, Graphs) are not kept.
type Project struct {
	Name   string
	Origin string // the origin attribute: the tool that wrote the file
	Users  []User
	Codes  []*Code // the roots of the code tree, in file order
	// Variables are the project's variable definitions, Cases its cases.
	Variables []Variable
	Cases     []Case
	Sources   []Source
}

// User is a person who made codings.
type User struct {
	GUID string // normalised (see NormGUID)
	Name string
	ID   string
}

// Code is one node of the code tree.
type Code struct {
	GUID        string // normalised
	Name        string
	Description string
	Color       string
	IsCodable   bool
	Children    []*Code
}

// Variable is a variable definition; Type is one of Text, Boolean, Integer,
// Float, Date, DateTime.
type Variable struct {
	GUID, Name, Type string
}

// VariableValue is the value of a variable on a case or a source, as text
// (a date as YYYY-MM-DD).
type VariableValue struct {
	VariableGUID string
	Value        string
}

// Case groups sources (in policykb: a city and its documents).
type Case struct {
	GUID, Name string
	Values     []VariableValue
	SourceRefs []string // normalised GUIDs of the sources in the case
}

// Source kinds, the names of the elements inside <Sources>.
const (
	KindText    = "TextSource"
	KindPDF     = "PDFSource"
	KindPicture = "PictureSource"
	KindAudio   = "AudioSource"
	KindVideo   = "VideoSource"
)

// Source is one source of the project. Only TextSources carry Selections;
// for the other kinds CodingCount tells how many codings they hold.
type Source struct {
	Kind          string
	GUID          string
	Name          string
	PlainTextPath string
	// PlainTextContent is the inline text; HasContent tells an empty
	// inline text from none.
	PlainTextContent string
	HasContent       bool
	CreatingUser     string
	Values           []VariableValue
	Selections       []Selection
	// CodingCount is the number of Coding elements anywhere inside the
	// source (selections of every kind, transcripts, representations).
	CodingCount int
	// CodeRefs lists every CodeRef target anywhere inside the source.
	CodeRefs []string
}

// Selection is a PlainTextSelection: [Start, End) in the unit of the tool
// that wrote the file (see Unit).
type Selection struct {
	GUID, Name   string
	Start, End   int
	CreatingUser string
	Created      time.Time
	Codings      []Coding
}

// Coding applies a code to a selection.
type Coding struct {
	GUID         string
	CodeGUID     string // the CodeRef's target, normalised
	CreatingUser string
	Created      time.Time
}

// Walk calls fn for every code of the tree, parents before children, with
// its depth (1 for a root) and its parent (nil for a root).
func Walk(codes []*Code, fn func(c *Code, depth int, parent *Code)) {
	var walk func(cs []*Code, depth int, parent *Code)
	walk = func(cs []*Code, depth int, parent *Code) {
		for _, c := range cs {
			fn(c, depth, parent)
			walk(c.Children, depth+1, c)
		}
	}
	walk(codes, 1, nil)
}
