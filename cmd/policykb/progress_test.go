package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/loaders"
)

func TestProgressFlags(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		shown bool // progress written to stderr
		live  bool
		every time.Duration
		arg   string // the argument a BAD_USER_INPUT names
	}{
		// stderr is a buffer here, not a terminal: auto means lines.
		{nil, true, false, 10 * time.Second, ""},
		{[]string{"--progress", "live"}, true, true, 10 * time.Second, ""},
		{[]string{"--progress", "lines", "--progress-every", "30s"}, true, false, 30 * time.Second, ""},
		{[]string{"--progress", "off"}, false, false, 10 * time.Second, ""},
		{[]string{"--progress", "sometimes"}, false, false, 0, "progress"},
		{[]string{"--progress-every", "0s"}, false, false, 0, "progress-every"},
	} {
		cmd := &cobra.Command{Use: "load"}
		registerProgress(cmd)
		var stderr bytes.Buffer
		cmd.SetErr(&stderr)
		if err := cmd.ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		opts, err := withProgress(cmd, loaders.Options{})
		if tc.arg != "" {
			var pe *policykb.Error
			if !errors.As(err, &pe) || pe.Code != policykb.EInvalid || pe.Argument != tc.arg {
				t.Errorf("%v: error %v, want BAD_USER_INPUT on %s", tc.args, err, tc.arg)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if (opts.Progress != nil) != tc.shown || opts.ProgressLive != tc.live || opts.ProgressEvery != tc.every {
			t.Errorf("%v: progress shown %v, live %v, every %v; want %v, %v, %v", tc.args,
				opts.Progress != nil, opts.ProgressLive, opts.ProgressEvery, tc.shown, tc.live, tc.every)
		}
	}
}
