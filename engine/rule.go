package engine

import (
	"bytes"
	"fmt"
	"slices"
)

// Rule is one loaded rule with its metadata, whatever its language.
type Rule struct {
	ID          string   `json:"id" yaml:"id"`
	Title       Text     `json:"title" yaml:"title"`
	Description string   `json:"description" yaml:"description"`
	Severity    string   `json:"severity" yaml:"severity"`
	Category    string   `json:"category" yaml:"category"`
	Points      float64  `json:"points" yaml:"points"`
	Templates   []string `json:"templates" yaml:"templates"`
	Reference   string   `json:"reference" yaml:"reference"`
	Remediation string   `json:"remediation" yaml:"remediation"`
	// Lang is "cel" or "rego".
	Lang string `json:"lang"`
	// File and Line say where the rule is defined.
	File string `json:"file"`
	Line int    `json:"line"`

	impl evaluator
	// related is set for a rule whose expressions may read what a batch
	// knows beyond the document (prev, preq, pact, has_prev, similarity):
	// a batch evaluates it once it knows last year's report and the peers,
	// and every other rule while the document is still in memory.
	related bool
}

// ReadsRelated tells whether the rule may read what a batch knows beyond
// the document: last year's report or the peers (Related). The test is by
// name over the rule's expressions, so it errs only towards true.
func (r *Rule) ReadsRelated() bool { return r.related }

// relatedNames are the CEL variables of Related, and what their names
// start with (prev covers has_prev and previous).
var relatedNames = [][]byte{[]byte("prev"), []byte("preq"), []byte("pact"), []byte("similarity")}

// mentionsRelated says whether an expression's source, or its checked form
// as the cache keeps it (names are stored as they are), names a variable of
// Related. A word in a string literal counts too: that costs only a later
// evaluation, never a wrong result.
func mentionsRelated(b []byte) bool {
	for _, n := range relatedNames {
		if bytes.Contains(b, n) {
			return true
		}
	}
	return false
}

// evaluator is a compiled rule.
type evaluator interface {
	eval(dc *docContext) RuleResult
}

// Pos is a position in a rule file, for load errors.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// LoadError is a rule that cannot be loaded, with where and why.
type LoadError struct {
	Pos    Pos
	RuleID string
	Msg    string
}

func (e *LoadError) Error() string {
	if e.RuleID != "" {
		return fmt.Sprintf("%s: rule %s: %s", e.Pos, e.RuleID, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
}

// validate checks the metadata every rule must have.
func (r *Rule) validate() error {
	var missing []string
	if r.ID == "" {
		missing = append(missing, "id")
	}
	if r.Title.Zh == "" || r.Title.En == "" {
		missing = append(missing, "title.zh and title.en")
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %v", missing)
	}
	switch r.Severity {
	case SeverityError, SeverityWarning, SeverityInfo:
	default:
		return fmt.Errorf("severity %q must be error, warning or info", r.Severity)
	}
	if !slices.Contains(Categories, r.Category) {
		return fmt.Errorf("category %q must be one of %v", r.Category, Categories)
	}
	if r.Points < 0 {
		return fmt.Errorf("points %v must not be negative", r.Points)
	}
	if len(r.Templates) == 0 {
		return fmt.Errorf("templates must list 2019, 2021 or both")
	}
	for _, t := range r.Templates {
		if t != "2019" && t != "2021" {
			return fmt.Errorf("template %q must be 2019 or 2021", t)
		}
	}
	return nil
}

// AppliesTo reports whether the rule is for the given template.
func (r *Rule) AppliesTo(template string) bool {
	return template == "" || slices.Contains(r.Templates, template)
}
