package autocode_test

import (
	"context"
	"testing"

	"github.com/policykb/policykb/autocode"
	"github.com/policykb/policykb/loaders"
)

// BenchmarkPredict is the learned coder's cost per sentence (with the
// codebook's seed terms), without the database: the sample's 929
// sentences coded by a model trained on them.
func BenchmarkPredict(b *testing.B) {
	w := segmenter(b)
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput("../data/sample"))
	if err != nil {
		b.Fatal(err)
	}
	var examples []autocode.Example
	var units []autocode.Unit
	for _, d := range plan.Documents {
		ws := make([][]string, len(d.Sentences))
		simp := make([]string, len(d.Sentences))
		for i, st := range d.Sentences {
			ws[i], simp[i] = w.Words(st.Text), w.Simplify(st.Text)
		}
		codes := map[string][]string{}
		for _, c := range d.Codings {
			codes[c.SentenceID] = append(codes[c.SentenceID], c.CodeID)
		}
		for _, u := range autocode.Units(d.Sentences, ws, simp) {
			units = append(units, u)
			examples = append(examples, autocode.Example{Unit: u, Codes: codes[u.Sentence.ID]})
		}
	}
	coder, err := autocode.TrainOptions{Thresholds: autocode.DefaultThresholds}.Trainer(plan.Codes, w)(examples)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		coder.Predict(units[i%len(units)])
	}
}
