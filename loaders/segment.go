package loaders

import (
	"unicode"

	"github.com/policykb/policykb"
)

// Segment cuts a document's normalised text (LF line breaks, no BOM: what
// the manifest reader stores) into sentence and heading units, in document
// order, and returns them as sentences of docID with ids
// policykb.SentenceID(docID, index). It is deterministic: the same text always
// gives the same units, which is what keeps reloading idempotent.
//
// Start and End are code-point offsets into text (End exclusive). A unit's Text
// is text[Start:End] (in code points) with every run of whitespace that
// contains a line break replaced: by one space between two characters of
// scripts that separate words with spaces (Latin, Cyrillic, digits, ...),
// by nothing when either side is Chinese or Japanese (see isWide). Units
// never begin or end with whitespace and never overlap. The rules are
// spelled out in doc.go.
func Segment(docID, text string) []policykb.Sentence {
	units := segment([]rune(text))
	out := make([]policykb.Sentence, len(units))
	for i, u := range units {
		out[i] = policykb.Sentence{
			ID:         policykb.SentenceID(docID, i),
			DocumentID: docID,
			Index:      i,
			Kind:       u.kind,
			Text:       u.text,
			Start:      u.start,
			End:        u.end,
		}
	}
	return out
}

// Thresholds of the heading rules (see doc.go).
const (
	maxRunInTitle = 20 // runes of a run-in heading's title, marker and terminator excluded
	maxTitleLine  = 50 // runes of an unmarked title line
)

type unit struct {
	kind       policykb.SentenceKind
	start, end int
	text       string
}

type line struct{ start, end int } // trimmed content; start == end for a blank line

// segmenter holds the unit being built while lines are read.
type segmenter struct {
	rs     []rune
	lines  []line
	inURL  []bool // nil when the text has no URL
	out    []unit
	pieces [][2]int // the open unit: one span per line it covers
	// closed: the open unit ended with a terminator at its line's end; it
	// only waits for closing quotes or brackets that open the next line.
	closed bool
	// titleLine is the last line taken as a title line: the line after a
	// title may be one too (a title on two lines, a signature block).
	titleLine int
}

func segment(rs []rune) []unit {
	s := &segmenter{rs: rs, lines: splitLines(rs), inURL: markURLs(rs), titleLine: -2}
	for i, ln := range s.lines {
		if ln.start == ln.end { // a blank line ends a paragraph
			s.flush()
			continue
		}
		s.line(i)
	}
	s.flush()
	return s.out
}

func splitLines(rs []rune) []line {
	var lines []line
	start := 0
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) && rs[i] != '\n' {
			continue
		}
		a, b := start, i
		for a < b && isSpace(rs[a]) {
			a++
		}
		for b > a && isSpace(rs[b-1]) {
			b--
		}
		if a == b {
			a, b = start, start
		}
		lines = append(lines, line{a, b})
		start = i + 1
	}
	return lines
}

func (s *segmenter) line(i int) {
	rs := s.rs
	a, e := s.lines[i].start, s.lines[i].end

	if s.pieces != nil && s.closed {
		// 。 at the end of one line, ” at the start of the next.
		p := a
		for p < e && (isCloser(rs[p]) || isTerminalRune(rs[p])) {
			p++
		}
		if p > a {
			s.add(a, p)
			a = s.skipSpace(p, e)
		}
		s.flush()
		if a == e {
			return
		}
	}

	m, article := markerEnd(rs, a, e)
	if m > a {
		s.flush()
		s.markerLine(i, a, m, e, article)
		return
	}
	if s.pieces == nil && s.isTitleLine(i) {
		s.titleLine = i
		s.emit(policykb.KindHeading, a, e)
		return
	}
	s.scan(a, a, e)
}

// markerLine handles a line that opens with a heading marker: a heading when
// no terminator follows on the line, a run-in heading when a short title ends
// in 。, otherwise ordinary sentences that start with the marker.
func (s *segmenter) markerLine(i, a, m, e int, article bool) {
	rs := s.rs
	t := s.nextTerminator(m, e)
	if t < 0 {
		if e > m && isContinuationEnd(rs[e-1]) || s.nextLineContinues(i) {
			s.scan(a, m, e) // a sentence hard-wrapped after its first line
			return
		}
		s.emit(policykb.KindHeading, a, e)
		return
	}
	if !article && (rs[t] == '。' || rs[t] == '.' || rs[t] == '．') {
		ta, tb := s.skipSpace(m, t), t
		for tb > ta && isSpace(rs[tb-1]) {
			tb--
		}
		if tb-ta <= maxRunInTitle {
			q := s.runEnd(t, e, a)
			s.emit(policykb.KindHeading, a, q)
			b := s.skipSpace(q, e)
			s.scan(b, b, e)
			return
		}
	}
	s.scan(a, m, e)
}

