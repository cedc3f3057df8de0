package schema

import _ "embed"

//go:embed schema.graphql
var sdl string

// SDL returns the GraphQL schema definition, with """ descriptions (parse it
// with graphql-go's UseStringDescriptions option so they reach introspection).
func SDL() string { return sdl }
