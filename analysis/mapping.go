package analysis

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/policykb/policykb"
)

// Decision is what a mapping does with sentences coded at one source code,
// under the most-specific-wins rule of policykb.Mapping.
type Decision struct {
	// By is the code whose entries or exclusion decided: the code itself or
	// its nearest ancestor with a decision; "" when nothing on the path
	// decides (the code is uncovered).
	By string
	// Entries are the indices into Mapping.Entries that apply (all entries
	// naming By, in file order); empty when excluded or uncovered.
	Entries []int
	// Excluded is true when By is named in Mapping.Excluded.
	Excluded bool
}

// Resolve returns the decision for every code of the source frame. The
// mapping must satisfy policykb.Mapping's contract for this frame.
func Resolve(m policykb.Mapping, source policykb.Frame) map[string]Decision {
	entries := map[string][]int{}
	for i, e := range m.Entries {
		entries[e.Code] = append(entries[e.Code], i)
	}
	excluded := map[string]bool{}
	for _, x := range m.Excluded {
		excluded[x.Code] = true
	}
	parents := source.Parents()
	out := make(map[string]Decision, len(source.Codes))
	for _, c := range source.Codes {
		var d Decision
		// The frame's contract rules out cycles; the bound guards a frame
		// built by hand that breaks it.
		for id, steps := c.ID, 0; id != "" && steps <= len(source.Codes); id, steps = parents[id], steps+1 {
			if es, ok := entries[id]; ok {
				d = Decision{By: id, Entries: es}
				break
			}
			if excluded[id] {
				d = Decision{By: id, Excluded: true}
				break
			}
		}
		out[c.ID] = d
	}
	return out
}

// Uncovered returns the leaves of the source frame (codes without children)
// that no entry or exclusion on their path decides, in frame order. A
// complete mapping returns none.
func Uncovered(m policykb.Mapping, source policykb.Frame) []string {
	hasChild := map[string]bool{}
	for _, c := range source.Codes {
		hasChild[c.Parent] = true
	}
	dec := Resolve(m, source)
	var out []string
	for _, c := range source.Codes {
		if !hasChild[c.ID] && dec[c.ID].By == "" {
			out = append(out, c.ID)
		}
	}
	return out
}

// DerivedCoding is one sentence coded at one target code through a mapping.
type DerivedCoding struct {
	SentenceID string
	Code       string // a code of the target frame
	Via        []Via  // every source coding and entry that yields Code, sorted by Coded then Entry
}

// Via is one way a derived coding arises: the sentence is coded at Coded in
// the source frame, and the mapping entry Entry (an index into
// Mapping.Entries, naming EntryCode: Coded or an ancestor) decides it.
type Via struct {
	Coded     string
	Entry     int
	EntryCode string
}

// Derive returns the codings a mapping derives from source codings: coded
// maps a sentence id to the codes it is coded at (codes outside the source
// frame are ignored, so codes of several frames may be passed). A sentence
// gets one DerivedCoding per distinct target code, however many of its
// source codes yield it. The result is sorted by sentence (document, then
// sentence index, for ids made by policykb.SentenceID) and target code.
func Derive(m policykb.Mapping, source policykb.Frame, coded map[string][]string) []DerivedCoding {
	dec := Resolve(m, source)
	var out []DerivedCoding
	for sid, codes := range coded {
		byTarget := map[string][]Via{}
		for _, code := range codes {
			for _, i := range dec[code].Entries {
				to := m.Entries[i].To
				v := Via{Coded: code, Entry: i, EntryCode: m.Entries[i].Code}
				if !slices.Contains(byTarget[to], v) {
					byTarget[to] = append(byTarget[to], v)
				}
			}
		}
		for to, via := range byTarget {
			slices.SortFunc(via, func(a, b Via) int {
				return cmp.Or(strings.Compare(a.Coded, b.Coded), cmp.Compare(a.Entry, b.Entry))
			})
			out = append(out, DerivedCoding{SentenceID: sid, Code: to, Via: via})
		}
	}
	slices.SortFunc(out, func(a, b DerivedCoding) int {
		return cmp.Or(CompareSentenceIDs(a.SentenceID, b.SentenceID), strings.Compare(a.Code, b.Code))
	})
	return out
}

// CompareSentenceIDs orders sentence ids made by policykb.SentenceID by
// document id, then by index as a number (d01#2 before d01#10); ids
// without a numeric index after the last '#' sort as plain strings.
func CompareSentenceIDs(a, b string) int {
	da, ia, okA := splitSentenceID(a)
	db, ib, okB := splitSentenceID(b)
	if !okA || !okB {
		return strings.Compare(a, b)
	}
	return cmp.Or(strings.Compare(da, db), cmp.Compare(ia, ib))
}

func splitSentenceID(id string) (string, int, bool) {
	i := strings.LastIndexByte(id, '#')
	if i < 0 {
		return id, 0, false
	}
	n, err := strconv.Atoi(id[i+1:])
	return id[:i], n, err == nil
}
