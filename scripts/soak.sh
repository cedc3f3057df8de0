#!/usr/bin/env bash
# The soak of `make soak`: starts a throwaway bundled Neo4j, loads the
# sample study, then runs bench/soak, which serves it with `policykb serve`
# and has 8 clients ask the example queries for 60 s while it kills Neo4j
# (SIGKILL) and starts it again twice, checking every answer. Writes
# bench/results/soak.json and soak.md; fails when a check fails.
# Everything started here is stopped and removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
prefix=policykb-soak heap=768m pagecache=256m
source "$root/scripts/throwaway-neo4j.sh"

throwaway_start
export POLICYKB_NEO4J_URI=$uri
"$bin" load sample >/dev/null
go run ./bench/soak -policykb "$bin" -neo4j-uri "$uri" -out bench/results ${SOAK_ARGS:-}
