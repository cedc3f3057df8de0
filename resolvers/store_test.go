package resolvers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"testing"
)

// TestBoundStoreWrapsEveryMethod checks that boundStore has a method of its
// own for every method of Store (but Ping, which the readiness check bounds
// itself): a method it only inherits would run without the request's
// deadline, and a slow query would then be reported as a bare timeout.
func TestBoundStoreWrapsEveryMethod(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "store.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 {
			continue
		}
		if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok && id.Name == "boundStore" {
			own[fn.Name.Name] = true
		}
	}
	st := reflect.TypeFor[Store]()
	for i := range st.NumMethod() {
		name := st.Method(i).Name
		if name != "Ping" && !own[name] {
			t.Errorf("boundStore does not wrap Store.%s", name)
		}
	}
}
