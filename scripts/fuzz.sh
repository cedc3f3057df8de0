#!/usr/bin/env bash
# Runs every Go fuzz target of the module (each `func FuzzX(f *testing.F)`
# in a _test.go file) for FUZZTIME (default 10s) each, one after another:
# `go test -fuzz` takes one target of one package per run. A target that
# finds a failing input leaves it in that package's testdata/fuzz/FuzzX/,
# where `go test` replays it from then on as a regression seed; the script
# goes on with the other targets and exits 1 at the end. FUZZ=regexp runs
# only the targets whose name matches. Some targets ask Neo4j (the Cypher
# hatch's): without POLICYKB_TEST_NEO4J_URI (scripts/test.sh sets it), a
# throwaway bundled Neo4j is started for the run, as scripts/test.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fuzztime=${FUZZTIME:-10s}
only=${FUZZ:-.}

if [[ -z "${POLICYKB_TEST_NEO4J_URI:-}" ]]; then
	bin=$root/bin/policykb
	prefix=policykb-fuzz heap=768m pagecache=256m
	[[ -x "$bin" ]] || go build -o "$bin" ./cmd/policykb
	source "$root/scripts/throwaway-neo4j.sh"
	throwaway_start
	export POLICYKB_TEST_NEO4J_URI=$uri
fi

# package directory and target name, one pair a line
targets=$(grep -rEo --include='*_test.go' --exclude-dir=.policykb --exclude-dir=node_modules '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
	sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*|\1 \2|; s|^\./[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*|. \1|' |
	sort -u)

log=${TMPDIR:-/tmp}/policykb-fuzz.log
failed=()
n=0
began=$SECONDS
while read -r dir name; do
	[[ -z "$name" || ! "$name" =~ $only ]] && continue
	n=$((n + 1))
	echo "--- fuzz ./$dir $name ($fuzztime)"
	for attempt in 1 2; do
		if go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "./$dir" >"$log" 2>&1; then
			tail -n 2 "$log" | head -n 1
			break
		fi
		cat "$log"
		# Go 1.26's fuzz coordinator can report the end of -fuzztime itself
		# as a failure, "context deadline exceeded" with no failing input
		# (go.dev/issue/75804). Only that failure is run once more; a failing
		# input, a crash or a second such failure fails the target.
		if ((attempt == 1)) && ! grep -q 'Failing input written' "$log" && [[ "$(grep -A1 -- '^--- FAIL' "$log" | tail -n 1 | tr -d '[:space:]')" == contextdeadlineexceeded ]]; then
			echo "(the fuzzing coordinator's deadline race, go.dev/issue/75804: no failing input; running $name once more)"
			continue
		fi
		failed+=("./$dir $name")
		break
	done
done <<<"$targets"
echo "fuzzed $n targets in $((SECONDS - began))s"
if ((${#failed[@]})); then
	echo "failing inputs found (kept under testdata/fuzz/ as regression seeds):" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
