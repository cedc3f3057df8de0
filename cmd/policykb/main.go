// Command policykb loads policy documents, a coding scheme and codings into
// Neo4j and serves them over GraphQL. See the README for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/words"
)

type app struct {
	configFile string
	cfg        Config
	log        *slog.Logger
	words      *words.Segmenter // made once, by segmenter
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "policykb:", userMessage(err))
		os.Exit(1)
	}
}

// userMessage shows coded errors by their message (their cause is for
// logs) and anything else as it is.
func userMessage(err error) string {
	var pe *policykb.Error
	if errors.As(err, &pe) && pe.Code != policykb.EInternal {
		if pe.Err != nil {
			return pe.Message + " (" + pe.Err.Error() + ")"
		}
		return pe.Message
	}
	return err.Error()
}

func newRoot() *cobra.Command {
	a := &app{}
	root := &cobra.Command{
		Use:           "policykb",
		Short:         "A graph-backed knowledge base for grounded-theory analysis of policy texts",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a.configFile, cmd.Flags())
			if err != nil {
				return err
			}
			a.cfg = cfg
			a.log = newLogger(cfg.Log)
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "config file (default ./config.yaml when present)")
	pf.String("neo4j-uri", "", "Neo4j URI (neo4j.uri)")
	pf.String("neo4j-home", "", "home of the bundled Neo4j (neo4j.bundled.home)")
	pf.String("log-level", "", "debug, info, warn or error (log.level)")
	root.AddCommand(
		a.neo4jCmd(),
		a.loadCmd(),
		a.loadSecondCoderCmd(), // sample_coder.go
		a.validateCmd(),
		a.importCmd(), // import.go
		a.exportCmd(), // export.go: qdpx, qdc, csv, xlsx, json
		a.serveCmd(),
		a.autocodeCmd(), // autocode.go
		a.generateCmd(), // generate.go
		a.studiesCmd(),  // studies.go
		a.framesCmd(),   // frames.go
		a.pmcCmd(),      // pmc.go
		a.wipeCmd(),
	)
	return root
}

func newLogger(c LogConfig) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(c.Level))); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
