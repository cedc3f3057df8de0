package words

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/go-ego/gse"

	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/graph"
)

// gseVersion is the gse release the segmentation comes from; it is part of
// Version, so that a new release re-segments stored sentences.
const gseVersion = "gse v0.80.3"

// Config chooses the word lists. Empty paths take the shipped files.
type Config struct {
	// UserDictionary is a file of terms kept whole (see data/words/userdict.txt).
	UserDictionary string
	// StopWords is a file of words left out of word statistics.
	StopWords string
	// Simplify counts words on a simplified form of the text (traditional
	// characters mapped to simplified ones). Default true (see New).
	Simplify bool
}

// DefaultConfig is the shipped lists with simplification on.
func DefaultConfig() Config { return Config{Simplify: true} }

// Segmenter cuts text into words. It is safe for concurrent use. gse's
// dictionary (about 350,000 words, some 130 MB in memory, a few seconds to
// build) is loaded on the first call of Words, so a process that only
// reads stored words never pays for it.
type Segmenter struct {
	terms    []Term
	stop     map[string]bool
	t2s      t2s // nil: no simplification
	version  string
	stopList []string

	once sync.Once
	seg  gse.Segmenter
	err  error
}

var _ graph.Words = (*Segmenter)(nil)

// New reads and checks the word lists of cfg. A bad list is an error
// naming the file and line.
func New(cfg Config) (*Segmenter, error) {
	read := func(path, shipped string) (string, string, error) {
		if path == "" {
			b, err := fs.ReadFile(data.Words, shipped)
			return shipped, string(b), err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return path, "", fmt.Errorf("words: %w", err)
		}
		return path, string(b), nil
	}
	name, text, err := read(cfg.UserDictionary, "words/userdict.txt")
	if err != nil {
		return nil, err
	}
	s := &Segmenter{}
	if s.terms, err = parseDictionary(name, text); err != nil {
		return nil, fmt.Errorf("words: user dictionary %w", err)
	}
	if name, text, err = read(cfg.StopWords, "words/stopwords.txt"); err != nil {
		return nil, err
	}
	if s.stop, err = parseStopWords(name, text); err != nil {
		return nil, fmt.Errorf("words: stop words %w", err)
	}
	for w := range s.stop {
		s.stopList = append(s.stopList, w)
	}
	sort.Strings(s.stopList)
	h := sha256.New()
	fmt.Fprintf(h, "%s\nzh_s\n", gseVersion)
	for _, t := range s.terms {
		fmt.Fprintf(h, "%s %g %s\n", t.Text, t.Freq, t.Pos)
	}
	if cfg.Simplify {
		b, err := fs.ReadFile(data.Words, "words/t2s.txt")
		if err != nil {
			return nil, err
		}
		if s.t2s, err = parseT2S("words/t2s.txt", string(b)); err != nil {
			return nil, err
		}
		h.Write(b)
	} else {
		h.Write([]byte("no t2s"))
	}
	s.version = "gse-" + hex.EncodeToString(h.Sum(nil))[:16]
	return s, nil
}

// load builds gse's dictionary: the user terms first (gse keeps the first
// entry of a word, so a user term's weight wins), then gse's embedded
// simplified-Chinese dictionary.
func (s *Segmenter) load() error {
	s.once.Do(func() {
		s.seg.SkipLog = true
		s.seg.NotLoadHMM = true
		var b strings.Builder
		for _, t := range s.terms {
			pos := t.Pos
			if pos == "" {
				pos = "n"
			}
			fmt.Fprintf(&b, "%s %g %s\n", t.Text, t.Freq, pos)
		}
		if b.Len() > 0 {
			if err := s.seg.LoadDictStr(b.String()); err != nil {
				s.err = fmt.Errorf("words: load the user dictionary: %w", err)
				return
			}
		}
		if err := s.seg.LoadDictEmbed("zh_s"); err != nil {
			s.err = fmt.Errorf("words: load gse's dictionary: %w", err)
		}
	})
	return s.err
}

// Version names the segmentation: gse's release, its dictionary, the user
// dictionary and the character table. Stored words made under another
// version are made again (graph backfills them).
func (s *Segmenter) Version() string { return s.version }

// Stop reports whether w is on the stop-word list.
func (s *Segmenter) Stop(w string) bool { return s.stop[w] }

// StopWords returns the stop-word list, sorted.
func (s *Segmenter) StopWords() []string { return append([]string(nil), s.stopList...) }

// Simplify returns the form of text words are counted on: full-width
// digits and Latin letters folded to ASCII, Latin letters in lower case, and (when
// configured) traditional characters mapped to simplified ones. It keeps
// every character's position: the result has as many code points as text.
func (s *Segmenter) Simplify(text string) string {
	out := strings.Map(func(r rune) rune {
		if r >= 0xFF10 && r <= 0xFF19 || r >= 0xFF21 && r <= 0xFF3A || r >= 0xFF41 && r <= 0xFF5A {
			r -= 0xFEE0 // full-width digits and Latin letters
		}
		if r < 0x80 {
			return unicode.ToLower(r)
		}
		return r
	}, text)
	if s.t2s != nil {
		out = s.t2s.convert(out)
	}
	return out
}

// Words returns the words of text in order: the tokens gse cuts the
// simplified text into (dictionary segmentation, shortest path; no HMM)
// that hold a letter or a Chinese character. Punctuation, spaces and
// numbers are dropped; stop words are kept (they are left out when
// counting). It panics only if gse's embedded dictionary cannot be loaded,
// which a build that passed its tests cannot do; Check reports that error
// instead.
func (s *Segmenter) Words(text string) []string {
	if err := s.load(); err != nil {
		panic(err)
	}
	text = s.Simplify(text)
	if text == "" {
		return nil
	}
	segs := s.seg.Segment([]byte(text))
	out := make([]string, 0, len(segs))
	for _, sg := range segs {
		w := text[sg.Start():sg.End()]
		if hasLetter(w) {
			out = append(out, w)
		}
	}
	return out
}

// Check loads gse's dictionary now (Words loads it on first use) and
// reports whether it could.
func (s *Segmenter) Check() error { return s.load() }