// scan cuts [a, e) of one line at terminators, continuing the open unit if
// there is one; the search for the first terminator begins at from (after a
// heading marker). What follows the last terminator stays open for the next
// line.
func (s *segmenter) scan(a, from, e int) {
	rs := s.rs
	start := a
	for start < e {
		t := s.nextTerminator(from, e)
		if t < 0 {
			s.add(start, e)
			if rs[e-1] == '：' || rs[e-1] == ':' {
				s.flush() // 各区人民政府：/ 通知如下： end their unit at the line's end
			}
			return
		}
		q := s.runEnd(t, e, start)
		s.add(start, q)
		if q >= e {
			s.closed = true
			return
		}
		s.flush()
		start = s.skipSpace(q, e)
		from = start
	}
}

// nextTerminator returns the position of the first sentence terminator in
// [from, e), or -1.
func (s *segmenter) nextTerminator(from, e int) int {
	for i := from; i < e; i++ {
		if !isTerminalRune(s.rs[i]) {
			continue
		}
		if s.inURL != nil && s.inURL[i] {
			continue
		}
		if s.isTerminatorAt(i, e) {
			return i
		}
	}
	return -1
}

// isTerminatorAt decides whether the terminal rune at i ends a sentence.
func (s *segmenter) isTerminatorAt(i, e int) bool {
	rs := s.rs
	r := rs[i]
	if r != '.' && r != '．' {
		return true
	}
	var prev, next rune
	if i > 0 {
		prev = rs[i-1]
	}
	if i+1 < e {
		next = rs[i+1]
	}
	switch {
	case prev == r || next == r: // ... is an ellipsis
		return false
	case isASCIIAlnum(prev) && isASCIIAlnum(next): // 3.5, www.x.gov.cn, v1.2
		return false
	case isDigit(prev) && next != 0 && !isSpace(next): // inline enumerators 1.加强 2．完善
		return false
	}
	return true
}

// runEnd returns the end of the terminator run that starts at t: further
// terminators and closing quotes or brackets stay with the sentence. A
// straight quote closes a quotation when the unit so far (open pieces plus
// [unitStart, q)) holds an odd number of it.
func (s *segmenter) runEnd(t, e, unitStart int) int {
	rs := s.rs
	var open map[rune]bool // parity of each straight quote, counted on first need
	q := t + 1
	for q < e {
		r := rs[q]
		switch {
		case isTerminalRune(r) && r != '.' && r != '．':
			q++
		case isCloser(r):
			q++
		case isStraightQuote(r):
			if open == nil {
				open = s.quoteParity(unitStart, q)
			}
			if !open[r] {
				return q
			}
			open[r] = false
			q++
		default:
			return q
		}
	}
	return q
}

func (s *segmenter) quoteParity(a, q int) map[rune]bool {
	open := map[rune]bool{}
	count := func(rs []rune) {
		for _, c := range rs {
			if isStraightQuote(c) {
				open[c] = !open[c]
			}
		}
	}
	for _, p := range s.pieces {
		count(s.rs[p[0]:p[1]])
	}
	count(s.rs[a:q])
	return open
}

// isTitleLine: an unmarked line that starts a unit and reads as a title —
// short, no terminator, no comma, nothing suggesting it runs on, first or
// last in its paragraph.
func (s *segmenter) isTitleLine(i int) bool {
	rs := s.rs
	a, e := s.lines[i].start, s.lines[i].end
	if e-a > maxTitleLine || s.nextTerminator(a, e) >= 0 {
		return false
	}
	for k := a; k < e; k++ {
		if rs[k] == '，' || rs[k] == ',' && !(k > a && k+1 < e && isDigit(rs[k-1]) && isDigit(rs[k+1])) {
			return false
		}
	}
	last := rs[e-1]
	if last == '：' || last == ':' || isContinuationEnd(last) || s.nextLineContinues(i) {
		return false
	}
	// A title stands at the start or the end of a paragraph, or right after
	// another title line; any other line inside a paragraph is hard-wrapped
	// text.
	blank := func(k int) bool { return k < 0 || k >= len(s.lines) || s.lines[k].start == s.lines[k].end }
	if blank(i-1) || blank(i+1) || s.titleLine == i-1 {
		return true
	}
	next := s.lines[i+1]
	m, _ := markerEnd(rs, next.start, next.end)
	return m > next.start
}

