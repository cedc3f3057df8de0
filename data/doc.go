// Package data ships the sample study: the coding scheme of the reference
// study (Tables 1–4), 18 illustrative, synthetic policy documents of 18
// fictional cities, and the codings that reproduce the study's reference
// points. It is embedded so that `policykb load sample` works from any
// directory. It also ships the word lists of package words (a user
// dictionary of policy terms, government stop words, a traditional →
// simplified character table). It imports only the standard library.
package data

import "embed"

// Sample holds sample/codebook.yaml, sample/documents.csv, sample/codings.csv
// (coder A, the study's figures), sample/second-coder.csv (coder B on four
// documents, for inter-coder agreement) and sample/texts/*.txt.
//
//go:embed sample
var Sample embed.FS

// Words holds words/userdict.txt (policy terms the segmenter keeps whole),
// words/stopwords.txt (words left out of word statistics) and words/t2s.txt
// (traditional → simplified characters, from ICU).
//
//go:embed words
var Words embed.FS
