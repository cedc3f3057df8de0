# policykb — the two commands: `make run` and `make test`.
GO      ?= go
BIN     := bin/policykb
SOURCES := $(shell find . -name '*.go' -not -path './.policykb/*') go.mod go.sum

.PHONY: run test build vet fuzz soak-load bench bench-go bench-compare bench-load bench-words bench-explorer audit soak neo4j-stop clean

build: $(BIN)

$(BIN): $(SOURCES) $(shell find data resolvers/graphiql explorer schema graph/neo4jserver -type f -not -name '*.go' 2>/dev/null)
	$(GO) build -o $(BIN) ./cmd/policykb

## run: start the bundled Neo4j (fetched by Maven on first use), load the sample study, serve GraphiQL on :8080
run: build
	$(BIN) neo4j start
	$(BIN) load sample
	$(BIN) serve

## test: go vet and every test against a throwaway bundled Neo4j on a free port
test: build
	scripts/test.sh

## bench: the Go benchmarks, then the query benchmark of tier $(TIER) (S, M4 or M):
## policykb vs hand-written Cypher vs @neo4j/graphql, written to bench/results/
TIER ?= S
bench: bench-go bench-compare

bench-go: build
	BENCH=1 scripts/test.sh

bench-compare: build
	TIER=$(TIER) scripts/bench.sh

## bench-load: `policykb load` vs a raw UNWIND CREATE baseline on a throwaway Neo4j, for tier
## $(TIER) when given, else M4; written to bench/results/<tier>-load.json (ROUNDS=n: fastest of n)
bench-load: build
	TIER=$(if $(filter command line environment,$(origin TIER)),$(TIER),M4) scripts/bench-load.sh

## audit: the GraphQL-over-HTTP spec audit (graphql-http's auditServer, Node 20) against
## `policykb serve` on a throwaway Neo4j; fails on any MUST or SHOULD failure
audit: build
	scripts/audit-graphql-http.sh

## soak: 8 clients for 60 s while the throwaway Neo4j is killed and restarted; every answer
## checked; written to bench/results/soak.json and soak.md
soak: build
	scripts/soak.sh
## bench-words: word statistics and autocode at tier $(TIER) when given, else M: the word
## index's build, words(top: 50) and coword(top: 100) over GraphQL, autocode's apply rate;
## written to bench/results/<tier>-words.json
bench-words: build
	TIER=$(if $(filter command line environment,$(origin TIER)),$(TIER),M) scripts/bench-words.sh
## bench-explorer: time to a rendered view of the explorer in headless Chromium, per view, on tier
## $(TIER) when given, else M; written to bench/results/explorer-<tier>.json and .md (RUNS=n per view)
bench-explorer: build
	TIER=$(if $(filter command line environment,$(origin TIER)),$(TIER),M) scripts/bench-explorer.sh

vet:
	$(GO) vet ./...

## fuzz: every Go fuzz target for FUZZTIME each (default 10s); a failing input is
## kept under the package's testdata/fuzz/ (FUZZ=regexp picks targets)
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

## soak-load: load a generated corpus, kill `policykb load` (and once Neo4j) at
## seeded random points, rerun to completion, and compare every count with a clean
## load; written to bench/results/soak-load.json and .md (see scripts/soak-load.sh)
soak-load: build
	scripts/soak-load.sh

neo4j-stop: build
	$(BIN) neo4j stop

clean:
	rm -rf bin
