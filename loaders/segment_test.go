package loaders

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policykb/policykb"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenUnit is how a unit is written in a golden file.
type goldenUnit struct {
	Index int    `json:"index"`
	Kind  string `json:"kind"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// TestSegmentGolden segments every testdata/segment/*.txt (after the same
// normalisation the manifest reader applies) and compares with its
// .golden.json. Run with -update to rewrite the golden files, then review
// the diff.
func TestSegmentGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/segment/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/segment/*.txt")
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".txt")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			text, err := normalizeText(raw)
			if err != nil {
				t.Fatal(err)
			}
			sentences := Segment("doc", text)
			checkUnits(t, text, sentences)
			got := make([]goldenUnit, len(sentences))
			for i, s := range sentences {
				got[i] = goldenUnit{s.Index, string(s.Kind), s.Start, s.End, s.Text}
			}
			gotJSON, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gotJSON = append(gotJSON, '\n')
			golden := strings.TrimSuffix(in, ".txt") + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, gotJSON, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./loaders -run TestSegmentGolden -update to create it)", err)
			}
			if !bytes.Equal(gotJSON, want) {
				var wantUnits []goldenUnit
				if err := json.Unmarshal(want, &wantUnits); err != nil {
					t.Fatalf("%s: %v", golden, err)
				}
				for i := 0; i < max(len(got), len(wantUnits)); i++ {
					var g, w goldenUnit
					if i < len(got) {
						g = got[i]
					}
					if i < len(wantUnits) {
						w = wantUnits[i]
					}
					if g != w {
						t.Errorf("unit %d:\n got  %+v\n want %+v", i, g, w)
					}
				}
				t.Errorf("%s differs (run with -update to accept the new output)", golden)
			}
		})
	}
}

// TestSegmentRules pins individual rules on short inputs.
func TestSegmentRules(t *testing.T) {
	type u struct {
		kind policykb.SentenceKind
		text string
	}
	S, H := policykb.KindSentence, policykb.KindHeading
	tests := []struct {
		name string
		text string
		want []u
	}{
		{"decimal does not split", "投入3.5亿元。", []u{{S, "投入3.5亿元。"}}},
		{"domain does not split", "详见www.x.gov.cn。", []u{{S, "详见www.x.gov.cn。"}}},
		{"URL query keeps ? and ;", "登录http://x.cn/a?b=1;c=2。再议。", []u{{S, "登录http://x.cn/a?b=1;c=2。"}, {S, "再议。"}}},
		{"URL followed by a period", "详见www.x.gov.cn.下一步。", []u{{S, "详见www.x.gov.cn."}, {S, "下一步。"}}},
		{"ASCII period between Chinese splits", "部署.下一步.", []u{{S, "部署."}, {S, "下一步."}}},
		{"ASCII ! ? ; split", "好!行?可;", []u{{S, "好!"}, {S, "行?"}, {S, "可;"}}},
		{"inline enumerator", "如下：1.加强领导；2．完善政策。", []u{{S, "如下：1.加强领导；"}, {S, "2．完善政策。"}}},
		{"ellipsis", "等等...再议。", []u{{S, "等等...再议。"}}},
		{"closing quote stays", "称“好。”再议。", []u{{S, "称“好。”"}, {S, "再议。"}}},
		{"closing bracket stays", "（详见附件。）再议。", []u{{S, "（详见附件。）"}, {S, "再议。"}}},
		{"repeated terminators", "真的吗？！是的。", []u{{S, "真的吗？！"}, {S, "是的。"}}},
		{"straight quote closes", "他说\"好.\" 再议。", []u{{S, "他说\"好.\""}, {S, "再议。"}}},
		{"heading 一、", "一、总体要求\n正文。", []u{{H, "一、总体要求"}, {S, "正文。"}}},
		{"heading （一）", "（一）指导思想\n正文。", []u{{H, "（一）指导思想"}, {S, "正文。"}}},
		{"heading 第一章", "第一章 总则\n正文。", []u{{H, "第一章 总则"}, {S, "正文。"}}},
		{"heading 第一条 without terminator", "第一条 总体目标\n正文。", []u{{H, "第一条 总体目标"}, {S, "正文。"}}},
		{"article with terminator is a sentence", "第一条 为规范管理，制定本办法。", []u{{S, "第一条 为规范管理，制定本办法。"}}},
		{"heading 1.", "1.工作目标\n正文。", []u{{H, "1.工作目标"}, {S, "正文。"}}},
		{"heading 1. with space", "1. 工作目标\n正文。", []u{{H, "1. 工作目标"}, {S, "正文。"}}},
		{"not a marker: 3.5亿元", "正文。\n3.5亿元用于\n联合体建设。", []u{{S, "正文。"}, {S, "3.5亿元用于联合体建设。"}}},
		{"run-in heading", "（一）健全组织架构。在市政府统筹下，组建理事会。", []u{{H, "（一）健全组织架构。"}, {S, "在市政府统筹下，组建理事会。"}}},
		{"run-in title of 20 chars", "一、一二三四五六七八九十一二三四五六七八九十。正文。", []u{{H, "一、一二三四五六七八九十一二三四五六七八九十。"}, {S, "正文。"}}},
		{"run-in title of 21 chars is a sentence", "一、一二三四五六七八九十一二三四五六七八九十一。正文。", []u{{S, "一、一二三四五六七八九十一二三四五六七八九十一。"}, {S, "正文。"}}},
		{"run-in only on 。", "（一）龙头企业；（二）院校。", []u{{S, "（一）龙头企业；"}, {S, "（二）院校。"}}},
		{"wrapped line joined", "正文。\n推动产教\n融合。", []u{{S, "正文。"}, {S, "推动产教融合。"}}},
		{"first line of a document is a title", "推动产教\n融合。", []u{{H, "推动产教"}, {S, "融合。"}}},
		{"line inside a paragraph is no title", "正文。\n溪川市人民政府\n2023年8月27日", []u{{S, "正文。"}, {S, "溪川市人民政府2023年8月27日"}}},
		{"title on two lines", "关于推进联合体\n建设的通知\n各区人民政府：", []u{{H, "关于推进联合体"}, {H, "建设的通知"}, {S, "各区人民政府："}}},
		{"line ending a paragraph is a title", "正文。\n溪川市人民政府\n\n2023年8月27日", []u{{S, "正文。"}, {H, "溪川市人民政府"}, {H, "2023年8月27日"}}},
		{"line before a heading is a title", "正文。\n附件\n一、名单", []u{{S, "正文。"}, {H, "附件"}, {H, "一、名单"}}},
		{"wrapped line stops at a heading", "推动产教融合，加强\n二、基本原则", []u{{S, "推动产教融合，加强"}, {H, "二、基本原则"}}},
		{"blank line ends a unit", "推动产教融合，\n\n坚持需求导向。", []u{{S, "推动产教融合，"}, {S, "坚持需求导向。"}}},
		{"wrapped marker line", "一、为推进建设，\n制定本方案。", []u{{S, "一、为推进建设，制定本方案。"}}},
		{"marker line continued by punctuation", "一、为推进市域产教联合体建设\n，制定本方案。", []u{{S, "一、为推进市域产教联合体建设，制定本方案。"}}},
		{"closer at the start of the next line", "称“好。\n”再议。", []u{{S, "称“好。”"}, {S, "再议。"}}},
		{"title line", "关于推进联合体建设的通知\n正文。", []u{{H, "关于推进联合体建设的通知"}, {S, "正文。"}}},
		{"line with a comma is not a title", "推动产教融合，坚持需求导向\n正文。", []u{{S, "推动产教融合，坚持需求导向正文。"}}},
		{"colon ends a line's unit", "各区人民政府：\n现将方案印发给你们。", []u{{S, "各区人民政府："}, {S, "现将方案印发给你们。"}}},
		{"full-width spaces trimmed", "\u3000\u3000坚持需求导向。\u3000\n\u3000\u3000二、原则\u3000", []u{{S, "坚持需求导向。"}, {H, "二、原则"}}},
		{"whitespace around a break removed", "正文。\n推动 \n\u3000融合。", []u{{S, "正文。"}, {S, "推动融合。"}}},
		{"inner spaces kept", "2023 年 8 月。", []u{{S, "2023 年 8 月。"}}},
		{"wrapped Latin line keeps a space", "Done.\nJavasolja a\nkötelező oltást.", []u{{S, "Done."}, {S, "Javasolja a kötelező oltást."}}},
		{"break between Latin runs is one space", "Done.\n2021-10-30T08:45:00Z \n\tUgwfd52\n@istvan, na\nmi van?", []u{{S, "Done."}, {S, "2021-10-30T08:45:00Z Ugwfd52 @istvan, na mi van?"}}},
		{"break between Latin and Chinese joined", "正文。\n推动AI\n融合，发展\nAI与5G。", []u{{S, "正文。"}, {S, "推动AI融合，发展AI与5G。"}}},
		{"break after full-width punctuation joined", "正文。\n他说：“好，\nOK”。", []u{{S, "正文。"}, {S, "他说：“好，OK”。"}}},
		{"Cyrillic and Greek keep spaces", "Да.\nЗакон о\nобразовании; α\nβ.", []u{{S, "Да."}, {S, "Закон о образовании;"}, {S, "α β."}}},
		{"empty", "", nil},
		{"only whitespace", " \n\u3000\n\t", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Segment("doc", tt.text)
			checkUnits(t, tt.text, got)
			var gu []u
			for _, s := range got {
				gu = append(gu, u{s.Kind, s.Text})
			}
			if len(gu) != len(tt.want) {
				t.Fatalf("got %d units %q, want %d %q", len(gu), gu, len(tt.want), tt.want)
			}
			for i := range gu {
				if gu[i] != tt.want[i] {
					t.Errorf("unit %d: got %s %q, want %s %q", i, gu[i].kind, gu[i].text, tt.want[i].kind, tt.want[i].text)
				}
			}
		})
	}
}

// TestSegmentOffsets checks the offset contract on every golden input and
// the shipped sample texts: text[Start:End] in code points, with the line
// breaks (and white space around them) removed or made one space (see
// removeBreaks), is the unit's Text.
func TestSegmentOffsets(t *testing.T) {
	files, _ := filepath.Glob("testdata/segment/*.txt")
	sample, _ := filepath.Glob("../data/sample/texts/*.txt")
	files = append(files, sample...)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			text, err := normalizeText(raw)
			if err != nil {
				t.Fatal(err)
			}
			checkUnits(t, text, Segment("doc", text))
		})
	}
}

// checkUnits asserts the invariants every segmentation must keep: units in
// order, ids and indexes consistent, non-empty, within bounds, not
// overlapping, trimmed, every non-space code point in exactly one unit, and
// Text == the span with its line breaks removed (or made a space between
// words of scripts that have spaces).
func checkUnits(t testing.TB, text string, units []policykb.Sentence) {
	t.Helper()
	rs := []rune(text)
	covered := make([]bool, len(rs))
	prevEnd := 0
	for i, u := range units {
		if u.Index != i || u.ID != policykb.SentenceID("doc", i) {
			t.Fatalf("unit %d: index %d, id %q", i, u.Index, u.ID)
		}
		if u.Kind != policykb.KindSentence && u.Kind != policykb.KindHeading {
			t.Fatalf("unit %d: kind %q", i, u.Kind)
		}
		if u.Start < prevEnd || u.Start >= u.End || u.End > len(rs) {
			t.Fatalf("unit %d: span [%d,%d) after %d in %d code points", i, u.Start, u.End, prevEnd, len(rs))
		}
		prevEnd = u.End
		if u.Text == "" {
			t.Fatalf("unit %d: empty text", i)
		}
		first, _ := utf8.DecodeRuneInString(u.Text)
		last, _ := utf8.DecodeLastRuneInString(u.Text)
		if isSpace(first) || isSpace(last) {
			t.Fatalf("unit %d: untrimmed %q", i, u.Text)
		}
		if got := removeBreaks(rs[u.Start:u.End]); got != u.Text {
			t.Fatalf("unit %d: span [%d,%d) without line breaks is %q, Text is %q", i, u.Start, u.End, got, u.Text)
		}
		for k := u.Start; k < u.End; k++ {
			covered[k] = true
		}
	}
	for k, r := range rs {
		if !covered[k] && !isSpace(r) {
			t.Fatalf("code point %d (%q) is in no unit", k, r)
		}
	}
}

// removeBreaks replaces every run of white space that holds a line break:
// by one space when the characters on both sides are not wide (Chinese,
// Japanese), else by nothing.
func removeBreaks(rs []rune) string {
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isSpace(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j, hasBreak := i, false
		for j < len(rs) && isSpace(rs[j]) {
			hasBreak = hasBreak || rs[j] == '\n'
			j++
		}
		switch {
		case !hasBreak:
			b.WriteString(string(rs[i:j]))
		case i > 0 && j < len(rs) && !isWide(rs[i-1]) && !isWide(rs[j]):
			b.WriteByte(' ')
		}
		i = j
	}
	return b.String()
}

// FuzzSegment: no panics, and the invariants of checkUnits, on any input.
func FuzzSegment(f *testing.F) {
	files, _ := filepath.Glob("testdata/segment/*.txt")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{"", "。", "”", "1.", "一、", "（一）。", "第一条", "www.", "http://a.b/?;!", "a.\n\n.b", "\u3000\n\u3000", "1.1 ", "\"。\"\"", "。\n”\n”"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // Segment takes normalised, valid UTF-8 text
		}
		text = strings.ReplaceAll(text, "\r", "\n")
		checkUnits(t, text, Segment("doc", text))
	})
}
