package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/benchkit"
	"github.com/policykb/policykb/loaders"
	"github.com/policykb/policykb/words"
)

func main() {
	var o options
	flag.StringVar(&o.tier, "tier", "M4", "the tier's name, for the results file")
	flag.StringVar(&o.dir, "dir", "", "the corpus folder (codebook.yaml, documents.csv, codings.csv, texts/)")
	flag.StringVar(&o.uri, "neo4j-uri", os.Getenv("POLICYKB_NEO4J_URI"), "Bolt URI of a Neo4j this run may wipe")
	flag.StringVar(&o.out, "out", "bench/results", "folder of the results file")
	flag.IntVar(&o.batch, "batch", 1000, "rows per UNWIND, for policykb load and the baseline alike")
	flag.IntVar(&o.rounds, "rounds", 1, "measure each way this many times (raw first in odd rounds, load first in even ones) and keep each one's fastest")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-load:", err)
		os.Exit(1)
	}
}

type options struct {
	tier, dir, uri, out string
	batch, rounds       int
}

// results is the file's shape; load is the fragment bench/query's results
// are merged with.
type results struct {
	Tier    string      `json:"tier"`
	Machine string      `json:"machine"`
	Load    loadResults `json:"load"`
}

type loadResults struct {
	SentencesPerS      float64 `json:"sentences_per_s"`
	RawSentencesPerS   float64 `json:"raw_sentences_per_s"`
	CodingsPerS        float64 `json:"codings_per_s"`
	RawCodingsPerS     float64 `json:"raw_codings_per_s"`
	Ratio              float64 `json:"ratio"`                 // sentences_per_s / raw_sentences_per_s
	WriteSentencesPerS float64 `json:"write_sentences_per_s"` // the writes only, validation excluded
	Documents          int     `json:"documents"`
	Sentences          int     `json:"sentences"`
	Codings            int     `json:"codings"`
	LoadS              float64 `json:"load_s"`     // loaders.Load as `policykb load` runs it
	ValidateS          float64 `json:"validate_s"` // of which reading, segmenting and checking
	RawS               float64 `json:"raw_s"`
	BatchSize          int     `json:"batch_size"`
	Rounds             int     `json:"rounds"` // the fastest of this many runs of each way
}

