package analysis

import "math"

// IDF is the smoothed inverse document frequency of a word held by df of
// n documents: ln((1 + n) / (1 + df)) + 1 (scikit-learn's smooth_idf), so
// that a word in every document still weighs 1 and no division by zero
// can occur.
func IDF(df, n int) float64 {
	return math.Log(float64(1+n)/float64(1+df)) + 1
}

// TFIDF is the keyword score of a word occurring tf times among the
// tokens counted words of a unit (a document, a city's documents, a
// code's sentences), held by df of the n documents of the corpus: the
// word's share of the unit, tf / tokens, times IDF(df, n). 0 when the unit
// has no tokens.
func TFIDF(tf, tokens, df, n int) float64 {
	if tokens == 0 {
		return 0
	}
	return float64(tf) / float64(tokens) * IDF(df, n)
}
