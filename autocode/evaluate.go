package autocode

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/policykb/policykb"
	"github.com/policykb/policykb/analysis"
)

// Report is an evaluation of a candidate coder against a reference coder
// at every level of the coding scheme, in the shape `policykb autocode
// evaluate --json` prints.
type Report struct {
	Reference string        `json:"reference"`
	Candidate string        `json:"candidate"`
	How       string        `json:"how"`
	Documents int           `json:"documents"`
	Levels    []LevelReport `json:"levels"`
}

// LevelReport is one level of a Report.
type LevelReport struct {
	Level          string       `json:"level"`
	Units          int          `json:"units"`
	MacroPrecision float64      `json:"macroPrecision"`
	MacroRecall    float64      `json:"macroRecall"`
	MacroF1        float64      `json:"macroF1"`
	Pooled         TableReport  `json:"pooled"`
	Coded          TableReport  `json:"coded"`
	ByCode         []CodeReport `json:"byCode"`
}

// TableReport is an agreement table with its measures; the candidate is
// measured against the reference.
type TableReport struct {
	Precision        float64 `json:"precision"`
	Recall           float64 `json:"recall"`
	F1               float64 `json:"f1"`
	Kappa            float64 `json:"kappa"`
	Holsti           float64 `json:"holsti"`
	PercentAgreement float64 `json:"percentAgreement"`
	Both             int     `json:"both"`
	OnlyReference    int     `json:"onlyReference"`
	OnlyCandidate    int     `json:"onlyCandidate"`
	Neither          int     `json:"neither"`
}

// CodeReport is one code's table.
type CodeReport struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameZh string `json:"nameZh,omitempty"`
	TableReport
}

func tableReport(t analysis.AgreementTable) TableReport {
	return TableReport{Precision: t.Precision(), Recall: t.Recall(), F1: t.F1(), Kappa: t.Kappa(), Holsti: t.Holsti(),
		PercentAgreement: t.PercentAgreement(), Both: t.Both, OnlyReference: t.OnlyA, OnlyCandidate: t.OnlyB, Neither: t.Neither}
}

// NewReport builds a report from evaluations (one per level).
func NewReport(reference, candidate, how string, documents int, codes []policykb.Code, evs []analysis.Evaluation) Report {
	scheme := analysis.NewScheme(codes)
	r := Report{Reference: reference, Candidate: candidate, How: how, Documents: documents}
	for _, e := range evs {
		lr := LevelReport{Level: e.Level.String(), Units: e.Units, MacroPrecision: e.MacroPrecision(), MacroRecall: e.MacroRecall(),
			MacroF1: e.MacroF1(), Pooled: tableReport(e.Pooled), Coded: tableReport(e.Coded), ByCode: []CodeReport{}}
		for _, c := range e.ByCode {
			code, _ := scheme.Code(c.CodeID)
			lr.ByCode = append(lr.ByCode, CodeReport{Code: c.CodeID, Name: code.Name, NameZh: code.NameZh, TableReport: tableReport(c.AgreementTable)})
		}
		r.Levels = append(r.Levels, lr)
	}
	return r
}

// EvaluateUnits compares candidate with reference on units at every level.
func EvaluateUnits(codes []policykb.Code, units []string, reference, candidate map[string][]string) []analysis.Evaluation {
	scheme := analysis.NewScheme(codes)
	var out []analysis.Evaluation
	for _, l := range scheme.Levels() {
		out = append(out, analysis.Evaluate(scheme, l, units, reference, candidate))
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as tables: a summary line per level, then
// per level the codes either coder used.
func (r Report) WriteText(w io.Writer, perCode bool) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "%s against %s (%s): %d documents\n\n", r.Candidate, r.Reference, r.How, r.Documents)
	fmt.Fprintln(tw, "level\tunits\tkappa\tHolsti\tprecision\trecall\tF1\tmacro-F1\tcoded/uncoded kappa\t")
	for _, l := range r.Levels {
		if p := l.Pooled; p.Both+p.OnlyReference+p.OnlyCandidate == 0 {
			// Kappa is 1 by definition when neither coded anything: say so.
			fmt.Fprintf(tw, "%s\t%d\t—\t—\t—\t—\t—\t—\t—\t(neither coded at this level)\n", l.Level, l.Units)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", l.Level, l.Units, l.Pooled.Kappa, l.Pooled.Holsti,
			l.Pooled.Precision, l.Pooled.Recall, l.Pooled.F1, l.MacroF1, l.Coded.Kappa)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !perCode {
		return nil
	}
	for _, l := range r.Levels {
		fmt.Fprintf(w, "\n%s\n", l.Level)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "code\tname\tboth\tonly reference\tonly candidate\tprecision\trecall\tF1\tkappa")
		for _, c := range l.ByCode {
			name := c.Name
			if c.NameZh != "" {
				name += " " + c.NameZh
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\n", c.Code, truncate(name, 48), c.Both, c.OnlyReference,
				c.OnlyCandidate, c.Precision, c.Recall, c.F1, c.Kappa)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
