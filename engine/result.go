// Package engine loads declarative rules (CEL in YAML, Rego modules), compiles
// them once, evaluates them against canonical documents, and scores the
// result. Both languages produce the same result model.
package engine

import "github.com/ogi-checker/ogi/schema"

// Rule outcome statuses.
const (
	StatusPass           = "pass"
	StatusFail           = "fail"
	StatusNotApplicable  = "not_applicable"
	StatusCannotEvaluate = "cannot_evaluate"
	StatusError          = "error"
	// StatusNeedsReview marks a failing check that involves a cell the
	// converter was not sure of (low confidence or ambiguous): a person
	// should look before it counts as an error.
	StatusNeedsReview = "needs_review"
)

// ReviewConfidence is the confidence below which a cell makes a failing
// check "needs_review" instead of a failure.
const ReviewConfidence = 0.95

// Severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Categories of rules.
var Categories = []string{"structure", "completeness", "arithmetic", "consistency", "timeliness", "content"}

// Text is a message in both languages.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Pick returns the text in the language asked for ("en" or anything else
// for Chinese), falling back to the other one when empty.
func (t Text) Pick(lang string) string {
	if lang == "en" && t.En != "" || t.Zh == "" {
		return t.En
	}
	return t.Zh
}

// CellRef is a table cell a finding points at, with what the document says
// about it, so that a reader can check the finding against the source.
type CellRef struct {
	Table  string   `json:"table"`
	Row    string   `json:"row"`
	Col    string   `json:"col"`
	Value  *float64 `json:"value"`
	Raw    string   `json:"raw"`
	Status string   `json:"status"`
	// Confidence is the converter's confidence in the cell.
	Confidence float64 `json:"confidence"`
	// Candidates are the possible values of an ambiguous cell.
	Candidates []float64   `json:"candidates,omitempty"`
	Source     *schema.Loc `json:"source,omitempty"`
	// Pointer is the JSON Pointer of the cell in the canonical document.
	Pointer string `json:"pointer"`
}

// Address names the cell the way findings, fixtures and outputs print it:
// requests.granted.total.
func (c CellRef) Address() string { return c.Table + "." + c.Row + "." + c.Col }

// Finding is one thing a rule found wrong (or could not check).
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Category string `json:"category"`
	// Status is "fail", "needs_review" (a failure involving an uncertain
	// cell), "cannot_evaluate", or "error" when the rule broke.
	Status  string    `json:"status"`
	Message Text      `json:"message"`
	Cells   []CellRef `json:"cells"`
	// Expected and Actual are set by arithmetic rules: Actual is what the
	// document says, Expected what the identity requires.
	Expected *float64 `json:"expected,omitempty"`
	Actual   *float64 `json:"actual,omitempty"`
	// Item is the for_each element the finding belongs to (a column id…).
	Item string `json:"item,omitempty"`
	// Pointer is a JSON Pointer into the canonical document.
	Pointer string `json:"pointer,omitempty"`
	// Source is where in the input the finding points (first cell, section…).
	Source *schema.Loc `json:"source,omitempty"`
	// Waived is set by callers that apply waivers; WaiverReason says why.
	Waived       bool   `json:"waived,omitempty"`
	WaiverReason string `json:"waiver_reason,omitempty"`
	// ID identifies the finding across runs (FindingID); set by callers
	// that know the report's body and year.
	ID string `json:"id,omitempty"`
	// Review is the office's decision about the finding, when one was
	// recorded (a dismissed finding is also Waived: it costs nothing).
	Review *Review `json:"review,omitempty"`
	// Advisory is set by scoring on a finding its profile shows without
	// deducting it (a rule listed under advisory).
	Advisory bool `json:"advisory,omitempty"`
}

// RuleResult is the outcome of one rule on one document.
type RuleResult struct {
	Rule     string    `json:"rule"`
	Status   string    `json:"status"`
	Findings []Finding `json:"findings,omitempty"`
	// Error explains a status of "error".
	Error string `json:"error,omitempty"`
}

// Result is the evaluation of one document.
type Result struct {
	Rules    []RuleResult `json:"rules"`
	Findings []Finding    `json:"findings"`
}
