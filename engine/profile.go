package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Body types a profile can give a rubric of its own (Rubrics).
const (
	BodyGovernment = "government"
	BodyDepartment = "department"
	// BodyTownship is a 乡/镇人民政府 or a 街道办事处: a government whose
	// rubric falls back to the government one when the profile has none.
	BodyTownship = "township"
)

// Indicator is one weighted line of a scoring rubric: the rules charged to
// it and the most it can cost.
type Indicator struct {
	ID    string `yaml:"id" json:"id"`
	Title Text   `yaml:"title" json:"title"`
	// Weight is the indicator's share of the 100 points and the most its
	// findings can deduct together.
	Weight float64 `yaml:"weight" json:"weight"`
	// Rules are rule ids, globs (requests.*) or categories; a rule is
	// charged to the first indicator of the rubric that names it.
	Rules []Pattern `yaml:"rules" json:"rules"`
	// Line is where the indicator stands in its profile.
	Line int `yaml:"-" json:"-"`
}

// Pattern is a rule id, glob or category as written in a profile, with
// its line for errors.
type Pattern struct {
	Value string
	Line  int
}

// UnmarshalYAML keeps the line of the entry.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &LoadError{Pos: Pos{Line: n.Line, Col: n.Column}, Msg: "a rule pattern must be a string"}
	}
	p.Value, p.Line = n.Value, n.Line
	return nil
}

// MarshalJSON writes the pattern as its text.
func (p Pattern) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%q", p.Value)), nil }

// CoverageCap bounds the score of a report whose coverage is below a share.
type CoverageCap struct {
	// Below is the share of required cells (0–1) under which the cap holds.
	Below float64 `yaml:"below" json:"below"`
	// MaxScore is the highest score such a report can get.
	MaxScore float64 `yaml:"max_score" json:"max_score"`
	Line     int     `yaml:"-" json:"-"`
}

// CoveragePolicy says what a report that cannot be evaluated in full can
// get at most.
type CoveragePolicy struct {
	// KeyTables are the tables (requests, review_litigation, active) without
	// which a report gets no score and the grade 无法评定: a key table that
	// was not found at all cannot be judged, only its blank cells can.
	KeyTables []string `yaml:"key_tables" json:"key_tables"`
	// Caps bound the score by coverage; the strictest that applies holds.
	Caps []CoverageCap `yaml:"caps" json:"caps"`
}

// knownTables are the tables coverage counts, in the template's order.
var knownTables = []string{"active", "requests", "review_litigation"}

// ProfileError is a mistake in a scoring profile, at its file and line.
type ProfileError struct {
	Pos Pos
	Msg string
}

func (e *ProfileError) Error() string { return fmt.Sprintf("scoring profile %s: %s", e.Pos, e.Msg) }

// maxProfileBytes bounds a profile file: a profile is a few KB.
const maxProfileBytes = 1 << 20

// LoadProfile reads a scoring profile (see rules/profiles/default.yaml for
// the documented format). file names it in errors, which carry its line.
// Whether its rule patterns name loaded rules is CheckRules's to say.
func LoadProfile(file string, data []byte) (ScoreConfig, error) {
	if len(data) > maxProfileBytes {
		return ScoreConfig{}, &ProfileError{Pos: Pos{File: file}, Msg: fmt.Sprintf("larger than %d bytes", maxProfileBytes)}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return ScoreConfig{}, &ProfileError{Pos: Pos{File: file}, Msg: "empty profile"}
		}
		pos, msg := yamlError(file, data, err)
		return ScoreConfig{}, &ProfileError{Pos: pos, Msg: msg}
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if err := checkKeys(file, doc, profileKeys); err != nil {
		return ScoreConfig{}, err
	}
	cfg := ScoreConfig{Start: 100, RuleCapFactor: 2, File: file}
	if err := doc.Decode(&cfg); err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			return ScoreConfig{}, &ProfileError{Pos: Pos{File: file, Line: le.Pos.Line, Col: le.Pos.Col}, Msg: le.Msg}
		}
		pos := yamlErrPos(file, err)
		return ScoreConfig{}, &ProfileError{Pos: pos, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	cfg.File = file
	if cfg.Name == "" {
		cfg.Name = strings.TrimSuffix(path.Base(file), path.Ext(file))
	}
	if err := cfg.validate(doc); err != nil {
		return ScoreConfig{}, err
	}
	return cfg, nil
}

