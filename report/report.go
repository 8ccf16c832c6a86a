// Package report renders check results in the formats people and pipelines
// use. The JSON shape (check.schema.json) is a documented contract.
package report

import (
	_ "embed"
	"sort"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// CheckSchemaVersion versions the JSON output of `ogi check` (1.1: status
// and unreadable; 1.2: coverage, indicators, scoring_profile, rubric,
// score_why, the ledger's indicator and advisory findings).
const CheckSchemaVersion = "1.2.0"

//go:embed check.schema.json
var checkSchema []byte

// CheckSchema returns the JSON Schema of the `ogi check --format json` output.
func CheckSchema() []byte { return checkSchema }

// Report statuses (FileReport.Status).
const (
	// StatusChecked is a report that was converted and checked; its score
	// may still be null (ScoreReason says why).
	StatusChecked = "checked"
	// StatusUnreadable is an input that gave no report to check: it could
	// not be read or converted, or it holds no report (a scan, an empty
	// file, a text that is not an annual report). It has no findings and
	// no score, and is neither ranked nor counted in cohort statistics.
	StatusUnreadable = "unreadable"
)

// Unreadable codes beside ingest's (no_text, empty, not_a_report).
const (
	// UnreadableInput is a file that could not be opened or converted
	// (missing, unsupported, corrupt, too large); Error has the detail.
	UnreadableInput = "input"
	// UnreadableTimeout is a report whose conversion or checking took
	// longer than the time limit.
	UnreadableTimeout = "timeout"
)

// Unreadable says why an input gave no report to check.
type Unreadable struct {
	// Code is no_text, empty or not_a_report (the file holds no report),
	// input or timeout.
	Code   string      `json:"code"`
	Reason engine.Text `json:"reason"`
}

// FileReport is the result for one input file.
type FileReport struct {
	File string `json:"file"`
	// Status is StatusChecked or StatusUnreadable.
	Status   string  `json:"status"`
	Agency   string  `json:"agency"`
	Year     *int    `json:"year"`
	Template *string `json:"template"`
	// Score is null when the report could not be evaluated (ScoreReason says
	// why) or the file could not be read (Error says why).
	Score       *float64 `json:"score"`
	Grade       string   `json:"grade"`
	ScoreReason string   `json:"score_reason,omitempty"`
	// ScoreWhy is ScoreReason in both languages, for the outputs.
	ScoreWhy *engine.Text         `json:"score_why,omitempty"`
	Ledger   []engine.LedgerEntry `json:"ledger"`
	// ScoringProfile names the profile that scored the report, Rubric the
	// body type whose rubric applied, Indicators what each indicator cost
	// and Coverage how much of the tables could be evaluated.
	ScoringProfile string                  `json:"scoring_profile,omitempty"`
	Rubric         string                  `json:"rubric,omitempty"`
	Indicators     []engine.IndicatorScore `json:"indicators,omitempty"`
	Coverage       *engine.Coverage        `json:"coverage,omitempty"`
	Findings       []engine.Finding        `json:"findings"`
	Rules          []engine.RuleResult     `json:"rules"`
	Counts         Counts                  `json:"counts"`
	// Error is set when the input could not be read or converted, or
	// holds no report; Unreadable says which, in both languages.
	Error      string      `json:"error,omitempty"`
	Unreadable *Unreadable `json:"unreadable,omitempty"`
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
	// Reviews are the findings by the office's decisions. They are kept
	// out of the JSON, whose findings carry each decision: the outputs
	// that summarise a report (the CSV, the dashboard) read them here, as
	// a batch gives those outputs the counts without the findings.
	Reviews ReviewCounts `json:"-"`
}

// ReviewCounts tallies a report's findings by the office's decision.
type ReviewCounts struct {
	// Confirmed, Dismissed, Rectify and Rectified count the findings with
	// that verdict; Reopened those whose cells changed since the decision.
	Confirmed, Dismissed, Rectify, Rectified, Reopened int
	// Unreviewed counts the findings an office has to decide on (failing
	// or needing review, not waived) that have no decision yet.
	Unreviewed int
}

// Verified counts the findings the office found to hold (已核实):
// confirmed, sent for 整改 or rectified.
func (r ReviewCounts) Verified() int { return r.Confirmed + r.Rectify + r.Rectified }

// Open counts the findings still to decide on (待核实): those without a
// decision and those reopened.
func (r ReviewCounts) Open() int { return r.Unreviewed + r.Reopened }

// Add sums two tallies, for a batch's.
func (r ReviewCounts) Add(o ReviewCounts) ReviewCounts {
	return ReviewCounts{Confirmed: r.Confirmed + o.Confirmed, Dismissed: r.Dismissed + o.Dismissed, Rectify: r.Rectify + o.Rectify,
		Rectified: r.Rectified + o.Rectified, Reopened: r.Reopened + o.Reopened, Unreviewed: r.Unreviewed + o.Unreviewed}
}

// CountReviews tallies findings by their decisions.
func CountReviews(fs []engine.Finding) ReviewCounts {
	var c ReviewCounts
	for _, f := range fs {
		if f.Review == nil {
			if !f.Waived && (f.Status == engine.StatusFail || f.Status == engine.StatusNeedsReview) {
				c.Unreviewed++
			}
			continue
		}
		switch f.Review.Verdict {
		case engine.VerdictConfirmed:
			c.Confirmed++
		case engine.VerdictDismissed:
			c.Dismissed++
		case engine.VerdictRectify:
			c.Rectify++
		case engine.VerdictRectified:
			c.Rectified++
		default:
			// Reopened, or a verdict this version does not know: either
			// way still to decide on.
			c.Reopened++
		}
	}
	return c
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
	fr := FileReport{File: file, Status: StatusChecked, Document: doc, Score: score.Value, Grade: score.Grade,
		ScoreReason: score.Reason, ScoreWhy: score.Why, Ledger: score.Ledger, Findings: res.Findings, Rules: res.Rules,
		ScoringProfile: score.Profile, Rubric: score.Rubric, Indicators: score.Indicators, Coverage: score.Coverage}
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

// NewUnreadableReport is the report of an input that gave no report to
// check: no findings, no score, the reason in both languages and detail
// (the error as it was raised) in Error, and the grade 无法评定.
func NewUnreadableReport(file, code string, reason engine.Text, detail string) FileReport {
	return FileReport{File: file, Status: StatusUnreadable, Grade: engine.GradeNone, Error: detail, Unreadable: &Unreadable{Code: code, Reason: reason},
		Findings: []engine.Finding{}, Ledger: []engine.LedgerEntry{}, Rules: []engine.RuleResult{}}
}

// IsUnreadable tells whether the report is of an input that gave no report
// to check. Results kept by older versions have no status: an error says.
func (fr FileReport) IsUnreadable() bool {
	return fr.Status == StatusUnreadable || fr.Error != ""
}

// UnreadableReason says in lang why the input gave no report: the reason
// for a file that holds none; for one that could not be opened or
// converted, in English the error itself (its detail is the useful part),
// in Chinese the reason, since the error is the converter's own English
// (pdfinfo: exit status 1); the JSON output keeps it in error.
func (fr FileReport) UnreadableReason(lang string) string {
	u := fr.Unreadable
	if u != nil && u.Code != UnreadableInput && u.Code != UnreadableTimeout {
		return u.Reason.Pick(lang)
	}
	if lang != "en" {
		reason := "文件无法打开或转换"
		if u != nil && u.Reason.Zh != "" {
			reason = u.Reason.Zh
		}
		if zh := inputErrorZh(fr.Error); zh != "" {
			reason += "：" + zh
		}
		return reason
	}
	return fr.Error
}

// UnreadableLabel is the word an officer reads for a report that gave no
// result: 检查超时 when the time limit stopped it (the file may be a real
// report: raise --timeout or look at the rule named in the reason), 无法读取
// otherwise.
func (fr FileReport) UnreadableLabel(lang string) string {
	if u := fr.Unreadable; u != nil && u.Code == UnreadableTimeout {
		return pick(lang, "检查超时", "timed out")
	}
	return pick(lang, "无法读取", "unreadable")
}

// CountFindings tallies findings.
func CountFindings(fs []engine.Finding) Counts {
	c := Counts{Reviews: CountReviews(fs)}
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
