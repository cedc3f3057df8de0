#!/usr/bin/env bash
# The load benchmark (`make bench-load`): starts a throwaway bundled Neo4j
# (a fresh data directory on a free port, as scripts/test.sh does),
# generates tier $TIER (M4 by default; S is the sample) with
# `policykb generate`, and runs bench/load, which times `policykb load` and
# the raw UNWIND CREATE baseline on that database and writes
# bench/results/$TIER-load.json. Everything started here is stopped and
# removed at the end. ROUNDS=n keeps the fastest of n alternating runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
tier=${TIER:-M4}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/policykb-bench-load.XXXXXX")

export POLICYKB_NEO4J_BUNDLED_HOME=$tmp/neo4j
export POLICYKB_NEO4J_BUNDLED_LIB=${POLICYKB_NEO4J_BUNDLED_LIB:-$root/.policykb/neo4j/lib}
export POLICYKB_NEO4J_BUNDLED_HEAP=${POLICYKB_NEO4J_BUNDLED_HEAP:-1g}
export POLICYKB_NEO4J_BUNDLED_PAGECACHE=${POLICYKB_NEO4J_BUNDLED_PAGECACHE:-512m}

cleanup() {
	"$bin" neo4j stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" generate --tier "$tier" --out "$tmp/corpus" --seed "${SEED:-1}"
uri=$("$bin" neo4j start --port 0 | tail -n 1)
echo "throwaway Neo4j at $uri (home $tmp/neo4j, heap $POLICYKB_NEO4J_BUNDLED_HEAP, page cache $POLICYKB_NEO4J_BUNDLED_PAGECACHE)"
go run ./bench/load -tier "$tier" -dir "$tmp/corpus" -neo4j-uri "$uri" -out bench/results -rounds "${ROUNDS:-1}"
cat "bench/results/$tier-load.json"
