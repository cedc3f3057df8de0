#!/usr/bin/env bash
# The query benchmark of `make bench`: starts a throwaway bundled Neo4j,
# loads a tier made by `policykb generate` (TIER=S: the sample study; M4,
# M: synthetic national-scale corpora; the load half, bench/load, measures
# the loading when present), installs the @neo4j/graphql peer (npm ci in
# bench/peer) and runs the three-way check on the sample (bench/query's
# TestSameNumbersThreeWays, -tags benchcompare), then runs bench/query, which starts `policykb serve` and the
# peer, checks that the three ways give the same numbers, times them and
# writes bench/results/$TIER.json and bench/results/$TIER.md.
# Everything started here is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
tier=${TIER:-S}
prefix=policykb-bench
source "$root/scripts/throwaway-neo4j.sh"

for tool in node npm; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is required (Node 20) for the @neo4j/graphql peer" >&2; exit 1; }
done

throwaway_start
export POLICYKB_NEO4J_URI=$uri

(cd bench/peer && npm ci --no-audit --no-fund)
# The three ways must give the same numbers on the sample study before
# anything is timed (the test wipes the database, so it runs before the
# tier is loaded; it needs Node, which is why `make test` leaves it out).
go vet -tags benchcompare ./bench/query/
POLICYKB_TEST_NEO4J_URI=$uri go test -count=1 -tags benchcompare -run '^TestSameNumbersThreeWays$' ./bench/query/

# The corpus: tier S is the shipped sample, the others are generated.
"$bin" generate --tier "$tier" --out "$tmp/corpus"
# The load half (when present) wipes the database and measures loading;
# the load below then makes sure the corpus is in place (idempotent).
if [[ -d bench/load ]]; then
	go run ./bench/load -tier "$tier" -dir "$tmp/corpus" -neo4j-uri "$uri" -out bench/results -rounds "${ROUNDS:-1}"
fi
codings=()
for f in "$tmp"/corpus/codings*.csv; do codings+=(--codings "$f"); done
"$bin" load --codebook "$tmp/corpus/codebook.yaml" --documents "$tmp/corpus/documents.csv" "${codings[@]}"

go run ./bench/query -tier "$tier" -neo4j-uri "$uri" -policykb "$bin" -peer bench/peer -out bench/results ${BENCH_ARGS:-}
cat "bench/results/$tier.md"