var profileKeys = map[string][]string{
	"": {"name", "title", "reference", "start", "rule_cap_factor", "cannot_evaluate_factor", "overlapping_caps",
		"grades", "coverage", "indicators", "rubrics", "advisory"},
	"grades":     {"name", "min"},
	"coverage":   {"key_tables", "caps"},
	"caps":       {"below", "max_score"},
	"indicators": {"id", "title", "weight", "rules"},
	"title":      {"zh", "en"},
	"rubrics":    {BodyGovernment, BodyDepartment, BodyTownship},
}

// checkKeys refuses a key the profile format does not have, naming its
// line: a misspelt key would silently change nothing.
func checkKeys(file string, n *yaml.Node, known map[string][]string) error {
	var walk func(n *yaml.Node, ctx string) error
	walk = func(n *yaml.Node, ctx string) error {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				if err := walk(c, ctx); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			allowed, ok := known[ctx]
			if !ok {
				return nil
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if !slices.Contains(allowed, k.Value) {
					return &ProfileError{Pos: Pos{File: file, Line: k.Line},
						Msg: fmt.Sprintf("unknown key %q (known: %s)", k.Value, strings.Join(allowed, ", "))}
				}
				sub := k.Value
				if ctx == "rubrics" {
					sub = "indicators"
				}
				if err := walk(n.Content[i+1], sub); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(n, "")
}

// UnmarshalYAML keeps the line of the indicator.
func (in *Indicator) UnmarshalYAML(n *yaml.Node) error {
	type plain Indicator
	if err := n.Decode((*plain)(in)); err != nil {
		return err
	}
	in.Line = n.Line
	return nil
}

// UnmarshalYAML keeps the line of the cap.
func (c *CoverageCap) UnmarshalYAML(n *yaml.Node) error {
	type plain CoverageCap
	if err := n.Decode((*plain)(c)); err != nil {
		return err
	}
	c.Line = n.Line
	return nil
}

// keyLine is the line of key in the mapping n (0 when absent).
func keyLine(n *yaml.Node, key string) int {
	if n.Kind != yaml.MappingNode {
		return n.Line
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return n.Line
}

func (cfg *ScoreConfig) validate(doc *yaml.Node) error {
	at := func(line int, format string, a ...any) error {
		return &ProfileError{Pos: Pos{File: cfg.File, Line: line}, Msg: fmt.Sprintf(format, a...)}
	}
	if cfg.Start <= 0 || cfg.Start > 100 {
		return at(keyLine(doc, "start"), "start must be above 0 and at most 100, not %g", cfg.Start)
	}
	if cfg.RuleCapFactor < 0 {
		return at(keyLine(doc, "rule_cap_factor"), "rule_cap_factor must not be negative")
	}
	if cfg.CannotEvaluateFactor < 0 || cfg.CannotEvaluateFactor > 1 {
		return at(keyLine(doc, "cannot_evaluate_factor"), "cannot_evaluate_factor must be between 0 and 1")
	}
	if len(cfg.Grades) == 0 {
		return at(keyLine(doc, "grades"), "grades: at least one grade is needed")
	}
	for i, g := range cfg.Grades {
		if strings.TrimSpace(g.Name) == "" || g.Name == GradeNone {
			return at(keyLine(doc, "grades"), "grades: grade %d needs a name other than %s", i+1, GradeNone)
		}
		if i > 0 && g.Min >= cfg.Grades[i-1].Min {
			return at(keyLine(doc, "grades"), "grades: %s (min %g) must come after a higher minimum than %s (min %g)", g.Name, g.Min, cfg.Grades[i-1].Name, cfg.Grades[i-1].Min)
		}
	}
	if last := cfg.Grades[len(cfg.Grades)-1]; last.Min > 0 {
		return at(keyLine(doc, "grades"), "grades: the last grade (%s) must have min 0, so that every score has a grade", last.Name)
	}
	for _, t := range cfg.Coverage.KeyTables {
		if !slices.Contains(knownTables, t) {
			return at(keyLine(doc, "coverage"), "coverage.key_tables: %q is not a table (%s)", t, strings.Join(knownTables, ", "))
		}
	}
	for _, c := range cfg.Coverage.Caps {
		if c.Below <= 0 || c.Below > 1 {
			return at(c.Line, "coverage cap: below must be a share above 0 and at most 1, not %g", c.Below)
		}
		if c.MaxScore < 0 || c.MaxScore > cfg.Start {
			return at(c.Line, "coverage cap: max_score must be between 0 and %g, not %g", cfg.Start, c.MaxScore)
		}
	}
	if len(cfg.Indicators) == 0 {
		return at(doc.Line, "indicators: a profile needs at least one indicator")
	}
	if err := cfg.checkRubric("indicators", keyLine(doc, "indicators"), cfg.Indicators); err != nil {
		return err
	}
	for _, kind := range []string{BodyGovernment, BodyDepartment, BodyTownship} {
		if r, ok := cfg.Rubrics[kind]; ok {
			if err := cfg.checkRubric("rubrics."+kind, keyLine(doc, "rubrics"), r); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRubric checks one list of indicators: ids unique, weights positive
// and summing to 100 (unless the profile's caps may overlap), patterns
// valid globs.
func (cfg *ScoreConfig) checkRubric(where string, line int, ins []Indicator) error {
	at := func(line int, format string, a ...any) error {
		return &ProfileError{Pos: Pos{File: cfg.File, Line: line}, Msg: where + ": " + fmt.Sprintf(format, a...)}
	}
	if len(ins) == 0 {
		return at(line, "a rubric needs at least one indicator")
	}
	seen := map[string]bool{}
	sum := 0.0
	for _, in := range ins {
		switch {
		case strings.TrimSpace(in.ID) == "":
			return at(in.Line, "an indicator needs an id")
		case in.ID == CoverageIndicator:
			return at(in.Line, "indicator id %q is reserved for the coverage cap", in.ID)
		case seen[in.ID]:
			return at(in.Line, "indicator %q is defined twice", in.ID)
		case in.Weight <= 0:
			return at(in.Line, "indicator %q needs a positive weight", in.ID)
		case len(in.Rules) == 0:
			return at(in.Line, "indicator %q names no rules", in.ID)
		}
		seen[in.ID] = true
		sum += in.Weight
		for _, p := range in.Rules {
			if _, err := path.Match(p.Value, ""); err != nil || p.Value == "" {
				return at(p.Line, "%q is not a valid rule pattern", p.Value)
			}
		}
	}
	if !cfg.OverlappingCaps && (sum < 99.999 || sum > 100.001) {
		return at(line, "the weights sum to %g, not 100 (set overlapping_caps: true for caps that may overlap)", sum)
	}
	return nil
}

// CheckRules refuses a rule pattern of the profile (indicators, advisory)
// that names no rule id, glob or category of the loaded rules: it would
// silently charge nothing, as a waiver naming no rule would waive nothing.
func (cfg ScoreConfig) CheckRules(loaded []*Rule) error {
	lists := [][]Pattern{cfg.Advisory}
	for _, in := range cfg.Indicators {
		lists = append(lists, in.Rules)
	}
	for _, kind := range []string{BodyGovernment, BodyDepartment, BodyTownship} {
		for _, in := range cfg.Rubrics[kind] {
			lists = append(lists, in.Rules)
		}
	}
	for _, l := range lists {
		for _, p := range l {
			if !MatchesAny(loaded, p.Value) {
				return &ProfileError{Pos: Pos{File: cfg.File, Line: p.Line},
					Msg: fmt.Sprintf("rule %q is not a rule id, glob or category of the loaded packs", p.Value)}
			}
		}
	}
	return nil
}

func patternValues(ps []Pattern) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Value
	}
	return out
}
