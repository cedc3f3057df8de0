// Package words cuts Chinese policy text into words for word statistics
// (high-frequency words, keywords, co-word networks, concordances), with
// github.com/go-ego/gse and its embedded dictionary, a user dictionary of
// policy terms and a stop-word list for government documents (both shipped
// in data/words and replaceable through config), on a simplified form of
// the text (traditional characters are mapped to simplified ones; the
// stored text is left as it is).
//
// A *Segmenter implements graph.Words: the store calls it to keep the words
// of every sentence on its document as it writes it, and counts from what
// it stored.
// It imports the standard library, gse, graph and data.
package words
