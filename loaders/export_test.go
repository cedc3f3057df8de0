package loaders

import (
	"context"

	"github.com/policykb/policykb/graph"
)

// SetStreamChunks sets the chunk sizes of a streamed load (stream.go)
// until the returned function restores them.
func SetStreamChunks(docs, sentences int) (restore func()) {
	d, s := streamChunkDocs, streamChunkSentences
	streamChunkDocs, streamChunkSentences = docs, sentences
	return func() { streamChunkDocs, streamChunkSentences = d, s }
}

// ValidateStream is the validation pass of Load; its plan's documents are
// read again from the files into Plan.Documents, as the write pass would
// write them.
func ValidateStream(ctx context.Context, store *graph.Store, in Input) (*Plan, error) {
	plan, err := validateStream(ctx, store, in)
	if err != nil {
		return nil, err
	}
	s := plan.stream
	defer s.close()
	for lo := 0; lo < len(s.jobs); lo += streamChunkDocs {
		b, err := s.bundles(lo, min(lo+streamChunkDocs, len(s.jobs)), "")
		if err != nil {
			return nil, err
		}
		plan.Documents = append(plan.Documents, b...)
	}
	plan.stream = nil
	return plan, nil
}
