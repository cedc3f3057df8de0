// Package schema holds policykb's GraphQL schema (SDL), embedded in the
// binary. The SDL is the contract of DESIGN.md §4 plus the Relay connection
// types and a Date scalar; resolvers/ implements it.
//
// It imports only the standard library.
package schema
