package engine

import (
	"fmt"
	"maps"
	"path"
	"slices"
)

// Override changes a rule's severity or points from configuration.
type Override struct {
	Severity string   `mapstructure:"severity" yaml:"severity"`
	Points   *float64 `mapstructure:"points" yaml:"points"`
}

// PatternError is an Enable or Disable entry that is not a valid pattern or
// names no loaded rule: it would silently do nothing.
type PatternError struct {
	// Key is "enable" or "disable"; Pattern the entry.
	Key, Pattern string
	// Bad is set when Pattern is not a valid glob.
	Bad bool
}

func (e *PatternError) Error() string {
	if e.Bad {
		return fmt.Sprintf("%s: %q is not a valid rule pattern", e.Key, e.Pattern)
	}
	return fmt.Sprintf("%s: %q names no rule id, glob or category of the loaded packs", e.Key, e.Pattern)
}

// OverrideError is an override for no loaded rule, or with a bad value.
type OverrideError struct {
	Rule, Msg string
}

func (e *OverrideError) Error() string { return fmt.Sprintf("overrides.%s: %s", e.Rule, e.Msg) }

// selectRules keeps the rules that match enable (all when empty) and not
// disable. A pattern is a rule id, a glob (requests.*) or a category.
func (e *Engine) selectRules(enable, disable []string) error {
	for _, l := range []struct {
		key      string
		patterns []string
	}{{"enable", enable}, {"disable", disable}} {
		for _, p := range l.patterns {
			if _, err := path.Match(p, ""); err != nil {
				return &PatternError{Key: l.key, Pattern: p, Bad: true}
			}
			if !MatchesAny(e.loaded, p) {
				return &PatternError{Key: l.key, Pattern: p}
			}
		}
	}
	if len(enable) == 0 && len(disable) == 0 {
		return nil
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

// applyOverrides sets severities and points from configuration, in rule id
// order so that the first error is always the same one. An override for a
// rule that is not loaded is an error: it is almost always a typo.
func (e *Engine) applyOverrides(overrides map[string]Override) error {
	for _, id := range slices.Sorted(maps.Keys(overrides)) {
		o := overrides[id]
		// Among all loaded rules: an override for a rule the selection
		// leaves out is not a typo, and a profile may enable it again.
		i := slices.IndexFunc(e.loaded, func(r *Rule) bool { return r.ID == id })
		if i < 0 {
			return &OverrideError{Rule: id, Msg: "no loaded rule has this id"}
		}
		// In place, before the engine is returned: the compiled rule refers
		// to its *Rule, and an engine's rules belong to it alone.
		r := e.loaded[i]
		if o.Severity != "" {
			switch o.Severity {
			case SeverityError, SeverityWarning, SeverityInfo:
			default:
				return &OverrideError{Rule: id, Msg: fmt.Sprintf("severity %q must be error, warning or info", o.Severity)}
			}
			r.Severity = o.Severity
		}
		if o.Points != nil {
			if *o.Points < 0 {
				return &OverrideError{Rule: id, Msg: "points must not be negative"}
			}
			r.Points = *o.Points
		}
	}
	return nil
}
