package graph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/db"

	"github.com/policykb/policykb"
)

// op builds a plan node the way Neo4j 5.26 names it: "Name@database".
func op(name, details string, children ...planNode) planNode {
	n := planNode{Operator: name + "@neo4j", Args: map[string]string{}, Children: children}
	if details != "" {
		n.Args["Details"] = details
	}
	return n
}

// The plans below are shaped after what EXPLAIN printed on Neo4j 5.26.30.
func TestVetPlan(t *testing.T) {
	read := op("ProduceResults", "`c.name`, n",
		op("Top", "n DESC LIMIT 3",
			op("EagerAggregation", "c, count(d) AS n",
				op("Filter", "(c:City AND d:Document)",
					op("DirectedRelationshipTypeScan", "(c)-[anon_0:ISSUED]->(d)")))))
	// A union whose first branch loads a CSV file: the branch the driver's
	// Plan.Children would hide.
	unionLoad := op("ProduceResults", "x",
		op("Distinct", "x",
			op("Union", "",
				op("Projection", "x", op("LoadCSV", "r")),
				op("Projection", "x", op("Projection", "$autoint_1 AS x")))))
	tests := []struct {
		name  string
		plan  planNode
		funcs []string
		want  string // substring of the FORBIDDEN message; "" when allowed
	}{
		{"aggregation", read, nil, ""},
		{"varlength and shortest", op("ProduceResults", "p", op("Limit", "1",
			op("ShortestPath", "p = (a)-[anon_0*..5]-(b)", op("CartesianProduct", "",
				op("NodeByLabelScan", "a:City"), op("VarLengthExpand(Pruning,BFS,All)", "(a)-[*..3]->(b)"))))), nil, ""},
		{"db.labels", op("ProduceResults", "label", op("ProcedureCall", "db.labels() :: (label :: STRING)")), nil, ""},
		{"full-text", op("ProduceResults", "node, score", op("ProcedureCall",
			"db.index.fulltext.queryNodes($autostring_0, $autostring_1) :: (node :: NODE, score :: FLOAT)")), nil, ""},
		{"show indexes", op("ProduceResults", "name", op("Filter", "type = $autostring_0", op("ShowIndexes", "allIndexes, columns(name, type)"))), nil, ""},
		{"built-in namespaced function", op("ProduceResults", "d", op("Projection", "DATE.TRUNCATE($autostring_0, date()) AS d")), []string{"apoc.text.join"}, ""},
		{"load csv", op("ProduceResults", "row", op("LoadCSV", "row")), nil, "operator LoadCSV: LOAD CSV reads"},
		{"load csv in a union's first branch", unionLoad, nil, "operator LoadCSV"},
		{"load csv in a COLLECT subquery", op("ProduceResults", "c", op("RollUpApply", "c, r", op("EmptyRow", ""), op("LoadCSV", "r"))), nil, "operator LoadCSV"},
		{"terminate", op("ProduceResults", "transactionId", op("TerminateTransactions", "defaultColumns, transactions(neo4j-transaction-1)")), nil, "operator TerminateTransactions: it ends other clients'"},
		{"show transactions", op("ProduceResults", "", op("ShowTransactions", "defaultColumns, allTransactions")), nil, "operator ShowTransactions"},
		{"show settings", op("ProduceResults", "", op("ShowSettings", "allSettings, defaultColumns")), nil, "operator ShowSettings"},
		{"show users", planNode{Operator: "AdministrationCommand@system"}, nil, `database "system"`},
		{"use system", planNode{Operator: "dbms.components@system"}, nil, `database "system" (operator dbms.components)`},
		{"in transactions", op("ProduceResults", "n", op("TransactionApply", "IN TRANSACTIONS OF 1000 ROWS ON ERROR FAIL",
			op("EmptyRow", ""), op("AllNodesScan", "n"))), nil, "operator TransactionApply: CALL { … } IN TRANSACTIONS"},
		{"create", op("ProduceResults", "n", op("Create", "(n:X)")), nil, "operator Create: it writes"},
		{"unknown operator", op("ProduceResults", "", op("SomethingNew", "")), nil, "operator SomethingNew: it is not on the list"},
		{"list config", op("ProduceResults", "name", op("ProcedureCall", "dbms.listConfig() :: (name :: STRING)")), nil, "procedure dbms.listConfig,"},
		{"clear caches after labels", op("ProduceResults", "value", op("ProcedureCall", "db.clearQueryCaches() :: (value :: STRING)",
			op("ProcedureCall", "db.labels() :: (label :: STRING)"))), nil, "procedure db.clearQueryCaches,"},
		{"procedure without a name", op("ProduceResults", "", op("ProcedureCall", "")), nil, "does not show"},
		{"user-defined function", op("ProduceResults", "x", op("Projection", "APOC.Text.Join($autolist_0, $autostring_1) AS x")),
			[]string{"apoc.text.join"}, "user-defined function apoc.text.join (operator Projection)"},
		{"user-defined aggregation", op("ProduceResults", "x", op("EagerAggregation", "apoc.agg.first(n) AS x", op("AllNodesScan", "n"))),
			[]string{"apoc.agg.first"}, "user-defined function apoc.agg.first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vetPlan(tt.plan, "neo4j", tt.funcs)
			if tt.want == "" {
				if v != nil {
					t.Fatalf("refused: %v", v)
				}
				return
			}
			if v == nil {
				t.Fatalf("allowed, want refused with %q", tt.want)
			}
			if v.Code != policykb.EForbidden || v.Argument != "statement" || !strings.Contains(v.Message, tt.want) {
				t.Errorf("got %s naming %q: %s; want FORBIDDEN naming statement with %q", v.Code, v.Argument, v.Message, tt.want)
			}
		})
	}
	// The database is compared without regard to case; another one is refused.
	if v := vetPlan(planNode{Operator: "ProduceResults@Neo4j"}, "neo4j", nil); v != nil {
		t.Errorf("ProduceResults@Neo4j on neo4j: %v", v)
	}
	if v := vetPlan(read, "kb", nil); v == nil || !strings.Contains(v.Message, `database "neo4j"`) {
		t.Errorf("a plan on neo4j for a store on kb: %v", v)
	}
}

