#!/usr/bin/env bash
# The explorer's benchmark (`make bench-explorer`): time from navigating
# headless Chromium to a rendered view, per view, on tier $TIER (default M:
# 300 cities, 3,000 documents, 900,000 sentences). Starts a throwaway
# bundled Neo4j (1 GB heap, 1 GB page cache), generates and loads the
# tier, adds a second coder B (coder A's codings of the first 30 cities'
# documents, every eighth left out) so that the agreement view has two
# coders to compare, then runs bench/explorer, which serves and measures
# and writes bench/results/explorer-$TIER.json and .md. Everything started
# here is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
tier=${TIER:-M}
prefix=policykb-bench-explorer heap=1g pagecache=1g
source "$root/scripts/throwaway-neo4j.sh"
command -v chromium >/dev/null || { echo "bench-explorer: chromium is required (apt-get install chromium)" >&2; exit 1; }

throwaway_start
export POLICYKB_NEO4J_URI=$uri
# Loading tier M on a busy shared machine can outlast the default 30 s per transaction.
export POLICYKB_NEO4J_TX_TIMEOUT=${POLICYKB_NEO4J_TX_TIMEOUT:-300s}

corpus=$tmp/corpus
"$bin" generate --tier "$tier" --out "$corpus"
if [[ "$tier" == S ]]; then
	"$bin" load sample
	"$bin" load-second-coder
else
	"$bin" load --codebook "$corpus/codebook.yaml" --documents "$corpus/documents.csv" --codings "$corpus/codings.csv"
	# Coder B: A's codings of the documents of the first 30 cities (c001..c030; c0001..c0030 at tier L),
	# every eighth row left out.
	awk -F, 'NR == 1 { print; next } $1 ~ /^c0*([1-9]|[12][0-9]|30)-/ && NR % 8 != 0 { sub(/,A$/, ",B"); print }' \
		"$corpus/codings.csv" >"$corpus/codings-b.csv"
	"$bin" load --codings "$corpus/codings-b.csv"
fi
go run ./bench/explorer -tier "$tier" -neo4j-uri "$uri" -policykb "$bin" -out bench/results -runs "${RUNS:-9}"
cat "bench/results/explorer-$tier.md"
