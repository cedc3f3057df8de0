// Package explorer serves policykb's visual explorer at /explore/: charts
// of the coding scheme, code matrices, city comparisons and similarity,
// co-occurrence, saturation and agreement, policy-instrument cross-tabs
// and the PMC index, a document reader and full-text search, where every
// mark lists the sentences behind it (a PMC score its evidence).
//
// The explorer is static: plain ES modules and a vendored Apache ECharts
// (assets/vendor, see scripts/vendor-echarts.sh), embedded in the binary,
// with no build step. In the browser it is a client of the public GraphQL
// API (/graphql) and of the /export/ URLs only, so every number it shows is
// one the API answers. Every path /explore/<view>/... gets the same page,
// which routes on the client and keeps a view's whole state in its URL.
//
// The package imports only the standard library; the resolvers handler
// mounts it, so the handler's middleware applies to it too.
package explorer
