package graph

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/db"

	"github.com/policykb/policykb"
)

// What a user's Cypher statement may do is decided from Neo4j's own plan of
// it (EXPLAIN), never from its text: every operator of the plan must be one
// that only reads, on the session's database, and every procedure it calls
// must be on cypherProcedures. The lists name Neo4j 5.26's operators as its
// Cypher manual lists them ("Operators" summary) and as EXPLAIN prints
// them; an operator missing from cypherOperators is refused.

// cypherOperators are the plan operators a read may use, by the name Neo4j
// prints before any parenthesis ("Expand" for Expand(All) and
// Expand(Into), "VarLengthExpand" for VarLengthExpand(Pruning,BFS,All)).
// Each reads the graph, its indexes or counts, or only moves rows about.
// Left out on purpose, among those the manual lists: everything that writes
// (Create, Merge, Set*, Remove*, Delete, Foreach, SubqueryForeach, the
// index and constraint operators, and the Assert* operators MERGE uses),
// LoadCSV (reads the server's files and fetches URLs), TransactionApply and
// TransactionForeach (CALL … IN TRANSACTIONS commits on its own),
// ShowTransactions and TerminateTransactions (other clients' transactions),
// ShowSettings, ShowProcedures and ShowFunctions (the server, not the
// knowledge base), and AdministrationCommand (SHOW USERS and the like, run
// on the system database).
var cypherOperators = setOf(
	// Leaves: scans and seeks of nodes, relationships, indexes and counts.
	"AllNodesScan", "Argument", "ArgumentTracker", "EmptyRow",
	"NodeByLabelScan", "UnionNodeByLabelsScan", "IntersectionNodeByLabelsScan", "SubtractionNodeByLabelsScan",
	"NodeByIdSeek", "NodeByElementIdSeek", "NodeCountFromCountStore", "RelationshipCountFromCountStore",
	"NodeIndexSeek", "NodeUniqueIndexSeek", "NodeIndexSeekByRange", "NodeUniqueIndexSeekByRange",
	"NodeIndexScan", "NodeIndexContainsScan", "NodeIndexEndsWithScan", "MultiNodeIndexSeek",
	"DirectedAllRelationshipsScan", "UndirectedAllRelationshipsScan",
	"DirectedRelationshipTypeScan", "UndirectedRelationshipTypeScan",
	"DirectedUnionRelationshipTypesScan", "UndirectedUnionRelationshipTypesScan",
	"DirectedRelationshipByIdSeek", "UndirectedRelationshipByIdSeek",
	"DirectedRelationshipByElementIdSeek", "UndirectedRelationshipByElementIdSeek",
	"DirectedRelationshipIndexSeek", "UndirectedRelationshipIndexSeek",
	"DirectedRelationshipIndexSeekByRange", "UndirectedRelationshipIndexSeekByRange",
	"DirectedRelationshipIndexScan", "UndirectedRelationshipIndexScan",
	"DirectedRelationshipIndexContainsScan", "UndirectedRelationshipIndexContainsScan",
	"DirectedRelationshipIndexEndsWithScan", "UndirectedRelationshipIndexEndsWithScan",
	// The same scans and seeks of the parallel runtime (Enterprise).
	"PartitionedAllNodesScan", "PartitionedNodeByLabelScan", "PartitionedUnionNodeByLabelsScan",
	"PartitionedIntersectionNodeByLabelsScan", "PartitionedSubtractionNodeByLabelsScan",
	"PartitionedNodeIndexScan", "PartitionedNodeIndexSeek", "PartitionedNodeIndexSeekByRange",
	"PartitionedDirectedAllRelationshipsScan", "PartitionedUndirectedAllRelationshipsScan",
	"PartitionedDirectedRelationshipTypeScan", "PartitionedUndirectedRelationshipTypeScan",
	"PartitionedDirectedUnionRelationshipTypesScan", "PartitionedUndirectedUnionRelationshipTypesScan",
	"PartitionedDirectedRelationshipIndexScan", "PartitionedUndirectedRelationshipIndexScan",
	"PartitionedDirectedRelationshipIndexSeek", "PartitionedUndirectedRelationshipIndexSeek",
	"PartitionedDirectedRelationshipIndexSeekByRange", "PartitionedUndirectedRelationshipIndexSeekByRange",
	"PartitionedUnwind",
	// Traversals and path finding.
	"Expand", "OptionalExpand", "VarLengthExpand", "ProjectEndpoints", "ShortestPath",
	"StatefulShortestPath", "Repeat", "NullifyMetadata", "TriadicSelection", "TriadicBuild", "TriadicFilter",
	// Nested loops, joins and unions (subqueries, pattern predicates, COUNT, COLLECT, EXISTS).
	"Apply", "SemiApply", "AntiSemiApply", "LetSemiApply", "LetAntiSemiApply", "SelectOrSemiApply",
	"SelectOrAntiSemiApply", "LetSelectOrSemiApply", "LetSelectOrAntiSemiApply", "RollUpApply", "Anti", "Optional",
	"CartesianProduct", "NodeHashJoin", "NodeLeftOuterHashJoin", "NodeRightOuterHashJoin", "ValueHashJoin", "Union",
	// Rows: filters, projections, aggregation, order, paging.
	"Filter", "Projection", "CacheProperties", "Unwind", "Distinct", "OrderedDistinct",
	"EagerAggregation", "OrderedAggregation", "Sort", "PartialSort", "Top", "PartialTop",
	"Limit", "ExhaustiveLimit", "Skip", "Eager", "EmptyResult", "ProduceResults",
	// SHOW INDEXES and SHOW CONSTRAINTS: the knowledge base's own schema.
	"ShowIndexes", "ShowConstraints",
	// CALL of a procedure: allowed when the procedure is on cypherProcedures.
	"ProcedureCall",
)

