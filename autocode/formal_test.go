package autocode

import (
	"testing"

	"github.com/policykb/policykb"
)

// The clauses of laws no coder codes: titles and headings, the items of a
// list that only names cases, rights stated as such, qualifications and
// certificates. A list's lead, the items of a list of measures, and a
// sentence that withdraws a qualification are coded as usual.
func TestFormalClausesOfLawsAreNeverCoded(t *testing.T) {
	units := doc(
		"#中华人民共和国 示范法",
		"#第一章 总则",
		"第一条　公民 有 依法 接受 职业教育 的 权利 。",
		"劳动者 依法 享有 平等 就业 的 权利 。",
		"#第二条　设立 培训 机构 应当 具备 下列 条件 ：",
		"（一） 有 必备 的 经费 ；",
		"（二） 有 实训 场所 。",
		"第三条　取得 教师 资格 ， 应当 具备 本科 学历 。",
		"#第四条　县级 以上 人民政府 采取 下列 措施 ：",
		"（一） 设立 专项 资金 ；",
		"（二） 建设 实训 基地 。",
		"对 考核 不合格 的 ， 取消 其 资格 。",
		"明确 各方 的 权利 和 责任 。",
	)
	for i, want := range []bool{true, true, true, true, false, true, true, true, false, false, false, false, false} {
		if got := boilerplate(units[i]); got != want {
			t.Errorf("unit %d %q (lead %q): never coded %v, want %v", i, units[i].Simplified, units[i].Lead, got, want)
		}
	}
	if units[5].Lead == "" || units[9].Lead == "" || units[7].Lead != "" {
		t.Errorf("leads: %q %q %q", units[5].Lead, units[9].Lead, units[7].Lead)
	}
	d := &Dictionary{Name: "t", Entries: []Entry{{CodeID: "main-10", Phrases: []string{"经费"}}, {CodeID: "main-5", Phrases: []string{"实训"}}}}
	if s := d.Predict(units[5]); len(s) != 0 {
		t.Errorf("a condition item coded: %v", s)
	}
	if s := d.Predict(units[9]); len(s) != 0 {
		t.Errorf("unit 9 has no dictionary term, coded %v", s)
	}
	if s := d.Predict(units[10]); len(s) != 1 || s[0].CodeID != "main-5" {
		t.Errorf("a measure item: %v, want main-5", s)
	}
	if units[0].Sentence.Kind != policykb.KindHeading {
		t.Fatal("doc: # is a heading")
	}
}

// A dictionary does not code by a term that stands in a fifth of its
// document's sentences (and six at least): there it says what the
// document is about. As the learned coder's hints, such terms still count.
func TestDictionaryLeavesOutItsDocumentsTopic(t *testing.T) {
	d := &Dictionary{Name: "t", Entries: []Entry{{CodeID: "main-5", Phrases: []string{"培训"}}, {CodeID: "main-10", Phrases: []string{"经费"}}}}
	build := func(others int) []Unit {
		lines := []string{"#第一章 培训 总则"} // a heading counts in no share
		for range 6 {
			lines = append(lines, "开展 职业 培训 工作 。")
		}
		for range others {
			lines = append(lines, "其他 事项 。")
		}
		return doc(append(lines, "加大 经费 投入 。")...)
	}
	units := build(23) // 培训 in 6 of 30 sentences: 20 %
	if s := d.Predict(units[1]); len(s) != 0 {
		t.Errorf("培训 in 6 of 30 sentences: coded %v, want nothing", s)
	}
	if s := d.match(units[1], false); len(s) != 1 || s[0].CodeID != "main-5" {
		t.Errorf("as hints the common term counts: %v", s)
	}
	if s := d.Predict(units[len(units)-1]); len(s) != 1 || s[0].CodeID != "main-10" {
		t.Errorf("经费: %v, want main-10", s)
	}
	units = build(24) // 6 of 31: 19 %
	if s := d.Predict(units[1]); len(s) != 1 || s[0].CodeID != "main-5" {
		t.Errorf("培训 in 6 of 31 sentences: %v, want main-5", s)
	}
}
