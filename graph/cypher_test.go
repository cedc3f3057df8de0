package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

func TestCypher(t *testing.T) {
	s := loadAgrFixture(t)
	ctx := context.Background()
	opts := graph.CypherOptions{MaxRows: 3, Timeout: 10 * time.Second}
	nodes := func() int64 {
		t.Helper()
		r, err := s.Cypher(ctx, "MATCH (n) RETURN count(n) AS n", nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		return r.Rows[0][0].(int64)
	}

	t.Run("writes are refused", func(t *testing.T) {
		// Neo4j's plan of each shows a write operator: FORBIDDEN, before
		// it runs (the read transaction would refuse it too).
		before := nodes()
		// The fixture has 2 cities, 4 documents, 11 sentences, 7 codes,
		// and the base has its version node, its one study and the rollup
		// groups of the cities' two provinces and of the corpus.
		if before != 29 {
			t.Fatalf("%d nodes before, want 29", before)
		}
		for _, stmt := range []string{
			"CREATE (:City {name: 'Intruder'})",
			"MATCH (c:City {name: 'Alpha'}) SET c.name = 'Renamed' RETURN c",
			"MATCH (s:Sentence) DETACH DELETE s",
			"MERGE (x:Thing {id: 1}) RETURN x",
			"CREATE INDEX intruder IF NOT EXISTS FOR (n:Thing) ON (n.id)",
		} {
			_, err := s.Cypher(ctx, stmt, nil, opts)
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != policykb.EForbidden || pe.Argument != "statement" ||
				!strings.Contains(pe.Message, "it writes to the database") {
				t.Errorf("%s: %v, want FORBIDDEN naming statement, saying it writes", stmt, err)
			}
		}
		if after := nodes(); after != before {
			t.Errorf("%d nodes after the writes, %d before", after, before)
		}
		r, err := s.Cypher(ctx, "MATCH (c:City) RETURN c.name ORDER BY c.name", nil, opts)
		if err != nil || !reflect.DeepEqual(r.Rows, [][]any{{"Alpha"}, {"Beta"}}) {
			t.Errorf("cities after the writes: %v %v", r.Rows, err)
		}
	})

	t.Run("row cap", func(t *testing.T) {
		r, err := s.Cypher(ctx, "MATCH (s:Sentence) RETURN s.id AS id ORDER BY id", nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.Columns, []string{"id"}) || !r.Truncated ||
			!reflect.DeepEqual(r.Rows, [][]any{{"p1#0"}, {"p1#1"}, {"p1#2"}}) {
			t.Errorf("got %+v, want 3 rows and truncated", r)
		}
		// Exactly MaxRows rows: not truncated.
		r, err = s.Cypher(ctx, "UNWIND [1, 2, 3] AS x RETURN x", nil, opts)
		if err != nil || r.Truncated || len(r.Rows) != 3 {
			t.Errorf("3 rows: %+v %v", r, err)
		}
	})

	t.Run("parameters and values", func(t *testing.T) {
		r, err := s.Cypher(ctx, `
MATCH p = (c:City {name: $city})-[i:ISSUED]->(d:Document {id: $doc})
RETURN c, i, d.issuedOn AS issued, p, [1, 2.5, 'x', null, true] AS list, {k: 0.0/0.0} AS m,
       duration({months: 1, days: 2, seconds: 3}) AS dur, point({x: 1.0, y: 2.0}) AS pt,
       datetime('2024-01-02T03:04:05Z') AS dt, localtime('10:11:12') AS lt`,
			map[string]any{"city": "Alpha", "doc": "p1"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"c", "i", "issued", "p", "list", "m", "dur", "pt", "dt", "lt"}; !reflect.DeepEqual(r.Columns, want) {
			t.Errorf("columns %v", r.Columns)
		}
		row := r.Rows[0]
		b, err := json.Marshal(row)
		if err != nil {
			t.Fatalf("row is not JSON: %v", err)
		}
		var back []any
		_ = json.Unmarshal(b, &back)
		city := back[0].(map[string]any)
		if city["labels"].([]any)[0] != "City" || city["properties"].(map[string]any)["name"] != "Alpha" || city["elementId"] == "" {
			t.Errorf("node: %v", city)
		}
		rel := back[1].(map[string]any)
		if rel["type"] != "ISSUED" || rel["startElementId"] != city["elementId"] {
			t.Errorf("relationship: %v", rel)
		}
		if back[2] != "2023-01-10" {
			t.Errorf("date: %v", back[2])
		}
		path := back[3].(map[string]any)
		if len(path["nodes"].([]any)) != 2 || len(path["relationships"].([]any)) != 1 {
			t.Errorf("path: %v", path)
		}
		if !reflect.DeepEqual(back[4], []any{1.0, 2.5, "x", nil, true}) {
			t.Errorf("list: %v", back[4])
		}
		if !reflect.DeepEqual(back[5], map[string]any{"k": "NaN"}) {
			t.Errorf("map: %v", back[5])
		}
		if back[6] != "P1M2DT3S" || !reflect.DeepEqual(back[7], map[string]any{"srid": 7203.0, "x": 1.0, "y": 2.0}) ||
			back[8] != "2024-01-02T03:04:05Z" || back[9] != "10:11:12" {
			t.Errorf("duration, point, datetime, localtime: %v %v %v %v", back[6], back[7], back[8], back[9])
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct {
			stmt   string
			params map[string]any
			code   policykb.ErrorCode
			arg    string
		}{
			{"MATCH (n RETURN n", nil, policykb.EInvalid, "statement"},
			{"RETURN $missing", nil, policykb.EInvalid, "params"},
			{"  ", nil, policykb.EInvalid, "statement"},
			{"LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", nil, policykb.EForbidden, "statement"},
			{"RETURN nosuchfunction(1)", nil, policykb.EInvalid, "statement"},
			{"CALL no.such.procedure()", nil, policykb.EInvalid, "statement"},
		} {
			_, err := s.Cypher(ctx, tt.stmt, tt.params, opts)
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != tt.code || pe.Argument != tt.arg {
				t.Errorf("%q: %v, want %s naming %s", tt.stmt, err, tt.code, tt.arg)
			}
		}
	})

	t.Run("timeout", func(t *testing.T) {
		// A billion rows take far longer than 100 ms.
		_, err := s.Cypher(ctx, "UNWIND range(1, 1000000000) AS x RETURN sum(x)", nil,
			graph.CypherOptions{MaxRows: 3, Timeout: 100 * time.Millisecond})
		if code := policykb.ErrorCodeOf(err); code != policykb.ETimeout {
			t.Errorf("got %v (%s), want TIMEOUT", err, code)
		}
	})
}
