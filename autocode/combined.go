package autocode

// Combined is the learned coder backed by a dictionary: it codes as the
// Model does (with the dictionary's matches among its features), and where
// the model abstains without being sure the sentence is one to leave
// uncoded (its gate gives "uncoded" less than Below), it codes what the
// dictionary finds. On texts like its training texts the model decides
// nearly everything; on texts unlike them (another genre, another
// wording) the dictionary's words carry the decision. A dictionary coding
// made this way keeps the dictionary's confidence.
type Combined struct {
	Model      *Model
	Dictionary *Dictionary
	// Below is the gate's "uncoded" probability under which the dictionary
	// may code a sentence the model left uncoded; default 0.9.
	Below float64
}

// DefaultBackoff is Combined.Below's default.
const DefaultBackoff = 0.9

// Predict codes a unit with the model, else with the dictionary.
func (c Combined) Predict(u Unit) []Suggestion {
	if s := c.Model.Predict(u); len(s) > 0 {
		return s
	}
	if c.Model.Uncoded(u) >= c.Below {
		return nil
	}
	return c.Dictionary.Predict(u)
}
