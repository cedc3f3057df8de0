package loaders

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Encodings a manifest's encoding column may name; "" means EncodingAuto.
const (
	EncodingAuto    = "auto"
	EncodingUTF8    = "utf-8"
	EncodingUTF16   = "utf-16"
	EncodingGB18030 = "gb18030"
	EncodingGBK     = "gbk"
)

// encodingNames maps the accepted spellings of the encoding column to the
// canonical name.
var encodingNames = map[string]string{
	"": EncodingAuto, "auto": EncodingAuto,
	"utf-8": EncodingUTF8, "utf8": EncodingUTF8,
	"utf-16": EncodingUTF16, "utf16": EncodingUTF16, "utf-16le": "utf-16le", "utf-16be": "utf-16be",
	"gb18030": EncodingGB18030, "gbk": EncodingGBK, "gb2312": EncodingGBK, "cp936": EncodingGBK,
}

// parseEncoding returns the canonical name of an encoding column value.
func parseEncoding(s string) (string, error) {
	if e, ok := encodingNames[strings.ToLower(strings.TrimSpace(s))]; ok {
		return e, nil
	}
	return "", fmt.Errorf("%q: expected utf-8, utf-16, gb18030, gbk or auto (the default)", s)
}

// maxDocxXML bounds the uncompressed size of a .docx's main part, so that a
// zip bomb cannot exhaust memory.
const maxDocxXML = 256 << 20

// DecodeDocument turns the bytes of a document file into the text policykb
// stores (valid UTF-8, no BOM, LF line ends), choosing the reader by the
// file's name and contents:
//
//   - .docx: the body's paragraphs in order, the text of table cells (each
//     cell a paragraph), line breaks and tabs; deleted revisions are left
//     out;
//   - .html, .htm, .xhtml, .shtml: the article text (see htmlText), its
//     charset taken from a byte-order mark, the meta charset declaration, or
//     detected like a text file;
//   - anything else that is text: .txt and the like, in the named encoding
//     or, with enc "" or "auto", detected (see decodeText).
//
// PDF, old Word .doc, WPS .wps, RTF, OpenDocument, spreadsheets and images
// are refused with an error that says what to convert them to. enc is a
// value of the manifest's encoding column (utf-8, utf-16, gb18030, gbk,
// auto).
func DecodeDocument(name string, data []byte, enc string) (string, error) {
	enc, err := parseEncoding(enc)
	if err != nil {
		return "", fmt.Errorf("encoding %v", err)
	}
	ext := strings.ToLower(filepath.Ext(name))
	if err := refuseBinary(ext, data); err != nil {
		return "", err
	}
	var text string
	switch ext {
	case ".docx", ".docm", ".dotx":
		text, err = docxText(data)
	case ".html", ".htm", ".xhtml", ".shtml":
		text, err = htmlText(data, enc)
	default:
		text, err = decodeText(data, enc)
	}
	if err != nil {
		return "", err
	}
	return normalizeText([]byte(text))
}

