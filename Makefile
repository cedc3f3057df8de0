# policykb — the two commands: `make run` and `make test`.
GO      ?= go
BIN     := bin/policykb
SOURCES := $(shell find . -name '*.go' -not -path './.policykb/*') go.mod go.sum

.PHONY: run test build vet bench neo4j-stop clean

build: $(BIN)

$(BIN): $(SOURCES) $(shell find data resolvers/graphiql schema graph/neo4jserver -type f -not -name '*.go' 2>/dev/null)
	$(GO) build -o $(BIN) ./cmd/policykb

## run: start the bundled Neo4j (fetched by Maven on first use), load the sample study, serve GraphiQL on :8080
run: build
	$(BIN) neo4j start
	$(BIN) load sample
	$(BIN) serve

## test: go vet and every test against a throwaway bundled Neo4j on a free port
test: build
	scripts/test.sh

## bench: Go benchmarks against a throwaway bundled Neo4j
bench: build
	BENCH=1 scripts/test.sh

vet:
	$(GO) vet ./...

neo4j-stop: build
	$(BIN) neo4j stop

clean:
	rm -rf bin
