package autocode_test

import (
	"context"
	"testing"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/autocode"
	"github.com/policykb/policykb/loaders"
)

// BenchmarkPredict is the learned coder's cost per sentence (with the
// codebook's seed terms), without the database: the sample's 929
// sentences coded by a model trained on them.
func BenchmarkPredict(b *testing.B) {
	w := segmenter(b)
	codes, docs := testDocuments(b, loaders.SampleInput("../data/sample"))
	var examples []autocode.Example
	var units []autocode.Unit
	for _, d := range docs {
		for _, u := range d.Units {
			units = append(units, u)
			examples = append(examples, autocode.Example{Unit: u, Codes: d.Codes[u.Sentence.ID]})
		}
	}
	coder, err := autocode.TrainOptions{Thresholds: autocode.DefaultThresholds}.Trainer(codes, w)(examples)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		coder.Predict(units[i%len(units)])
	}
}

// BenchmarkUnits is the cost of building a document's units (headings,
// simplified text, the words the document repeats) per sentence, given
// the words: what autocode's apply does for every document before coding
// it. One op is one sample document.
func BenchmarkUnits(b *testing.B) {
	w := segmenter(b)
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput("../data/sample"))
	if err != nil {
		b.Fatal(err)
	}
	type doc struct {
		sentences []policykb.Sentence
		words     [][]string
		simp      []string
	}
	var docs []doc
	n := 0
	for _, d := range plan.Documents {
		x := doc{sentences: d.Sentences, words: make([][]string, len(d.Sentences)), simp: make([]string, len(d.Sentences))}
		for i, st := range d.Sentences {
			x.words[i], x.simp[i] = w.Words(st.Text), w.Simplify(st.Text)
		}
		docs = append(docs, x)
		n += len(d.Sentences)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := docs[i%len(docs)]
		autocode.Units(d.sentences, d.words, d.simp)
	}
	b.ReportMetric(float64(n)/float64(len(docs)), "sentences/op")
}
