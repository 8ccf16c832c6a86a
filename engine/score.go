package engine

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-json"

	"github.com/ogi-checker/ogi/schema"
)

// GradeNone is the grade of a report that gets no score: it could not be
// read, a key table was not found, or a rule broke. An office can defend
// "not graded"; it cannot defend a high grade for what it could not check.
const GradeNone = "无法评定"

// CoverageIndicator is the ledger's indicator for the coverage cap.
const CoverageIndicator = "coverage"

// ScoreConfig is a scoring profile: a deduction model over weighted
// indicators, the rubrics by body type, the rules shown but not deducted,
// the grade bands and what coverage caps. LoadProfile reads one from YAML;
// DefaultScoreConfig is rules/profiles/default.yaml.
type ScoreConfig struct {
	// Name identifies the profile in outputs (scoring_profile).
	Name      string `yaml:"name" json:"name"`
	Title     Text   `yaml:"title" json:"title"`
	Reference string `yaml:"reference" json:"reference,omitempty"`
	// Start is the score of a report without findings.
	Start float64 `yaml:"start" json:"start"`
	// RuleCapFactor bounds one rule's deduction to factor × its points, so a
	// rule firing for seven columns costs at most that (0: no bound).
	RuleCapFactor float64 `yaml:"rule_cap_factor" json:"rule_cap_factor"`
	// CannotEvaluateFactor is the share of a rule's points a cannot_evaluate
	// finding costs (0 by default: completeness rules already charge blanks,
	// and coverage caps what cannot be evaluated).
	CannotEvaluateFactor float64 `yaml:"cannot_evaluate_factor" json:"cannot_evaluate_factor"`
	// OverlappingCaps lets the weights sum to more than 100: they are then
	// caps on deductions rather than shares of the points (the default
	// profile keeps its historical caps, which sum to 140).
	OverlappingCaps bool `yaml:"overlapping_caps" json:"overlapping_caps"`
	// Grades are bands from the highest minimum down; the last has min 0.
	Grades   []Grade        `yaml:"grades" json:"grades"`
	Coverage CoveragePolicy `yaml:"coverage" json:"coverage"`
	// Indicators is the rubric for a body whose type has none in Rubrics.
	Indicators []Indicator `yaml:"indicators" json:"indicators"`
	// Rubrics replace Indicators by body type (government, department,
	// township; a township without one of its own takes government's).
	Rubrics map[string][]Indicator `yaml:"rubrics" json:"rubrics,omitempty"`
	// Advisory rules are shown in findings and the ledger but deduct
	// nothing (宿迁: data anomalies 只做提示).
	Advisory []Pattern `yaml:"advisory" json:"advisory,omitempty"`
	// File is where the profile was read from ("" for the built-in default).
	File string `yaml:"-" json:"-"`
}

// Grade is a named score band.
type Grade struct {
	Name string  `yaml:"name" json:"name"`
	Min  float64 `yaml:"min" json:"min"`
}

// DefaultScoreConfig is the default profile (rules/profiles/default.yaml,
// which a test holds equal to it): 100 minus each finding's points, one
// rule at most twice its points, the categories capped at structure 20,
// completeness 30, arithmetic 40, consistency 15, timeliness 20, content
// 15; 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60; coverage below 90% at most 79 (合格),
// below 50% at most 59 (不合格); without table 3 or 4 无法评定.
func DefaultScoreConfig() ScoreConfig {
	ind := func(id, zh, en string, w float64) Indicator {
		return Indicator{ID: id, Title: Text{Zh: zh, En: en}, Weight: w, Rules: []Pattern{{Value: id}}}
	}
	return ScoreConfig{
		Name:  "default",
		Title: Text{Zh: "默认评分方案", En: "Default scoring profile"},
		Start: 100, RuleCapFactor: 2, OverlappingCaps: true,
		Grades: []Grade{{Name: "优秀", Min: 90}, {Name: "良好", Min: 80}, {Name: "合格", Min: 60}, {Name: "不合格", Min: 0}},
		Coverage: CoveragePolicy{KeyTables: []string{"requests", "review_litigation"},
			Caps: []CoverageCap{{Below: 0.9, MaxScore: 79}, {Below: 0.5, MaxScore: 59}}},
		Indicators: []Indicator{
			ind("structure", "结构规范", "Structure", 20),
			ind("completeness", "内容完整", "Completeness", 30),
			ind("arithmetic", "数据准确", "Arithmetic", 40),
			ind("consistency", "前后一致", "Consistency", 15),
			ind("timeliness", "发布及时", "Timeliness", 20),
			ind("content", "内容质量", "Content", 15),
		},
	}
}

