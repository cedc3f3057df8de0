package main

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/graph/neo4jserver"
	"github.com/policykb/policykb/words"
)

func (a *app) serverConfig(addr string) neo4jserver.Config {
	b := a.cfg.Neo4j.Bundled
	version := a.neo4jVersion()
	lib := ""
	if b.Lib != "" {
		lib = filepath.Join(b.Lib, version)
	}
	return neo4jserver.Config{Home: b.Home, BoltAddr: addr, Heap: b.Heap, PageCache: b.PageCache,
		TransactionMemory: b.TransactionMemory, Version: version, LibDir: lib, StartTimeout: b.StartTimeout, Log: a.log}
}

// neo4jVersion is the bundled Neo4j's release: neo4j.bundled.version, or
// the one this build is made and tested with.
func (a *app) neo4jVersion() string {
	if v := a.cfg.Neo4j.Bundled.Version; v != "" {
		return v
	}
	return neo4jserver.Version
}

func (a *app) neo4jCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "neo4j", Short: "Start, stop or inspect the bundled Neo4j"}
	var port int
	start := &cobra.Command{
		Use:   "start",
		Short: "Start the bundled Neo4j (fetching it with Maven on first use) and wait until Bolt answers",
		Long: "Starts Neo4j Community in the background from the jars cached under neo4j.bundled.home,\n" +
			"listening on the host and port of neo4j.uri (or --port; --port 0 picks a free port),\n" +
			"and prints its bolt:// URI once it answers. Data stays in <home>/data across runs.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			addr, err := a.bundledAddr(port)
			if err != nil {
				return err
			}
			cfg := a.serverConfig(addr)
			if st, err := neo4jserver.Status(cfg); err == nil && st.Running {
				fmt.Fprintf(cmd.ErrOrStderr(), "Neo4j is already running (pid %d) in %s\n", st.PID, st.Home)
				fmt.Fprintln(cmd.OutOrStdout(), "bolt://"+st.BoltAddr)
				return nil
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "starting Neo4j %s in %s on %s ...\n", cfg.Version, cfg.Home, addr)
			t0 := time.Now()
			srv, err := neo4jserver.Start(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Neo4j is up (pid %d) after %s\n", srv.PID(), time.Since(t0).Round(100*time.Millisecond))
			fmt.Fprintln(cmd.OutOrStdout(), srv.BoltURI())
			return nil
		},
	}
	start.Flags().IntVar(&port, "port", -1, "Bolt port (default: the port of neo4j.uri; 0: a free port)")
	stop := &cobra.Command{
		Use:   "stop",
		Short: "Stop the bundled Neo4j and wait for it to exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := neo4jserver.Stop(cmd.Context(), a.serverConfig("")); err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "Neo4j is stopped")
			return nil
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Say whether the bundled Neo4j runs, with its pid and Bolt address",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The Bolt address to check is neo4j.uri's (a server started
			// with --port answers there when neo4j.uri names it).
			addr, _ := boltAddr(a.cfg.Neo4j.URI)
			st, err := neo4jserver.Status(a.serverConfig(addr))
			if err != nil {
				return err
			}
			if !st.Running {
				fmt.Fprintf(cmd.OutOrStdout(), "stopped (home %s)\n", st.Home)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "running: pid %d, bolt://%s, Neo4j %s, home %s\n", st.PID, st.BoltAddr, st.Version, st.Home)
			return nil
		},
	}
	version := &cobra.Command{
		Use:   "version",
		Short: "Print the release of the bundled Neo4j (neo4j.bundled.version, default the one policykb is built with)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), a.neo4jVersion())
			return nil
		},
	}
	cmd.AddCommand(start, stop, status, version)
	return cmd
}

// bundledAddr is where the bundled server listens: neo4j.uri's host and
// port, or a chosen port on 127.0.0.1.
func (a *app) bundledAddr(port int) (string, error) {
	if port == 0 {
		p, err := neo4jserver.FreePort()
		if err != nil {
			return "", err
		}
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil
	}
	if port > 0 {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
	}
	addr, ok := boltAddr(a.cfg.Neo4j.URI)
	if !ok {
		return "", fmt.Errorf("neo4j.uri %s is not on this machine's loopback interface: the bundled Neo4j only serves bolt://127.0.0.1:PORT (use --port, or point neo4j.uri at it)", a.cfg.Neo4j.URI)
	}
	return addr, nil
}

// openStore connects to neo4j.uri. When that is a loopback address where
// nothing answers and the bundled server is enabled, it starts the bundled
// server there first.
// segmenter is the word segmenter of the configuration (words.*), made
// once per process: gse's dictionary, loaded on first use, is large.
func (a *app) segmenter() (*words.Segmenter, error) {
	if a.words == nil {
		seg, err := words.New(words.Config{UserDictionary: a.cfg.Words.UserDictionary,
			StopWords: a.cfg.Words.StopWords, Simplify: a.cfg.Words.Simplify})
		if err != nil {
			return nil, err
		}
		a.words = seg
	}
	return a.words, nil
}

func (a *app) openStore(ctx context.Context) (*graph.Store, error) {
	n := a.cfg.Neo4j
	seg, err := a.segmenter()
	if err != nil {
		return nil, err
	}
	gcfg := graph.Config{URI: n.URI, Database: n.Database, Username: n.Username, Password: n.Password,
		BatchSize: a.cfg.Load.BatchSize, TxTimeout: n.TxTimeout, CatalogMaxAge: n.CatalogMaxAge,
		ConnectTimeout: n.ConnectTimeout, AcquireTimeout: n.AcquireTimeout, MaxRetryTime: n.MaxRetryTime, Words: seg}
	if addr, local := boltAddr(n.URI); local && n.Bundled.Enabled {
		if err := neo4jserver.WaitBolt(ctx, addr, 500*time.Millisecond); err != nil {
			a.log.Info("nothing answers at "+addr+"; starting the bundled Neo4j", "home", n.Bundled.Home)
			if _, err := neo4jserver.Start(ctx, a.serverConfig(addr)); err != nil {
				return nil, err
			}
		}
	}
	s, err := graph.Open(ctx, gcfg, a.log)
	if err != nil {
		if policykb.ErrorCodeOf(err) == policykb.EUnavailable {
			return nil, fmt.Errorf("%w\n(start the bundled one with `policykb neo4j start`, or set neo4j.uri / POLICYKB_NEO4J_URI)", err)
		}
		return nil, err
	}
	if err := s.EnsureSchema(ctx); err != nil {
		s.Close(ctx)
		return nil, err
	}
	return s, nil
}
