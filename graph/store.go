package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/policykb/policykb"
)

// ErrNotFound is returned when a requested node does not exist.
var ErrNotFound = errors.New("graph: not found")

// Config says where the database is and how to talk to it.
type Config struct {
	URI, Database, Username, Password string
	// BatchSize is the number of rows sent in one UNWIND; default 1000.
	BatchSize int
	// TxTimeout bounds every transaction on the server side; default 30s.
	TxTimeout time.Duration
	// CatalogMaxAge is how long the codebook and the list of cities are
	// used without checking that the knowledge base has not changed
	// (catalog.go); default 1s, negative: check on every read.
	CatalogMaxAge time.Duration
	// ConnectTimeout bounds the TCP connect to a Neo4j server; default 1s.
	ConnectTimeout time.Duration
	// AcquireTimeout bounds the wait for a pooled connection (the pool is
	// full) and the making of a new one; default 5s.
	AcquireTimeout time.Duration
	// MaxRetryTime is how long a transaction that failed with a transient
	// error (a deadlock, a leader switch) is retried; default 10s. A server
	// that refuses connections is not retried: see retry.go.
	MaxRetryTime time.Duration
	// Words, when set, cuts sentences into words: the store keeps each
	// document's words as it writes it and answers word questions
	// (words_write.go). Nil: no words are kept.
	Words Words
}

// Store is a handle on the knowledge base in Neo4j. It is safe for
// concurrent use.
type Store struct {
	driver  neo4j.DriverWithContext
	cfg     Config
	log     *slog.Logger
	catalog catalog
	routing bool // neo4j:// URI: the driver routes to a cluster's members
	// cypherFuncs are the user-defined functions Cypher refuses.
	cypherFuncs cypherFunctions
	words       heldWords  // the word index (words_index.go)
	onCall      onCallHook // SetOnCall's hook (call.go)
	// suspect is set when a call saw Neo4j down or a connection die, and
	// cleared when Neo4j answers again (retry.go).
	suspect atomic.Bool
	// pmcAttrs are the documents' PMC attributes (pmc.go).
	pmcAttrs attributeCache
}

// Open connects to Neo4j and verifies that it answers. An unreachable server
// is reported as a *policykb.Error with code UNAVAILABLE.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
	}
	if cfg.TxTimeout <= 0 {
		cfg.TxTimeout = 30 * time.Second
	}
	if cfg.CatalogMaxAge == 0 {
		cfg.CatalogMaxAge = time.Second
	}
	if cfg.Database == "" {
		cfg.Database = "neo4j"
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = time.Second
	}
	if cfg.AcquireTimeout <= 0 {
		cfg.AcquireTimeout = 5 * time.Second
	}
	if cfg.MaxRetryTime <= 0 {
		cfg.MaxRetryTime = 10 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	auth := neo4j.NoAuth()
	if cfg.Username != "" {
		auth = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.Log = driverLogger{log}
		c.ConnectionAcquisitionTimeout = cfg.AcquireTimeout
		c.SocketConnectTimeout = cfg.ConnectTimeout
		// One attempt per ExecuteRead/ExecuteWrite: the store retries
		// what a retry can mend itself (retry.go).
		c.MaxTransactionRetryTime = 0
	})
	if err != nil {
		return nil, policykb.InvalidArgument("neo4j.uri", "graph: bad Neo4j URI %q: %v", cfg.URI, err)
	}
	s := &Store{driver: driver, cfg: cfg, log: log, routing: strings.HasPrefix(cfg.URI, "neo4j")}
	if err := driver.VerifyConnectivity(ctx); err != nil {
		driver.Close(ctx)
		return nil, &policykb.Error{Code: policykb.EUnavailable,
			Message: fmt.Sprintf("graph: Neo4j at %s does not answer", cfg.URI), Err: err}
	}
	return s, nil
}

// Close releases the driver's connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// BatchSize is the number of rows this store sends per UNWIND.
func (s *Store) BatchSize() int { return s.cfg.BatchSize }

// Ping is the readiness check: the driver reaches a server of the
// database (without retrying), then RETURN 1 runs in a read transaction.
func (s *Store) Ping(ctx context.Context) error {
	ctx, end := s.enter(ctx, "Ping")
	defer end()
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return &policykb.Error{Code: policykb.EUnavailable, Message: "the database does not answer", Err: err}
	}
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "RETURN 1", nil)
		if err != nil {
			return nil, err
		}
		_, err = res.Single(ctx)
		return nil, err
	})
	return err
}

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.cfg.Database, AccessMode: mode})
}

// read runs work in a read transaction (routed to readers on a cluster),
// retried as retry.go says, bounded by TxTimeout.
func (s *Store) read(ctx context.Context, work neo4j.ManagedTransactionWork) (any, error) {
	out, err := s.transact(ctx, neo4j.AccessModeRead, work)
	return out, s.classify(ctx, err)
}

