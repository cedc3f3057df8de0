package gen

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/data"
	"github.com/policykb/policykb/loaders"
)

// Spec describes a synthetic corpus. Every document has exactly
// SentencesPerDoc units as loaders.Segment cuts them: a title heading, one
// heading per section, and sentences.
//
// Counties and Documents describe a county-scale corpus (tier L): Counties
// county-level jurisdictions after the Cities, and Documents documents in
// all, spread over the jurisdictions with a log-normal skew and at least one
// each (see allocate). When Documents is 0 every city has DocsPerCity
// documents and there are no counties, as in tiers M and M4.
type Spec struct {
	Cities          int     // 1..MaxCities
	DocsPerCity     int     // at least 1; unused when Documents > 0
	SentencesPerDoc int     // units per document, at least 3
	CodedRate       float64 // share of each document's units that are coded, 0..1
	Seed            uint64
	Counties        int // 0..MaxCounties; needs Documents > 0
	Documents       int // total documents when > 0: Cities+Counties to 999 per jurisdiction
	// Parts > 1 writes the manifest and codings as that many pairs of
	// files (documents-part01.csv, codings-part01.csv, ...) instead of
	// one, each for about 1/Parts of the documents; at most 99 and the
	// number of documents.
	Parts int
}

// Tiers are the named corpus sizes: M is national scale (300 cities × 10
// documents × 300 sentences ≈ 900k sentences, 40% coded), M4 a quarter of
// it (75 cities) for the growth curve. Tier S is the shipped sample, which
// CopySample writes.
var Tiers = map[string]Spec{
	"M":  {Cities: 300, DocsPerCity: 10, SentencesPerDoc: 300, CodedRate: 0.4},
	"M4": {Cities: 75, DocsPerCity: 10, SentencesPerDoc: 300, CodedRate: 0.4},
	// L is county scale: 300 prefecture-level cities and 2,800 counties,
	// 30,000 documents of 300 sentences (9 million), 40% coded.
	"L": {Cities: 300, Counties: 2800, Documents: 30000, SentencesPerDoc: 300, CodedRate: 0.4},
}

// Report says what a corpus holds, counted as it was written: Sentences is
// what loaders.Segment makes of the texts, Codings the rows of codings.csv
// (each a distinct sentence, code and coder).
type Report struct {
	Cities, Documents, Sentences, CodedSentences, Codings int
	Counties                                              int
}

// String summarises the report in one line.
func (r Report) String() string {
	places := fmt.Sprintf("%d cities", r.Cities)
	if r.Counties > 0 {
		places += fmt.Sprintf(" and %d counties", r.Counties)
	}
	return fmt.Sprintf("%s, %d documents, %d sentences (%d coded), %d codings",
		places, r.Documents, r.Sentences, r.CodedSentences, r.Codings)
}

// Check returns a *policykb.Error naming the first field of s that is out
// of range.
func (s Spec) Check() error {
	switch {
	case s.Cities < 1 || s.Cities > MaxCities:
		return policykb.InvalidArgument("cities", "gen: cities must be 1 to %d, not %d", MaxCities, s.Cities)
	case s.Counties < 0 || s.Counties > 0 && s.Counties > MaxCounties():
		return policykb.InvalidArgument("counties", "gen: counties must be 0 to %d, not %d", MaxCounties(), s.Counties)
	case s.Counties > 0 && s.Documents == 0:
		return policykb.InvalidArgument("documents", "gen: a corpus with counties needs a total number of documents")
	case s.Documents != 0 && (s.Documents < s.Cities+s.Counties || s.Documents > 999*(s.Cities+s.Counties)):
		return policykb.InvalidArgument("documents", "gen: documents must be 1 to 999 per jurisdiction: %d to %d for %d cities and %d counties, not %d",
			s.Cities+s.Counties, 999*(s.Cities+s.Counties), s.Cities, s.Counties, s.Documents)
	case s.Parts < 0 || s.Parts > 99 || s.Parts > s.documents():
		return policykb.InvalidArgument("parts", "gen: parts must be 0 to 99 and at most the %d documents, not %d", s.documents(), s.Parts)
	case s.Documents == 0 && (s.DocsPerCity < 1 || s.DocsPerCity > 999):
		return policykb.InvalidArgument("docs", "gen: documents per city must be 1 to 999, not %d", s.DocsPerCity)
	case s.SentencesPerDoc < 3 || s.SentencesPerDoc > 100000:
		return policykb.InvalidArgument("sentences", "gen: sentences per document must be 3 to 100000, not %d", s.SentencesPerDoc)
	case !(s.CodedRate >= 0 && s.CodedRate <= 1):
		return policykb.InvalidArgument("coded", "gen: the coded rate must be 0 to 1, not %v", s.CodedRate)
	}
	return nil
}