// TestPlanFrom reads a db.Plan as the driver holds it, every child included.
func TestPlanFrom(t *testing.T) {
	raw := db.Plan{Operator: "Union@neo4j", Arguments: map[string]any{"Details": "", "EstimatedRows": 2.0, "Id": int64(2),
		"list": []any{"a", int64(1), "b"}},
		Children: []db.Plan{
			{Operator: "LoadCSV@neo4j", Arguments: map[string]any{"Details": "r"}},
			{Operator: "Projection@neo4j", Arguments: map[string]any{"Details": "$autoint_1 AS x"}},
		}}
	got, err := planFrom(reflect.ValueOf(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := planNode{Operator: "Union@neo4j", Args: map[string]string{"Details": "", "EstimatedRows": "", "Id": "", "list": "a\n\nb"},
		Children: []planNode{
			{Operator: "LoadCSV@neo4j", Args: map[string]string{"Details": "r"}},
			{Operator: "Projection@neo4j", Args: map[string]string{"Details": "$autoint_1 AS x"}},
		}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// fakePlan is a neo4j.Plan that is not the driver's: readPlan refuses it
// rather than guess.
type fakePlan struct{ name string }

func (fakePlan) Operator() string          { return "ProduceResults@neo4j" }
func (fakePlan) Arguments() map[string]any { return nil }
func (fakePlan) Identifiers() []string     { return nil }
func (fakePlan) Children() []neo4j.Plan    { return nil }

func TestReadPlanRefusesUnknownShapes(t *testing.T) {
	for _, p := range []neo4j.Plan{nil, fakePlan{}, &fakePlan{"x"}} {
		if _, err := readPlan(p); err == nil {
			t.Errorf("readPlan(%#v) read it", p)
		}
	}
}

func TestWithoutExplain(t *testing.T) {
	msg := "Invalid input 'RETURN': expected ')' (line 1, column 17 (offset: 16))\n" +
		`"EXPLAIN MATCH (n RETURN n"` + "\n" +
		"                 ^"
	want := "Invalid input 'RETURN': expected ')' (line 1, column 9 (offset: 8))\n" +
		`"MATCH (n RETURN n"` + "\n" +
		"         ^"
	if got := withoutExplain(msg); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Later lines keep their columns; offsets still lose the prefix.
	msg = "Variable `x` not defined (line 2, column 8 (offset: 24))"
	if got := withoutExplain(msg); got != "Variable `x` not defined (line 2, column 8 (offset: 16))" {
		t.Errorf("line 2: %s", got)
	}
}
