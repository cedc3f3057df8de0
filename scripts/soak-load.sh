#!/usr/bin/env bash
# The killed-load run (`make soak-load`): starts a throwaway bundled Neo4j
# (a fresh data directory on a free port, as scripts/test.sh does),
# generates a corpus with `policykb generate` (tier M4 cut to CITIES=20
# cities of DOCS=5 documents: 100 documents, 30,000 sentences), and runs
# bench/soakload: a clean load, then KILLS=5 loads killed with SIGKILL at
# points drawn from SEED, a rerun, and Neo4j killed once mid-load and
# restarted, each compared count by count with the clean load. Writes
# bench/results/soak-load.json and .md; exits 1 when a count differs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
prefix=policykb-soak-load heap=${heap:-768m} pagecache=${pagecache:-256m}
source "$root/scripts/throwaway-neo4j.sh"

cities=${CITIES:-20} docs=${DOCS:-5} seed=${SEED:-1}
"$bin" generate --tier M4 --cities "$cities" --docs "$docs" --seed "$seed" --out "$tmp/corpus"
throwaway_start
go run ./bench/soakload -bin "$bin" -dir "$tmp/corpus" -neo4j-uri "$uri" -neo4j-home "$POLICYKB_NEO4J_BUNDLED_HOME" \
	-corpus "policykb generate --tier M4 --cities $cities --docs $docs --seed $seed" \
	-kills "${KILLS:-5}" -seed "$seed" -out bench/results
cat bench/results/soak-load.md
