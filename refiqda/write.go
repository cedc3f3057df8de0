package refiqda

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// The namespaces policykb writes.
const (
	ProjectNS  = "urn:QDA-XML:project:1.0"
	CodebookNS = "urn:QDA-XML:codebook:1.0"
)

type xRef struct {
	Target string `xml:"targetGUID,attr"`
}

type xUser struct {
	XMLName xml.Name `xml:"User"`
	GUID    string   `xml:"guid,attr"`
	Name    string   `xml:"name,attr,omitempty"`
}

type xCode struct {
	XMLName     xml.Name `xml:"Code"`
	GUID        string   `xml:"guid,attr"`
	Name        string   `xml:"name,attr"`
	IsCodable   bool     `xml:"isCodable,attr"`
	Color       string   `xml:"color,attr,omitempty"`
	Description string   `xml:"Description,omitempty"`
	Codes       []xCode  `xml:"Code"`
}

type xVariable struct {
	XMLName xml.Name `xml:"Variable"`
	GUID    string   `xml:"guid,attr"`
	Name    string   `xml:"name,attr"`
	Type    string   `xml:"typeOfVariable,attr"`
}

type xValue struct {
	XMLName   xml.Name `xml:"VariableValue"`
	Ref       xRef     `xml:"VariableRef"`
	TextValue *string  `xml:"TextValue,omitempty"`
	DateValue *string  `xml:"DateValue,omitempty"`
}

type xCase struct {
	XMLName xml.Name `xml:"Case"`
	GUID    string   `xml:"guid,attr"`
	Name    string   `xml:"name,attr,omitempty"`
	Values  []xValue `xml:"VariableValue"`
	Sources []xRef   `xml:"SourceRef"`
}

type xCoding struct {
	GUID    string `xml:"guid,attr"`
	User    string `xml:"creatingUser,attr,omitempty"`
	Created string `xml:"creationDateTime,attr,omitempty"`
	CodeRef xRef   `xml:"CodeRef"`
}

type xSelection struct {
	GUID    string    `xml:"guid,attr"`
	Name    string    `xml:"name,attr,omitempty"`
	Start   int       `xml:"startPosition,attr"`
	End     int       `xml:"endPosition,attr"`
	User    string    `xml:"creatingUser,attr,omitempty"`
	Created string    `xml:"creationDateTime,attr,omitempty"`
	Codings []xCoding `xml:"Coding"`
}

type xTextSource struct {
	XMLName    xml.Name     `xml:"TextSource"`
	GUID       string       `xml:"guid,attr"`
	Name       string       `xml:"name,attr,omitempty"`
	Path       string       `xml:"plainTextPath,attr"`
	Selections []xSelection `xml:"PlainTextSelection"`
	Values     []xValue     `xml:"VariableValue"`
}

func codesOut(cs []*Code) []xCode {
	out := make([]xCode, len(cs))
	for i, c := range cs {
		out[i] = xCode{GUID: c.GUID, Name: c.Name, IsCodable: c.IsCodable, Color: c.Color,
			Description: c.Description, Codes: codesOut(c.Children)}
	}
	return out
}

func valuesOut(vs []VariableValue, types map[string]string) []xValue {
	out := make([]xValue, 0, len(vs))
	for _, v := range vs {
		val := v.Value
		x := xValue{Ref: xRef{v.VariableGUID}}
		if types[v.VariableGUID] == "Date" {
			x.DateValue = &val
		} else {
			x.TextValue = &val
		}
		out = append(out, x)
	}
	return out
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// SourceText is a text source to write: its metadata and selections (in
// code points of Text), and its text.
type SourceText struct {
	Source
	Text string
}

// ArchiveWriter writes a .qdpx archive one source at a time: each source's
// text goes into the zip as sources/<guid>.txt (UTF-8, no BOM) as it comes,
// and the project XML is spooled to a temporary file and added last, so a
// large project is never held in memory.
type ArchiveWriter struct {
	zw    *zip.Writer
	spool *os.File
	buf   *bufio.Writer
	enc   *xml.Encoder
	types map[string]string // variable guid → type
	open  bool              // <Sources> started
	err   error
}

// NewArchiveWriter starts an archive on w with the parts of p that come
// before the sources (users, codebook, variables, cases). Sources are then
// added with AddSource; Close finishes the archive. p.Sources is ignored.
func NewArchiveWriter(w io.Writer, p *Project) (*ArchiveWriter, error) {
	spool, err := os.CreateTemp("", "policykb-qde-*.xml")
	if err != nil {
		return nil, fmt.Errorf("refiqda: spool the project file: %w", err)
	}
	a := &ArchiveWriter{zw: zip.NewWriter(w), spool: spool, buf: bufio.NewWriter(spool), types: map[string]string{}}
	a.enc = xml.NewEncoder(a.buf)
	a.enc.Indent("", " ")
	for _, v := range p.Variables {
		a.types[v.GUID] = v.Type
	}
	if err := a.head(p); err != nil {
		a.abort()
		return nil, err
	}
	return a, nil
}

func (a *ArchiveWriter) head(p *Project) error {
	if _, err := a.buf.WriteString(xml.Header); err != nil {
		return err
	}
	root := xml.StartElement{Name: xml.Name{Local: "Project"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "xmlns"}, Value: ProjectNS},
		{Name: xml.Name{Local: "name"}, Value: p.Name},
		{Name: xml.Name{Local: "origin"}, Value: p.Origin},
		{Name: xml.Name{Local: "creationDateTime"}, Value: stamp(time.Now())},
	}}
	if err := a.enc.EncodeToken(root); err != nil {
		return err
	}
	if len(p.Users) > 0 {
		us := make([]xUser, len(p.Users))
		for i, u := range p.Users {
			us[i] = xUser{GUID: u.GUID, Name: u.Name}
		}
		if err := a.enc.EncodeElement(struct {
			Users []xUser `xml:"User"`
		}{us}, xml.StartElement{Name: xml.Name{Local: "Users"}}); err != nil {
			return err
		}
	}
	if len(p.Codes) > 0 {
		if err := a.enc.EncodeElement(struct {
			Codes struct {
				Codes []xCode `xml:"Code"`
			} `xml:"Codes"`
		}{struct {
			Codes []xCode `xml:"Code"`
		}{codesOut(p.Codes)}}, xml.StartElement{Name: xml.Name{Local: "CodeBook"}}); err != nil {
			return err
		}
	}
	if len(p.Variables) > 0 {
		vs := make([]xVariable, len(p.Variables))
		for i, v := range p.Variables {
			vs[i] = xVariable{GUID: v.GUID, Name: v.Name, Type: v.Type}
		}
		if err := a.enc.EncodeElement(struct {
			V []xVariable `xml:"Variable"`
		}{vs}, xml.StartElement{Name: xml.Name{Local: "Variables"}}); err != nil {
			return err
		}
	}
	if len(p.Cases) > 0 {
		cs := make([]xCase, len(p.Cases))
		for i, c := range p.Cases {
			x := xCase{GUID: c.GUID, Name: c.Name, Values: valuesOut(c.Values, a.types)}
			for _, s := range c.SourceRefs {
				x.Sources = append(x.Sources, xRef{s})
			}
			cs[i] = x
		}
		if err := a.enc.EncodeElement(struct {
			C []xCase `xml:"Case"`
		}{cs}, xml.StartElement{Name: xml.Name{Local: "Cases"}}); err != nil {
			return err
		}
	}
	return nil
}