// refuseBinary recognises the file types policykb does not read, by their
// first bytes (a PDF named .txt is still a PDF) and then by extension.
func refuseBinary(ext string, data []byte) error {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return errors.New("PDF is not read: save it as .docx or .txt (in Word or WPS: File → Save As; for a scanned PDF, run OCR first)")
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		what := "an old Word .doc, WPS .wps or Excel .xls file"
		switch ext {
		case ".doc":
			what = "an old Word .doc file"
		case ".wps":
			what = "a WPS .wps file"
		case ".xls":
			what = "an Excel .xls file"
		}
		return fmt.Errorf("%s is not read: open it in Word or WPS and save it as .docx (or as .txt, UTF-8)", what)
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return errors.New("RTF is not read: open it in Word or WPS and save it as .docx (or as .txt, UTF-8)")
	case isImage(data):
		return errors.New("an image holds no text to read: run OCR on it and save the text as .txt (UTF-8) or .docx")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		switch ext {
		case ".docx", ".docm", ".dotx":
			return nil
		case ".odt":
			return errors.New("OpenDocument .odt is not read: save it as .docx (LibreOffice or WPS: File → Save As)")
		case ".xlsx", ".xlsm":
			return errors.New("a spreadsheet is not a policy document: save the text as .docx or .txt")
		case ".pptx":
			return errors.New("a presentation is not read: save its text as .docx or .txt")
		}
		return errors.New("a zip archive is not read: give the document itself, as .docx, .html or .txt")
	}
	switch ext {
	case ".pdf", ".doc", ".wps", ".rtf", ".odt", ".xls", ".xlsx", ".ppt", ".pptx", ".ofd", ".caj", ".png", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".bmp", ".webp":
		return fmt.Errorf("%s files are not read: save the document as .docx or .txt (UTF-8)", strings.ToUpper(ext[1:]))
	case ".docx", ".docm", ".dotx":
		return errors.New("not a .docx file (a .docx is a zip archive): open it in Word or WPS and save it as .docx again")
	}
	return nil
}

func isImage(b []byte) bool {
	for _, magic := range [][]byte{
		{0x89, 'P', 'N', 'G'}, {0xFF, 0xD8, 0xFF}, []byte("GIF87a"), []byte("GIF89a"),
		[]byte("II*\x00"), []byte("MM\x00*"), []byte("BM"),
	} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// decodeText decodes a plain text file. Named encodings are used as they
// are (utf-16 without a byte-order mark is read as little-endian). With
// "auto": a byte-order mark decides (UTF-8, UTF-16 LE or BE); otherwise
// valid UTF-8 is UTF-8; otherwise the bytes are decoded as GB18030 and
// accepted when every sequence is valid GB18030 and at least 80% of the
// non-ASCII characters are CJK (Han characters, CJK and full-width
// punctuation); otherwise it is an error giving the first byte that is not
// UTF-8.
func decodeText(b []byte, enc string) (string, error) {
	switch enc {
	case EncodingUTF8:
		// normalizeText reports the offset of the first bad byte.
		if off := invalidUTF8(bytes.TrimPrefix(b, utf8BOM)); off >= 0 {
			_, err := normalizeText(b)
			return "", err
		}
		return string(b), nil
	case EncodingUTF16, "utf-16le", "utf-16be":
		order := xunicode.LittleEndian
		if enc == "utf-16be" {
			order = xunicode.BigEndian
		}
		return decodeWith(xunicode.UTF16(order, xunicode.UseBOM), b, "UTF-16")
	case EncodingGB18030, EncodingGBK:
		return decodeWith(simplifiedchinese.GB18030, b, strings.ToUpper(enc))
	}
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		return decodeText(b, EncodingUTF8)
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeText(b, "utf-16le")
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeText(b, "utf-16be")
	}
	if bytes.IndexByte(b, 0) >= 0 {
		// No text file holds NUL; UTF-16 holds one in every ASCII character.
		return "", errors.New("holds NUL bytes: it looks like UTF-16 without a byte-order mark; name utf-16 in the manifest's encoding column (read as little-endian), or save it as UTF-8")
	}
	off := invalidUTF8(b)
	if off < 0 {
		return string(b), nil
	}
	if s, ok := gb18030Text(b); ok {
		return s, nil
	}
	return "", fmt.Errorf("not valid UTF-8 at byte offset %d (0x%02x), nor GB18030 Chinese text; convert the file to UTF-8 (e.g. iconv -f GB18030 -t UTF-8) or name its encoding in the manifest's encoding column", off, b[off])
}

// decodeWith decodes b, refusing bytes the encoding cannot decode.
func decodeWith(e encoding.Encoding, b []byte, name string) (string, error) {
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("not valid %s: %v", name, err)
	}
	if n := bytes.Count(out, []byte(string(utf8.RuneError))); n > 0 {
		return "", fmt.Errorf("not valid %s: %d byte sequences cannot be decoded; check the encoding named in the manifest", name, n)
	}
	return string(out), nil
}