// nextLineContinues reports whether the line after i opens with punctuation
// that cannot begin a unit (，。、）” ...), so that line i is hard-wrapped.
func (s *segmenter) nextLineContinues(i int) bool {
	if i+1 >= len(s.lines) {
		return false
	}
	n := s.lines[i+1]
	if n.start == n.end {
		return false
	}
	r := s.rs[n.start]
	return isTerminalRune(r) || isCloser(r) || isCommaLike(r)
}

func (s *segmenter) add(a, b int) {
	if a >= b {
		return
	}
	if k := len(s.pieces) - 1; k >= 0 && s.pieces[k][1] == a {
		s.pieces[k][1] = b
		return
	}
	s.pieces = append(s.pieces, [2]int{a, b})
}

func (s *segmenter) flush() {
	if len(s.pieces) > 0 {
		var text []rune
		for k, p := range s.pieces {
			if k > 0 && spacedBreak(s.rs, s.pieces[k-1][1], p[0]) {
				text = append(text, ' ')
			}
			text = append(text, s.rs[p[0]:p[1]]...)
		}
		s.out = append(s.out, unit{kind: policykb.KindSentence, start: s.pieces[0][0],
			end: s.pieces[len(s.pieces)-1][1], text: string(text)})
	}
	s.pieces, s.closed = nil, false
}

// spacedBreak reports whether the white space rs[a:b] between two pieces of
// a unit holds a line break that the unit's text keeps as one space: the
// characters on both sides are not wide. A hard-wrapped line of Chinese is
// joined with nothing, as Chinese has no spaces between words; a wrapped
// line of Hungarian or English keeps its words apart.
func spacedBreak(rs []rune, a, b int) bool {
	if a < 1 || b >= len(rs) || isWide(rs[a-1]) || isWide(rs[b]) {
		return false
	}
	for _, r := range rs[a:b] {
		if r == '\n' {
			return true
		}
	}
	return false
}

// isWide: the characters of scripts written without spaces between words
// (Han, kana, bopomofo) and the full-width punctuation and forms that go
// with them. Hangul is not wide: Korean separates words with spaces.
func isWide(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case 0x3000 <= r && r <= 0x303F, // CJK symbols and punctuation: 。、「」
		0xFF00 <= r && r <= 0xFFEF, // full-width forms: ，（）！
		0xFE30 <= r && r <= 0xFE4F, // CJK compatibility forms
		0x3200 <= r && r <= 0x33FF: // enclosed CJK letters, CJK compatibility
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo)
}

func (s *segmenter) emit(kind policykb.SentenceKind, a, b int) {
	s.flush()
	if a < b {
		s.out = append(s.out, unit{kind: kind, start: a, end: b, text: string(s.rs[a:b])})
	}
}

func (s *segmenter) skipSpace(p, e int) int {
	for p < e && isSpace(s.rs[p]) {
		p++
	}
	return p
}

