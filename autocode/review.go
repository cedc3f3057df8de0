package autocode

import (
	"cmp"
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/graph"
)

// ReviewOptions select the automatic codings to review.
type ReviewOptions struct {
	// Coder is the automatic coder.
	Coder string
	// Below keeps the codings whose confidence is below it (1.01: all).
	Below float64
	// Reviewer fills the coder column: loading the reviewed file back makes
	// the kept rows that reviewer's (human) codings.
	Reviewer string
	Filter   policykb.CorpusFilter
}

// ReviewColumns are the review file's columns: the codings CSV that
// `policykb load --codings` reads (document_id, quote, code_id, coder,
// occurrence), then confidence, code_name and note, which the loader
// ignores.
var ReviewColumns = []string{"document_id", "quote", "code_id", "coder", "occurrence", "confidence", "code_name", "note"}

// WriteReview writes the coder's codings below the confidence as a codings
// CSV for review (UTF-8 with a byte-order mark, for Excel), in document
// order, then sentence, then least confident first. The quote is the
// sentence's exact passage in the document text, with its occurrence when
// the passage occurs more than once, so the file loads back exactly. A
// reviewer deletes the rows they reject, corrects code_id where the coder
// was wrong, adds rows it missed, and loads the file as their codings.
// It returns the number of rows written.
func WriteReview(ctx context.Context, store *graph.Store, opt ReviewOptions, w io.Writer) (int, error) {
	if !strings.HasPrefix(opt.Coder, policykb.AutoCoderPrefix) {
		return 0, policykb.InvalidArgument("coder", "review takes an automatic coder (its name begins with %q), got %q", policykb.AutoCoderPrefix, opt.Coder)
	}
	codes, err := store.StudyCodes(ctx, opt.Filter.Study)
	if err != nil {
		return 0, err
	}
	names := map[string]string{}
	for _, c := range codes {
		names[c.ID] = strings.TrimSpace(c.Name + " " + c.NameZh)
	}
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ReviewColumns); err != nil {
		return 0, err
	}
	n := 0
	f := opt.Filter
	f.Coders = []string{opt.Coder}
	err = store.EachCodingDocument(ctx, graph.CodingDocumentsQuery{Filter: f, Codings: true}, 0, func(batch []graph.CodingDocument) error {
		var ids []string
		for _, d := range batch {
			ids = append(ids, d.Document.ID)
		}
		texts, err := store.DocumentTexts(ctx, ids)
		if err != nil {
			return err
		}
		for _, d := range batch {
			text := []rune(texts[d.Document.ID])
			at := map[string]policykb.Sentence{}
			for _, st := range d.Sentences {
				at[st.ID] = st
			}
			var kept []policykb.Coding
			for _, c := range d.Codings {
				if c.Coder == opt.Coder && c.Origin == policykb.OriginAuto && c.Confidence != nil && *c.Confidence < opt.Below {
					kept = append(kept, c)
				}
			}
			slices.SortFunc(kept, func(a, b policykb.Coding) int {
				return cmp.Or(cmp.Compare(at[a.SentenceID].Index, at[b.SentenceID].Index), cmp.Compare(*a.Confidence, *b.Confidence),
					strings.Compare(a.CodeID, b.CodeID))
			})
			for _, c := range kept {
				st := at[c.SentenceID]
				if st.End > len(text) || st.Start >= st.End {
					continue
				}
				quote := string(text[st.Start:st.End])
				occ := ""
				if k, all := occurrenceOf(string(text), quote, st.Start); all > 1 {
					occ = strconv.Itoa(k)
				}
				row := []string{d.Document.ID, quote, c.CodeID, opt.Reviewer, occ,
					strconv.FormatFloat(*c.Confidence, 'f', 3, 64), names[c.CodeID], ""}
				if err := cw.Write(row); err != nil {
					return err
				}
				n++
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// occurrenceOf returns which non-overlapping occurrence (1-based, leftmost
// first, as the loader counts them) of quote in text starts at the code
// point start, and how many there are.
func occurrenceOf(text, quote string, start int) (k, all int) {
	byteStart := len(string([]rune(text)[:start]))
	for pos := 0; ; {
		i := strings.Index(text[pos:], quote)
		if i < 0 {
			return k, all
		}
		all++
		if pos+i == byteStart {
			k = all
		}
		pos += i + len(quote)
	}
}
