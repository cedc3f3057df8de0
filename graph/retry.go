package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/policykb/policykb"
)

// Retries. The driver's own retry loop (ExecuteRead, ExecuteWrite) retries
// every connectivity error with a backoff of 1, 2, 4… seconds until
// MaxTransactionRetryTime, so a request made while Neo4j is down waits all
// of that before failing. The store turns the driver's loop off
// (MaxTransactionRetryTime 0: one attempt) and runs its own, which tells
// apart what a retry can mend from what it cannot:
//
//   - the server refuses connections (a failed dial on a direct bolt://
//     URI, no routing table for a cluster, a database that is not
//     available) or does not answer a new connection within
//     Config.AcquireTimeout (a server still starting): Neo4j is down, and
//     the call fails at once as UNAVAILABLE. The next call dials again, so service resumes as soon as
//     Neo4j answers;
//   - a pooled connection that died (Neo4j restarted since it was opened,
//     or was killed during the call): retried at once on another
//     connection, at most maxDeadConnections times, which dials a new one
//     when the pool has no live connection left;
//   - a transient error of the server (a deadlock, a leader switch):
//     retried after 200 ms, 400 ms, … for at most Config.MaxRetryTime;
//   - memory exhaustion (a transaction over db.memory.transaction.max, the
//     server's pool exhausted): not retried (the same query would fail
//     again), reported as RESOURCE_EXHAUSTED;
//   - anything else, including a commit whose connection died (it may have
//     committed): not retried.
//
// After an outage. Neo4j started again after a kill logs connections in
// while its database is still recovering; a query sent then waits for the
// database, then runs on a cold server, and its request ends at its
// deadline as TIMEOUT, where the truth is that Neo4j is not up yet. So once
// a call has seen Neo4j down or a connection die, every attempt first runs
// RETURN 1 with at most probeTimeout; while that goes unanswered the call
// fails as UNAVAILABLE, and the first answer ends the check.
const (
	firstRetryDelay    = 200 * time.Millisecond
	maxDeadConnections = 100 // the driver's default pool size
	probeTimeout       = 2 * time.Second
)

// transact runs work in a managed transaction of the given mode with the
// retries above, bounded by TxTimeout on the server and by ctx.
func (s *Store) transact(ctx context.Context, mode neo4j.AccessMode, work neo4j.ManagedTransactionWork) (any, error) {
	if err := hookErr(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	delay := firstRetryDelay
	dead := 0
	for {
		if s.suspect.Load() {
			if err := s.probe(ctx); err != nil {
				return nil, err
			}
		}
		out, err := s.attempt(ctx, mode, work)
		if err == nil {
			return out, nil
		}
		cause := attemptCause(err)
		if ctx.Err() == nil && (s.isDown(cause) || isDeadConnection(cause)) {
			s.suspect.Store(true)
		}
		switch {
		case ctx.Err() != nil, s.isDown(cause), isResourceExhausted(cause):
			return nil, err
		case isDeadConnection(cause):
			if dead++; dead <= maxDeadConnections {
				continue
			}
		case neo4j.IsRetryable(cause):
			if time.Since(start)+delay <= s.cfg.MaxRetryTime {
				s.log.Debug("graph: retrying a transaction", "after", delay, "err", cause)
				t := time.NewTimer(delay)
				select {
				case <-ctx.Done():
					t.Stop()
					return nil, err
				case <-t.C:
				}
				delay *= 2
				continue
			}
		}
		return nil, err
	}
}

// attempt runs work once (the driver's MaxTransactionRetryTime is 0).
func (s *Store) attempt(ctx context.Context, mode neo4j.AccessMode, work neo4j.ManagedTransactionWork) (any, error) {
	sess := s.session(ctx, mode)
	defer sess.Close(ctx)
	if mode == neo4j.AccessModeRead {
		return sess.ExecuteRead(ctx, work, neo4j.WithTxTimeout(s.cfg.TxTimeout))
	}
	return sess.ExecuteWrite(ctx, work, neo4j.WithTxTimeout(s.cfg.TxTimeout))
}

// probe runs RETURN 1 within probeTimeout (after an outage, see above) and
// ends the check when it is answered; unanswered, it is UNAVAILABLE unless
// the caller's own time ran out first.
func (s *Store) probe(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	_, err := s.attempt(pctx, neo4j.AccessModeRead, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(pctx, "RETURN 1", nil)
		if err != nil {
			return nil, err
		}
		_, err = res.Single(pctx)
		return nil, err
	})
	switch {
	case err == nil:
		s.suspect.Store(false)
		return nil
	case ctx.Err() != nil:
		return err
	default:
		return errDown(fmt.Errorf("Neo4j was down and does not answer RETURN 1 yet: %w", err))
	}
}