// CopySample writes the shipped sample study (data/sample) into dir as it
// is, and reports its size as loaders.Validate counts it.
func CopySample(dir string) (Report, error) {
	err := fs.WalkDir(data.Sample, "sample", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		out := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(p, "sample")))
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := data.Sample.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		return Report{}, fmt.Errorf("gen: copy the sample: %w", err)
	}
	plan, err := loaders.Validate(context.Background(), nil, loaders.SampleInput(dir))
	if err != nil {
		return Report{}, fmt.Errorf("gen: check the sample: %w", err)
	}
	var r Report
	cities := map[string]bool{}
	for _, b := range plan.Documents {
		cities[b.City.Name] = true
		r.Sentences += len(b.Sentences)
		coded := map[string]bool{}
		for _, c := range b.Codings {
			coded[c.SentenceID] = true
		}
		r.CodedSentences += len(coded)
	}
	_, r.Documents, _, r.Codings = plan.Counts()
	r.Cities = len(cities)
	return r, nil
}

// concept is a code that synthetic sentences are coded at.
type concept struct{ id, zh string }

// Generate writes the corpus s describes into dir (created if missing;
// files of the same names are replaced): codebook.yaml (the sample's),
// documents.csv, texts/<id>.txt and codings.csv (coder A). Documents are
// written one at a time, so memory does not grow with the corpus. The same
// Spec gives byte-identical files.
//
// Concept frequencies are skewed (Zipf-like, ranked by a seeded
// permutation), and each city has a mix of its own: two main categories it
// stresses and a per-concept factor, so cities differ in ways comparisons
// can find.
func Generate(dir string, s Spec) (rep Report, err error) {
	if err := s.Check(); err != nil {
		return Report{}, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "texts"), 0o755); err != nil {
		return Report{}, fmt.Errorf("gen: %w", err)
	}
	cb, err := data.Sample.ReadFile("sample/codebook.yaml")
	if err != nil {
		return Report{}, fmt.Errorf("gen: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "codebook.yaml"), cb, 0o644); err != nil {
		return Report{}, fmt.Errorf("gen: %w", err)
	}
	concepts, mainOf, mains, err := readCodebook(filepath.Join(dir, "codebook.yaml"))
	if err != nil {
		return Report{}, err
	}

	base := zipfWeights(concepts, rand.New(rand.NewPCG(s.Seed, 0x5eed)))
	order := rand.New(rand.NewPCG(s.Seed, 0xc17e5)).Perm(len(cityNames))
	places := s.jurisdictions(order)
	total := 0
	for _, pl := range places {
		total += pl.docs
	}
	out := &outputs{dir: dir, parts: s.Parts, total: total}
	defer out.abort()
	var text strings.Builder
	var cityProvince []string
	for ci, pl := range places {
		cr := rand.New(rand.NewPCG(s.Seed, uint64(ci+1)<<32))
		name := pl.name
		province := provinces[cr.IntN(len(provinces))]
		if pl.county {
			province = cityProvince[pl.city] // the province of the city above it
		} else {
			cityProvince = append(cityProvince, province)
		}
		mix := cityMix(base, concepts, mainOf, mains, cr)
		for di := range pl.docs {
			if err := out.forDocument(rep.Documents); err != nil {
				return rep, err
			}
			r := rand.New(rand.NewPCG(s.Seed, uint64(ci+1)<<32|uint64(di+1)))
			d := newDoc(ci, di, name, r, s.Documents > 0)
			text.Reset()
			coded, err := d.write(&text, s, mix, concepts, r)
			if err != nil {
				return rep, err
			}
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(d.file)), []byte(text.String()), 0o644); err != nil {
				return rep, fmt.Errorf("gen: %w", err)
			}
			if err := out.docs.row(d.id, name.en, name.zh, province, d.title, d.issuer, d.issued, d.docType, "", d.file, "true"); err != nil {
				return rep, err
			}
			for _, c := range coded {
				for _, k := range c.codes {
					if err := out.codings.row(d.id, c.quote, k, "A"); err != nil {
						return rep, err
					}
					rep.Codings++
				}
			}
			rep.Documents++
			rep.Sentences += s.SentencesPerDoc
			rep.CodedSentences += len(coded)
		}
		if pl.county {
			rep.Counties++
		} else {
			rep.Cities++
		}
	}
	if err := out.close(); err != nil {
		return rep, err
	}
	return rep, nil
}

