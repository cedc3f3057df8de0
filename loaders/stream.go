package loaders

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// A load is validated and written in two passes over its files, so that
// its size is bounded by the disk, not by memory:
//
//   - validateStream checks everything, as Validate does and with the
//     same problems, keeping only what the checks across files need: the
//     manifest's rows (without their texts), each text's SHA-256 and
//     counts, and where each document's codings are in the codings files
//     (runs of rows, by byte offset). The texts are read, segmented and
//     their codings' quotes located a chunk of documents at a time.
//   - docStream.write reads the documents again a chunk at a time, rebuilds
//     the bundles the validation pass checked and writes them; the next
//     chunk is prepared while one is written.
//
// A codings file ordered by document (as generated ones are) is one run
// per document and file; an unordered file costs one run (32 bytes) per
// stretch of consecutive rows on one document, and a seek per run.

// streamChunkDocs is how many documents the validation pass reads at a
// time; streamChunkSentences is about how many sentences a chunk of the
// write pass holds (whole documents). Variables for tests.
var (
	streamChunkDocs      = 256
	streamChunkSentences = 100_000
)

// codingRun is a stretch of consecutive rows of one codings file, free of
// problems, on one document of the manifest.
type codingRun struct {
	file     int   // index among the input's codings files
	rows     int   // how many
	line     int   // the line of the first
	off, end int64 // the byte offsets of the first and just past the last
	at       int   // where its quotes' problems go among the problems (see deferred)
}

// codingsSource is an open codings file with its header.
type codingsSource struct {
	path string
	f    *os.File
	t    *table // its columns (no rows)
}

// docStream is the documents of a validated load, to be read again and
// written a chunk at a time.
type docStream struct {
	v       *validation
	file    string     // the manifest
	entries []docEntry // every row of the manifest, without texts
	runs    [][]codingRun
	sources []codingsSource
	// jobs are the texts to write, in manifest order, and sentences the
	// number of sentences of each as validated.
	jobs                 []textJob
	sentences            []int
	nSentences, nCodings int
}

// close closes the codings files.
func (s *docStream) close() {
	for i := range s.sources {
		if f := s.sources[i].f; f != nil {
			f.Close()
			s.sources[i].f = nil
		}
	}
}

// validateStream is Validate for Load: the same checks and problems, and a
// plan whose documents (Plan.stream) are read again when written.
func validateStream(ctx context.Context, store *graph.Store, in Input) (*Plan, error) {
	v, err := startValidation(ctx, store, in)
	if err != nil {
		return nil, err
	}
	s := &docStream{v: v, file: in.Manifest}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	var texts []textJob
	if in.Manifest != "" {
		if data, read := v.read(in.Manifest); read {
			s.entries, texts = parseManifestRows(in.Manifest, data, v.allowOutside, &v.c)
			v.manifestEntries(in.Manifest, s.entries)
		}
	}
	index := make(map[string]int, len(s.entries))
	for i := range s.entries {
		index[s.entries[i].doc.ID] = i
	}
	s.runs = make([][]codingRun, len(s.entries))
	seen := map[string]bool{} // codings on stored documents: sentence id, code, coder
	for fi, path := range in.Codings {
		rows, err := s.scanCodings(fi, path, index)
		if err != nil {
			return nil, err
		}
		resolved, err := v.resolve(ctx, rows)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			for _, k := range resolved[i] {
				key := k.SentenceID + "\x00" + k.CodeID + "\x00" + k.Coder
				if !seen[key] {
					seen[key] = true
					v.plan.Codings = append(v.plan.Codings, k)
				}
			}
		}
	}
	// The texts, a chunk at a time, with their codings.
	var work []deferred
	for i := range texts {
		work = append(work, texts[i].deferred)
	}
	for lo := 0; lo < len(texts); lo += streamChunkDocs {
		chunk := texts[lo:min(lo+streamChunkDocs, len(texts))]
		codings, quotes, err := s.read(chunk)
		if err != nil {
			return nil, err
		}
		work = append(work, quotes...)
		for i := range chunk {
			j := &chunk[i]
			e := &s.entries[j.doc]
			work[lo+i] = j.deferred
			e.nSentences, e.nCodings = len(e.sentences), len(codings[i])
			e.doc.Text, e.sentences = "", nil
		}
	}
	slices.SortStableFunc(work, func(a, b deferred) int { return cmp.Compare(a.at, b.at) })
	v.c.splice(work)
	valid := validEntries(s.entries)
	if err := v.checkStoredDocuments(ctx, valid); err != nil {
		return nil, err
	}
	if err := v.checkSharedDocuments(ctx, in.Manifest, valid); err != nil {
		return nil, err
	}
	if len(v.c.problems) > 0 {
		return nil, v.c.sorted()
	}
	for _, j := range texts {
		if e := &s.entries[j.doc]; e.ok {
			j.deferred = deferred{}
			s.jobs = append(s.jobs, j)
			s.sentences = append(s.sentences, e.nSentences)
			s.nSentences += e.nSentences
			s.nCodings += e.nCodings
		}
	}
	v.plan.stream = s
	v.plan.Notes = append(v.plan.Notes, v.unchecked()...)
	ok = true
	return v.plan, nil
}