// cypherProcedures are the procedures a statement may call: they read the
// knowledge base's tokens, schema and full-text indexes, and nothing else.
// Left out, although Neo4j runs them in read mode: db.awaitIndex(es) and
// db.index.fulltext.awaitEventuallyConsistentIndexRefresh (they wait),
// db.resampleIndex, db.resampleOutdatedIndexes, db.prepareForReplanning and
// db.stats.* (they change what the planner or the statistics collector
// does, or show other clients' queries), db.info, db.ping and
// dbms.components (about the server); and every dbms.* and tx.* procedure,
// db.clearQueryCaches and the write procedures.
var cypherProcedures = setOf(
	"db.labels", "db.relationshipTypes", "db.propertyKeys",
	"db.schema.visualization", "db.schema.nodeTypeProperties", "db.schema.relTypeProperties",
	"db.index.fulltext.queryNodes", "db.index.fulltext.queryRelationships",
)

// operatorReasons say why some refused operators are refused.
var operatorReasons = func() map[string]string {
	m := map[string]string{
		"LoadCSV":               "LOAD CSV reads the database server's files and fetches URLs",
		"TransactionApply":      "CALL { … } IN TRANSACTIONS commits transactions of its own",
		"TransactionForeach":    "CALL { … } IN TRANSACTIONS commits transactions of its own",
		"ShowTransactions":      "it shows other clients' transactions",
		"TerminateTransactions": "it ends other clients' transactions",
		"ShowSettings":          "it shows the server's configuration",
		"ShowProcedures":        "it describes the server, not the knowledge base",
		"ShowFunctions":         "it describes the server, not the knowledge base",
		"AdministrationCommand": "administration commands are not allowed",
	}
	for _, w := range []string{"Create", "Merge", "LockingMerge", "MergeInto", "MergeUniqueNode", "LockNodes",
		"SetProperty", "SetProperties", "SetLabels", "SetNodePropertiesFromMap", "SetRelationshipPropertiesFromMap",
		"RemoveLabels", "Delete", "DetachDelete", "Foreach", "SubqueryForeach",
		"CreateIndex", "CreateConstraint", "DropIndex", "DropConstraint", "DoNothingIfExists"} {
		m[w] = "it writes to the database"
	}
	return m
}()

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// planNode is one operator of a plan, as Neo4j sent it.
type planNode struct {
	// Operator is the name as sent, such as "Expand(All)@neo4j".
	Operator string
	// Args are the operator's string arguments (Details, …), by name.
	Args     map[string]string
	Children []planNode
}

