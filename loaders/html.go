package loaders

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
)

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
