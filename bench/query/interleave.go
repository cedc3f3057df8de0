package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/policykb/policykb/internal/benchkit"
)

// interleave compares two policykb builds with the floor (-against): for
// each question, the floor, -policykb and -against are asked in turn,
// one request each, o.warmup rounds unmeasured and then o.reps rounds, so
// that whatever else the machine does falls on the three alike. It prints
// each question's p50s, their ratios to the floor and the CPU each server
// spent per request (user and system time from /proc), and writes no
// results file. A fourth request in each round, `{ __typename }` to
// -policykb, times what every answer over the HTTP API pays besides its
// Neo4j transaction (the round trip, the handler, GraphQL's parsing and
// validation, the envelope's JSON): (floor + that) ÷ floor is the least
// ratio to the floor a server whose statements cost exactly the floor's
// could reach.
func interleave(ctx context.Context, o options, d neo4j.DriverWithContext, qs []question, w ways, pk *benchkit.Process) error {
	other, err := benchkit.Serve(o.against, o.uri, "warn")
	if err != nil {
		return err
	}
	defer other.Stop()
	wo := newWays(d, other.Base+"/graphql", "")
	wo.peer = nil
	for _, q := range qs {
		if err := check(ctx, wo, q, 0); err != nil {
			return fmt.Errorf("-against: %w", err)
		}
	}
	fmt.Printf("Interleaved, %d rounds after %d: p50 ms (÷ floor), server CPU µs per request; A = %s, B = %s\n\n", o.reps, o.warmup, o.bin, o.against)
	fmt.Println("| question | floor | A | A ÷ floor | B | B ÷ floor | A CPU | B CPU | `{ __typename }` | (floor + it) ÷ floor |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	typename := func(ctx context.Context, _ question) (answer, error) {
		_, err := post(ctx, pk.Base+"/graphql", request{Query: "{ __typename }"})
		return nil, err
	}
	pids := []int{pk.Cmd.Process.Pid, other.Cmd.Process.Pid}
	for _, q := range qs {
		asks := []func(context.Context, question) (answer, error){w.floor, w.policykb, wo.policykb, typename}
		lat := make([][]time.Duration, len(asks))
		var cpu0 [2]time.Duration
		for i := 0; i < o.warmup+o.reps; i++ {
			if i == o.warmup {
				for k, pid := range pids {
					if cpu0[k], err = cpuTime(pid); err != nil {
						return err
					}
				}
			}
			for k, ask := range asks {
				t0 := time.Now()
				if _, err := ask(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q.name, err)
				}
				if i >= o.warmup {
					lat[k] = append(lat[k], time.Since(t0))
				}
			}
		}
		var cpu [2]float64
		for k, pid := range pids {
			c, err := cpuTime(pid)
			if err != nil {
				return err
			}
			cpu[k] = float64((c - cpu0[k]).Microseconds()) / float64(o.reps)
		}
		p := make([]float64, len(asks))
		for k := range asks {
			slices.Sort(lat[k])
			p[k] = ms(lat[k][len(lat[k])/2])
		}
		fmt.Printf("| %s | %.2f | %.2f | %.2f× | %.2f | %.2f× | %.0f | %.0f | %.2f | %.2f× |\n", q.name, p[0], p[1], p[1]/p[0], p[2], p[2]/p[0],
			cpu[0], cpu[1], p[3], (p[0]+p[3])/p[0])
	}
	return nil
}

// cpuTime is the user and system time a process has used, from
// /proc/PID/stat (in clock ticks of 1/100 s, Linux's USER_HZ).
func cpuTime(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses and may hold spaces.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("%s: too few fields", "/proc/"+strconv.Itoa(pid)+"/stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
