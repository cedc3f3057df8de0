package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// write saves the report as soak.json and soak.md in dir.
func write(dir string, rep *report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "soak.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "soak.md"), []byte(markdown(rep)), 0o644)
}

func markdown(rep *report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Soak under faults (%s)\n\n", rep.Date)
	fmt.Fprintf(&b, "%d clients asked the %d example queries in turn (%s) for %.0f s against `policykb serve` on the sample "+
		"study, while Neo4j was killed (SIGKILL) and started again %d times.\n\n",
		rep.Clients, len(rep.Queries), strings.Join(rep.Queries, ", "), rep.DurationSeconds, len(rep.Faults))
	fmt.Fprintf(&b, "| requests | answered | wrong answers | failed | unclean failures |\n|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d |\n\n", rep.Requests, rep.OK, rep.Wrong, rep.Failed, rep.Unclean)
	var keys []string
	for k := range rep.FailureCodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(&b, "Failures by HTTP status and error code:")
	if len(keys) == 0 {
		fmt.Fprintf(&b, " none")
	}
	for _, k := range keys {
		fmt.Fprintf(&b, " %s × %d;", k, rep.FailureCodes[k])
	}
	fmt.Fprintf(&b, "\n\nLatency (ms): answers p50 %.1f, p95 %.1f, max %.1f; clean failures (UNAVAILABLE or 503) p50 %.1f, p95 %.1f, max %.1f.\n\n",
		rep.OKLatencyMS.P50, rep.OKLatencyMS.P95, rep.OKLatencyMS.Max, rep.FailLatencyMS.P50, rep.FailLatencyMS.P95, rep.FailLatencyMS.Max)
	fmt.Fprintf(&b, "| fault | first failure after the kill (s) | Neo4j answering again after the kill (s) | full service after Neo4j answered (s) | failed requests |\n")
	fmt.Fprintf(&b, "|---:|---:|---:|---:|---:|\n")
	for i, f := range rep.Faults {
		fmt.Fprintf(&b, "| %d | %.2f | %.1f | %.2f | %d |\n", i+1, f.FirstFail, f.Down, f.Recovery, f.Failed)
	}
	fmt.Fprintf(&b, "\nAllowed: full service within %.0f s of Neo4j answering again. ", rep.RecoveryLimit)
	if len(rep.Problems) == 0 {
		fmt.Fprintf(&b, "Every check passed.\n")
	} else {
		fmt.Fprintf(&b, "Problems:\n\n")
		for _, p := range rep.Problems {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	return b.String()
}
