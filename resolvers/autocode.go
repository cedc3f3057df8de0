package resolvers

// Automatic codings are shown with their coder and confidence; counts leave
// them out unless the filter names their coder or includes them
// (corpusFilterInput.IncludeAutomatic).

// Confidence is how sure an automatic coder was; null for a human coding.
func (c *codingResolver) Confidence() *float64 { return c.c.Confidence }

// AutomaticCodings counts the codings of automatic coders.
func (s *statsResolver) AutomaticCodings() int32 { return int32(s.s.AutomaticCodings) }