// gb18030Text decodes b as GB18030 and says whether it reads as Chinese
// text: no undecodable sequence, and CJK characters make up at least 80% of
// the non-ASCII characters (bytes of another encoding decode to rare
// symbols and letters of other scripts).
func gb18030Text(b []byte) (string, bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", false
	}
	s := string(out)
	var nonASCII, cjk int
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		nonASCII++
		if isCJK(r) {
			cjk++
		}
	}
	return s, nonASCII > 0 && cjk*5 >= nonASCII*4
}

// isCJK reports Han characters and the punctuation and symbols that
// Chinese text uses.
func isCJK(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r),
		r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFFEF, // full-width forms
		r >= 0x2010 && r <= 0x206F, // general punctuation: “ ” — …
		r >= 0x2160 && r <= 0x217F, // Roman numerals Ⅰ Ⅱ
		r >= 0x2460 && r <= 0x24FF, // circled numbers ①
		r >= 0x25A0 && r <= 0x25FF, // shapes ■ ●
		r == 0x00B7 || r == 0x00D7: // · ×
		return true
	}
	return false
}

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

// Elements whose content is never article text.
var htmlDropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Iframe: true,
	atom.Svg: true, atom.Math: true, atom.Nav: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Form: true, atom.Button: true, atom.Select: true, atom.Input: true, atom.Textarea: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Video: true, atom.Audio: true,
	atom.Head: true, atom.Title: true, atom.Map: true, atom.Dialog: true, atom.Menu: true,
}

// Elements that start and end a block: a paragraph of the extracted text.
var htmlBlocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Tbody: true, atom.Thead: true,
	atom.Tfoot: true, atom.Caption: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Blockquote: true, atom.Pre: true, atom.Center: true, atom.Hr: true, atom.Address: true,
	atom.Figure: true, atom.Figcaption: true, atom.Details: true, atom.Summary: true, atom.Body: true,
	atom.Fieldset: true, atom.Legend: true,
}

// boilerplateWords are class or id words of navigation, headers, footers
// and page furniture; an element whose class or id has one as a word (nav,
// main-nav, site_footer, breadcrumb) is dropped.
var boilerplateWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "header": true, "footer": true,
	"foot": true, "breadcrumb": true, "breadcrumbs": true, "crumb": true, "crumbs": true, "position": true,
	"sidebar": true, "share": true, "copyright": true, "banner": true, "toolbar": true, "skip": true,
	"search": true, "login": true, "topbar": true, "pagination": true, "pager": true, "related": true,
	"comment": true, "comments": true, "print": true, "qrcode": true, "ewm": true, "wza": true,
}

// Article containers of common Chinese government sites (TRS WCM, Ucap,
// the State Council's pages) and generic ones, in order of preference.
var (
	containerIDs     = []string{"zoom", "ucap-content", "fontzoom", "article-content", "articlecontent", "content-body", "contentbody", "art_content", "text", "content"}
	containerClasses = []string{"trs_editor", "trs_ueditor", "article-content", "article_content", "articlecontent", "pages_content", "pages-content", "art_content", "con_txt", "content_txt", "article-body", "article_body", "main-text", "text_content", "detail-content", "content"}
)

var wordSplit = regexp.MustCompile(`[-_\s]+`)

