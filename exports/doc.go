// Package exports writes flat tables of the knowledge base for BI tools,
// spreadsheets and statistics packages: the codings in long format (one row
// per coding), the counts of a level, and a code matrix, each as CSV (UTF-8
// with a byte-order mark, RFC 4180), XLSX (a bold, frozen header row) or
// JSON (an array of objects). The same tables back `policykb export csv|xlsx|json`
// and the HTTP endpoints under /export/; ParseRequest reads their
// parameters, so both accept the same names.
//
// Rows are written as they are read: the codings table reads a batch of
// documents at a time (graph.Store.EachCodingBatch), so neither the
// database results nor the output of a large corpus sit in memory. (An
// XLSX file is a zip whose parts are assembled at the end; its rows are
// buffered in a temporary file beyond a few megabytes, not in memory.)
//
// It also maps the knowledge base onto REFI-QDA for `policykb export
// qdpx|qdc` (QDPX, QDC: codes with stable GUIDs, cities as cases, coders as
// users, documents as text sources with their codings as selections), which
// package refiqda writes.
//
// It imports the standard library, the root package policykb, graph,
// refiqda and excelize.
package exports