// readCodebook returns the concepts of a codebook in file order, the main
// category above each concept (by index), and the main categories.
func readCodebook(path string) ([]concept, []int, int, error) {
	plan, err := loaders.Validate(context.Background(), nil, loaders.Input{Codebook: path})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("gen: read the codebook: %w", err)
	}
	byID := map[string]policykb.Code{}
	for _, c := range plan.Codes {
		byID[c.ID] = c
	}
	mainIndex := map[string]int{}
	var concepts []concept
	var mainOf []int
	for _, c := range plan.Codes {
		if c.Level != policykb.LevelConcept || c.NameZh == "" {
			continue
		}
		m := c
		for m.Level != policykb.LevelMainCategory && m.Parent != "" {
			m = byID[m.Parent]
		}
		if _, ok := mainIndex[m.ID]; !ok {
			mainIndex[m.ID] = len(mainIndex)
		}
		concepts = append(concepts, concept{c.ID, c.NameZh})
		mainOf = append(mainOf, mainIndex[m.ID])
	}
	if len(concepts) < 2 {
		return nil, nil, 0, errors.New("gen: the codebook has fewer than two concepts with Chinese names")
	}
	return concepts, mainOf, len(mainIndex), nil
}

// zipfWeights gives the concepts Zipf-like weights 1/rank, the ranks a
// seeded permutation.
func zipfWeights(concepts []concept, r *rand.Rand) []float64 {
	w := make([]float64, len(concepts))
	for rank, i := range r.Perm(len(concepts)) {
		w[i] = 1 / float64(rank+1)
	}
	return w
}

// mixture samples concept indexes by cumulative weight.
type mixture struct{ cum []float64 }

func (m mixture) draw(r *rand.Rand) int {
	x := r.Float64() * m.cum[len(m.cum)-1]
	return min(sort.SearchFloat64s(m.cum, x), len(m.cum)-1)
}

// cityMix is one city's policy mix: the base weights, ×5 on the concepts of
// two main categories the city stresses, each concept × a log-normal
// factor of its own.
func cityMix(base []float64, concepts []concept, mainOf []int, mains int, r *rand.Rand) mixture {
	focus := r.Perm(mains)[:min(2, mains)]
	cum := make([]float64, len(base))
	total := 0.0
	for i, w := range base {
		if slices.Contains(focus, mainOf[i]) {
			w *= 5
		}
		w *= math.Exp(0.6 * r.NormFloat64())
		total += w
		cum[i] = total
	}
	return mixture{cum}
}

// doc is one synthetic document's metadata.
type doc struct {
	id, file, title, issuer, issued, docType string
	city                                     cityName
}

// newDoc makes document di of jurisdiction ci; wide ids (c0001-d001) leave
// room for the thousands of jurisdictions and hundreds of documents of a
// county-scale corpus.
func newDoc(ci, di int, name cityName, r *rand.Rand, wide bool) doc {
	id := fmt.Sprintf("c%03d-d%02d", ci+1, di+1)
	if wide {
		id = fmt.Sprintf("c%04d-d%03d", ci+1, di+1)
	}
	kind := docKinds[r.IntN(len(docKinds))]
	day := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(6*365))
	return doc{
		id: id, file: "texts/" + id + ".txt", city: name, docType: kind.docType,
		title:  name.zh + titleTopics[r.IntN(len(titleTopics))] + kind.ending,
		issuer: name.zh + issuers[r.IntN(len(issuers))],
		issued: day.Format(time.DateOnly),
	}
}

// codedSentence is a sentence of a document and the codes it is coded at.
type codedSentence struct {
	quote string
	codes []string
}