// htmlText extracts the article text of a web page. The charset is the
// manifest's when it names one; else a byte-order mark's; else the page's
// own declaration (<meta charset> or http-equiv Content-Type); else it is
// detected like a text file. Scripts, styles, forms, <nav>, <header>,
// <footer>, <aside>, hidden elements and elements whose class or id names
// page furniture (nav, menu, breadcrumb, footer, share, ...) are dropped.
// The article is the first of: a known government-site container (div#zoom,
// #UCAP-CONTENT, .TRS_Editor, .article-content, ...), <article>, <main>,
// the body. The page's <h1> comes first when it is outside the container.
// Block elements (p, div, h1–h6, li, tr, td, ...) become paragraphs
// separated by blank lines, <br> a line break, so that the segmenter sees
// headings as lines of their own.
func htmlText(data []byte, enc string) (string, error) {
	text, err := htmlDecode(data, enc)
	if err != nil {
		return "", err
	}
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return "", fmt.Errorf("cannot parse the HTML: %v", err)
	}
	pruneHTML(doc)
	body := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	if body == nil {
		body = doc
	}
	root := articleRoot(body)
	var b htmlWriter
	if root != body {
		if h1 := findFirst(body, func(n *html.Node) bool { return n.DataAtom == atom.H1 }); h1 != nil && !contains(root, h1) {
			b.walk(h1, false)
			b.block()
		}
	}
	b.walk(root, false)
	return b.String(), nil
}

