package main

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/policykb/policykb/internal/testshared"
)

// TestImportedWordsAreSearchable imports the real NVivo project, whose
// sources are Hungarian comments with a hard line break after every field,
// and checks that full-text search finds a word wherever the substring
// filter finds it as a word: the words on either side of a line break stay
// apart (they used to be glued, "…16:22:03ZYgCPj00h7OUJavasolja…", and
// search missed them).
func TestImportedWordsAreSearchable(t *testing.T) {
	uri := testURI(t)
	sample := filepath.Join(testshared.Dir(t, "refi-qda/samples"), "nvivo12win_oltas0517.qdpx")
	if out, err := run(t, "wipe", "--yes"); err != nil {
		t.Fatalf("wipe: %v\n%s", err, out)
	}
	if out, err := run(t, "import", "qdpx", sample); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	srv := serveStore(t, uri)

	type page struct {
		Edges []struct {
			Node struct{ ID, Text string }
		}
		TotalCount int
	}
	for _, word := range []string{"Javasolja", "Kötelező"} {
		var r struct{ Substring, Search page }
		query(t, srv.URL, `{
			substring: sentences(filter: {text: "`+word+`"}, first: 500) { edges { node { id text } } totalCount }
			search: search(text: "`+word+`", first: 500) { edges { node { id text } } totalCount } }`, &r)
		// The sentences holding the word as a word (not inside a longer one).
		asWord := regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}_])` + regexp.QuoteMeta(word) + `($|[^\p{L}\p{N}_])`)
		want := map[string]bool{}
		for _, e := range r.Substring.Edges {
			if asWord.MatchString(e.Node.Text) {
				want[e.Node.ID] = true
			}
			if glued := regexp.MustCompile(`\d\d:\d\d:\d\dZ\S*` + regexp.QuoteMeta(word)); glued.MatchString(e.Node.Text) {
				t.Errorf("%q is glued to the field before it: %q", word, e.Node.Text)
			}
		}
		if len(want) == 0 {
			t.Fatalf("no sentence holds %q as a word, though the substring filter finds it in %d: is it glued to the words around it?", word, r.Substring.TotalCount)
		}
		found := map[string]bool{}
		for _, e := range r.Search.Edges {
			found[e.Node.ID] = true
		}
		missed := 0
		for id := range want {
			if !found[id] {
				missed++
			}
		}
		t.Logf("%q: substring filter %d sentences, %d with it as a word; search %d", word, r.Substring.TotalCount, len(want), r.Search.TotalCount)
		if missed > 0 {
			t.Errorf("search(%q) misses %d of the %d sentences that hold the word", word, missed, len(want))
		}
	}
	var stats struct{ Stats struct{ Sentences int } }
	query(t, srv.URL, `{ stats { sentences } }`, &stats)
	if stats.Stats.Sentences != 9128 {
		t.Errorf("%d sentences imported, want 9128 (segmentation must not change)", stats.Stats.Sentences)
	}
}