// scanCodings reads a codings file row by row: it checks each row (as
// parseCodings does) and its code, records the rows on documents of the
// manifest as runs and returns the others, to be resolved as Validate
// does (against stored documents).
func (s *docStream) scanCodings(fi int, path string, index map[string]int) ([]codingEntry, error) {
	v := s.v
	s.sources = append(s.sources, codingsSource{path: path})
	f, err := os.Open(path)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, os.ErrNotExist) {
			msg = "no such file"
		}
		v.c.add(path, 0, "", "cannot read: %s", msg)
		return nil, nil
	}
	s.sources[fi].f = f
	skipped, bad, err := checkUTF8(path, f, &v.c)
	if err != nil || bad {
		return nil, err
	}
	if _, err := f.Seek(skipped, io.SeekStart); err != nil {
		return nil, err
	}
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		v.c.add(path, 0, "", "the file is empty: expected a header line (%s)", strings.Join(codingColumns.known, ","))
		return nil, nil
	}
	if err != nil {
		reportCSVError(path, err, &v.c)
		return nil, nil
	}
	t, ok := readHeader(path, slices.Clone(header), codingColumns, &v.c)
	if !ok {
		return nil, nil
	}
	s.sources[fi].t = t
	var others []codingEntry
	cur := -1 // the entry whose run is open
	for {
		off := skipped + r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		cur0 := cur
		cur = -1
		if err != nil {
			// The reader cannot resynchronise after a syntax error: the
			// rows before it are checked (see readTable).
			reportCSVError(path, err, &v.c)
			break
		}
		line, _ := r.FieldPos(0)
		if allEmpty(rec) {
			continue
		}
		if len(rec) != len(header) {
			v.c.add(path, line, "", "%d fields, but the header has %d", len(rec), len(header))
			continue
		}
		n := len(v.c.problems)
		ce, ok := codingRowOf(t, row{line: line, fields: rec}, &v.c)
		if !ok {
			continue
		}
		di, inLoad := index[ce.docID]
		if !inLoad {
			ce.quote = strings.Clone(ce.quote)
			ce.docID, ce.codeID, ce.coder = strings.Clone(ce.docID), strings.Clone(ce.codeID), strings.Clone(ce.coder)
			others = append(others, ce)
			continue
		}
		v.checkCode(ce)
		end := skipped + r.InputOffset()
		if runs := s.runs[di]; cur0 == di && len(v.c.problems) == n {
			runs[len(runs)-1].rows++
			runs[len(runs)-1].end = end
		} else {
			s.runs[di] = append(runs, codingRun{file: fi, rows: 1, line: line, off: off, end: end, at: len(v.c.problems)})
		}
		cur = di
	}
	return others, nil
}

// checkUTF8 reports the first byte of f that is not UTF-8, as readTable
// does, and returns the length of a leading BOM.
func checkUTF8(path string, f *os.File, c *collector) (skipped int64, bad bool, err error) {
	br := bufio.NewReaderSize(f, 1<<20)
	if head, _ := br.Peek(len(utf8BOM)); bytes.Equal(head, utf8BOM) {
		skipped = int64(len(utf8BOM))
		br.Discard(len(utf8BOM))
	}
	off, line := skipped, 1
	var carry []byte
	buf := make([]byte, 1<<20)
	for {
		n, rerr := br.Read(buf)
		b := append(carry, buf[:n]...)
		// An incomplete code point at the end waits for the next read.
		keep := 0
		if rerr == nil {
			for k := 1; k <= utf8.UTFMax-1 && k <= len(b); k++ {
				if utf8.RuneStart(b[len(b)-k]) {
					if !utf8.FullRune(b[len(b)-k:]) {
						keep = k
					}
					break
				}
			}
		}
		body := b[:len(b)-keep]
		if i := invalidUTF8(body); i >= 0 {
			line += bytes.Count(body[:i], []byte{'\n'})
			c.add(path, line, "", "not valid UTF-8 at byte offset %d (0x%02x); save the file as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)", off+int64(i), body[i])
			return skipped, true, nil
		}
		line += bytes.Count(body, []byte{'\n'})
		off += int64(len(body))
		carry = append([]byte(nil), b[len(b)-keep:]...)
		if rerr == io.EOF {
			return skipped, false, nil
		}
		if rerr != nil {
			return skipped, false, rerr
		}
	}
}

