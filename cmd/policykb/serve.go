package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb/explorer"
	"github.com/policykb/policykb/resolvers"
)

func (a *app) serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve GraphiQL at /, GraphQL at /graphql, the explorer at /explore/, and /healthz and /readyz",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s := a.cfg.Server
			hosts, err := systemExposure(s)
			if err != nil {
				return err
			}
			tuneGC(os.Getenv)
			store, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer store.Close(context.Background())
			handler, err := resolvers.NewHandler(store, resolvers.Options{
				MaxDepth: s.MaxDepth, MaxQueryLength: s.MaxQueryLength, MaxPageSize: s.MaxPageSize,
				Timeout: s.Timeout, MaxBodyBytes: s.MaxBodyBytes, MaxParallelism: s.MaxParallelism, Log: a.log,
				Cypher:  resolvers.CypherOptions{Enabled: a.cfg.Cypher.Enabled, MaxRows: a.cfg.Cypher.MaxRows, Timeout: a.cfg.Cypher.Timeout},
				MaxCost: s.MaxCost, MaxConcurrent: s.MaxConcurrent, AllowedHosts: hosts, AllowedOrigins: s.AllowedOrigins,
				Token: s.Token, Explorer: explorer.New(),
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", s.Addr)
			if err != nil {
				return fmt.Errorf("serve: listen on %s (server.addr): %w", s.Addr, err)
			}
			srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second,
				ReadTimeout: 30 * time.Second, WriteTimeout: s.Timeout + 30*time.Second, IdleTimeout: 2 * time.Minute}
			fmt.Fprintf(cmd.ErrOrStderr(), "policykb serves GraphiQL at http://%[1]s/ (GraphQL at /graphql) and the explorer at http://%[1]s/explore/; Ctrl-C stops it\n", ln.Addr())
			switch {
			case s.Token != "":
				fmt.Fprintln(cmd.ErrOrStderr(), "every request but /healthz needs the access token (server.token): Authorization: Bearer TOKEN, or open a page once with ?token=TOKEN")
			case !isLoopback(ln.Addr().(*net.TCPAddr).IP.String()):
				fmt.Fprintln(cmd.ErrOrStderr(), "WARNING: no access token (server.insecure_no_token): anyone who can reach this address can read the knowledge base")
			}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().String("addr", "", "listen address (server.addr)")
	return cmd
}

// Garbage collection while serving, unless GOGC or GOMEMLIMIT say
// otherwise. The server's live heap is small (the held codebook and
// cities, the answers in flight), so at Go's default GOGC=100 it collects
// every few requests, which at tier M cost about a third of the CPU of a
// long answer (citiesCiting over 300 cities). A heap allowed to grow to
// five times the live one collects a fifth as often; the soft limit keeps
// many long answers at once (32 clients at tier L, 3,100-entry lists) to
// about 170 MB of RSS instead of 400-460 MB, with the same latencies
// (bench/results/L-gc.md). At tier M the server's RSS stays under it.
const (
	serveGCPercent   = 400
	serveMemoryLimit = 160 << 20
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
}
