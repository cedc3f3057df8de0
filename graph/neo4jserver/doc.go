// Package neo4jserver runs the bundled Neo4j Community server (DESIGN.md §5):
// the real server, as a detached child process of the JVM, from jars that
// Maven fetches from Maven Central on first use and caches.
//
// Fetch fills the jar cache, CheckJava checks the JVM, Start writes
// neo4j.conf, starts the server and waits until Bolt answers, Status and Stop
// find it again through a pid file, so a later process (the next CLI call) can
// manage a server an earlier one started. WaitBolt waits for any Bolt server.
//
// A home directory holds everything of one server:
//
//	<Home>/lib/<Version>/        the jars (unless Config.LibDir points elsewhere)
//	<Home>/conf/neo4j.conf       generated on every Start; edits are overwritten
//	<Home>/data/                 the store; it persists across runs
//	<Home>/logs/console.log      the server's stdout and stderr, appended
//	<Home>/run/policykb-neo4j.pid
//
// The package imports only the standard library, so that the command line can
// manage the server without the Neo4j driver, and other packages without it.
package neo4jserver
