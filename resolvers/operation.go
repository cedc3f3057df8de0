package resolvers

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// parsedQuery is a request's document as gqlparser reads it, for what the
// handler decides before graphql-go runs the query: the operation's type (a
// mutation is refused over GET) and the query's cost (cost.go). graphql-go
// parses and validates the document again and reports its errors; doc and
// op are nil when the document does not parse or names no such operation.
type parsedQuery struct {
	doc *ast.QueryDocument
	op  *ast.OperationDefinition
}

func parseQuery(query, operationName string) parsedQuery {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return parsedQuery{}
	}
	return parsedQuery{doc: doc, op: pickOperation(doc, operationName)}
}

// pickOperation is the operation graphql-go would run, or nil.
func pickOperation(doc *ast.QueryDocument, operationName string) *ast.OperationDefinition {
	if operationName == "" {
		if len(doc.Operations) == 1 {
			return doc.Operations[0]
		}
		return nil
	}
	return doc.Operations.ForName(operationName)
}

// operationType is query, mutation or subscription, or "" when the document
// does not parse or names no such operation.
func (p parsedQuery) operationType() string {
	if p.op == nil {
		return ""
	}
	return string(p.op.Operation)
}

// operationType returns the type of the operation a GraphQL document would
// run with operationName, or "".
func operationType(doc, operationName string) string {
	return parseQuery(doc, operationName).operationType()
}
