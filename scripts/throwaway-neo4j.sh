# Sourced by test.sh, bench.sh and bench-load.sh: a throwaway bundled Neo4j
# home in a fresh temporary directory ($tmp), sharing the jars cache of
# `make run` (.policykb/neo4j/lib), stopped and removed when the script
# exits. The caller sets root, bin and prefix (the temp directory's name),
# and may set heap and pagecache defaults; start it with throwaway_start,
# which sets $uri and says where the server is.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
export POLICYKB_NEO4J_BUNDLED_HOME=$tmp/neo4j
export POLICYKB_NEO4J_BUNDLED_LIB=${POLICYKB_NEO4J_BUNDLED_LIB:-$root/.policykb/neo4j/lib}
export POLICYKB_NEO4J_BUNDLED_HEAP=${POLICYKB_NEO4J_BUNDLED_HEAP:-${heap:-1g}}
export POLICYKB_NEO4J_BUNDLED_PAGECACHE=${POLICYKB_NEO4J_BUNDLED_PAGECACHE:-${pagecache:-512m}}

cleanup() {
	"$bin" neo4j stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

throwaway_start() {
	uri=$("$bin" neo4j start --port 0 | tail -n 1)
	echo "throwaway Neo4j at $uri (home $tmp/neo4j)"
}
