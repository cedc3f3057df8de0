package words_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/policykb/policykb/words"
)

var (
	shared     *words.Segmenter
	sharedOnce sync.Once
)

// defaultSegmenter is the shipped configuration, loaded once for the
// package's tests (gse's dictionary takes seconds to build).
func defaultSegmenter(t testing.TB) *words.Segmenter {
	t.Helper()
	sharedOnce.Do(func() {
		s, err := words.New(words.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		shared = s
	})
	if shared == nil {
		t.Fatal("the default segmenter could not be made")
	}
	return shared
}

func TestWordsKeepPolicyTermsWhole(t *testing.T) {
	s := defaultSegmenter(t)
	for text, want := range map[string][]string{
		"推进市域产教联合体建设":       {"推进", "市域产教联合体", "建设"},
		"加强“双师型”教师队伍建设":     {"加强", "双师型", "教师队伍", "建设"},
		"深化产教融合，2025年建成3家。": {"深化", "产教融合", "年", "建成", "家"},
		"推行现代学徒制":           {"推行", "现代学徒制"},
	} {
		if got := s.Words(text); !reflect.DeepEqual(got, want) {
			t.Errorf("Words(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestWordsOfTraditionalTextAreTheSimplifiedOnes(t *testing.T) {
	s := defaultSegmenter(t)
	simplified := "国务院办公厅关于深化产教融合的若干意见，职业院校与企业共建双师型教师队伍。"
	traditional := "國務院辦公廳關於深化產教融合的若干意見，職業院校與企業共建雙師型教師隊伍。"
	if got, want := s.Words(traditional), s.Words(simplified); !reflect.DeepEqual(got, want) {
		t.Errorf("traditional text cut as %q, its simplified twin as %q", got, want)
	}
	if got := s.Simplify(traditional); got != simplified {
		t.Errorf("Simplify = %q, want %q", got, simplified)
	}
	// Positions are kept: one code point for one.
	if a, b := len([]rune(s.Simplify(traditional))), len([]rune(traditional)); a != b {
		t.Errorf("Simplify changed the length: %d code points, was %d", a, b)
	}
	// Characters that simplified text uses in their own right stay.
	if got := s.Simplify("显著提升，俱乐部"); got != "显著提升，俱乐部" {
		t.Errorf("Simplify changed simplified text: %q", got)
	}
	off, err := words.New(words.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := off.Simplify(traditional); got != traditional {
		t.Errorf("with simplification off, Simplify = %q", got)
	}
	if off.Version() == s.Version() {
		t.Error("turning simplification off leaves the version as it was")
	}
}

func TestWordsDropPunctuationAndNumbersAndFoldWidth(t *testing.T) {
	s := defaultSegmenter(t)
	got := s.Words("到２０２５年，ＡＩ与“5G”应用覆盖率达到60%以上。")
	want := []string{"到", "年", "ai", "与", "5g", "应用", "覆盖率", "达到", "以上"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
}

func TestStopWords(t *testing.T) {
	s := defaultSegmenter(t)
	for _, w := range []string{"的", "加强", "工作", "我市"} {
		if !s.Stop(w) {
			t.Errorf("%q is not a stop word", w)
		}
	}
	for _, w := range []string{"产教融合", "职业院校", "建设", "机制"} {
		if s.Stop(w) {
			t.Errorf("%q is a stop word", w)
		}
	}
	// Stop words are kept by Words (they are left out when counting).
	if got := s.Words("加强工作"); !reflect.DeepEqual(got, []string{"加强", "工作"}) {
		t.Errorf("Words dropped stop words: %q", got)
	}
}

func TestOwnWordLists(t *testing.T) {
	dir := t.TempDir()
	dict := filepath.Join(dir, "terms.txt")
	stop := filepath.Join(dir, "stop.txt")
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dict, "# terms\n临澜模式 30000 n\n融合发展\n")
	write(stop, "建设\n")
	s, err := words.New(words.Config{UserDictionary: dict, StopWords: stop, Simplify: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Words("推广临澜模式"); !slices.Contains(got, "临澜模式") {
		t.Errorf("a term of the user dictionary was cut: %q", got)
	}
	if !s.Stop("建设") || s.Stop("的") {
		t.Error("the stop-word file does not replace the shipped list")
	}
	if s.Version() == defaultSegmenter(t).Version() {
		t.Error("another user dictionary leaves the version as it was")
	}

	for name, c := range map[string]struct{ text, want string }{
		"a frequency that is not a number": {"产教融合 many\n", "terms.txt:1: frequency \"many\""},
		"too many fields":                  {"# x\n产教 融合 1 n\n", "terms.txt:2: expected a term"},
		"a term without a letter":          {"2025\n", "terms.txt:1: term \"2025\" has no letter"},
		"a term twice":                     {"联合体\n\n联合体\n", "terms.txt:3: term \"联合体\" is already on line 1"},
	} {
		t.Run(name, func(t *testing.T) {
			write(dict, c.text)
			_, err := words.New(words.Config{UserDictionary: dict})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	write(stop, "两个 词\n")
	if _, err := words.New(words.Config{StopWords: stop}); err == nil || !strings.Contains(err.Error(), "stop.txt:1: expected one word") {
		t.Errorf("error %v for a stop-word line with two words", err)
	}
	if _, err := words.New(words.Config{UserDictionary: filepath.Join(dir, "missing.txt")}); err == nil {
		t.Error("a missing user dictionary is not an error")
	}
}