var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([-\w.:]+)`)

// htmlDecode turns the page into UTF-8 (see htmlText for the order).
func htmlDecode(data []byte, enc string) (string, error) {
	if enc != EncodingAuto || bytes.HasPrefix(data, utf8BOM) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return decodeText(data, enc)
	}
	// WHATWG's prescan looks at the first 1024 bytes only; government
	// pages often declare their charset after a long head.
	m := metaCharset.FindSubmatch(head(data, 16<<10))
	if m == nil {
		return decodeText(data, EncodingAuto)
	}
	e, name := charset.Lookup(string(m[1]))
	switch {
	case e == nil:
		return decodeText(data, EncodingAuto) // an unknown label: detect
	case name == "utf-8" || name == "utf-16le" || name == "utf-16be":
		// A page that says UTF-8 but is not is detected; a page saved
		// as UTF-8 may still claim UTF-16.
		return decodeText(data, EncodingAuto)
	case name == "gbk" || name == "gb18030":
		// GB2312 and GBK pages are decoded as GB18030, their superset.
		return decodeWith(simplifiedchinese.GB18030, data, "GB18030 (the page declares charset "+string(m[1])+")")
	}
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("cannot decode the page as %s (its declared charset): %v", name, err)
	}
	return string(out), nil
}

func head(b []byte, n int) []byte { return b[:min(len(b), n)] }

// pruneHTML removes what is never article text.
func pruneHTML(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			n.RemoveChild(c)
		case c.Type == html.ElementNode && (htmlDropped[c.DataAtom] || isFurniture(c)):
			n.RemoveChild(c)
		default:
			pruneHTML(c)
		}
		c = next
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// isFurniture reports hidden elements and navigation, headers, footers and
// the like by role, class and id. Known article containers are never
// furniture.
func isFurniture(n *html.Node) bool {
	if isContainer(n) >= 0 {
		return false
	}
	if _, hidden := attrOK(n, "hidden"); hidden {
		return true
	}
	style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", ""))
	if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
		return true
	}
	switch strings.ToLower(attr(n, "role")) {
	case "navigation", "banner", "contentinfo", "search", "menu", "menubar", "complementary":
		return true
	}
	if n.DataAtom == atom.Body || n.DataAtom == atom.Html || n.DataAtom == atom.Article || n.DataAtom == atom.Main {
		return false
	}
	for _, v := range []string{attr(n, "class"), attr(n, "id")} {
		for _, w := range wordSplit.Split(strings.ToLower(v), -1) {
			if boilerplateWords[w] {
				return true
			}
		}
	}
	return false
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// isContainer ranks n as an article container: 0 is the best; -1 is none.
func isContainer(n *html.Node) int {
	if n.Type != html.ElementNode {
		return -1
	}
	id := strings.ToLower(attr(n, "id"))
	for i, c := range containerIDs {
		if id == c {
			return i
		}
	}
	classes := strings.Fields(strings.ToLower(attr(n, "class")))
	for i, c := range containerClasses {
		for _, cl := range classes {
			if cl == c {
				return len(containerIDs) + i
			}
		}
	}
	return -1
}

// articleRoot picks the element that holds the article (see htmlText). A
// candidate container must hold some text; among equals the first wins.
func articleRoot(body *html.Node) *html.Node {
	var best *html.Node
	bestRank := -1
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if r := isContainer(n); r >= 0 && (bestRank < 0 || r < bestRank) && hasText(n) {
			best, bestRank = n, r
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(body)
	if best != nil {
		return best
	}
	for _, a := range []atom.Atom{atom.Article, atom.Main} {
		if n := findFirst(body, func(n *html.Node) bool { return n.DataAtom == a && hasText(n) }); n != nil {
			return n
		}
	}
	return body
}

func hasText(n *html.Node) bool {
	return findFirst(n, func(c *html.Node) bool {
		return c.Type == html.TextNode && strings.TrimFunc(c.Data, unicode.IsSpace) != ""
	}) != nil
}

func findFirst(n *html.Node, match func(*html.Node) bool) *html.Node {
	if match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if m := findFirst(c, match); m != nil {
			return m
		}
	}
	return nil
}

func contains(root, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}

// htmlWriter renders a DOM as text with paragraph breaks.
type htmlWriter struct {
	strings.Builder
	pending string // the break owed before the next text: "", "\n" or "\n\n"
	space   bool   // a collapsed space is owed before the next text
	spaceNL bool   // the white space owed holds a line break
}

func (w *htmlWriter) block() {
	if w.Len() > 0 {
		w.pending = "\n\n"
	}
	w.space, w.spaceNL = false, false
}

func (w *htmlWriter) lineBreak() {
	if w.Len() > 0 && w.pending == "" {
		w.pending = "\n"
	} else if w.Len() > 0 && w.pending == "\n" {
		w.pending = "\n\n" // two <br>: a paragraph break
	}
	w.space, w.spaceNL = false, false
}

// text writes a text node. Outside <pre>, each run of HTML white space
// (not &nbsp; or the ideographic space, which Chinese pages use for
// indentation and the segmenter trims) collapses to one space, as a
// browser shows it; a run that holds a line break between two wide
// (Chinese, Japanese) characters collapses to nothing, as browsers do too
// (CSS Text: segment breaks between East Asian wide characters vanish).
func (w *htmlWriter) text(s string, pre bool) {
	if pre {
		if s == "" {
			return
		}
		w.flush("")
		w.WriteString(s)
		return
	}
	for i := 0; i < len(s); {
		j := i
		if isHTMLSpace(s[i]) {
			nl := false
			for j < len(s) && isHTMLSpace(s[j]) {
				nl = nl || s[j] == '\n' || s[j] == '\r'
				j++
			}
			if w.Len() > 0 && w.pending == "" {
				w.spaceNL = nl || w.space && w.spaceNL
				w.space = true
			}
			i = j
			continue
		}
		for j < len(s) && !isHTMLSpace(s[j]) {
			j++
		}
		w.flush(s[i:j])
		w.WriteString(s[i:j])
		i = j
	}
}

// flush writes the break or space owed before next, the text about to be
// written.
func (w *htmlWriter) flush(next string) {
	switch {
	case w.pending != "":
		w.WriteString(w.pending)
		w.pending = ""
	case w.space && w.Len() > 0:
		before, _ := utf8.DecodeLastRuneInString(w.String())
		after, _ := utf8.DecodeRuneInString(next)
		if !w.spaceNL || !isWide(before) || !isWide(after) {
			w.WriteByte(' ')
		}
	}
	w.space, w.spaceNL = false, false
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func (w *htmlWriter) walk(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data, pre)
		return
	case html.ElementNode:
		if n.DataAtom == atom.Br {
			w.lineBreak()
			return
		}
		if n.DataAtom == atom.Pre {
			pre = true
		}
	}
	block := n.Type == html.ElementNode && htmlBlocks[n.DataAtom]
	if block {
		w.block()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, pre)
	}
	if block {
		w.block()
	}
}