// markerEnd recognises a heading marker at a: 一、 十二、 （一） (3) （12）
// 1. 2、 3． 1.1 第一章 第二节 第三条 第四编 第一部分. It returns the position
// after the marker (and the spaces after it), or a when there is none, and
// whether the marker is an article (第…条), which never makes a run-in heading.
func markerEnd(rs []rune, a, e int) (int, bool) {
	at := func(i int) rune {
		if i < e {
			return rs[i]
		}
		return 0
	}
	p := a
	switch r := at(p); {
	case r == '第':
		q := p + 1
		for isChineseNumeral(at(q)) || isDigit(at(q)) {
			q++
		}
		if q == p+1 || q-p > 8 {
			return a, false
		}
		switch at(q) {
		case '章', '节', '编':
			p = q + 1
		case '条':
			return skipSpaces(rs, q+1, e), true
		case '部':
			if at(q+1) != '分' {
				return a, false
			}
			p = q + 2
		default:
			return a, false
		}
	case r == '（' || r == '(':
		q := p + 1
		for isChineseNumeral(at(q)) {
			q++
		}
		if q == p+1 {
			for isDigit(at(q)) && q-p <= 2 {
				q++
			}
		}
		if q == p+1 || (at(q) != '）' && at(q) != ')') {
			return a, false
		}
		p = q + 1
	case isChineseNumeral(r):
		q := p
		for isChineseNumeral(at(q)) && q-p < 4 {
			q++
		}
		if c := at(q); c != '、' && c != '．' && c != '.' {
			return a, false
		}
		p = q + 1
	case isDigit(r):
		q := p
		for isDigit(at(q)) && q-p < 2 {
			q++
		}
		switch c := at(q); {
		case c == '、' || c == '．' || c == '.':
			if isDigit(at(q + 1)) {
				// 1.1 or 2.3.1 followed by a space; never 3.5亿元
				k := q
				for at(k) == '.' && isDigit(at(k+1)) {
					k += 2
					for isDigit(at(k)) {
						k++
					}
				}
				if k == q || c != '.' || !isSpace(at(k)) {
					return a, false
				}
				p = k
			} else {
				p = q + 1
			}
		default:
			return a, false
		}
	default:
		return a, false
	}
	return skipSpaces(rs, p, e), false
}

func skipSpaces(rs []rune, p, e int) int {
	for p < e && isSpace(rs[p]) {
		p++
	}
	return p
}

// markURLs marks the code points inside URLs: a run of URL characters that
// starts with http://, https:// or www., less trailing . , ; : ! ? ' ].
// Terminators inside a URL do not split; punctuation right after it does.
// It returns nil when the text has no URL.
func markURLs(rs []rune) []bool {
	var in []bool
	for i := 0; i < len(rs); {
		if !hasURLPrefix(rs[i:]) {
			i++
			continue
		}
		b := i
		for b < len(rs) && isURLRune(rs[b]) {
			b++
		}
		end := b
		for end > i && isURLTrailer(rs[end-1]) {
			end--
		}
		if in == nil {
			in = make([]bool, len(rs))
		}
		for k := i; k < end; k++ {
			in[k] = true
		}
		i = b
	}
	return in
}

func hasURLPrefix(rs []rune) bool {
	if len(rs) == 0 || (rs[0]|0x20 != 'h' && rs[0]|0x20 != 'w') { // the common case, decided cheaply
		return false
	}
	for _, p := range []string{"http://", "https://", "www."} {
		if len(rs) < len(p) {
			continue
		}
		ok := true
		for j, c := range p {
			if unicode.ToLower(rs[j]) != c {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func isURLRune(r rune) bool {
	if isASCIIAlnum(r) {
		return true
	}
	switch r {
	case '-', '.', '_', '~', ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '*', '+', ',', ';', '=', '%':
		return true
	}
	return false
}

func isURLTrailer(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?', '\'', ']':
		return true
	}
	return false
}

// isTerminalRune: the runes that may end a sentence (。！？；.!?; and the
// full-width ．); whether '.' does is decided by isTerminatorAt.
func isTerminalRune(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '.', '．', '｡':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '）', ')', '】', '〕', '》', '〉', ']', '}', '〗', '］', '｝', '»', '›':
		return true
	}
	return false
}

func isStraightQuote(r rune) bool { return r == '"' || r == '\'' || r == '＂' || r == '＇' }

func isOpener(r rune) bool {
	switch r {
	case '“', '‘', '「', '『', '（', '(', '【', '〔', '《', '〈', '[', '{', '〖', '［', '｛':
		return true
	}
	return false
}

func isCommaLike(r rune) bool {
	switch r {
	case '，', ',', '、', '：', ':', '﹐', '､':
		return true
	}
	return false
}

// isContinuationEnd: a line ending in one of these runs on to the next.
func isContinuationEnd(r rune) bool {
	return r == '，' || r == ',' || r == '、' || r == '—' || r == '-' || isOpener(r)
}

func isChineseNumeral(r rune) bool {
	switch r {
	case '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '百', '零', '〇':
		return true
	}
	return false
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' || '０' <= r && r <= '９' }

func isASCIIAlnum(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
}

// isSpace: Unicode white space (which includes the ideographic space U+3000)
// plus the zero-width characters that copy-paste leaves behind.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}
