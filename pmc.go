package policykb

import "fmt"

// PMCModel is a Policy Modeling Consistency model (Ruiz Estrada 2011):
// primary variables X1…Xn, each the mean of its 0/1 secondary variables;
// PMC = ΣXi, from 0 to n; the depression index is n − PMC.
//
// Contract (from loaders.ParsePMCModel): at least one primary variable,
// each with at least one secondary variable; variable ids unique across
// both levels; every secondary has exactly one rule whose codes and
// attribute exist; Grades cover [0, n] without gap or overlap, sorted by
// Min ascending.
type PMCModel struct {
	ID          string
	Name        string
	NameZh      string
	Description string
	Source      string
	Variables   []PMCVariable
	Grades      []PMCGrade
}

// PMCVariable is a primary variable Xi.
type PMCVariable struct {
	ID        string // X1, X2, ...
	Name      string
	NameZh    string
	Secondary []PMCSecondary
}

// PMCSecondary is a secondary variable Xi:j, scored 0 or 1 by its Rule.
type PMCSecondary struct {
	ID          string // X1:1, ...
	Name        string
	NameZh      string
	Description string
	Rule        PMCRule
	Line        int // in the model file, 0 when not read from a file
}

// PMCRuleKind says where a secondary score comes from.
type PMCRuleKind int

// The three kinds of scoring rule.
const (
	// RuleCodings: 1 when at least AtLeast distinct sentences of the
	// document are coded at one of Codes or at a code below one of them, in
	// any frame, directly or derived through a mapping.
	RuleCodings PMCRuleKind = iota + 1
	// RuleAttribute: 1 when the document attribute Attribute is one of In,
	// or (numeric attributes) a number within [Min, Max]; nil bounds do not
	// bound. A document without the attribute scores 0.
	RuleAttribute
	// RuleManual: the score and its note come from a manual-scores file;
	// Manual says what the reader checks.
	RuleManual
)

var ruleKindNames = map[PMCRuleKind]string{RuleCodings: "codings", RuleAttribute: "attribute", RuleManual: "manual"}

// String returns the rule's key in a model file: codings, attribute, manual.
func (k PMCRuleKind) String() string {
	if s, ok := ruleKindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("PMCRuleKind(%d)", int(k))
}

// PMCRule is how one secondary variable is scored; which fields matter
// depends on Kind.
type PMCRule struct {
	Kind      PMCRuleKind
	Codes     []string // RuleCodings
	AtLeast   int      // RuleCodings, ≥ 1
	Attribute string   // RuleAttribute: one of PMCAttributes
	In        []string // RuleAttribute: the values that score 1
	Min, Max  *float64 // RuleAttribute on a numeric attribute, inclusive
	Manual    string   // RuleManual: what the reader checks
}

// PMCGrade is a band of PMC values with its name: Min ≤ PMC < Max, and the
// top band also holds PMC = Max.
type PMCGrade struct {
	Name     string
	NameZh   string
	Min, Max float64
}

// ManualScore is a reader's score of one secondary variable of one document.
// Note is the evidence: what the reader found, or did not find.
type ManualScore struct {
	Document string
	Variable string // a secondary variable's id
	Score    int    // 0 or 1
	Note     string
	Line     int // in the scores file, 0 when not read from a file
}

// The document attributes a PMC rule can name. How each is derived from a
// document is analysis.DocumentAttributes' contract.
const (
	AttrIssuerLevel   = "issuerLevel"   // government, government-office, department or other
	AttrDocType       = "docType"       // the manifest's doc_type as given
	AttrIssueYear     = "issueYear"     // the year of issuedOn
	AttrValidityYears = "validityYears" // the validity period the text states, in years
	AttrHorizonYears  = "horizonYears"  // how many years past its issue year the text reaches
)

// The values of AttrIssuerLevel.
const (
	IssuerGovernment       = "government"        // a people's government: …人民政府
	IssuerGovernmentOffice = "government-office" // its general office: …人民政府办公室 / 办公厅
	IssuerDepartment       = "department"        // a department or commission: …局, …委, …厅
	IssuerOther            = "other"
)

// PMCAttribute describes a document attribute for model validation.
type PMCAttribute struct {
	Name    string
	Numeric bool     // min and max apply
	Values  []string // the only values it takes, nil when open
}

// PMCAttributes lists every attribute a PMC rule may name.
var PMCAttributes = []PMCAttribute{
	{Name: AttrIssuerLevel, Values: []string{IssuerGovernment, IssuerGovernmentOffice, IssuerDepartment, IssuerOther}},
	{Name: AttrDocType},
	{Name: AttrIssueYear, Numeric: true},
	{Name: AttrValidityYears, Numeric: true},
	{Name: AttrHorizonYears, Numeric: true},
}
