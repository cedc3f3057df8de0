#!/usr/bin/env bash
# The GraphQL-over-HTTP audit of `make audit`: starts a throwaway bundled
# Neo4j, loads the sample study, serves it on a free loopback port, and runs
# graphql-http's auditServer against /graphql (scripts/audit, pinned by its
# package-lock.json, installed with npm ci). Prints the counts, writes
# bench/results/graphql-http-audit.json, and fails when any MUST or SHOULD
# audit fails. Needs Node 20 and npm; `make test` does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/bin/policykb
prefix=policykb-audit heap=768m pagecache=256m
source "$root/scripts/throwaway-neo4j.sh"

for tool in node npm; do
	command -v "$tool" >/dev/null || { echo "audit: $tool is required (Node 20)" >&2; exit 1; }
done

serve_pid=
stop_all() {
	if [[ -n "$serve_pid" ]]; then
		kill "$serve_pid" 2>/dev/null || true
		wait "$serve_pid" 2>/dev/null || true
	fi
	cleanup
}
trap stop_all EXIT

throwaway_start
export POLICYKB_NEO4J_URI=$uri POLICYKB_NEO4J_BUNDLED_ENABLED=false
"$bin" load sample >/dev/null

"$bin" serve --addr 127.0.0.1:0 --log-level warn 2>"$tmp/serve.log" &
serve_pid=$!
url=
for _ in $(seq 1 300); do
	url=$(sed -n 's|^policykb serves GraphiQL at \(http://[^/]*\)/.*|\1|p' "$tmp/serve.log")
	[[ -n "$url" ]] && break
	kill -0 "$serve_pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
	sleep 0.1
done
[[ -n "$url" ]] || { echo "audit: policykb serve did not start" >&2; cat "$tmp/serve.log" >&2; exit 1; }

(cd scripts/audit && npm ci --no-audit --no-fund >/dev/null)
node scripts/audit/audit.mjs "$url/graphql" bench/results/graphql-http-audit.json