// AddSource writes one text source: its text as sources/<guid>.txt and its
// element, with its selections (whose positions must be code points of
// s.Text), into the project file.
func (a *ArchiveWriter) AddSource(s SourceText) error {
	if a.err != nil {
		return a.err
	}
	a.err = a.addSource(s)
	return a.err
}

func (a *ArchiveWriter) addSource(s SourceText) error {
	entry := "sources/" + s.GUID + ".txt"
	f, err := a.zw.Create(entry)
	if err != nil {
		return fmt.Errorf("refiqda: write %s: %w", entry, err)
	}
	if _, err := io.WriteString(f, s.Text); err != nil {
		return fmt.Errorf("refiqda: write %s: %w", entry, err)
	}
	if !a.open {
		if err := a.enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: "Sources"}}); err != nil {
			return err
		}
		a.open = true
	}
	x := xTextSource{GUID: s.GUID, Name: s.Name, Path: "internal://" + s.GUID + ".txt", Values: valuesOut(s.Values, a.types)}
	for _, sel := range s.Selections {
		xs := xSelection{GUID: sel.GUID, Name: sel.Name, Start: sel.Start, End: sel.End, User: sel.CreatingUser, Created: stamp(sel.Created)}
		for _, c := range sel.Codings {
			xs.Codings = append(xs.Codings, xCoding{GUID: c.GUID, User: c.CreatingUser, Created: stamp(c.Created), CodeRef: xRef{c.CodeGUID}})
		}
		x.Selections = append(x.Selections, xs)
	}
	return a.enc.Encode(x)
}

// Close ends the project file, adds it to the archive as project.qde and
// closes the archive (not the underlying writer).
func (a *ArchiveWriter) Close() error {
	defer a.abort()
	if a.err != nil {
		return a.err
	}
	if a.open {
		if err := a.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: "Sources"}}); err != nil {
			return err
		}
	}
	if err := a.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: "Project"}}); err != nil {
		return err
	}
	if err := a.enc.Flush(); err != nil {
		return err
	}
	if err := a.buf.Flush(); err != nil {
		return err
	}
	if _, err := a.spool.Seek(0, io.SeekStart); err != nil {
		return err
	}
	f, err := a.zw.Create("project.qde")
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, a.spool); err != nil {
		return fmt.Errorf("refiqda: write project.qde: %w", err)
	}
	return a.zw.Close()
}

// abort removes the spool file.
func (a *ArchiveWriter) abort() {
	if a.spool != nil {
		a.spool.Close()
		os.Remove(a.spool.Name())
		a.spool = nil
	}
}

// WriteCodebook writes a .qdc codebook (root <CodeBook> in the codebook
// namespace) holding codes.
func WriteCodebook(w io.Writer, origin string, codes []*Code) error {
	if len(codes) == 0 {
		return errors.New("refiqda: a codebook needs at least one code")
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	type xCodes struct {
		Codes []xCode `xml:"Code"`
	}
	err := enc.Encode(struct {
		XMLName xml.Name `xml:"CodeBook"`
		NS      string   `xml:"xmlns,attr"`
		Origin  string   `xml:"origin,attr,omitempty"`
		Codes   xCodes   `xml:"Codes"`
	}{NS: CodebookNS, Origin: origin, Codes: xCodes{codesOut(codes)}})
	if err != nil {
		return fmt.Errorf("refiqda: write codebook: %w", err)
	}
	_, err = io.WriteString(w, "\n")
	return err
}
