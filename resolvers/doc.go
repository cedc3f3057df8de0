// Package resolvers answers policykb's GraphQL API (the SDL in schema/) from
// the knowledge base in graph/: the resolvers, the per-request dataloaders
// that batch graph calls, the HTTP handler with its limits, and an offline
// GraphiQL (graphiql 4.1.2 and React 18.3.1 UMD builds vendored under
// graphiql/, with their MIT licences).
//
// Every error a client sees carries extensions.code: BAD_USER_INPUT (with
// the offending argument), NOT_FOUND, UNAVAILABLE, TIMEOUT or INTERNAL (whose
// details go to the server log only).
//
// It imports the root package policykb, graph, schema, graphql-go and the
// standard library.
package resolvers
