package exports

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/policykb/policykb"
)

// Format is an output file format.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	JSON Format = "json"
)

// Formats lists every format, in the order to show them.
var Formats = []Format{CSV, XLSX, JSON}

// ParseFormat accepts csv, xlsx or json, case-insensitively; an unknown
// format is a BAD_USER_INPUT error naming the argument "format".
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case CSV, XLSX, JSON:
		return f, nil
	}
	return "", policykb.InvalidArgument("format", "exports: unknown format %q: expected csv, xlsx or json", s)
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case JSON:
		return "application/json; charset=utf-8"
	}
	return "application/octet-stream"
}

// Column is a column of a table: its name (the CSV and XLSX header, the
// JSON key) and a width hint for spreadsheets, in characters.
type Column struct {
	Name  string
	Width float64
}

// TableWriter writes one table. Header comes first, once; each Row holds
// one value per column: a string, an int, a float64 or nil (an empty cell,
// JSON null). Close finishes the file; nothing is complete before it.
type TableWriter interface {
	Header(cols []Column) error
	Row(values []any) error
	Close() error
}

// NewTableWriter returns a writer of the format on w; sheet names the XLSX
// worksheet.
func NewTableWriter(f Format, w io.Writer, sheet string) (TableWriter, error) {
	switch f {
	case CSV:
		return newCSVWriter(w), nil
	case XLSX:
		return newXLSXWriter(w, sheet)
	case JSON:
		return &jsonWriter{w: bufio.NewWriterSize(w, 32<<10)}, nil
	}
	return nil, policykb.InvalidArgument("format", "exports: unknown format %q", f)
}

// formatNumber writes a float the shortest way that reads back the same
// (31, 0.25), never in exponent form for ordinary values.
func formatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		return formatNumber(x)
	}
	return fmt.Sprint(v)
}

// csvWriter writes RFC 4180 CSV (CRLF line ends, as Excel writes them)
// after a UTF-8 byte-order mark, which Excel needs to read UTF-8.
type csvWriter struct {
	buf *bufio.Writer
	w   *csv.Writer
	rec []string
}

func newCSVWriter(w io.Writer) *csvWriter {
	buf := bufio.NewWriterSize(w, 32<<10)
	cw := csv.NewWriter(buf)
	cw.UseCRLF = true
	return &csvWriter{buf: buf, w: cw}
}

func (c *csvWriter) Header(cols []Column) error {
	if _, err := c.buf.WriteString("\uFEFF"); err != nil {
		return err
	}
	names := make([]string, len(cols))
	for i, col := range cols {
		names[i] = col.Name
	}
	return c.w.Write(names)
}

func (c *csvWriter) Row(values []any) error {
	c.rec = c.rec[:0]
	for _, v := range values {
		c.rec = append(c.rec, cellText(v))
	}
	return c.w.Write(c.rec)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// jsonWriter writes an array of objects, one per line, keys in column
// order, each element as soon as its row comes.
type jsonWriter struct {
	w     *bufio.Writer
	keys  [][]byte // the encoded keys with their colons
	rows  int
	began bool
}

func (j *jsonWriter) Header(cols []Column) error {
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		k, err := json.Marshal(c.Name)
		if err != nil {
			return err
		}
		j.keys[i] = append(k, ':')
	}
	j.began = true
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonWriter) Row(values []any) error {
	if j.rows > 0 {
		j.w.WriteString(",\n")
	} else {
		j.w.WriteString("\n")
	}
	j.rows++
	j.w.WriteByte('{')
	for i, v := range values {
		if i > 0 {
			j.w.WriteByte(',')
		}
		j.w.Write(j.keys[i])
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			v = nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		j.w.Write(b)
	}
	return j.w.WriteByte('}')
}

func (j *jsonWriter) Close() error {
	if !j.began {
		j.w.WriteString("[")
	}
	if j.rows > 0 {
		j.w.WriteString("\n")
	}
	if _, err := j.w.WriteString("]\n"); err != nil {
		return err
	}
	return j.w.Flush()
}

// Limits of the XLSX format.
const (
	xlsxMaxRows      = 1 << 20
	xlsxMaxCellChars = 32767
)

// xlsxWriter writes one worksheet with excelize's StreamWriter: a bold
// header row, frozen so that it stays in view, and the columns' widths.
type xlsxWriter struct {
	out   io.Writer
	f     *excelize.File
	sw    *excelize.StreamWriter
	bold  int
	row   int
	cells []any
}

func newXLSXWriter(w io.Writer, sheet string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("exports: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("exports: xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("exports: xlsx: %w", err)
	}
	return &xlsxWriter{out: w, f: f, sw: sw, bold: bold}, nil
}

func (x *xlsxWriter) Header(cols []Column) error {
	for i, c := range cols {
		if c.Width > 0 {
			if err := x.sw.SetColWidth(i+1, i+1, c.Width); err != nil {
				return fmt.Errorf("exports: xlsx: %w", err)
			}
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fmt.Errorf("exports: xlsx: %w", err)
	}
	names := make([]any, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	x.row = 1
	if err := x.sw.SetRow("A1", names, excelize.RowOpts{StyleID: x.bold}); err != nil {
		return fmt.Errorf("exports: xlsx: %w", err)
	}
	return nil
}

var errTooManyRows = policykb.Errorf(policykb.EInvalid, "exports: the table has more rows than an XLSX sheet holds (%d): export CSV or JSON, or narrow the filter", xlsxMaxRows)

func (x *xlsxWriter) Row(values []any) error {
	if x.row >= xlsxMaxRows {
		return errTooManyRows
	}
	x.row++
	x.cells = x.cells[:0]
	for _, v := range values {
		if s, ok := v.(string); ok && utf8.RuneCountInString(s) > xlsxMaxCellChars/2 {
			// Excel counts UTF-16 units; a cell holds at most 32,767.
			v = truncateUTF16(s, xlsxMaxCellChars)
		}
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			v = nil
		}
		x.cells = append(x.cells, v)
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	if err := x.sw.SetRow(cell, x.cells); err != nil {
		return fmt.Errorf("exports: xlsx: row %d: %w", x.row, err)
	}
	return nil
}

func truncateUTF16(s string, max int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("exports: xlsx: %w", err)
	}
	if err := x.f.Write(x.out); err != nil {
		return fmt.Errorf("exports: xlsx: %w", err)
	}
	return nil
}
