package graph

import (
	"context"
	"sync/atomic"
	"time"
)

// A call is one use of the store's API: a method of Store called from
// outside the package. Every exported method that takes a context begins
// with s.enter, the one place where
//   - the deadline a caller set with WithCallDeadline is applied, and
//   - the OnCall hook, when set, sees the call.
//
// Calls the store makes of itself (Matrix reading Codes) ride on their
// caller's call: they are neither bounded again nor seen by the hook.
// store_call_test.go checks that no exported method forgets enter.

type (
	callDeadlineKey struct{}
	inCallKey       struct{}
	callErrKey      struct{}
)

// WithCallDeadline returns ctx with a deadline for the store's calls made
// with it, earlier than ctx's own. A server gives its store calls a
// deadline a little before the request's: graphql-go drops the errors of a
// request whose context has expired and reports only the deadline, so the
// store's work must end first for its coded errors (UNAVAILABLE when Neo4j
// does not answer, TIMEOUT when a query is slow) to reach the client.
func WithCallDeadline(ctx context.Context, deadline time.Time) context.Context {
	return context.WithValue(ctx, callDeadlineKey{}, deadline)
}

// OnCall is a hook that sees each call of the store (see enter) with the
// method's name, before the method runs. An error it returns fails the
// call's transactions: the method answers it as it would an error of the
// database.
type OnCall func(ctx context.Context, method string) error

// SetOnCall installs f (nil removes the hook). Tests count the calls a
// request makes and inject faults with it; it costs nothing when unset.
func (s *Store) SetOnCall(f OnCall) {
	if f == nil {
		s.onCall.Store(nil)
		return
	}
	s.onCall.Store(&f)
}

// enter begins a call of method: it applies the caller's call deadline and
// runs the OnCall hook, unless ctx is already inside a call. The returned
// function ends the call.
func (s *Store) enter(ctx context.Context, method string) (context.Context, context.CancelFunc) {
	if ctx.Value(inCallKey{}) != nil {
		return ctx, func() {}
	}
	ctx = context.WithValue(ctx, inCallKey{}, method)
	cancel := context.CancelFunc(func() {})
	if d, ok := ctx.Value(callDeadlineKey{}).(time.Time); ok {
		ctx, cancel = context.WithDeadline(ctx, d)
	}
	if f := s.onCall.Load(); f != nil {
		if err := (*f)(ctx, method); err != nil {
			ctx = context.WithValue(ctx, callErrKey{}, err)
		}
	}
	return ctx, cancel
}

// hookErr is the error the OnCall hook returned for the call ctx is in.
func hookErr(ctx context.Context) error {
	err, _ := ctx.Value(callErrKey{}).(error)
	return err
}

// onCallHook holds the installed OnCall.
type onCallHook = atomic.Pointer[OnCall]