// read reads, decodes and segments the texts of a chunk of jobs and maps
// their codings (the rows of their runs) onto their sentences: per job,
// its codings in file order, duplicates (sentence, code, coder) merged.
// Problems go to each job's collector (its text) and to the deferred
// work returned (the quotes of a run, at the run's place).
func (s *docStream) read(jobs []textJob) ([][]policykb.Coding, []deferred, error) {
	readTexts(s.file, s.entries, jobs)
	codings := make([][]policykb.Coding, len(jobs))
	quotes := make([][]deferred, len(jobs))
	errs := make([]error, len(jobs))
	forEach(len(jobs), func(i int) {
		e := &s.entries[jobs[i].doc]
		if !e.ok {
			return
		}
		codings[i], quotes[i], errs[i] = s.codings(jobs[i].doc, e)
	})
	var out []deferred
	for i := range jobs {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		out = append(out, quotes[i]...)
	}
	return codings, out, nil
}

// codings maps the coding rows of one document of the manifest (entries[di],
// its text read) onto its sentences.
func (s *docStream) codings(di int, e *docEntry) ([]policykb.Coding, []deferred, error) {
	var out []policykb.Coding
	var problems []deferred
	seen := map[string]bool{}
	l := &locator{text: e.doc.Text}
	for _, run := range s.runs[di] {
		src := s.sources[run.file]
		r := csv.NewReader(bufio.NewReader(io.NewSectionReader(src.f, run.off, run.end-run.off)))
		r.FieldsPerRecord = -1
		var d deferred
		d.at = run.at
		for k := 0; k < run.rows; k++ {
			rec, err := r.Read()
			if err != nil {
				return nil, nil, fmt.Errorf("loaders: %s changed while it was loaded: line %d: %v", src.path, run.line, err)
			}
			line, _ := r.FieldPos(0)
			line += run.line - 1
			ce, ok := codingRowOf(src.t, row{line: line, fields: rec}, &d.problems)
			if !ok || ce.docID != e.doc.ID {
				return nil, nil, fmt.Errorf("loaders: %s changed while it was loaded: line %d", src.path, line)
			}
			start, end, err := l.locate(ce.quote, ce.occurrence)
			if err != nil {
				field := "quote"
				if strings.HasPrefix(err.Error(), "occurrence") {
					field = "occurrence"
				}
				d.problems.add(ce.file, ce.line, field, "document %s: %v", ce.docID, err)
				continue
			}
			if !s.v.codeKnown(ce.codeID) {
				continue
			}
			for _, k := range passageCodings(e.sentences, start, end, policykb.Coding{CodeID: ce.codeID, Coder: ce.coder, Origin: "manual", At: s.v.at}) {
				key := k.SentenceID + "\x00" + k.CodeID + "\x00" + k.Coder
				if !seen[key] {
					seen[key] = true
					out = append(out, k)
				}
			}
		}
		if len(d.problems.problems) > 0 {
			problems = append(problems, d)
		}
	}
	return out, problems, nil
}

// codeKnown is checkCode without reporting: whether a coding at code id
// is written.
func (v *validation) codeKnown(id string) bool {
	if _, ok := v.loadCodes[id]; ok {
		return true
	}
	switch {
	case v.frame != "":
		return false
	case v.storedCodes == nil:
		return !v.haveCodebook
	}
	_, ok := v.storedCodes[id]
	return ok
}

// Check runs the checks of Validate as Load does: in one pass over the
// files that keeps only what the checks across files need, so that its
// memory does not grow with the texts. The plan it returns counts the
// documents, sentences and codings (Plan.String, Plan.Counts) without
// holding them: Plan.Documents is empty.
func Check(ctx context.Context, store *graph.Store, in Input) (*Plan, error) {
	plan, err := validateStream(ctx, store, in)
	if err != nil {
		return nil, err
	}
	plan.stream.close()
	return plan, nil
}
