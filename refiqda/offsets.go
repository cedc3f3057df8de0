package refiqda

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Unit is what a tool's selection positions count.
type Unit int

// The units real tools write.
const (
	// CodePoints is what the standard says: Unicode code points; a CRLF
	// line break counts two.
	CodePoints Unit = iota
	// UTF16 counts UTF-16 code units (a character outside the BMP, such as
	// an emoji, counts two): NVivo for Windows.
	UTF16
	// CodePointsCRLFOne counts code points but a CRLF line break as one:
	// ATLAS.ti.
	CodePointsCRLFOne
)

// String names the unit for messages.
func (u Unit) String() string {
	switch u {
	case UTF16:
		return "UTF-16 code units"
	case CodePointsCRLFOne:
		return "code points, CRLF counted once"
	}
	return "code points"
}

// UnitFor returns the unit of the positions written by the tool an origin
// attribute names: UTF-16 code units for NVivo for Windows (origin
// "NVivo for Windows ..." or plain "NVivo" without "Mac"), code points with
// CRLF counted once for ATLAS.ti, code points otherwise.
func UnitFor(origin string) Unit {
	o := strings.ToLower(origin)
	switch {
	case strings.Contains(o, "nvivo") && !strings.Contains(o, "mac"):
		return UTF16
	case strings.Contains(o, "atlas.ti") || strings.Contains(o, "atlasti") || strings.Contains(o, "atlas ti"):
		return CodePointsCRLFOne
	}
	return CodePoints
}

// Tool returns a short lower-case name of the tool an origin attribute
// names (nvivo, atlasti, maxqda, qualcoder, qc, taguette, policykb), or
// "refi-qda" when it is not recognised; policykb records codings imported
// from it with origin "import:<tool>".
func Tool(origin string) string {
	o := strings.ToLower(strings.TrimSpace(origin))
	for _, t := range []struct{ prefix, name string }{
		{"nvivo", "nvivo"}, {"atlas.ti", "atlasti"}, {"atlasti", "atlasti"}, {"maxqda", "maxqda"},
		{"qualcoder", "qualcoder"}, {"qc ", "qc"}, {"taguette", "taguette"}, {"policykb", "policykb"},
		{"quirkos", "quirkos"}, {"dedoose", "dedoose"}, {"transana", "transana"},
	} {
		if strings.HasPrefix(o, t.prefix) || o == strings.TrimSpace(t.prefix) {
			return t.name
		}
	}
	return "refi-qda"
}

// DecodeText turns the bytes of a plain-text source into a string: UTF-8
// (a BOM is dropped), or UTF-16 when the file starts with a UTF-16 BOM. Line
// breaks are kept as they are. Text that is neither is an error giving the
// byte offset of the first bad byte.
func DecodeText(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return DecodeUTF16(b, false)
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return "", fmt.Errorf("not valid UTF-8 at byte offset %d (0x%02x)", i, b[i])
		}
		i += n
	}
	return string(b), nil
}

// DecodeUTF16 decodes UTF-16 text. A byte-order mark, when b starts with
// one, decides the byte order and is dropped; without one, bigEndian does.
// An odd number of bytes or an unpaired surrogate is an error giving its
// byte offset (counted from the start of b, the mark included).
func DecodeUTF16(b []byte, bigEndian bool) (string, error) {
	start := 0
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		bigEndian, start = false, 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		bigEndian, start = true, 2
	}
	if (len(b)-start)%2 != 0 {
		return "", fmt.Errorf("UTF-16 text with an odd number of bytes (%d)", len(b)-start)
	}
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i]) | rune(b[i+1])<<8
	}
	var out strings.Builder
	out.Grow(len(b) - start)
	for i := start; i < len(b); i += 2 {
		r := unit(i)
		switch {
		case utf16.IsSurrogate(r) && r < 0xDC00 && i+3 < len(b):
			if r2 := unit(i + 2); r2 >= 0xDC00 && r2 <= 0xDFFF {
				out.WriteRune(utf16.DecodeRune(r, r2))
				i += 2
				continue
			}
			fallthrough
		case utf16.IsSurrogate(r):
			return "", fmt.Errorf("not valid UTF-16 at byte offset %d: unpaired surrogate 0x%04X", i, r)
		}
		out.WriteRune(r)
	}
	return out.String(), nil
}

// checkpoint marks a character whose width in the tool's unit differs from
// its width in the normalised text, or is not 1.
type checkpoint struct {
	u, n   int // offsets of the character's start: tool unit, normalised code points
	uw, nw int // its widths
}

// Text is a source's text normalised the way policykb stores texts (CRLF
// and lone CR read as LF), with the mapping from a tool's positions in the
// original text onto code points of the normalised one.
type Text struct {
	Text  string // normalised
	unit  Unit
	total int // length of the original text in the tool's unit
	cps   []checkpoint
}

// NewText normalises raw (a decoded text, BOM already dropped) and records
// how positions in unit map onto it.
func NewText(raw string, unit Unit) *Text {
	t := &Text{unit: unit}
	var b strings.Builder
	b.Grow(len(raw))
	u, n := 0, 0
	for i, r := range raw {
		uw, nw := 1, 1
		switch {
		case r == '\r' && i+1 < len(raw) && raw[i+1] == '\n':
			nw = 0 // dropped: the LF stays
			if unit == CodePointsCRLFOne {
				uw = 0
			}
		case r == '\r':
			r = '\n'
		case r > 0xFFFF && unit == UTF16:
			uw = 2
		}
		if uw != 1 || nw != 1 {
			t.cps = append(t.cps, checkpoint{u: u, n: n, uw: uw, nw: nw})
		}
		if nw > 0 {
			b.WriteRune(r)
		}
		u += uw
		n += nw
	}
	t.Text, t.total = b.String(), u
	return t
}

// Len is the length of the original text in the tool's unit.
func (t *Text) Len() int { return t.total }

// CodePoint maps a position in the tool's unit onto a code-point offset in
// the normalised text. It fails for a position outside [0, Len()] and for
// one that falls inside a character (between the two UTF-16 units of a
// surrogate pair).
func (t *Text) CodePoint(pos int) (int, error) {
	if pos < 0 || pos > t.total {
		return 0, fmt.Errorf("position %d is outside the text (0 to %d %s)", pos, t.total, t.unit)
	}
	// the last checkpoint starting at or before pos
	k := sort.Search(len(t.cps), func(i int) bool { return t.cps[i].u > pos }) - 1
	// zero-width characters share their position with the next one: take
	// the first checkpoint at this position
	for k > 0 && t.cps[k-1].u == pos && t.cps[k].u == pos {
		k--
	}
	if k < 0 {
		return pos, nil
	}
	c := t.cps[k]
	switch {
	case pos == c.u:
		return c.n, nil
	case pos < c.u+c.uw:
		return 0, fmt.Errorf("position %d falls inside a character (%s)", pos, t.unit)
	}
	return c.n + c.nw + (pos - c.u - c.uw), nil
}
