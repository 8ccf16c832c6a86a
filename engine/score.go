package engine

import (
	"fmt"
	"math"
	"sort"

	"github.com/ogi-checker/ogi/schema"
)

// ScoreConfig is the 100-point deduction model.
type ScoreConfig struct {
	// Start is the score of a report without findings.
	Start float64 `mapstructure:"start" yaml:"start" json:"start"`
	// CategoryCaps bound the deduction per category, so that one broken
	// table cannot outweigh everything else.
	CategoryCaps map[string]float64 `mapstructure:"category_caps" yaml:"category_caps" json:"category_caps"`
	// RuleCapFactor bounds one rule's deduction to factor × its points, so a
	// rule firing for seven columns costs at most that.
	RuleCapFactor float64 `mapstructure:"rule_cap_factor" yaml:"rule_cap_factor" json:"rule_cap_factor"`
	// CannotEvaluateFactor is the share of a rule's points a cannot_evaluate
	// finding costs (0 by default: completeness rules already charge blanks).
	CannotEvaluateFactor float64 `mapstructure:"cannot_evaluate_factor" yaml:"cannot_evaluate_factor" json:"cannot_evaluate_factor"`
	// Grades are bands from the highest minimum down.
	Grades []Grade `mapstructure:"grades" yaml:"grades" json:"grades"`
}

// Grade is a named score band.
type Grade struct {
	Name string  `mapstructure:"name" yaml:"name" json:"name"`
	Min  float64 `mapstructure:"min" yaml:"min" json:"min"`
}

// DefaultScoreConfig returns the default bands 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60.
func DefaultScoreConfig() ScoreConfig {
	return ScoreConfig{
		Start: 100,
		CategoryCaps: map[string]float64{
			"structure": 20, "completeness": 30, "arithmetic": 40,
			"consistency": 15, "timeliness": 20, "content": 15,
		},
		RuleCapFactor:        2,
		CannotEvaluateFactor: 0,
		Grades: []Grade{
			{Name: "优秀", Min: 90}, {Name: "良好", Min: 80}, {Name: "合格", Min: 60}, {Name: "不合格", Min: math.Inf(-1)},
		},
	}
}

// LedgerEntry says what one finding cost.
type LedgerEntry struct {
	Rule     string  `json:"rule"`
	Item     string  `json:"item,omitempty"`
	Category string  `json:"category"`
	Points   float64 `json:"points"`
	// Note explains a reduced charge (rule or category cap reached).
	Note string `json:"note,omitempty"`
}

// Score is a report's score with its explanation.
type Score struct {
	// Value is nil when the report could not be evaluated; Reason says why.
	Value  *float64           `json:"value"`
	Grade  string             `json:"grade"`
	Reason string             `json:"reason,omitempty"`
	Ledger []LedgerEntry      `json:"ledger"`
	ByCat  map[string]float64 `json:"by_category"`
}

// Unevaluable says why a document cannot be scored: nothing of a report
// was found in it. Such a report gets no score, never 100. "" means it can
// be scored.
func Unevaluable(doc *schema.Document) string {
	if doc == nil {
		return "no document"
	}
	found := 0
	for _, ti := range doc.TableInfo {
		if ti.Status != "missing" {
			found++
		}
	}
	if len(doc.Sections) == 0 && found == 0 {
		return "no section heading and no table of the annual-report format was found"
	}
	return ""
}

// ScoreResult computes the score of doc from its evaluation res. Waived
// findings cost nothing; a document with nothing of a report in it (see
// Unevaluable) or a rule that failed to evaluate gives no score, with the
// reason.
func (e *Engine) ScoreResult(doc *schema.Document, res *Result, cfg ScoreConfig) Score {
	s := Score{Ledger: []LedgerEntry{}, ByCat: map[string]float64{}}
	if why := Unevaluable(doc); why != "" {
		s.Reason = why
		return s
	}
	for _, rr := range res.Rules {
		if rr.Status == StatusError {
			s.Reason = fmt.Sprintf("rule %s could not be evaluated: %s", rr.Rule, rr.Error)
			return s
		}
	}
	perRule := map[string]float64{}
	for _, f := range res.Findings {
		if f.Waived || f.Status == StatusError {
			continue
		}
		r, ok := e.Rule(f.Rule)
		if !ok {
			continue
		}
		pts := r.Points
		if f.Status == StatusCannotEvaluate {
			pts *= cfg.CannotEvaluateFactor
		}
		if pts == 0 {
			continue
		}
		entry := LedgerEntry{Rule: f.Rule, Item: f.Item, Category: r.Category, Points: pts}
		if limit := r.Points * cfg.RuleCapFactor; cfg.RuleCapFactor > 0 && perRule[f.Rule]+pts > limit {
			entry.Points = math.Max(0, limit-perRule[f.Rule])
			entry.Note = fmt.Sprintf("rule cap %g reached", limit)
		}
		if capc, ok := cfg.CategoryCaps[r.Category]; ok && s.ByCat[r.Category]+entry.Points > capc {
			entry.Points = math.Max(0, capc-s.ByCat[r.Category])
			entry.Note = fmt.Sprintf("category cap %g reached", capc)
		}
		perRule[f.Rule] += entry.Points
		s.ByCat[r.Category] += entry.Points
		s.Ledger = append(s.Ledger, entry)
	}
	total := cfg.Start
	cats := make([]string, 0, len(s.ByCat))
	for c := range s.ByCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		total -= s.ByCat[c]
	}
	total = math.Max(0, math.Round(total*100)/100)
	s.Value = &total
	s.Grade = cfg.grade(total)
	return s
}

func (cfg ScoreConfig) grade(v float64) string {
	for _, g := range cfg.Grades {
		if v >= g.Min {
			return g.Name
		}
	}
	return ""
}
