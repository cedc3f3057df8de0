// Package gen writes deterministic synthetic corpora for scale tests and
// benchmarks: many cities, each with policy documents built from a bank of
// policy wording, coded with the sample study's codebook. A corpus is laid
// out like data/sample (codebook.yaml, documents.csv, texts/*.txt,
// codings.csv), so `policykb load` and loaders.Validate read it as they read
// the sample. Everything it writes is synthetic and marked so
// (synthetic=true on every document); the same Spec, seed included, always
// gives byte-identical files.
//
// gen imports the root package, data (the sample codebook) and loaders (to
// read that codebook and to check its own segmentation).
package gen
