package autocode_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/autocode"
)

func testCodes() []policykb.Code {
	return []policykb.Code{
		{ID: "L1", Level: policykb.LevelLayer, Name: "Layer"},
		{ID: "M1", Level: policykb.LevelMainCategory, Parent: "L1", Name: "Fund Support", NameZh: "资金支持"},
		{ID: "C1", Level: policykb.LevelCategory, Parent: "M1", Name: "Special Funds", NameZh: "专项资金"},
		{ID: "K1", Level: policykb.LevelConcept, Parent: "C1", Name: "Awards", NameZh: "奖补"},
		{ID: "M2", Level: policykb.LevelMainCategory, Parent: "L1", Name: "Support", NameZh: "支持"},
		{ID: "C2", Level: policykb.LevelCategory, Parent: "M2", Name: "Support", NameZh: "政策"},
	}
}

func identity(s string) string { return s }

func TestDictionaryCodes(t *testing.T) {
	d, err := autocode.ParseDictionary("d.yaml", []byte(`
name: funding
codes:
  - code: 资金支持
    words: [经费]
    phrases: [专项资金]
    patterns: ['奖补.{0,4}资金']
    exclude: [资金链]
  - code: k1
    phrases: [以奖代补, 施行]
`), testCodes(), identity)
	if err != nil {
		t.Fatal(err)
	}
	if d.Coder() != "auto:dict:funding" {
		t.Errorf("coder %q", d.Coder())
	}
	unit := func(text string, words ...string) autocode.Unit {
		return autocode.Unit{Sentence: policykb.Sentence{ID: "x#0", Text: text}, Simplified: text, Words: words}
	}
	for _, c := range []struct {
		u    autocode.Unit
		want []autocode.Suggestion
	}{
		{unit("安排专项资金和奖补配套资金", "安排", "专项资金", "和", "奖补", "配套", "资金"), []autocode.Suggestion{{CodeID: "M1", Confidence: 2.0 / 3}}},
		{unit("落实经费保障", "落实", "经费", "保障"), []autocode.Suggestion{{CodeID: "M1", Confidence: 0.5}}},
		{unit("实行以奖代补，安排专项资金", "实行", "以奖代补", "安排", "专项资金"), []autocode.Suggestion{{CodeID: "M1", Confidence: 0.5}, {CodeID: "K1", Confidence: 0.5}}},
		{unit("打通资金链，安排专项资金", "打通", "资金链", "安排", "专项资金"), nil}, // excluded
		{unit("经费", "经费经"), nil}, // "经费" is not one of its words
		{unit("发布时间：2023-07-02 来源：专项资金办", "发布时间", "来源", "专项资金"), nil},                      // page chrome
		{unit("首页 > 政策文件 > 专项资金", "首页", "政策", "文件", "专项资金"), nil},                          // a breadcrumb
		{unit("本法所称专项资金，是指财政安排的资金", "本法", "所称", "专项资金", "是指", "财政", "安排", "的", "资金"), nil}, // a definition
		{unit("本办法自2024年1月1日起施行", "本办法", "自", "2024", "年", "1", "月", "1", "日", "起", "施行"), nil},
	} {
		if got := d.Predict(c.u); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %+v, want %+v", c.u.Simplified, got, c.want)
		}
	}
}

func TestDictionaryErrorsAreLocated(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"unknown code":        {"name: x\ncodes:\n  - code: nothing\n    words: [a]\n", `d.yaml:3:11: codes[0].code: unknown code "nothing"`},
		"ambiguous name":      {"name: x\ncodes:\n  - code: support\n    words: [a]\n", `d.yaml:3:11: codes[0].code: code "support" is ambiguous: M2 (MAIN_CATEGORY), C2 (CATEGORY)`},
		"bad pattern":         {"name: x\ncodes:\n  - code: M1\n    patterns: ['(资金']\n", `d.yaml:4:16: codes[0].patterns: "(资金" is not a regular expression`},
		"unknown key":         {"name: x\ncodes:\n  - code: M1\n    word: [a]\n", `d.yaml:4:5: codes[0]: unknown key "word"`},
		"nothing to find":     {"name: x\ncodes:\n  - code: M1\n    exclude: [a]\n", `d.yaml:3:5: codes[0]: code M1 has no words, phrases or patterns`},
		"no name":             {"codes:\n  - code: M1\n    words: [a]\n", `d.yaml:1:1: name: missing`},
		"bad name":            {"name: a b\ncodes:\n  - code: M1\n    words: [a]\n", `d.yaml:1:7: name: expected letters`},
		"two entries":         {"name: x\ncodes:\n  - code: M1\n    words: [a]\n  - code: 资金支持\n    words: [b]\n", `d.yaml:5:5: codes[1]: code M1 already has an entry (codes[0])`},
		"a word with a space": {"name: x\ncodes:\n  - code: M1\n    words: ['a b']\n", `d.yaml:4:13: codes[0].words: "a b" holds a space`},
		"not a list":          {"name: x\ncodes: M1\n", `d.yaml:2:8: codes: expected a list of entries`},
		"not yaml":            {"name: [x\n", `d.yaml: not YAML`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := autocode.ParseDictionary("d.yaml", []byte(c.yaml), testCodes(), identity)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant one containing %q", err, c.want)
			}
		})
	}
	// Every problem is reported, not just the first.
	_, err := autocode.ParseDictionary("d.yaml", []byte("name: x\ncodes:\n  - code: nothing\n    words: [a]\n  - code: M1\n    patterns: ['(']\n"), testCodes(), identity)
	if err == nil || strings.Count(err.Error(), "d.yaml:") != 2 {
		t.Errorf("error %v: want both problems", err)
	}
}
