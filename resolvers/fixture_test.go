package resolvers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testneo4j"
)

// openStore is the test database, emptied and loaded with the fixture.
func openStore(t *testing.T) *graph.Store {
	t.Helper()
	s := testneo4j.EmptyStore(t, 0)
	ctx := context.Background()
	if _, err := s.WriteCodebook(ctx, fixtureCodes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteDocuments(ctx, fixtureDocs(), nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func num(n int) *int { return &n }

// The fixture is synthetic (made up for these tests, every document marked
// synthetic) and small enough to count by hand. The coding scheme:
//
//	layer-1 Concept Guidance Level 理念引导层
//	  main-1 Guiding Ideology 指导思想
//	    cat-1 Core Concepts 核心理念
//	      con-1 Deepen education reform 深化教育改革
//	      con-2 Serve local industry 服务地方产业
//	layer-2 Resource Guarantee Level 资源保障层
//	  main-2 Fund Support 资金支持
//	    cat-2 Special Funds 专项资金
//	      con-3 Set up special funds 设立专项资金
//	      con-4 Reward enterprises 奖励企业
//	    cat-3 Tax Relief 税收优惠
//	      con-5 Reduce taxes 减免税收              (never coded)
//	  main-3 Talent Training 人才培养
//	    cat-4 Joint Training 联合培养
//	      con-6 Order-based classes 订单班
//	      con-7 Joint Training 校企联合培养         (same English name as cat-4)
//
// Cities, documents and codings (coder: alice or bob; bob's are imported):
//
//	Beiling 北岭市 (Province B)
//	  d5 2022-05-05: #0, #1 uncoded
//	Linlan 临澜市 (Province A)
//	  d1 2023-03-01: #0 heading, uncoded
//	                 #1 con-1 alice, con-2 alice   (two concepts of one category)
//	                 #2 con-3 alice, con-3 bob     (two coders, one code)
//	                 #3 con-4 bob
//	  d2 2024-06-15: #0 con-3 alice
//	                 #1 con-6 alice
//	                 #2 uncoded
//	Tingyang 汀阳市 (Province B)
//	  d4 2024-01-20: #0 con-4 alice
//	                 #1 con-2 alice
//	Xichuan 溪川市 (Province A)
//	  d3 2023-09-10: #0 con-1 bob
//	                 #1 con-3 bob, con-6 bob       (two main categories)
//	                 #2 con-7 alice
//
// Sentences per code (referencePoints = distinct sentences, materialSources =
// distinct documents):
//
//	con-1 {d1#1 d3#0}            2, 2    cat-1 {d1#1 d3#0 d4#1}                 3, 3
//	con-2 {d1#1 d4#1}            2, 2    cat-2 {d1#2 d1#3 d2#0 d3#1 d4#0}       5, 4
//	con-3 {d1#2 d2#0 d3#1}       3, 3    cat-3 {}                               0, 0
//	con-4 {d1#3 d4#0}            2, 2    cat-4 {d2#1 d3#1 d3#2}                 3, 2
//	con-5 {}                     0, 0    main-1 = cat-1                         3, 3
//	con-6 {d2#1 d3#1}            2, 2    main-2 = cat-2 ∪ cat-3                 5, 4
//	con-7 {d3#2}                 1, 1    main-3 = cat-4                         3, 2
//	layer-1 = main-1             3, 3    layer-2 {d1#2 d1#3 d2#0 d3#1 d4#0 d2#1 d3#2}: 7, 4
//	                                     (d3#1 is in main-2 and main-3: once)
func fixtureCodes() []policykb.Code {
	code := func(id string, l policykb.Level, n int, name, zh, parent, source string) policykb.Code {
		return policykb.Code{ID: id, Level: l, Number: num(n), Name: name, NameZh: zh, Parent: parent, Source: source}
	}
	L, M, C, K := policykb.LevelLayer, policykb.LevelMainCategory, policykb.LevelCategory, policykb.LevelConcept
	return []policykb.Code{
		code("layer-1", L, 1, "Concept Guidance Level", "理念引导层", "", "table4"),
		code("main-1", M, 1, "Guiding Ideology", "指导思想", "layer-1", "table3"),
		code("cat-1", C, 1, "Core Concepts", "核心理念", "main-1", "table2"),
		code("con-1", K, 1, "Deepen education reform", "深化教育改革", "cat-1", "table1"),
		code("con-2", K, 2, "Serve local industry", "服务地方产业", "cat-1", "table1"),
		code("layer-2", L, 2, "Resource Guarantee Level", "资源保障层", "", "table4"),
		code("main-2", M, 2, "Fund Support", "资金支持", "layer-2", "table3"),
		code("cat-2", C, 2, "Special Funds", "专项资金", "main-2", "table2"),
		code("con-3", K, 3, "Set up special funds", "设立专项资金", "cat-2", "table1"),
		code("con-4", K, 4, "Reward enterprises", "奖励企业", "cat-2", "table1"),
		code("cat-3", C, 3, "Tax Relief", "税收优惠", "main-2", "table2"),
		code("con-5", K, 5, "Reduce taxes", "减免税收", "cat-3", "derived"),
		code("main-3", M, 3, "Talent Training", "人才培养", "layer-2", "table3"),
		code("cat-4", C, 4, "Joint Training", "联合培养", "main-3", "table2"),
		code("con-6", K, 6, "Order-based classes", "订单班", "cat-4", "table1"),
		code("con-7", K, 7, "Joint Training", "校企联合培养", "cat-4", "table1"),
	}
}

var (
	linlan   = policykb.City{Name: "Linlan", NameZh: "临澜市", Province: "Province A"}
	xichuan  = policykb.City{Name: "Xichuan", NameZh: "溪川市", Province: "Province A"}
	tingyang = policykb.City{Name: "Tingyang", NameZh: "汀阳市", Province: "Province B"}
	beiling  = policykb.City{Name: "Beiling", NameZh: "北岭市", Province: "Province B"}
)

// sentence is a fixture sentence: its text and codings "code coder".
type sentence struct {
	text    string
	heading bool
	codings []string
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// document builds a bundle: the text is the sentences joined by "\n", so a
// sentence starts one code point after the previous one ends.
func document(city policykb.City, id, title, issued string, ss ...sentence) graph.DocumentBundle {
	b := graph.DocumentBundle{City: city, Document: policykb.Document{
		ID: id, City: city.Name, Title: title, Issuer: city.Name + " Municipal Government Office (synthetic)",
		IssuedOn: day(issued), DocType: "implementation plan", SourceFile: "fixture/" + id + ".txt",
		SHA256: "fixture-" + id, Synthetic: true,
	}}
	var text []string
	off := 0
	for i, s := range ss {
		kind := policykb.KindSentence
		if s.heading {
			kind = policykb.KindHeading
		}
		n := len([]rune(s.text))
		b.Sentences = append(b.Sentences, policykb.Sentence{ID: policykb.SentenceID(id, i), DocumentID: id, Index: i,
			Kind: kind, Text: s.text, Start: off, End: off + n})
		off += n + 1
		text = append(text, s.text)
		for _, c := range s.codings {
			code, coder, _ := strings.Cut(c, " ")
			origin := "manual"
			if coder == "bob" {
				origin = "import:nvivo"
			}
			b.Codings = append(b.Codings, policykb.Coding{SentenceID: policykb.SentenceID(id, i), CodeID: code,
				Coder: coder, Origin: origin, At: day("2025-01-02")})
		}
	}
	b.Document.Text = strings.Join(text, "\n")
	return b
}

func fixtureDocs() []graph.DocumentBundle {
	d1 := document(linlan, "d1", "Linlan Plan for Industry-Education Alliances (synthetic)", "2023-03-01",
		sentence{text: "临澜市 synthetic plan", heading: true},
		sentence{text: "Deepen education reform and serve local industry.", codings: []string{"con-1 alice", "con-2 alice"}},
		sentence{text: "Set up a special fund for the alliance.", codings: []string{"con-3 alice", "con-3 bob"}},
		sentence{text: "Reward enterprises that join the alliance.", codings: []string{"con-4 bob"}},
	)
	d1.Document.URL = "https://example.invalid/linlan/d1"
	return []graph.DocumentBundle{
		d1,
		document(linlan, "d2", "Linlan Fund Notice (synthetic)", "2024-06-15",
			sentence{text: "The special fund grows each year.", codings: []string{"con-3 alice"}},
			sentence{text: "Open order-based classes with enterprises.", codings: []string{"con-6 alice"}},
			sentence{text: "Contact the office for details."},
		),
		document(xichuan, "d3", "Xichuan Alliance Measures (synthetic)", "2023-09-10",
			sentence{text: "Deepen education reform across the city.", codings: []string{"con-1 bob"}},
			sentence{text: "Fund order-based classes from the special fund.", codings: []string{"con-3 bob", "con-6 bob"}},
			sentence{text: "Train students jointly with enterprises.", codings: []string{"con-7 alice"}},
		),
		document(tingyang, "d4", "Tingyang Alliance Opinions (synthetic)", "2024-01-20",
			sentence{text: "Reward enterprises with fund support.", codings: []string{"con-4 alice"}},
			sentence{text: "Serve local industry first.", codings: []string{"con-2 alice"}},
		),
		document(beiling, "d5", "Beiling Work Plan (synthetic)", "2022-05-05",
			sentence{text: "Beiling will study the alliance."},
			sentence{text: "Details follow later."},
		),
	}
}
