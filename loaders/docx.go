package loaders

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// maxDocxXML bounds the uncompressed size of a .docx's main part, so that a
// zip bomb cannot exhaust memory.
const maxDocxXML = 256 << 20

// The WordprocessingML namespaces: transitional (what Word and WPS write)
// and strict.
const (
	wNS       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	wNSStrict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
	mcNS      = "http://schemas.openxmlformats.org/markup-compatibility/2006"
	relNS     = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// docxText extracts the text of a .docx's main document part: paragraphs in
// document order separated by blank lines, each table cell's paragraphs as
// paragraphs, <w:br/> and <w:cr/> as line breaks, <w:tab/> as a tab.
// Deleted revisions, field codes and the fallback copies of text boxes
// (mc:Fallback) are left out; headers, footers, footnotes and comments live
// in other parts and are not read.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("not a readable .docx (zip): %v; open it in Word or WPS and save it as .docx again", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	main := "word/document.xml"
	if rels, ok := files["_rels/.rels"]; ok {
		if target, err := officeDocumentTarget(rels); err == nil && target != "" {
			main = strings.TrimPrefix(path.Clean("/"+target), "/")
		}
	}
	f, ok := files[main]
	if !ok {
		return "", fmt.Errorf("not a Word document: the .docx has no %s", main)
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("cannot open %s in the .docx: %v", main, err)
	}
	defer rc.Close()
	text, err := wordprocessingText(io.LimitReader(rc, maxDocxXML+1))
	if err != nil {
		return "", fmt.Errorf("cannot read %s in the .docx: %v", main, err)
	}
	return text, nil
}

// officeDocumentTarget reads the package relationships for the main part.
func officeDocumentTarget(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	var rels struct {
		Rels []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			return r.Target, nil
		}
	}
	return "", nil
}

func isW(n xml.Name) bool { return n.Space == wNS || n.Space == wNSStrict }

// wordprocessingText walks document.xml as a token stream.
func wordprocessingText(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	var out, para strings.Builder
	inText := 0 // inside <w:t>
	skip := 0   // inside mc:Fallback or a deleted run
	endPara := func() {
		p := strings.TrimRight(para.String(), " \t")
		para.Reset()
		if strings.TrimSpace(p) == "" {
			return
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		out.WriteString(p)
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		if dec.InputOffset() > maxDocxXML {
			return "", fmt.Errorf("the document part is larger than %d MiB", maxDocxXML>>20)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 || (t.Name.Space == mcNS && t.Name.Local == "Fallback") || (isW(t.Name) && t.Name.Local == "del") {
				skip++
				continue
			}
			if !isW(t.Name) {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText++
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				// A page or column break ends the line like any other.
				para.WriteByte('\n')
			case "noBreakHyphen":
				para.WriteByte('-')
			case "p":
				// A paragraph inside a text box inside a paragraph: keep
				// the outer paragraph's text apart from it.
				if para.Len() > 0 {
					endPara()
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			if !isW(t.Name) {
				continue
			}
			switch t.Name.Local {
			case "t":
				inText--
			case "p", "tc":
				endPara()
			}
		case xml.CharData:
			if inText > 0 && skip == 0 {
				para.Write(t)
			}
		}
	}
	endPara()
	return out.String(), nil
}