// readPlan copies the plan a summary carries. The driver's Plan.Children
// (v5.28.4) hands back the last child as every child (its loop takes the
// address of the loop variable, under Go 1.18 semantics), which would hide
// all branches of a UNION or an Apply but the last; so the plan is read
// from the driver's db.Plan behind it, with reflection that only reads.
// An error means the plan could not be read, and the statement is refused.
func readPlan(p neo4j.Plan) (planNode, error) {
	if p == nil {
		return planNode{}, errors.New("Neo4j sent no plan")
	}
	v := reflect.ValueOf(p)
	want := reflect.TypeOf((*db.Plan)(nil))
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct ||
		v.Elem().NumField() != 1 || v.Elem().Field(0).Type() != want || v.Elem().Field(0).IsNil() {
		return planNode{}, fmt.Errorf("the driver's plan (%T) is not the shape this version of policykb reads", p)
	}
	return planFrom(v.Elem().Field(0).Elem(), 0)
}

// planFrom copies a db.Plan value (read-only: it was reached through an
// unexported field, so only Kind-specific getters are used).
func planFrom(v reflect.Value, depth int) (planNode, error) {
	if depth > 1000 {
		return planNode{}, errors.New("the plan is nested too deeply")
	}
	n := planNode{Operator: v.FieldByName("Operator").String(), Args: map[string]string{}}
	it := v.FieldByName("Arguments").MapRange()
	for it.Next() {
		n.Args[it.Key().String()] = textOf(it.Value())
	}
	children := v.FieldByName("Children")
	for i := range children.Len() {
		c, err := planFrom(children.Index(i), depth+1)
		if err != nil {
			return planNode{}, err
		}
		n.Children = append(n.Children, c)
	}
	return n, nil
}

// textOf is the text in an argument value: a string, or the strings in a
// list or map, joined by newlines; numbers and booleans have none.
func textOf(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return textOf(v.Elem())
	case reflect.String:
		return v.String()
	case reflect.Slice, reflect.Array:
		var parts []string
		for i := range v.Len() {
			parts = append(parts, textOf(v.Index(i)))
		}
		return strings.Join(parts, "\n")
	case reflect.Map:
		var parts []string
		it := v.MapRange()
		for it.Next() {
			parts = append(parts, textOf(it.Key()), textOf(it.Value()))
		}
		return strings.Join(parts, "\n")
	}
	return ""
}

func forbidden(format string, args ...any) *policykb.Error {
	return &policykb.Error{Code: policykb.EForbidden, Argument: "statement",
		Message: "the statement is refused: " + fmt.Sprintf(format, args...)}
}

// vetPlan checks every operator of plan: it must run on database (the
// "@name" Neo4j appends to operator names; case does not matter), be on
// cypherOperators, call only procedures on cypherProcedures, and mention no
// user-defined function (userFunctions: their names in lower case, from
// SHOW FUNCTIONS; plugins may define functions that run Cypher of their
// own, which this plan would not show). The first refusal is returned as a
// FORBIDDEN error naming the operator, procedure or function.
func vetPlan(plan planNode, database string, userFunctions []string) *policykb.Error {
	name := plan.Operator
	if i := strings.LastIndexByte(name, '@'); i >= 0 {
		db := name[i+1:]
		name = name[:i]
		if !strings.EqualFold(db, database) {
			return forbidden("it runs on the database %q (operator %s); only the knowledge base's database %q may be read", db, name, database)
		}
	}
	base, _, _ := strings.Cut(name, "(")
	if !cypherOperators[base] {
		why := operatorReasons[base]
		if why == "" {
			why = "it is not on the list of operators that only read"
		}
		return forbidden("its plan uses the operator %s: %s", name, why)
	}
	if base == "ProcedureCall" {
		proc := procedureOf(plan.Args["Details"])
		if !cypherProcedures[proc] {
			if proc == "" {
				return forbidden("it calls a procedure whose name Neo4j's plan does not show")
			}
			return forbidden("it calls the procedure %s, which is not on the list of procedures that only read the knowledge base (%s)",
				proc, strings.Join(sortedKeys(cypherProcedures), ", "))
		}
	}
	for _, fn := range userFunctions {
		for _, text := range plan.Args {
			if strings.Contains(strings.ToLower(text), fn) {
				return forbidden("it calls the user-defined function %s (operator %s); only Neo4j's built-in functions are allowed", fn, name)
			}
		}
	}
	for _, c := range plan.Children {
		if v := vetPlan(c, database, userFunctions); v != nil {
			return v
		}
	}
	return nil
}

// procedureOf reads the procedure's name from a ProcedureCall's details,
// such as "db.labels() :: (label :: STRING)"; "" when there is none.
func procedureOf(details string) string {
	name, _, ok := strings.Cut(details, "(")
	if !ok {
		return ""
	}
	return strings.ReplaceAll(strings.TrimSpace(name), "`", "")
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
