package loaders

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/policykb/policykb"
)

var manifestColumns = columns{
	known:    []string{"id", "city", "city_zh", "province", "title", "issuer", "issued_on", "doc_type", "url", "file", "synthetic", "encoding"},
	required: []string{"id", "city", "title", "file"},
}

// docEntry is one manifest row with its text read and segmented.
type docEntry struct {
	line      int
	path      string // the text file as named in messages (the manifest's folder joined with the file column)
	open      string // the text file to open: path with its links resolved
	city      policykb.City
	doc       policykb.Document
	sentences []policykb.Sentence
	ok        bool // the text was read; its codings can be mapped
	// nSentences, nCodings: its sentences and codings as validated, when
	// its text is not kept (stream.go).
	nSentences, nCodings int
}

// parseManifest reads a documents.csv manifest and the text files it lists
// (relative to the manifest's directory). A file column that leads outside
// the manifest's folder (by .., an absolute path or a symbolic link) is a
// problem unless allowOutside. Every row that could be read is returned, ok
// or not, so that codings on a bad document are not reported as "unknown
// document" on top.
func parseManifest(file string, data []byte, allowOutside bool, c *collector) []docEntry {
	docs, texts := parseManifestRows(file, data, allowOutside, c)
	readTexts(file, docs, texts)
	work := make([]deferred, len(texts))
	for i, j := range texts {
		work[i] = j.deferred
	}
	c.splice(work)
	return docs
}

// parseManifestRows checks the rows of a manifest and returns them with
// the jobs of reading their texts (see readTexts), whose problems belong
// at their place among those of the rows.
func parseManifestRows(file string, data []byte, allowOutside bool, c *collector) ([]docEntry, []textJob) {
	t, ok := readTable(file, data, manifestColumns, c)
	if !ok {
		return nil, nil
	}
	dir := filepath.Dir(file)
	var docs []docEntry
	firstLine := map[string]int{}
	type cityAt struct {
		policykb.City
		provinceLine, nameZhLine int
	}
	cities := map[string]cityAt{}
	var texts []textJob // rows whose text is to be read
	for _, r := range t.rows {
		e := docEntry{line: r.line}
		d := &e.doc
		d.ID = t.get(r, "id")
		d.City = t.get(r, "city")
		d.Title = t.get(r, "title")
		d.Issuer = t.get(r, "issuer")
		d.DocType = t.get(r, "doc_type")
		d.URL = t.get(r, "url")
		e.city = policykb.City{Name: d.City, NameZh: t.get(r, "city_zh"), Province: t.get(r, "province")}
		fileField := t.get(r, "file")
		enc, encErr := parseEncoding(t.get(r, "encoding"))
		if encErr != nil {
			c.add(file, r.line, "encoding", "%v", encErr)
		}
		bad := false
		for _, req := range manifestColumns.required {
			if t.get(r, req) == "" {
				c.add(file, r.line, req, "empty: every document needs %s", req)
				bad = true
			}
		}
		if d.ID != "" {
			if strings.ContainsAny(d.ID, "# \t") {
				c.add(file, r.line, "id", "%q: a document id may not contain '#' or spaces ('#' separates it from the sentence index in sentence ids)", d.ID)
				bad = true
			} else if first, dup := firstLine[d.ID]; dup {
				c.add(file, r.line, "id", "duplicate document id %q: also on line %d", d.ID, first)
				continue
			} else {
				firstLine[d.ID] = r.line
			}
		}
		if s := t.get(r, "issued_on"); s != "" {
			day, err := time.Parse(time.DateOnly, s)
			if err != nil {
				c.add(file, r.line, "issued_on", "%q is not a date: expected YYYY-MM-DD, e.g. 2023-08-27", s)
				bad = true
			}
			d.IssuedOn = day
		}
		switch s := strings.ToLower(t.get(r, "synthetic")); s {
		case "", "false":
		case "true":
			d.Synthetic = true
		default:
			c.add(file, r.line, "synthetic", "%q: expected true or false", t.get(r, "synthetic"))
			bad = true
		}
		if d.City != "" {
			// One City node per name: its province and Chinese name must agree
			// across rows; a row may leave them empty.
			ca := cities[d.City]
			ca.Name = d.City
			if p := e.city.Province; p != "" {
				if ca.Province == "" {
					ca.Province, ca.provinceLine = p, r.line
				} else if ca.Province != p {
					c.add(file, r.line, "province", "city %q is in province %q here but in %q on line %d", d.City, p, ca.Province, ca.provinceLine)
					bad = true
				}
			}
			if z := e.city.NameZh; z != "" {
				if ca.NameZh == "" {
					ca.NameZh, ca.nameZhLine = z, r.line
				} else if ca.NameZh != z {
					c.add(file, r.line, "city_zh", "city %q is called %q here but %q on line %d", d.City, z, ca.NameZh, ca.nameZhLine)
					bad = true
				}
			}
			cities[d.City] = ca
		}
		if fileField != "" {
			d.SourceFile = filepath.ToSlash(filepath.Clean(fileField))
			e.path = fileField
			if !filepath.IsAbs(e.path) {
				e.path = filepath.Join(dir, e.path)
			}
			e.open = e.path
			if !allowOutside {
				open, err := confine(dir, fileField)
				if err != nil {
					c.add(file, r.line, "file", "%v", err)
					docs = append(docs, e)
					continue
				}
				e.open = open
			}
			if encErr == nil {
				texts = append(texts, textJob{doc: len(docs), enc: enc, bad: bad, deferred: deferred{at: len(c.problems)}})
			}
		}
		docs = append(docs, e)
	}
	for i := range docs {
		if ca, ok := cities[docs[i].city.Name]; ok {
			docs[i].city = ca.City
		}
	}
	return docs, texts
}

// readTexts reads, decodes and segments the texts of the jobs (rows of
// docs), the bulk of the work, on every core; each job's problems go to
// its own collector.
func readTexts(file string, docs []docEntry, texts []textJob) {
	forEach(len(texts), func(i int) {
		j := &texts[i]
		e := &docs[j.doc]
		if readText(file, e.line, e.path, e.open, j.enc, &e.doc, &j.problems) && !j.bad {
			e.sentences = Segment(e.doc.ID, e.doc.Text)
			if len(e.sentences) == 0 {
				j.problems.add(e.path, 0, "", "no text: the file is empty or holds only white space (listed at %s:%d)", file, e.line)
			} else {
				e.ok = true
			}
		}
	})
}

// textJob is a manifest row whose text file is to be read: docs[doc]
// with its encoding; bad rows have their text read (to report its
// problems too) but not segmented.
type textJob struct {
	doc int
	enc string
	bad bool
	deferred
}

// readText reads one document's text, from the file open, into d (Text,
// SHA256); problems name the text file as path, and the manifest line that
// lists it. The file is decoded by its type and the manifest's encoding
// column (see DecodeDocument).
func readText(manifest string, line int, path, open, enc string, d *policykb.Document, c *collector) bool {
	b, err := os.ReadFile(open)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such file: " + path
		}
		c.add(manifest, line, "file", "%s", msg)
		return false
	}
	text, err := DecodeDocument(path, b, enc)
	if err != nil {
		c.add(path, 0, "", "%v (listed at %s:%d)", err, manifest, line)
		return false
	}
	d.Text = text
	d.SHA256 = sha256Hex(text)
	return true
}
