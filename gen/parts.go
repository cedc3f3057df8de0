package gen

import (
	"fmt"
	"path/filepath"
)

// outputs writes documents.csv and codings.csv, or with parts > 1 the
// pairs documents-partNN.csv and codings-partNN.csv, each with about
// 1/parts of the documents (in order) and their codings: inputs that one
// `policykb load` each can hold in memory.
type outputs struct {
	dir          string
	parts, total int
	part         int // the open pair's number, 0 before the first
	docs         *csvFile
	codings      *csvFile
}

// forDocument makes the pair of files that document i (0-based, of
// total) belongs in the open one.
func (o *outputs) forDocument(i int) error {
	want := 1
	if o.parts > 1 {
		want = i*o.parts/o.total + 1
	}
	if want == o.part {
		return nil
	}
	if err := o.close(); err != nil {
		return err
	}
	docs, codings := "documents.csv", "codings.csv"
	if o.parts > 1 {
		docs, codings = fmt.Sprintf("documents-part%02d.csv", want), fmt.Sprintf("codings-part%02d.csv", want)
	}
	var err error
	o.docs, err = newCSV(filepath.Join(o.dir, docs),
		"id", "city", "city_zh", "province", "title", "issuer", "issued_on", "doc_type", "url", "file", "synthetic")
	if err != nil {
		return err
	}
	o.codings, err = newCSV(filepath.Join(o.dir, codings), "document_id", "quote", "code_id", "coder")
	if err != nil {
		return err
	}
	o.part = want
	return nil
}

// close closes the open pair, if any.
func (o *outputs) close() error {
	for _, f := range []**csvFile{&o.docs, &o.codings} {
		if *f == nil {
			continue
		}
		err := (*f).close()
		*f = nil
		if err != nil {
			return err
		}
	}
	return nil
}

// abort closes what close has not (an error came first).
func (o *outputs) abort() {
	for _, f := range []*csvFile{o.docs, o.codings} {
		if f != nil {
			f.abort()
		}
	}
}

// documents is the number of documents s describes.
func (s Spec) documents() int {
	if s.Documents > 0 {
		return s.Documents
	}
	return s.Cities * s.DocsPerCity
}
