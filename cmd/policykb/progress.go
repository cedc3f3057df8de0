package main

import (
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/loaders"
)

// registerProgress adds the flags that choose how a load shows its progress.
func registerProgress(cmd *cobra.Command) {
	cmd.Flags().String("progress", "auto",
		"progress on stderr while documents are written: live (one line rewritten in place), lines (a line every --progress-every), off, or auto (live on a terminal, lines otherwise)")
	cmd.Flags().Duration("progress-every", 10*time.Second, "time between progress lines when they are not live")
}

// withProgress sets the progress options of a load from the flags of cmd
// (defaults when it has none): where the lines go, whether they are live,
// and how often.
func withProgress(cmd *cobra.Command, opts loaders.Options) (loaders.Options, error) {
	mode, every := "auto", 10*time.Second
	if f := cmd.Flags().Lookup("progress"); f != nil {
		mode = f.Value.String()
	}
	if f := cmd.Flags().Lookup("progress-every"); f != nil {
		d, err := time.ParseDuration(f.Value.String())
		if err != nil || d <= 0 {
			return opts, policykb.InvalidArgument("progress-every", "--progress-every must be a positive duration such as 10s, not %q", f.Value.String())
		}
		every = d
	}
	w := cmd.ErrOrStderr()
	switch mode {
	case "auto":
		opts.Progress, opts.ProgressLive = w, isTerminal(w)
	case "live":
		opts.Progress, opts.ProgressLive = w, true
	case "lines":
		opts.Progress = w
	case "off":
		opts.Progress = nil
	default:
		return opts, policykb.InvalidArgument("progress", "--progress must be auto, live, lines or off, not %q", mode)
	}
	opts.ProgressEvery = every
	return opts, nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
