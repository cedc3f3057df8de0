package loaders

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
)

// table is a CSV file read by header name.
type table struct {
	file string
	cols map[string]int // canonical column name → index
	rows []row
}

type row struct {
	line   int
	fields []string
}

// columns describes the header a CSV format expects.
type columns struct {
	known    []string          // canonical names, in the order to list them
	aliases  map[string]string // alias → canonical name
	required []string
}

// readTable reads a CSV file whose first line names its columns, in any
// order. Unknown, repeated and missing columns, rows with the wrong number of
// fields and invalid UTF-8 are reported to c; rows whose every field is empty
// are skipped. A UTF-8 BOM (as Excel writes it) is ignored.
func readTable(file string, data []byte, spec columns, c *collector) (*table, bool) {
	skipped := 0
	if bytes.HasPrefix(data, utf8BOM) {
		data, skipped = data[len(utf8BOM):], len(utf8BOM)
	}
	if off := invalidUTF8(data); off >= 0 {
		line := 1 + bytes.Count(data[:off], []byte{'\n'})
		c.add(file, line, "", "not valid UTF-8 at byte offset %d (0x%02x); save the file as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)", off+skipped, data[off])
		return nil, false
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		c.add(file, 0, "", "the file is empty: expected a header line (%s)", strings.Join(spec.known, ","))
		return nil, false
	}
	if err != nil {
		reportCSVError(file, err, c)
		return nil, false
	}
	t, ok := readHeader(file, header, spec, c)
	if !ok {
		return nil, false
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The reader cannot resynchronise after a syntax error: keep
			// the rows before it, so that their problems are reported too.
			reportCSVError(file, err, c)
			break
		}
		line, _ := r.FieldPos(0)
		if allEmpty(rec) {
			continue
		}
		if len(rec) != len(header) {
			c.add(file, line, "", "%d fields, but the header has %d", len(rec), len(header))
			continue
		}
		t.rows = append(t.rows, row{line: line, fields: rec})
	}
	return t, true
}

// readHeader maps a CSV header onto spec: unknown, repeated and missing
// columns are reported to c.
func readHeader(file string, header []string, spec columns, c *collector) (*table, bool) {
	t := &table{file: file, cols: map[string]int{}}
	ok := true
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		canon := name
		if a, isAlias := spec.aliases[name]; isAlias {
			canon = a
		}
		if !slices.Contains(spec.known, canon) {
			c.add(file, 1, h, "unknown column: expected %s", strings.Join(spec.known, ", "))
			ok = false
			continue
		}
		if j, dup := t.cols[canon]; dup {
			c.add(file, 1, h, "column given twice (also column %d, %q)", j+1, header[j])
			ok = false
			continue
		}
		t.cols[canon] = i
	}
	for _, req := range spec.required {
		if _, has := t.cols[req]; !has {
			c.add(file, 1, req, "missing column: the header must name %s", strings.Join(spec.required, ", "))
			ok = false
		}
	}
	if !ok {
		return nil, false
	}
	return t, true
}

// get returns a field by canonical column name, trimmed of surrounding
// white space; "" when the column is absent.
func (t *table) get(r row, col string) string {
	i, ok := t.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimFunc(r.fields[i], isSpace)
}

// raw returns a field untrimmed.
func (t *table) raw(r row, col string) string {
	i, ok := t.cols[col]
	if !ok {
		return ""
	}
	return r.fields[i]
}

func allEmpty(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func reportCSVError(file string, err error, c *collector) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		c.add(file, pe.StartLine, "", "invalid CSV: %v at line %d, column %d (a field that holds a comma, a quote or a line break must be enclosed in double quotes, its own quotes doubled); the rest of the file was not read",
			pe.Err, pe.Line, pe.Column)
		return
	}
	c.add(file, 0, "", "cannot read: %v", err)
}
