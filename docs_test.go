package policykb

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestDocsLinks checks every relative link of README.md and docs/*.md: the
// file it names exists, and an anchor (#…) names a heading of that file, as
// GitHub derives heading anchors.
func TestDocsLinks(t *testing.T) {
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) == 0 {
		t.Fatal("no docs/*.md pages")
	}
	pages = append([]string{"README.md"}, pages...)
	anchors := map[string]map[string]bool{} // path → anchors
	anchorsOf := func(path string) map[string]bool {
		if a, ok := anchors[path]; ok {
			return a
		}
		a := headingAnchors(t, path)
		anchors[path] = a
		return a
	}
	checked := 0
	for _, page := range pages {
		for _, l := range markdownLinks(t, page) {
			target, frag, _ := strings.Cut(l.target, "#")
			path := page
			if target != "" {
				path = filepath.Join(filepath.Dir(page), filepath.FromSlash(target))
				if _, err := os.Stat(path); err != nil {
					t.Errorf("%s:%d: link %q: %v", page, l.line, l.target, err)
					continue
				}
			}
			if frag != "" {
				if !strings.HasSuffix(path, ".md") {
					t.Errorf("%s:%d: link %q: an anchor into a file that is not Markdown", page, l.line, l.target)
				} else if !anchorsOf(path)[frag] {
					t.Errorf("%s:%d: link %q: %s has no heading with anchor #%s", page, l.line, l.target, path, frag)
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no relative links found: the link pattern is broken")
	}
}

// TestDocsLinkedFromReadme checks that every docs/*.md page is reachable
// from the README.
func TestDocsLinkedFromReadme(t *testing.T) {
	linked := map[string]bool{}
	for _, l := range markdownLinks(t, "README.md") {
		target, _, _ := strings.Cut(l.target, "#")
		linked[filepath.Clean(target)] = true
	}
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if !linked[p] {
			t.Errorf("README.md does not link %s", p)
		}
	}
}

func TestHeadingAnchor(t *testing.T) {
	for heading, want := range map[string]string{
		"Quick start":                "quick-start",
		"The explorer (`/explore/`)": "the-explorer-explore",
		"Importing from NVivo, ATLAS.ti, MAXQDA, QualCoder (REFI-QDA)": "importing-from-nvivo-atlasti-maxqda-qualcoder-refi-qda",
		"Automatic coding: `policykb autocode`":                        "automatic-coding-policykb-autocode",
		"Results: tier M (300 cities, 3,000 documents)":                "results-tier-m-300-cities-3000-documents",
		"Frames: 政策工具":                                                 "frames-政策工具",
	} {
		if got := headingAnchor(heading); got != want {
			t.Errorf("headingAnchor(%q) = %q, want %q", heading, got, want)
		}
	}
}

type mdLink struct {
	line   int
	target string
}

var linkPattern = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// markdownLinks returns the relative link targets of a Markdown file outside
// fenced code blocks and code spans.
func markdownLinks(t *testing.T, path string) []mdLink {
	t.Helper()
	var links []mdLink
	eachLine(t, path, func(n int, line string, fenced bool) {
		if fenced {
			return
		}
		for _, m := range linkPattern.FindAllStringSubmatch(stripCodeSpans(line), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			links = append(links, mdLink{n, target})
		}
	})
	return links
}

// headingAnchors returns the anchors GitHub gives the headings of a Markdown
// file: the second heading with the same anchor gets "-1", and so on.
func headingAnchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	seen := map[string]int{}
	anchors := map[string]bool{}
	eachLine(t, path, func(_ int, line string, fenced bool) {
		if fenced {
			return
		}
		text, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") || len(line)-len(strings.TrimLeft(line, "#")) > 6 {
			return
		}
		a := headingAnchor(text)
		if n := seen[a]; n > 0 {
			anchors[a+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	})
	return anchors
}

// headingAnchor is GitHub's anchor of a heading: lower case, punctuation
// other than '-' and '_' dropped, spaces made '-'.
func headingAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-', r == '_', unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func eachLine(t *testing.T, path string, f func(n int, line string, fenced bool)) {
	t.Helper()
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	fenced := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		f(n, line, fenced)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

var codeSpan = regexp.MustCompile("`[^`]*`")

func stripCodeSpans(line string) string { return codeSpan.ReplaceAllString(line, "``") }
