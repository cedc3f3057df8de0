// Package data ships the sample study: the coding scheme of the reference
// study (Tables 1–4), 18 illustrative, synthetic policy documents of 18
// fictional cities, and the codings that reproduce the study's reference
// points; the policy-instrument frame, the sample's mapping onto it, the
// default PMC model and the sample's manual PMC scores; and the word lists of
// package words (a user dictionary of policy terms, government stop words, a
// traditional → simplified character table). It is embedded so that
// `policykb load sample` works from any directory. It imports only the
// standard library.
package data

import "embed"

// Sample holds sample/codebook.yaml, sample/documents.csv, sample/codings.csv
// (coder A, the study's figures), sample/second-coder.csv (coder B on four
// documents, for inter-coder agreement) and sample/texts/*.txt.
//
//go:embed sample
var Sample embed.FS

// Frames holds frames/policy-instruments.yaml (Rothwell & Zegveld's policy
// instruments) and frames/sample-instruments-mapping.yaml (the sample
// codebook mapped onto it, an illustration).
//
//go:embed frames
var Frames embed.FS

// PMC holds pmc/default-model.yaml (the nine-variable PMC model) and
// pmc/sample-manual-scores.csv (the sample's manually scored variables).
//
//go:embed pmc
var PMC embed.FS

// Words holds words/userdict.txt (policy terms the segmenter keeps whole),
// words/stopwords.txt (words left out of word statistics) and words/t2s.txt
// (traditional → simplified characters, from ICU).
//
//go:embed words
var Words embed.FS