// write lays the document out in w: the title, then sections, each a
// numbered heading and paragraphs of sentences, and returns its coded
// sentences in document order. It checks its own layout with
// loaders.Segment.
func (d doc) write(w *strings.Builder, s Spec, mix mixture, concepts []concept, r *rand.Rand) ([]codedSentence, error) {
	n := s.SentencesPerDoc
	sections := min(len(sectionTitles), max(1, n/30))
	body := n - 1 - sections
	if body < 1 {
		sections, body = 1, n-2
	}
	nCoded := min(body, int(math.Round(s.CodedRate*float64(n))))
	isCoded := make([]bool, body)
	for _, i := range r.Perm(body)[:nCoded] {
		isCoded[i] = true
	}

	used := map[string]bool{}
	var coded []codedSentence
	var codedAt []int // unit index of each coded sentence
	w.WriteString(d.title)
	w.WriteString("\n")
	unit, b := 1, 0
	for sec := range sections {
		w.WriteString("\n")
		w.WriteString(numerals[sec] + "、" + sectionTitles[sec] + "\n")
		unit++
		// This section's share of the body sentences.
		end := body * (sec + 1) / sections
		for b < end {
			w.WriteString("\n")
			para := min(end-b, 3+r.IntN(4))
			for k := range para {
				var text string
				var codes []string
				if isCoded[b] {
					text, codes = d.codedSentence(mix, concepts, used, r)
					coded = append(coded, codedSentence{text, codes})
					codedAt = append(codedAt, unit)
				} else {
					text = d.plainSentence(r)
				}
				used[text] = true
				w.WriteString(text)
				if k < para-1 && r.IntN(5) == 0 {
					// Some paragraphs break lines between sentences.
					w.WriteString("\n")
				}
				unit++
				b++
			}
			w.WriteString("\n")
		}
	}

	text := w.String()
	units := loaders.Segment(d.id, text)
	if len(units) != n {
		return nil, fmt.Errorf("gen: internal: document %s segments into %d units, not %d", d.id, len(units), n)
	}
	// A quote must designate one passage: drop the codings of a sentence
	// that occurs elsewhere in the text too (identical, or inside another).
	kept := coded[:0]
	for i, c := range coded {
		if units[codedAt[i]].Text != c.quote {
			return nil, fmt.Errorf("gen: internal: document %s unit %d is %q, not %q", d.id, codedAt[i], units[codedAt[i]].Text, c.quote)
		}
		if strings.Count(text, c.quote) == 1 {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// codedSentence makes a sentence about one concept of the city's mix, or
// (one time in five) two, not used yet in the document.
func (d doc) codedSentence(mix mixture, concepts []concept, used map[string]bool, r *rand.Rand) (string, []string) {
	for try := 0; ; try++ {
		a := mix.draw(r)
		var text string
		codes := []string{concepts[a].id}
		if r.IntN(5) == 0 {
			b := mix.draw(r)
			if b != a {
				text = fill(pairTemplates[r.IntN(len(pairTemplates))], d, r, concepts[a].zh, concepts[b].zh)
				codes = append(codes, concepts[b].id)
			}
		}
		if text == "" {
			text = fill(codedTemplates[r.IntN(len(codedTemplates))], d, r, concepts[a].zh, "")
		}
		if !used[text] || try == 20 {
			return text, codes
		}
	}
}

func (d doc) plainSentence(r *rand.Rand) string {
	return fill(plainTemplates[r.IntN(len(plainTemplates))], d, r, "", "")
}

// fill replaces a template's slots, drawing each from its list.
func fill(t string, d doc, r *rand.Rand, c, c2 string) string {
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	var out strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			out.WriteString(t)
			return out.String()
		}
		j := strings.IndexByte(t[i:], '}') + i
		out.WriteString(t[:i])
		switch t[i+1 : j] {
		case "c":
			out.WriteString(c)
		case "c2":
			out.WriteString(c2)
		case "s":
			out.WriteString(pick(subjects))
		case "m":
			out.WriteString(pick(means))
		case "g":
			out.WriteString(pick(goals))
		case "t":
			out.WriteString(pick(times))
		case "p":
			out.WriteString(pick(principles))
		case "city":
			out.WriteString(d.city.zh)
		case "region":
			out.WriteString(pick(regions))
		case "industry":
			out.WriteString(pick(industries))
		case "progress":
			out.WriteString(pick(progresses))
		case "fact":
			out.WriteString(fmt.Sprintf(pick(facts), 5+r.IntN(300)))
		case "problem":
			out.WriteString(pick(problems))
		case "problem2":
			out.WriteString(pick(problems2))
		default:
			panic("gen: unknown slot " + t[i:j+1])
		}
		t = t[j+1:]
	}
}

// csvFile is a CSV written through a buffer.
type csvFile struct {
	f    *os.File
	buf  *bufio.Writer
	w    *csv.Writer
	done bool
}

func newCSV(path string, header ...string) (*csvFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	c := &csvFile{f: f, buf: buf, w: csv.NewWriter(buf)}
	return c, c.row(header...)
}

func (c *csvFile) row(fields ...string) error {
	if err := c.w.Write(fields); err != nil {
		return fmt.Errorf("gen: write %s: %w", c.f.Name(), err)
	}
	return nil
}

func (c *csvFile) close() error {
	c.done = true
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		c.f.Close()
		return fmt.Errorf("gen: write %s: %w", c.f.Name(), err)
	}
	if err := c.buf.Flush(); err != nil {
		c.f.Close()
		return fmt.Errorf("gen: write %s: %w", c.f.Name(), err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("gen: write %s: %w", c.f.Name(), err)
	}
	return nil
}

// abort closes a file that close has not (an error came first).
func (c *csvFile) abort() {
	if !c.done {
		c.f.Close()
	}
}
