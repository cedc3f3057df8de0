package policykb

import (
	"strconv"
	"time"
)

// City is a jurisdiction that issues policy documents (a "case" in NVivo's
// terms). Name is its key.
type City struct {
	Name     string // English name, the key
	NameZh   string // Chinese name, may be empty
	Province string
}

// Document is one policy text. Its Text is the full normalised text from which
// its sentences were cut; sentence offsets index into it in code points.
type Document struct {
	ID         string
	City       string // City.Name
	Title      string
	Issuer     string
	IssuedOn   time.Time // zero when unknown; a calendar date in UTC
	DocType    string
	URL        string
	SourceFile string
	SHA256     string // of the text as stored
	Synthetic  bool
	Text       string
}

// SentenceKind tells an ordinary sentence from a heading line.
type SentenceKind string

// The kinds of segmented unit.
const (
	KindSentence SentenceKind = "SENTENCE"
	KindHeading  SentenceKind = "HEADING"
)

// Sentence is one segmented unit of a document. Start and End are code-point
// offsets into Document.Text, End exclusive; Text is the unit with its
// internal hard line breaks joined (with nothing beside a Chinese
// character, with one space between words of spaced scripts).
type Sentence struct {
	ID         string
	DocumentID string
	Index      int
	Kind       SentenceKind
	Text       string
	Start, End int
}

// SentenceID returns the stable id of the index-th sentence of a document.
func SentenceID(documentID string, index int) string {
	return documentID + "#" + strconv.Itoa(index)
}

// Coding records that a coder coded a sentence at a code.
// Origin is "manual", "import:<tool>" or "auto". Start and End, when set, are
// the code-point span of the coded passage within the document text, kept
// when the passage is not the whole sentence.
type Coding struct {
	SentenceID string
	CodeID     string
	// Study is the id of the study whose code CodeID is; empty when
	// writing: the study the write is made for (graph.Store resolves it).
	Study      string
	Coder      string
	Origin     string
	At         time.Time
	Start, End *int
	// Confidence is how sure an automatic coder was (0 to 1); nil for a
	// human coding.
	Confidence *float64
}

// CorpusFilter restricts the sentences that are counted or listed. Empty
// fields do not restrict, except that codings made by automatic coding
// count only when Coders names their coder or IncludeAutomatic is set. Cities and Provinces match names case-insensitively
// (a city's English or Chinese name).
type CorpusFilter struct {
	Cities     []string
	Provinces  []string
	Documents  []string
	IssuedFrom *time.Time // inclusive
	IssuedTo   *time.Time // inclusive
	// Coders restricts the codings that count to these coders' (human or
	// automatic).
	Coders []string
	// IncludeAutomatic counts automatic codings (origin "auto") too when
	// Coders is empty. Without it, and without Coders naming automatic
	// coders, every count is of human codings only.
	IncludeAutomatic bool
	// DocTypes admits documents whose docType is one of these,
	// case-insensitively.
	DocTypes []string
	// Study restricts counting to one study's codes and the documents it
	// includes; empty: the whole knowledge base, which is right while it
	// holds one study (graph.Store.ResolveStudy gives "" then).
	Study string
}

// OriginAuto is the origin of codings made by automatic coding; their
// coder says how ("auto:dict:<name>", "auto:model:<name>").
const OriginAuto = "auto"

// AutoCoderPrefix begins the name of every automatic coder.
const AutoCoderPrefix = "auto:"

// Count is what NVivo reports for a code: ReferencePoints is the number of
// distinct sentences coded at the code or any code below it; MaterialSources
// the number of distinct documents holding such a sentence.
type Count struct {
	CodeID          string
	ReferencePoints int
	MaterialSources int
}

// Stats sizes the knowledge base.
type Stats struct {
	// CodedSentences and Codings are human (AutomaticCodings are not in them).
	Cities, Documents, Sentences, CodedSentences, Codings int
	Layers, MainCategories, Categories, Concepts          int
	AutomaticCodings                                      int
}
