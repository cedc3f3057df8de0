// Package autocode codes sentences automatically and says how far to trust
// it: a Dictionary codes by word lists (MAXDictio's way), a Model learns
// from the study's own human codings (NVivo's "autocode by existing
// pattern"), and Evaluate compares any coder with another with the
// agreement measures of package analysis (the numbers Query.agreement
// gives), per code and pooled at every level, also by cross-validation
// over whole documents.
//
// Automatic codings are ordinary codings whose coder says how they were
// made (auto:dict:<name>, auto:model:<name>) and whose origin is "auto",
// with a confidence; they never replace a human's codings and count in no
// number unless a filter asks for them.
//
// It imports the standard library, go.yaml.in/yaml/v3, the root package,
// analysis, graph and internal/parallel.
package autocode
