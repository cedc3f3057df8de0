#!/usr/bin/env bash
# The word-statistics and autocode benchmark (`make bench-words`): starts a
# throwaway bundled Neo4j (as scripts/bench-load.sh does), generates tier
# $TIER (M by default) with `policykb generate`, loads it with `policykb
# load` (which keeps every document's words), and runs bench/words, which
# times the word index's build, words(top: 50), coword(top: 100) and
# autocode's apply rate, and writes bench/results/$TIER-words.json.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
tier=${TIER:-M}
prefix=policykb-bench-words
source "$root/scripts/throwaway-neo4j.sh"

"$bin" generate --tier "$tier" --out "$tmp/corpus" --seed "${SEED:-1}"
throwaway_start
export POLICYKB_NEO4J_URI=$uri
time "$bin" load --log-level debug --codebook "$tmp/corpus/codebook.yaml" --documents "$tmp/corpus/documents.csv" --codings "$tmp/corpus/codings.csv"
go run ./bench/words -tier "$tier" -neo4j-uri "$uri" -out bench/results ${BENCH_ARGS:-}
