package resolvers

import (
	"context"

	"github.com/policykb/policykb/graph"
)

// connection is a Relay connection page (DocumentConnection,
// SentenceConnection) of nodes of type N.
type connection[N any] struct {
	nodes   []N
	offset  int
	hasNext bool
	total   func(ctx context.Context) (int32, error)
}

// newConnection builds the page of nodes starting at p.Offset, out of total.
func newConnection[N any](nodes []N, p graph.Page, total int) *connection[N] {
	t := int32(total)
	return &connection[N]{
		nodes:   nodes,
		offset:  p.Offset,
		hasNext: p.Offset+len(nodes) < total,
		total:   func(context.Context) (int32, error) { return t, nil },
	}
}

type edge[N any] struct {
	cursor string
	node   N
}

func (e *edge[N]) Cursor() string { return e.cursor }
func (e *edge[N]) Node() N        { return e.node }

func (c *connection[N]) Edges() []*edge[N] {
	edges := make([]*edge[N], len(c.nodes))
	for i, n := range c.nodes {
		edges[i] = &edge[N]{cursor: encodeCursor(c.offset + i), node: n}
	}
	return edges
}

func (c *connection[N]) PageInfo() *pageInfo {
	pi := &pageInfo{hasNext: c.hasNext, hasPrev: c.offset > 0}
	if len(c.nodes) > 0 {
		s, e := encodeCursor(c.offset), encodeCursor(c.offset+len(c.nodes)-1)
		pi.start, pi.end = &s, &e
	}
	return pi
}

func (c *connection[N]) TotalCount(ctx context.Context) (int32, error) { return c.total(ctx) }

type pageInfo struct {
	hasNext, hasPrev bool
	start, end       *string
}

func (p *pageInfo) HasNextPage() bool     { return p.hasNext }
func (p *pageInfo) HasPreviousPage() bool { return p.hasPrev }
func (p *pageInfo) StartCursor() *string  { return p.start }
func (p *pageInfo) EndCursor() *string    { return p.end }
