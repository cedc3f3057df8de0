package main

import "github.com/spf13/cobra"

// exportCommands are the subcommands of `policykb export`, one per output
// format; each format's file adds its own in an init function.
var exportCommands []func(*app) *cobra.Command

func (a *app) exportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the knowledge base, or tables computed from it, to files other tools read",
	}
	for _, sub := range exportCommands {
		cmd.AddCommand(sub(a))
	}
	return cmd
}

// extraCommands are further top-level commands (import, ...), each added by
// its own file in an init function.
var extraCommands []func(*app) *cobra.Command
