// Command explorer measures the visual explorer: the time from navigating
// headless Chromium to a view's URL until the explorer marks the view
// rendered (document.body.dataset.rendered, set once its chart and table
// stand), over several runs per view, against a `policykb serve` it starts
// on a loaded knowledge base. It writes bench/results/explorer-<tier>.json
// and .md with p50 and p95 per view. scripts/bench-explorer.sh (`make
// bench-explorer`) prepares the database and runs it.
//
//	go run ./bench/explorer -tier M -neo4j-uri bolt://127.0.0.1:7687 -runs 9
//
// Each view is opened once to warm up (the browser's cache, the server's
// held codebook and city list, Neo4j's page cache), then timed runs follow
// in the same tab, each a full page navigation, as when a colleague opens
// a link. The ids a view needs (three cities to compare, a document, a
// search term) come from the API.
package main
