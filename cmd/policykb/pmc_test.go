package main

import (
	"context"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestPMCCheckCLI: after `load sample` the stored decisions of the default
// model equal the recount; one made wrong behind the store's back is named
// by `pmc check` (which then fails), and `--fix` makes it right.
func TestPMCCheckCLI(t *testing.T) {
	uri := testURI(t)
	if out, err := run(t, "wipe", "--yes"); err != nil {
		t.Fatalf("wipe: %v\n%s", err, out)
	}
	if out, err := run(t, "load", "sample"); err != nil {
		t.Fatalf("load sample: %v\n%s", err, out)
	}
	out, err := run(t, "pmc", "check", "default")
	if err != nil || !strings.Contains(out, "every document's stored decisions equal the recount") {
		t.Fatalf("check after load sample: %v\n%s", err, out)
	}
	ctx := context.Background()
	d, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	if _, err := neo4j.ExecuteQuery(ctx, d, `MATCH (:Document {id: 'd07'})-[pd:PMC_DECISIONS]->(:PMCModel {id: 'default'}) SET pd.ones = ['X1:1']`,
		nil, neo4j.EagerResultTransformer); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "pmc", "check", "default")
	if err == nil || !strings.Contains(err.Error(), "1 document's stored decisions differ") || !strings.HasPrefix(out, "d07: stored [X1:1], recount [X1:1 X1:3") {
		t.Errorf("check after making d07's decisions wrong: %v\n%s", err, out)
	}
	if out, err := run(t, "pmc", "check", "default", "--fix"); err != nil || !strings.Contains(out, "recomputed") {
		t.Errorf("check --fix: %v\n%s", err, out)
	}
	if out, err := run(t, "pmc", "check", "default"); err != nil || strings.Contains(out, "d07") {
		t.Errorf("check after --fix: %v\n%s", err, out)
	}
}
