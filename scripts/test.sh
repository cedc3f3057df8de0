#!/usr/bin/env bash
# Runs go vet, staticcheck and the whole test suite against a throwaway
# bundled Neo4j (a fresh data directory, a free port, stopped and removed at
# the end), then every fuzz target for TEST_FUZZTIME (default 3s) each.
# The Neo4j jars are cached with the ones `make run` uses (.policykb/neo4j/lib),
# so only the first run on a machine fetches them from Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
prefix=policykb-test heap=768m pagecache=256m
source "$root/scripts/throwaway-neo4j.sh"
# graph/neo4jserver's own integration test starts servers from the same jars.
# The release is written once, in graph/neo4jserver (neo4jserver.Version).
neo4j_version=$("$bin" neo4j version)
export POLICYKB_NEO4J_JARS_CACHE=${POLICYKB_NEO4J_JARS_CACHE:-$POLICYKB_NEO4J_BUNDLED_LIB/$neo4j_version}

# staticcheck, pinned: installed into bin/tools from the Go proxy when it
# is missing (v0.8.2 is the release 2026.2.2). Any finding fails the run.
staticcheck_version=v0.8.2
staticcheck=$root/bin/tools/staticcheck
if ! "$staticcheck" -version 2>/dev/null | grep -q "(${staticcheck_version#v})"; then
	GOBIN=$root/bin/tools go install "honnef.co/go/tools/cmd/staticcheck@$staticcheck_version"
fi

go vet ./...
"$staticcheck" ./...

throwaway_start
export POLICYKB_TEST_NEO4J_URI=$uri

if [[ -n "${BENCH:-}" ]]; then
	go test -run '^$' -bench . -benchtime "${BENCHTIME:-2s}" -count "${BENCHCOUNT:-5}" ./... | tee "$root/bench.txt"
else
	# -p 1: the packages share one database and each test starts from a wiped one.
	go test -count=1 -p 1 -timeout 30m ./...
	# A short run of every fuzz target (`make fuzz` runs them longer).
	FUZZTIME=${TEST_FUZZTIME:-3s} scripts/fuzz.sh
fi
