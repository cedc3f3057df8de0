package schema

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// files holds schema.graphql (the core contract) and any further *.graphql
// files, each of which extends it (`extend type Query { ... }`).
//
//go:embed *.graphql
var files embed.FS

var sdl = func() string {
	names, err := fs.Glob(files, "*.graphql")
	if err != nil {
		panic(err)
	}
	// schema.graphql defines the types the others extend, so it comes first.
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "schema.graphql") != (names[j] == "schema.graphql") {
			return names[i] == "schema.graphql"
		}
		return names[i] < names[j]
	})
	var b strings.Builder
	for _, n := range names {
		data, err := files.ReadFile(n)
		if err != nil {
			panic(err)
		}
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String()
}()

// SDL returns the GraphQL schema definition: schema.graphql followed by the
// files that extend it, with """ descriptions (parse it with graphql-go's
// UseStringDescriptions option so they reach introspection).
func SDL() string { return sdl }
