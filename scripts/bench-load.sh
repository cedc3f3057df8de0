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
prefix=policykb-bench-load
source "$root/scripts/throwaway-neo4j.sh"

"$bin" generate --tier "$tier" --out "$tmp/corpus" --seed "${SEED:-1}"
throwaway_start
go run ./bench/load -tier "$tier" -dir "$tmp/corpus" -neo4j-uri "$uri" -out bench/results -rounds "${ROUNDS:-1}"
cat "bench/results/$tier-load.json"