// write runs work in one write transaction, which also refreshes the city
// rollups its writes made stale (rollups.go) and moves the knowledge base's
// version on (catalog.go) before it commits. At log level debug it logs
// where the transaction's time went: work, the refresh after it (PMC
// decisions, city and group rollups, version), and the rest, which is the
// commit (and, when the transaction was retried, the attempts before).
func (s *Store) write(ctx context.Context, work neo4j.ManagedTransactionWork) (any, error) {
	start := time.Now()
	var worked, refreshed time.Duration
	out, err := s.transact(ctx, neo4j.AccessModeWrite, func(tx neo4j.ManagedTransaction) (any, error) {
		t := time.Now()
		out, err := work(tx)
		if err != nil {
			return nil, err
		}
		worked, t = time.Since(t), time.Now()
		if err := s.refreshStalePMC(ctx, tx); err != nil {
			return nil, fmt.Errorf("refresh pmc decisions: %w", err)
		}
		if err := refreshCityRollups(ctx, tx); err != nil {
			return nil, err
		}
		err = exec(ctx, tx, bumpVersion, nil)
		refreshed = time.Since(t)
		return out, err
	})
	// Whether it committed or not, what the catalog holds may be older
	// than the base now.
	s.catalog.drop()
	if err == nil {
		s.log.Debug("graph: write transaction", "work", worked, "refresh", refreshed,
			"commit", time.Since(start)-worked-refreshed)
	}
	return out, s.classify(ctx, err)
}

// classify turns driver errors into coded errors: unreachable → UNAVAILABLE,
// deadlines and server-side transaction timeouts → TIMEOUT, memory
// exhaustion → RESOURCE_EXHAUSTED.
func (s *Store) classify(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var pe *policykb.Error
	if errors.As(err, &pe) {
		return err
	}
	cause := attemptCause(err)
	if isResourceExhausted(cause) {
		return &policykb.Error{Code: policykb.EResourceExhausted,
			Message: "the query needs more memory than the database allows one transaction", Err: err}
	}
	if ctx.Err() == nil && (s.isDown(cause) || isDeadConnection(cause) || isPoolTimeout(cause)) {
		return errDown(err)
	}
	// A retry loop that ended for want of a connection: the database is down.
	var tel *neo4j.TransactionExecutionLimit
	if errors.As(err, &tel) {
		for _, e := range tel.Errors {
			if neo4j.IsConnectivityError(e) {
				return errDown(err)
			}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded {
		return &policykb.Error{Code: policykb.ETimeout, Message: "the query took longer than allowed", Err: err}
	}
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) && strings.Contains(ne.Code, "TransactionTimedOut") {
		return &policykb.Error{Code: policykb.ETimeout, Message: "the query took longer than allowed", Err: err}
	}
	if neo4j.IsConnectivityError(err) {
		return errDown(err)
	}
	var ue *neo4j.UsageError
	if errors.As(err, &ue) && strings.Contains(strings.ToLower(ue.Message), "closed") {
		return errDown(err)
	}
	return err
}

// collect runs a statement and returns its records.
func collect(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

// packed runs a statement that returns its whole answer as one record with
// one column, a list of rows (RETURN collect([...])), and returns the rows.
// The driver reads a record at a time, and each read costs a goroutine and
// a timer (the server's connection.recv_timeout_seconds hint makes every
// read race a deadline): a few hundred rows as one record travel several
// times faster than as a few hundred records.
func packed(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([][]any, error) {
	recs, err := collect(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for _, rec := range recs {
		list, _ := rec.Values[0].([]any)
		for _, r := range list {
			rows = append(rows, r.([]any))
		}
	}
	return rows, nil
}

type driverLogger struct{ log *slog.Logger }

func (l driverLogger) Error(name, id string, err error) {
	l.log.Error("neo4j driver", "component", name, "id", id, "err", err)
}
func (l driverLogger) Warnf(name, id string, msg string, args ...any) {
	l.log.Warn("neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}
func (l driverLogger) Infof(name, id string, msg string, args ...any) {
	l.log.Debug("neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}
func (l driverLogger) Debugf(name, id string, msg string, args ...any) {}

// countAndPage counts the rows a match (a MATCH … WHERE …, without RETURN)
// finds and pages them in the given order, in one statement returning one
// record (see packed), so that the total and the page agree; fields are
// the page's columns, each row converted with row. count, when not empty,
// is a statement returning the same total as total, read from derived
// data.
func countAndPage[T any](ctx context.Context, s *Store, count, match, order, fields string, params map[string]any, row func([]any) T) ([]T, int, error) {
	if count == "" {
		count = match + "\nRETURN count(*) AS total"
	}
	cypher := "CALL () {" + count + "\n}\n" +
		"CALL () {" + match + "\nWITH * ORDER BY " + order + " SKIP $offset LIMIT $limit\nRETURN collect([" + fields + "]) AS rows\n}\n" +
		"RETURN total, rows"
	var items []T
	var total int
	_, err := s.read(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		items, total = nil, 0
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		total = integer(recs[0].Values[0])
		for _, r := range recs[0].Values[1].([]any) {
			items = append(items, row(r.([]any)))
		}
		return nil, nil
	})
	return items, total, err
}
