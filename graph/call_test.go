package graph_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// TestEveryCallEnters checks that each exported method of *Store that takes
// a context begins with s.enter(ctx, "<its name>"): a method without it
// would run past its caller's call deadline, and a slow query would then be
// reported as a bare timeout.
func TestEveryCallEnters(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() || fn.Name.Name == "Close" || !takesContext(fn) {
				continue
			}
			if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); !ok || types.ExprString(star.X) != "Store" {
				continue
			}
			n++
			if !entersFirst(fn) {
				t.Errorf("Store.%s does not begin with s.enter(ctx, %q)", fn.Name.Name, fn.Name.Name)
			}
		}
	}
	if n < 30 {
		t.Errorf("found %d methods of Store taking a context: the check reads the wrong files", n)
	}
}

func takesContext(fn *ast.FuncDecl) bool {
	ps := fn.Type.Params.List
	return len(ps) > 0 && types.ExprString(ps[0].Type) == "context.Context"
}

// entersFirst: the body's first statement is ctx, end := s.enter(ctx, "<name>").
func entersFirst(fn *ast.FuncDecl) bool {
	if len(fn.Body.List) == 0 {
		return false
	}
	as, ok := fn.Body.List[0].(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return false
	}
	call, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok || len(call.Args) != 2 || types.ExprString(call.Fun) != "s.enter" {
		return false
	}
	lit, ok := call.Args[1].(*ast.BasicLit)
	if !ok {
		return false
	}
	name, _ := strconv.Unquote(lit.Value)
	return name == fn.Name.Name
}

// TestCallHookAndDeadline checks the OnCall hook and WithCallDeadline on
// the analysis fixture: the hook sees the caller's calls (not those the
// store makes of itself), its error is the call's, and a call deadline
// that has passed ends the call with TIMEOUT.
func TestCallHookAndDeadline(t *testing.T) {
	s := loadAgrFixture(t)
	ctx := context.Background()
	var mu sync.Mutex
	var seen []string
	s.SetOnCall(func(ctx context.Context, method string) error {
		mu.Lock()
		seen = append(seen, method)
		mu.Unlock()
		if method == "Stats" {
			return errors.New("stats refused")
		}
		return nil
	})
	// Matrix reads the codes through Codes: one call.
	if _, err := s.Matrix(ctx, graph.MatrixQuery{Rows: policykb.LevelConcept, Columns: policykb.DimensionCity, Measure: policykb.MeasureReferencePoints}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stats(ctx); err == nil || err.Error() != "graph: stats: stats refused" {
		t.Errorf("Stats with a failing hook: %v, want the hook's error", err)
	}
	mu.Lock()
	if !reflect.DeepEqual(seen, []string{"Matrix", "Stats"}) {
		t.Errorf("the hook saw %v, want [Matrix Stats]", seen)
	}
	mu.Unlock()
	s.SetOnCall(nil)

	past := graph.WithCallDeadline(ctx, time.Now().Add(-time.Second))
	_, err := s.Stats(past)
	if policykb.ErrorCodeOf(err) != policykb.ETimeout {
		t.Errorf("Stats past its call deadline: %v, want TIMEOUT", err)
	}
	if _, err := s.Stats(ctx); err != nil {
		t.Errorf("Stats without a call deadline: %v", err)
	}
}