func run(ctx context.Context, o options) error {
	if o.dir == "" || o.uri == "" {
		return fmt.Errorf("-dir and -neo4j-uri are required")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// policykb load keeps every document's words (words.Segmenter), so
	// the load measured does too.
	seg, err := words.New(words.DefaultConfig())
	if err != nil {
		return err
	}
	store, err := graph.Open(ctx, graph.Config{URI: o.uri, Database: "neo4j", BatchSize: o.batch, TxTimeout: 10 * time.Minute, Words: seg}, log)
	if err != nil {
		return err
	}
	defer store.Close(ctx)
	if err := store.EnsureSchema(ctx); err != nil {
		return err
	}
	in := loaders.SampleInput(o.dir)

	// The baseline's rows come from the same validated plan, built before
	// the clock starts.
	plan, err := loaders.Validate(ctx, nil, in)
	if err != nil {
		return err
	}
	_, docs, sentences, codings := plan.Counts()
	fmt.Printf("corpus %s: %s\n", o.dir, plan)

	var rawTook, loadTook, validated time.Duration
	for i := range max(1, o.rounds) {
		// Odd rounds go the other way round: the first write into a fresh
		// store (growing its files, warming the server) is not always the
		// baseline's.
		var raw, load, val time.Duration
		for _, way := range [2]int{i % 2, 1 - i%2} {
			var err error
			if way == 0 {
				raw, err = measureRaw(ctx, store, o, plan, docs, sentences, codings)
			} else {
				load, val, err = measureLoad(ctx, store, in, docs, sentences, codings)
			}
			if err != nil {
				return err
			}
		}
		if i == 0 || raw < rawTook {
			rawTook = raw
		}
		if i == 0 || load < loadTook {
			loadTook, validated = load, val
		}
	}

	r := results{Tier: o.tier, Machine: benchkit.Machine(), Load: loadResults{
		SentencesPerS:      round(float64(sentences) / loadTook.Seconds()),
		RawSentencesPerS:   round(float64(sentences) / rawTook.Seconds()),
		CodingsPerS:        round(float64(codings) / loadTook.Seconds()),
		RawCodingsPerS:     round(float64(codings) / rawTook.Seconds()),
		Ratio:              float64(int(rawTook.Seconds()/loadTook.Seconds()*1000)) / 1000,
		WriteSentencesPerS: round(float64(sentences) / (loadTook - validated).Seconds()),
		Documents:          docs, Sentences: sentences, Codings: codings,
		LoadS: secs(loadTook), ValidateS: secs(validated), RawS: secs(rawTook), BatchSize: o.batch, Rounds: max(1, o.rounds),
	}}
	fmt.Printf("load / raw = %.3f\n", r.Load.Ratio)
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(o.out, o.tier+"-load.json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return nil
}

// measureRaw wipes the database, writes the codebook (not timed: the
// baseline measures the corpus) and times the baseline.
func measureRaw(ctx context.Context, store *graph.Store, o options, plan *loaders.Plan, docs, sentences, codings int) (time.Duration, error) {
	if err := wipe(ctx, store); err != nil {
		return 0, err
	}
	if _, err := store.WriteCodebook(ctx, plan.Codes); err != nil {
		return 0, err
	}
	took, err := rawLoad(ctx, o.uri, o.batch, plan)
	if err != nil {
		return 0, err
	}
	if err := expect(ctx, store, "the baseline", docs, sentences, codings); err != nil {
		return 0, err
	}
	fmt.Printf("raw UNWIND CREATE: %s, %.0f sentences/s, %.0f codings/s\n", took.Round(time.Millisecond),
		float64(sentences)/took.Seconds(), float64(codings)/took.Seconds())
	return took, nil
}

// measureLoad wipes the database and times loaders.Load's two steps as
// `policykb load` runs them; it returns the whole time and the validation's.
func measureLoad(ctx context.Context, store *graph.Store, in loaders.Input, docs, sentences, codings int) (time.Duration, time.Duration, error) {
	if err := wipe(ctx, store); err != nil {
		return 0, 0, err
	}
	began := time.Now()
	store.PrepareWords() // as loaders.Load does
	plan, err := loaders.Validate(ctx, store, in)
	if err != nil {
		return 0, 0, err
	}
	validated := time.Since(began)
	if _, err := loaders.WritePlan(ctx, store, plan, loaders.Options{}); err != nil {
		return 0, 0, err
	}
	took := time.Since(began)
	if err := expect(ctx, store, "policykb load", docs, sentences, codings); err != nil {
		return 0, 0, err
	}
	fmt.Printf("policykb load: %s (validation %s), %.0f sentences/s, %.0f codings/s\n", took.Round(time.Millisecond),
		validated.Round(time.Millisecond), float64(sentences)/took.Seconds(), float64(codings)/took.Seconds())
	return took, validated, nil
}

func round(x float64) float64 { return float64(int64(x + 0.5)) }
func secs(d time.Duration) float64 {
	return float64(d.Milliseconds()) / 1000
}

// wipe empties the database.
func wipe(ctx context.Context, store *graph.Store) error {
	began := time.Now()
	if _, err := store.Wipe(ctx); err != nil {
		return err
	}
	fmt.Printf("wiped in %s\n", time.Since(began).Round(time.Millisecond))
	return nil
}

// expect checks that a measured write stored the whole corpus.
func expect(ctx context.Context, store *graph.Store, who string, docs, sentences, codings int) error {
	st, err := store.Stats(ctx)
	if err != nil {
		return err
	}
	if st.Documents != docs || st.Sentences != sentences || st.Codings != codings {
		return fmt.Errorf("%s stored %d documents, %d sentences, %d codings; the corpus has %d, %d, %d",
			who, st.Documents, st.Sentences, st.Codings, docs, sentences, codings)
	}
	return nil
}

// The baseline: each statement creates, nothing is merged, no rollups.
const (
	rawCities = `
UNWIND $rows AS row
CREATE (:City {name: row.name, nameZh: row.nameZh, province: row.province})`
	rawDocuments = `
UNWIND $rows AS row
MATCH (c:City {name: row.city})
CREATE (c)-[:ISSUED]->(:Document {id: row.id, title: row.title, issuer: row.issuer, issuedOn: row.issuedOn,
  docType: row.docType, url: row.url, sourceFile: row.sourceFile, sha256: row.sha256, synthetic: row.synthetic,
  text: row.text})`
	rawSentences = `
UNWIND $rows AS row
MATCH (d:Document {id: row.doc})
CREATE (d)-[:HAS_SENTENCE]->(:Sentence {id: row.id, index: row.index, text: row.text, start: row.start,
  end: row.end, kind: row.kind})`
	rawCodings = `
UNWIND $rows AS row
MATCH (s:Sentence {id: row.sentence})
MATCH (k:Code {id: row.code})
CREATE (s)-[:CODED_AS {coder: row.coder, origin: row.origin, at: row.at}]->(k)`
)

// rawLoad writes the plan's corpus with the baseline statements, batch
// rows per statement and transaction, and returns the time it took.
func rawLoad(ctx context.Context, uri string, batch int, plan *loaders.Plan) (time.Duration, error) {
	var cities, docs, sentences, codings []map[string]any
	seen := map[string]bool{}
	for _, b := range plan.Documents {
		if !seen[b.City.Name] {
			seen[b.City.Name] = true
			cities = append(cities, map[string]any{"name": b.City.Name, "nameZh": nullable(b.City.NameZh), "province": nullable(b.City.Province)})
		}
		d := b.Document
		var issued any
		if !d.IssuedOn.IsZero() {
			issued = neo4j.DateOf(d.IssuedOn)
		}
		docs = append(docs, map[string]any{"id": d.ID, "city": b.City.Name, "title": d.Title, "issuer": nullable(d.Issuer),
			"issuedOn": issued, "docType": nullable(d.DocType), "url": nullable(d.URL), "sourceFile": nullable(d.SourceFile),
			"sha256": d.SHA256, "synthetic": d.Synthetic, "text": d.Text})
		for _, s := range b.Sentences {
			sentences = append(sentences, map[string]any{"doc": d.ID, "id": s.ID, "index": int64(s.Index), "text": s.Text,
				"start": int64(s.Start), "end": int64(s.End), "kind": string(s.Kind)})
		}
		for _, c := range b.Codings {
			codings = append(codings, map[string]any{"sentence": c.SentenceID, "code": c.CodeID, "coder": c.Coder,
				"origin": c.Origin, "at": c.At.UTC()})
		}
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return 0, err
	}
	defer driver.Close(ctx)
	sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: "neo4j"})
	defer sess.Close(ctx)

	began := time.Now()
	for _, step := range []struct {
		cypher string
		rows   []map[string]any
	}{{rawCities, cities}, {rawDocuments, docs}, {rawSentences, sentences}, {rawCodings, codings}} {
		for len(step.rows) > 0 {
			n := min(batch, len(step.rows))
			rows := step.rows[:n]
			step.rows = step.rows[n:]
			_, err := sess.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				res, err := tx.Run(ctx, step.cypher, map[string]any{"rows": rows})
				if err != nil {
					return nil, err
				}
				return res.Consume(ctx)
			})
			if err != nil {
				return 0, fmt.Errorf("baseline: %w", err)
			}
		}
	}
	return time.Since(began), nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// machine describes the computer the figures come from.
