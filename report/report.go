// Package report renders check results in the formats people and pipelines
// use. The JSON shape (check.schema.json) is a documented contract.
package report

import (
	_ "embed"
	"sort"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// CheckSchemaVersion versions the JSON output of `ogi check`.
const CheckSchemaVersion = "1.0.0"

//go:embed check.schema.json
var checkSchema []byte

// CheckSchema returns the JSON Schema of the `ogi check --format json` output.
func CheckSchema() []byte { return checkSchema }

// FileReport is the result for one input file.
type FileReport struct {
	File     string  `json:"file"`
	Agency   string  `json:"agency"`
	Year     *int    `json:"year"`
	Template *string `json:"template"`
	// Score is null when the report could not be evaluated (ScoreReason says
	// why) or the file could not be read (Error says why).
	Score       *float64             `json:"score"`
	Grade       string               `json:"grade"`
	ScoreReason string               `json:"score_reason,omitempty"`
	Ledger      []engine.LedgerEntry `json:"ledger"`
	Findings    []engine.Finding     `json:"findings"`
	Rules       []engine.RuleResult  `json:"rules"`
	Counts      Counts               `json:"counts"`
	// Error is set when the input could not be read or converted.
	Error string `json:"error,omitempty"`
	// Document is the converted report, for renderers that show tables; it
	// is not part of the JSON output.
	Document *schema.Document `json:"-"`
	// Grid is the tables in compact form for the batch dashboard; it is not
	// part of the JSON output.
	Grid *Grid `json:"-"`
}

// Counts tallies findings by severity and status.
type Counts struct {
	Error          int `json:"error"`
	Warning        int `json:"warning"`
	Info           int `json:"info"`
	CannotEvaluate int `json:"cannot_evaluate"`
	NeedsReview    int `json:"needs_review"`
	Waived         int `json:"waived"`
}

// CheckOutput is the whole `ogi check` result.
type CheckOutput struct {
	SchemaVersion string       `json:"schema_version"`
	Tool          Tool         `json:"tool"`
	Reports       []FileReport `json:"reports"`
	// Warnings concern the run: expired or invalid waivers, overridden rules.
	Warnings []string `json:"warnings,omitempty"`
}

// Tool names the program and the rules that produced the output.
type Tool struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	RulePack string `json:"rule_pack,omitempty"`
}

// NewFileReport assembles a file's report from its evaluation. Findings are
// sorted so that the same input always gives the same bytes.
func NewFileReport(file string, doc *schema.Document, res *engine.Result, score engine.Score) FileReport {
	fr := FileReport{File: file, Document: doc, Score: score.Value, Grade: score.Grade,
		ScoreReason: score.Reason, Ledger: score.Ledger, Findings: res.Findings, Rules: res.Rules}
	if doc != nil {
		fr.Agency, fr.Year, fr.Template = doc.Meta.Agency, doc.Meta.Year, doc.Meta.Template
	}
	if fr.Findings == nil {
		fr.Findings = []engine.Finding{}
	}
	SortFindings(fr.Findings)
	fr.Counts = CountFindings(fr.Findings)
	return fr
}

// CountFindings tallies findings.
func CountFindings(fs []engine.Finding) Counts {
	var c Counts
	for _, f := range fs {
		if f.Waived {
			c.Waived++
			continue
		}
		switch f.Status {
		case engine.StatusCannotEvaluate:
			c.CannotEvaluate++
		case engine.StatusNeedsReview:
			c.NeedsReview++
		}
		switch f.Severity {
		case engine.SeverityError:
			c.Error++
		case engine.SeverityWarning:
			c.Warning++
		default:
			c.Info++
		}
	}
	return c
}

var severityRank = map[string]int{engine.SeverityError: 0, engine.SeverityWarning: 1, engine.SeverityInfo: 2}

// SortFindings orders findings by place in the report (group), severity,
// rule and item.
func SortFindings(fs []engine.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		ga, gb := groupOrder(Group(a)), groupOrder(Group(b))
		if ga != gb {
			return ga < gb
		}
		if severityRank[a.Severity] != severityRank[b.Severity] {
			return severityRank[a.Severity] < severityRank[b.Severity]
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Item < b.Item
	})
}

// Group is where a finding belongs in the report: a section or table id,
// or "report" for findings about the report as a whole.
func Group(f engine.Finding) string {
	if len(f.Cells) > 0 {
		t := f.Cells[0].Table
		if len(t) > 7 && t[:7] == "active." {
			return "active_disclosure"
		}
		return t
	}
	for _, s := range schema.Sections {
		if f.Item == s.ID {
			return s.ID
		}
	}
	switch {
	case len(f.Rule) > 9 && f.Rule[:9] == "requests.":
		return "requests"
	case len(f.Rule) > 7 && f.Rule[:7] == "review.":
		return "review_litigation"
	case len(f.Rule) > 7 && f.Rule[:7] == "active.":
		return "active_disclosure"
	case f.Item == "requests" || f.Item == "review_litigation":
		return f.Item
	case len(f.Item) > 7 && f.Item[:7] == "active.":
		return "active_disclosure"
	}
	return "report"
}

func groupOrder(g string) int {
	switch g {
	case "report":
		return 0
	case "overview":
		return 1
	case "active_disclosure":
		return 2
	case "requests":
		return 3
	case "review_litigation":
		return 4
	case "problems":
		return 5
	case "other_matters":
		return 6
	}
	return 7
}