// LedgerEntry says what one finding cost, and under which indicator.
type LedgerEntry struct {
	Rule     string `json:"rule"`
	Item     string `json:"item,omitempty"`
	Category string `json:"category"`
	// Indicator is the profile's indicator the finding is charged to (the
	// category when the profile maps the rule to none; "coverage" for the
	// coverage cap).
	Indicator string  `json:"indicator"`
	Points    float64 `json:"points"`
	// Advisory is set on a finding the profile shows but does not deduct.
	Advisory bool `json:"advisory,omitempty"`
	// Capped says which bound reduced the charge (rule, indicator or
	// coverage) and Limit what that bound is; Note says it in words.
	Capped string  `json:"capped,omitempty"`
	Limit  float64 `json:"limit,omitempty"`
	Note   string  `json:"note,omitempty"`
}

// IndicatorScore is what one indicator of the rubric cost.
type IndicatorScore struct {
	ID       string  `json:"id"`
	Title    Text    `json:"title"`
	Weight   float64 `json:"weight"`
	Deducted float64 `json:"deducted"`
}

// Score is a report's score with its explanation.
type Score struct {
	// Value is nil when the report could not be evaluated; Reason says why
	// (Why in both languages) and Grade is GradeNone.
	Value  *float64      `json:"value"`
	Grade  string        `json:"grade"`
	Reason string        `json:"reason,omitempty"`
	Why    *Text         `json:"why,omitempty"`
	Ledger []LedgerEntry `json:"ledger"`
	// ByCat sums the deductions by indicator (by category under the
	// default profile, whose indicators are the categories).
	ByCat map[string]float64 `json:"by_category"`
	// Profile names the scoring profile, Rubric the body type whose rubric
	// applied ("" for the profile's own indicators).
	Profile    string           `json:"profile"`
	Rubric     string           `json:"rubric,omitempty"`
	Indicators []IndicatorScore `json:"indicators,omitempty"`
	Coverage   *Coverage        `json:"coverage,omitempty"`
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

// BodyType is the body's type for choosing a rubric: township for a
// 乡/镇人民政府 or 街道办事处, else the document's agency_kind (government,
// department) or "" when unknown.
func BodyType(doc *schema.Document) string {
	if doc == nil {
		return ""
	}
	return bodyTypeOf(&doc.Meta)
}

func bodyTypeOf(m *schema.Meta) string {
	if m == nil {
		return ""
	}
	a := strings.Join(strings.Fields(m.Agency), "")
	switch {
	case strings.HasSuffix(a, "街道办事处") || strings.HasSuffix(a, "乡人民政府") || strings.HasSuffix(a, "镇人民政府"):
		return BodyTownship
	case m.AgencyKind == BodyGovernment || m.AgencyKind == BodyDepartment:
		return m.AgencyKind
	}
	return ""
}

// Rubric returns the indicators for a body type and the type whose rubric
// it is ("" for the profile's own indicators).
func (cfg ScoreConfig) Rubric(body string) ([]Indicator, string) {
	if r, ok := cfg.Rubrics[body]; ok {
		return r, body
	}
	if body == BodyTownship {
		if r, ok := cfg.Rubrics[BodyGovernment]; ok {
			return r, BodyGovernment
		}
	}
	return cfg.Indicators, ""
}

// IsAdvisory tells whether the profile shows the rule's findings without
// deducting them.
func (cfg ScoreConfig) IsAdvisory(r *Rule) bool {
	return len(cfg.Advisory) > 0 && matchRule(r, patternValues(cfg.Advisory))
}

// noScore is a Score without a value.
func noScore(s Score, reason string, why Text) Score {
	s.Reason, s.Why, s.Grade = reason, &why, GradeNone
	return s
}

// ScoreResult computes the score of doc from its evaluation res under the
// profile cfg, and marks the findings of advisory rules (Finding.Advisory)
// so that every output shows them as not deducted. Waived findings cost
// nothing. A document with nothing of a report in it (see Unevaluable), a
// key table that was not found, or a rule that failed to evaluate gives no
// score and the grade 无法评定, with the reason. Coverage below a cap of the
// profile bounds the score; the ledger says by how much, so that the start
// minus the ledger is always the score.
func (e *Engine) ScoreResult(doc *schema.Document, res *Result, cfg ScoreConfig) Score {
	var meta *schema.Meta
	if doc != nil {
		meta = &doc.Meta
	}
	return e.ScoreFacts(meta, FactsOf(doc), res, cfg)
}

// DocFacts are what scoring reads of a document beyond its meta: whether
// it holds anything of a report, and its tables' coverage. A batch takes
// them while the document is in memory, and scores it later from them.
type DocFacts struct {
	unevaluable string
	coverage    Coverage // without the findings' part (CannotEvaluate)
}

// FactsOf takes the facts of doc that scoring reads.
func FactsOf(doc *schema.Document) DocFacts {
	f := DocFacts{unevaluable: Unevaluable(doc)}
	if f.unevaluable == "" {
		f.coverage = MeasureCoverage(doc, nil)
	}
	return f
}

// ScoreFacts is ScoreResult from a document's meta and its facts
// (FactsOf) instead of the document.
func (e *Engine) ScoreFacts(meta *schema.Meta, facts DocFacts, res *Result, cfg ScoreConfig) Score {
	s := Score{Ledger: []LedgerEntry{}, ByCat: map[string]float64{}, Profile: cfg.Name}
	if why := facts.unevaluable; why != "" {
		return noScore(s, why, Text{Zh: "未找到年度报告的任何章节标题或表格", En: why})
	}
	for _, rr := range res.Rules {
		if rr.Status == StatusError {
			why := fmt.Sprintf("rule %s could not be evaluated: %s", rr.Rule, rr.Error)
			return noScore(s, why, Text{Zh: "规则 " + rr.Rule + " 无法执行：" + rr.Error, En: why})
		}
	}
	cov := facts.coverage
	cov.Tables = slices.Clone(cov.Tables)
	cov.CannotEvaluate = cannotEvaluate(res)
	s.Coverage = &cov
	for _, t := range cfg.Coverage.KeyTables {
		if tc := cov.table(t); tc != nil && tc.Status == "missing" {
			zh, en := coverageTableNames[t][0], coverageTableNames[t][1]
			return noScore(s, en+" was not found: the report cannot be graded without it",
				Text{Zh: "未找到" + zh + "，缺少关键表格的报告无法评定", En: en + " was not found: the report cannot be graded without it"})
		}
	}
	indicators, rubric := cfg.Rubric(bodyTypeOf(meta))
	s.Rubric = rubric
	caps := map[string]float64{}
	for _, in := range indicators {
		caps[in.ID] = in.Weight
	}
	perRule := map[string]float64{}
	for i := range res.Findings {
		f := &res.Findings[i]
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
		advisory := cfg.IsAdvisory(r)
		f.Advisory = advisory
		if pts == 0 {
			continue
		}
		ind := indicatorOf(r, indicators)
		entry := LedgerEntry{Rule: f.Rule, Item: f.Item, Category: r.Category, Indicator: ind, Points: pts}
		switch limit := r.Points * cfg.RuleCapFactor; {
		case advisory:
			entry.Points, entry.Advisory, entry.Note = 0, true, "advisory: shown, not deducted"
		case cfg.RuleCapFactor > 0 && perRule[f.Rule]+pts > limit:
			entry.Points = math.Max(0, limit-perRule[f.Rule])
			entry.Capped, entry.Limit, entry.Note = "rule", limit, fmt.Sprintf("rule cap %g reached", limit)
		}
		if capi, ok := caps[ind]; ok && !advisory && s.ByCat[ind]+entry.Points > capi {
			entry.Points = math.Max(0, capi-s.ByCat[ind])
			entry.Capped, entry.Limit, entry.Note = "indicator", capi, fmt.Sprintf("indicator cap %g reached", capi)
		}
		perRule[f.Rule] += entry.Points
		s.ByCat[ind] += entry.Points
		s.Ledger = append(s.Ledger, entry)
	}
	for _, in := range indicators {
		s.Indicators = append(s.Indicators, IndicatorScore{ID: in.ID, Title: in.Title, Weight: in.Weight, Deducted: s.ByCat[in.ID]})
	}
	total := cfg.Start
	inds := make([]string, 0, len(s.ByCat))
	for c := range s.ByCat {
		inds = append(inds, c)
	}
	sort.Strings(inds)
	for _, c := range inds {
		total -= s.ByCat[c]
	}
	total = math.Max(0, math.Round(total*100)/100)
	if c, ok := cfg.coverageCap(cov.Ratio); ok && total > c.MaxScore {
		s.Ledger = append(s.Ledger, LedgerEntry{Category: CoverageIndicator, Indicator: CoverageIndicator,
			Points: math.Round((total-c.MaxScore)*100) / 100, Capped: CoverageIndicator, Limit: c.MaxScore,
			Note: fmt.Sprintf("coverage %s below %s: at most %g", percent(cov.Ratio), percent(c.Below), c.MaxScore)})
		s.ByCat[CoverageIndicator] = math.Round((total-c.MaxScore)*100) / 100
		cov.Cap = &CoverageCap{Below: c.Below, MaxScore: c.MaxScore}
		total = c.MaxScore
	}
	s.Value = &total
	s.Grade = cfg.grade(total)
	return s
}

// indicatorOf is the first indicator of the rubric naming the rule, else
// the rule's category (charged without an indicator cap, as a category the
// profile does not know).
func indicatorOf(r *Rule, indicators []Indicator) string {
	for _, in := range indicators {
		if matchRule(r, patternValues(in.Rules)) {
			return in.ID
		}
	}
	return r.Category
}

// coverageCap is the strictest cap whose threshold the coverage is below.
func (cfg ScoreConfig) coverageCap(ratio float64) (CoverageCap, bool) {
	var best CoverageCap
	found := false
	for _, c := range cfg.Coverage.Caps {
		if ratio < c.Below && (!found || c.MaxScore < best.MaxScore) {
			best, found = c, true
		}
	}
	return best, found
}

func percent(r float64) string { return fmt.Sprintf("%g%%", math.Round(r*1000)/10) }

func (cfg ScoreConfig) grade(v float64) string {
	for _, g := range cfg.Grades {
		if v >= g.Min {
			return g.Name
		}
	}
	return ""
}

// docFactsJSON is DocFacts as JSON.
type docFactsJSON struct {
	Unevaluable string   `json:"unevaluable,omitempty"`
	Coverage    Coverage `json:"coverage"`
}

// MarshalJSON encodes f so that UnmarshalJSON gives it back exactly: a
// batch writes the facts of the reports its memory has no room for to a
// file.
func (f DocFacts) MarshalJSON() ([]byte, error) {
	return json.Marshal(docFactsJSON{Unevaluable: f.unevaluable, Coverage: f.coverage})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (f *DocFacts) UnmarshalJSON(b []byte) error {
	var w docFactsJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	f.unevaluable, f.coverage = w.Unevaluable, w.Coverage
	return nil
}
