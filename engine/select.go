package engine

import (
	"fmt"
	"path"
	"slices"
)

// Override changes a rule's severity or points from configuration.
type Override struct {
	Severity string   `mapstructure:"severity" yaml:"severity"`
	Points   *float64 `mapstructure:"points" yaml:"points"`
}

// Select keeps the rules that match enable (all when empty) and not
// disable. A pattern is a rule id, a glob (requests.*) or a category.
func (e *Engine) Select(enable, disable []string) error {
	for _, p := range append(append([]string{}, enable...), disable...) {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("bad rule pattern %q", p)
		}
	}
	var keep []*Rule
	for _, r := range e.rules {
		if len(enable) > 0 && !matchRule(r, enable) {
			continue
		}
		if matchRule(r, disable) {
			continue
		}
		keep = append(keep, r)
	}
	e.rules = keep
	return nil
}

// MatchesAny reports whether pattern (a rule id, a glob or a category, as
// for Select and waivers) names at least one of rules: a pattern that names
// none is almost always a typo that would silently do nothing.
func MatchesAny(rules []*Rule, pattern string) bool {
	for _, r := range rules {
		if matchRule(r, []string{pattern}) {
			return true
		}
	}
	return false
}

func matchRule(r *Rule, patterns []string) bool {
	for _, p := range patterns {
		if p == r.Category || p == r.ID {
			return true
		}
		if ok, _ := path.Match(p, r.ID); ok {
			return true
		}
	}
	return false
}

// Apply sets severities and points from configuration. An override for a
// rule that is not loaded is an error: it is almost always a typo.
func (e *Engine) Apply(overrides map[string]Override) error {
	for id, o := range overrides {
		i := slices.IndexFunc(e.rules, func(r *Rule) bool { return r.ID == id })
		if i < 0 {
			return fmt.Errorf("overrides.%s: no loaded rule has this id", id)
		}
		// In place: the compiled rule refers to its *Rule, and an engine's
		// rules belong to it alone.
		r := e.rules[i]
		if o.Severity != "" {
			switch o.Severity {
			case SeverityError, SeverityWarning, SeverityInfo:
			default:
				return fmt.Errorf("overrides.%s.severity: %q must be error, warning or info", id, o.Severity)
			}
			r.Severity = o.Severity
		}
		if o.Points != nil {
			if *o.Points < 0 {
				return fmt.Errorf("overrides.%s.points: must not be negative", id)
			}
			r.Points = *o.Points
		}
	}
	return nil
}