// attemptCause is the error of the attempt: the driver reports a retryable
// one inside a TransactionExecutionLimit, since its retry time (0) is up.
func attemptCause(err error) error {
	var tel *neo4j.TransactionExecutionLimit
	if errors.As(err, &tel) && len(tel.Errors) > 0 {
		return tel.Errors[len(tel.Errors)-1]
	}
	return err
}

// isDown tells a server that cannot be reached from one that can: a dial
// that failed (refused, unreachable, timed out) on a direct URI, no routing
// table on a routing one (none of the cluster's members answered), or a
// database that is not available.
func (s *Store) isDown(err error) bool {
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		return ne.Code == "Neo.TransientError.General.DatabaseUnavailable"
	}
	var ce *neo4j.ConnectivityError
	if errors.As(err, &ce) && ce.Inner != nil {
		err = ce.Inner
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		// A cluster's router drops a member it could not dial and the
		// next attempt goes to another; a direct URI has no other.
		return !s.routing
	}
	if timedOut(err) || isPoolTimeout(err) {
		// A connection that was made but not answered in time (a server
		// starting, or hung): the store's own deadline is not up (transact
		// checks that first), so it was the driver's (AcquireTimeout).
		return true
	}
	return strings.Contains(err.Error(), "Unable to retrieve routing table") ||
		strings.Contains(err.Error(), "unable to retrieve routing table")
}

// isDeadConnection is a connection that broke (and is now out of the pool):
// a network error or a connectivity error, but not a Neo4j error and not a
// commit that broke, which may have committed.
func isDeadConnection(err error) bool {
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) || strings.HasPrefix(err.Error(), "Connection lost during commit") {
		return false
	}
	var ce *neo4j.ConnectivityError
	if timedOut(err) || isPoolTimeout(err) || errors.As(err, &ce) && errors.Is(ce.Inner, context.Canceled) {
		return false // a server that does not answer, or the caller gone: not a dead connection
	}
	var op *net.OpError
	return errors.As(err, &ce) || errors.As(err, &op) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// resourceCodes are the Neo4j status codes of memory exhaustion (and the
// transaction limit): the server refuses the query for want of resources,
// and the same query would fail again.
var resourceCodes = map[string]bool{
	"Neo.TransientError.General.MemoryPoolOutOfMemoryError":         true,
	"Neo.TransientError.General.TransactionMemoryLimit":             true,
	"Neo.TransientError.General.TransactionOutOfMemoryError":        true,
	"Neo.TransientError.General.OutOfMemoryError":                   true,
	"Neo.TransientError.General.StackOverFlowError":                 true,
	"Neo.TransientError.Transaction.MaximumTransactionLimitReached": true,
}

func isResourceExhausted(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && (resourceCodes[ne.Code] || strings.Contains(ne.Code, "MemoryLimitExceeded"))
}

// errDown is the UNAVAILABLE error of a call made while Neo4j is down.
func errDown(err error) error {
	return &policykb.Error{Code: policykb.EUnavailable, Message: "the database does not answer", Err: err}
}

// timedOut is a network or driver wait that ran out.
func timedOut(err error) bool {
	var ce *neo4j.ConnectivityError
	if errors.As(err, &ce) && ce.Inner != nil {
		err = ce.Inner
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// isPoolTimeout is a wait for a pooled connection that ran out
// (Config.AcquireTimeout): every connection is busy, or none can be made.
func isPoolTimeout(err error) bool {
	return strings.Contains(err.Error(), "Timeout while waiting for connection") ||
		strings.Contains(strings.ToLower(err.Error()), "pool timeout")
}
