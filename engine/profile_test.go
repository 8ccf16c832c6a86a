package engine

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ogi-checker/ogi/schema"
)

// scoringPack is a pack of four rules for the profile tests.
func scoringPack(t *testing.T) *Engine {
	t.Helper()
	rule := func(id, cat string, pts int) string {
		return "  - id: " + id + "\n    title: {zh: 规则, en: rule}\n    severity: error\n    category: " + cat +
			"\n    points: " + string(rune('0'+pts)) + "\n    templates: [\"2021\"]\n    assert: \"true\"\n"
	}
	fsys := fstest.MapFS{"r.yaml": {Data: []byte("rules:\n" + rule("arith.a", "arithmetic", 5) + rule("arith.b", "arithmetic", 3) +
		rule("hint.c", "consistency", 2) + rule("struct.d", "structure", 4))}}
	e, err := New([]Pack{{Name: "p", FS: fsys}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

const fixtureProfile = `name: fixture
rule_cap_factor: 2
grades: [{name: A, min: 90}, {name: B, min: 60}, {name: C, min: 0}]
coverage:
  key_tables: [requests]
  caps: [{below: 0.5, max_score: 59}]
advisory: [hint.*]
indicators:
  - {id: data, title: {zh: 数据, en: Data}, weight: 8, rules: [arith.a, arithmetic]}
  - {id: rest, title: {zh: 其他, en: Rest}, weight: 92, rules: [structure, consistency]}
rubrics:
  government:
    - {id: data, weight: 50, rules: [arithmetic]}
    - {id: rest, weight: 50, rules: [structure, consistency]}
`

// fixtureFindings: three findings of a 5-point rule, one of a 3-point rule
// of the same indicator, an advisory one, a structure one and a waived one.
func fixtureFindings() *Result {
	f := func(rule, item string) Finding {
		return Finding{Rule: rule, Item: item, Status: StatusFail, Severity: SeverityError}
	}
	waived := f("struct.d", "w")
	waived.Waived = true
	return &Result{Findings: []Finding{f("arith.a", "x"), f("arith.a", "y"), f("arith.a", "z"), f("arith.b", ""),
		f("hint.c", ""), f("struct.d", ""), waived}}
}

type ledgerRow struct {
	Rule, Ind string
	Pts       float64
	Capped    string
	Advisory  bool
}

func rows(l []LedgerEntry) []ledgerRow {
	out := []ledgerRow{}
	for _, e := range l {
		out = append(out, ledgerRow{e.Rule + "/" + e.Item, e.Indicator, e.Points, e.Capped, e.Advisory})
	}
	return out
}

// TestProfileLedger: indicator caps, rule caps, advisory rules and rubrics
// by body type change the ledger exactly as the profile says.
func TestProfileLedger(t *testing.T) {
	e := scoringPack(t)
	cfg, err := LoadProfile("fixture.yaml", []byte(fixtureProfile))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckRules(e.Loaded()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, agency, kind string
		rubric             string
		score              float64
		grade              string
		ledger             []ledgerRow
	}{
		{"department: the profile's own indicators", "某市某局", "department", "", 88, "B", []ledgerRow{
			{"arith.a/x", "data", 5, "", false},
			{"arith.a/y", "data", 3, "indicator", false}, // data is capped at its weight 8
			{"arith.a/z", "data", 0, "indicator", false},
			{"arith.b/", "data", 0, "indicator", false},
			{"hint.c/", "rest", 0, "", true}, // advisory: shown, not deducted
			{"struct.d/", "rest", 4, "", false},
		}},
		{"government: its own rubric", "某市人民政府", "government", "government", 83, "B", []ledgerRow{
			{"arith.a/x", "data", 5, "", false},
			{"arith.a/y", "data", 5, "", false},
			{"arith.a/z", "data", 0, "rule", false}, // 2 × 5 points
			{"arith.b/", "data", 3, "", false},
			{"hint.c/", "rest", 0, "", true},
			{"struct.d/", "rest", 4, "", false},
		}},
		{"township: the government rubric", "某县某镇人民政府", "government", "government", 83, "B", nil},
		{"unknown body: the profile's own indicators", "", "unknown", "", 88, "B", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := SampleDocument("2021")
			doc.Meta.Agency, doc.Meta.AgencyKind = c.agency, c.kind
			res := fixtureFindings()
			s := e.ScoreResult(doc, res, cfg)
			if s.Value == nil || *s.Value != c.score || s.Grade != c.grade || s.Rubric != c.rubric || s.Profile != "fixture" {
				t.Fatalf("score %v grade %q rubric %q profile %q, want %g %q %q", s.Value, s.Grade, s.Rubric, s.Profile, c.score, c.grade, c.rubric)
			}
			if c.ledger != nil && !reflect.DeepEqual(rows(s.Ledger), c.ledger) {
				t.Errorf("ledger\n got %+v\nwant %+v", rows(s.Ledger), c.ledger)
			}
			if !res.Findings[4].Advisory || res.Findings[5].Advisory {
				t.Errorf("advisory marks: %v %v", res.Findings[4].Advisory, res.Findings[5].Advisory)
			}
			sum := 0.0
			for _, l := range s.Ledger {
				sum += l.Points
			}
			if 100-sum != *s.Value {
				t.Errorf("start − ledger = %g, score %g", 100-sum, *s.Value)
			}
		})
	}
}

// TestCoverageCaps: blank cells cap the score, a key table that was not
// found gives no score and 无法评定.
func TestCoverageCaps(t *testing.T) {
	e := scoringPack(t)
	cfg := DefaultScoreConfig()
	blank := func(doc *schema.Document) {
		for _, row := range doc.Tables.Requests {
			for col := range row {
				row[col] = &schema.Cell{Status: schema.StatusBlank}
			}
		}
	}
	cases := []struct {
		name   string
		change func(*schema.Document)
		score  float64 // -1: no score
		grade  string
		capped float64
	}{
		{"full", func(*schema.Document) {}, 100, "优秀", 0},
		{"table 3 blank", blank, 59, "不合格", 41},
		{"one row of table 3 placeholders", func(doc *schema.Document) {
			for col := range doc.Tables.Requests["granted"] {
				doc.Tables.Requests["granted"][col] = &schema.Cell{Raw: "无", Status: schema.StatusPlaceholder}
			}
		}, 100, "优秀", 0},
		{"table 4 not found", func(doc *schema.Document) {
			for i := range doc.TableInfo {
				if doc.TableInfo[i].ID == "review_litigation" {
					doc.TableInfo[i].Status = "missing"
				}
			}
		}, -1, GradeNone, 0},
		{"every cell of table 3 missing", func(doc *schema.Document) {
			for _, row := range doc.Tables.Requests {
				for col := range row {
					row[col] = &schema.Cell{Status: schema.StatusMissing}
				}
			}
		}, -1, GradeNone, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := SampleDocument("2021")
			c.change(doc)
			s := e.ScoreResult(doc, &Result{}, cfg)
			if c.score < 0 {
				if s.Value != nil || s.Grade != GradeNone || s.Why == nil || !strings.Contains(s.Why.Zh, "无法评定") {
					t.Fatalf("want no score and %s, got %+v", GradeNone, s)
				}
				return
			}
			if s.Value == nil || *s.Value != c.score || s.Grade != c.grade {
				t.Fatalf("got %v %q, want %g %q (coverage %+v)", s.Value, s.Grade, c.score, c.grade, s.Coverage)
			}
			var capped float64
			for _, l := range s.Ledger {
				if l.Indicator == CoverageIndicator {
					capped = l.Points
				}
			}
			if capped != c.capped || (c.capped > 0) != (s.Coverage.Cap != nil) {
				t.Errorf("coverage deduction %g (cap %+v), want %g", capped, s.Coverage.Cap, c.capped)
			}
		})
	}
}

// TestProfileErrors: a mistake in a profile names its file and line.
func TestProfileErrors(t *testing.T) {
	e := scoringPack(t)
	ok := "grades: [{name: A, min: 0}]\nindicators:\n  - {id: all, weight: 100, rules: [arithmetic]}\n"
	cases := []struct{ name, yaml, want string }{
		{"unknown key", "name: x\nweight_s: 3\n" + ok, "p.yaml:2: unknown key \"weight_s\""},
		{"unknown indicator key", "grades: [{name: A, min: 0}]\nindicators:\n  - id: all\n    weight: 100\n    rule: [arithmetic]\n", "p.yaml:5: unknown key \"rule\""},
		{"weights", "grades: [{name: A, min: 0}]\nindicators:\n  - {id: a, weight: 60, rules: [arithmetic]}\n  - {id: b, weight: 30, rules: [structure]}\n", "p.yaml:2: indicators: the weights sum to 90, not 100"},
		{"unknown rule", "grades: [{name: A, min: 0}]\nindicators:\n  - id: all\n    weight: 100\n    rules:\n      - arithmetic\n      - arith.nope\n", "p.yaml:7: rule \"arith.nope\" is not a rule id"},
		{"unknown advisory", ok + "advisory:\n  - nope.*\n", "p.yaml:5: rule \"nope.*\" is not a rule id"},
		{"bad yaml", ok + "coverage: [\n", "p.yaml:4: "},
		{"wrong type", "grades: [{name: A, min: 0}]\nindicators:\n  - {id: all, weight: lots, rules: [arithmetic]}\n", "p.yaml:3: "},
		{"duplicate indicator", "grades: [{name: A, min: 0}]\nindicators:\n  - {id: a, weight: 50, rules: [arithmetic]}\n  - {id: a, weight: 50, rules: [structure]}\n", "p.yaml:4: indicators: indicator \"a\" is defined twice"},
		{"grades order", "grades: [{name: A, min: 50}, {name: B, min: 80}, {name: C, min: 0}]\nindicators:\n  - {id: all, weight: 100, rules: [arithmetic]}\n", "p.yaml:1: grades: B (min 80)"},
		{"no zero grade", "grades: [{name: A, min: 50}]\nindicators:\n  - {id: all, weight: 100, rules: [arithmetic]}\n", "p.yaml:1: grades: the last grade"},
		{"cap share", ok + "coverage:\n  caps:\n    - {below: 90, max_score: 79}\n", "p.yaml:6: coverage cap: below must be a share"},
		{"key table", ok + "coverage:\n  key_tables: [table3]\n", "p.yaml:4: coverage.key_tables: \"table3\""},
		{"body type", ok + "rubrics:\n  county:\n    - {id: all, weight: 100, rules: [arithmetic]}\n", "p.yaml:5: unknown key \"county\""},
		{"bad glob", "grades: [{name: A, min: 0}]\nindicators:\n  - {id: all, weight: 100, rules: [\"[\"]}\n", "p.yaml:3: indicators: \"[\" is not a valid rule pattern"},
		{"empty", "", "p.yaml: empty profile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadProfile("p.yaml", []byte(c.yaml))
			if err == nil {
				err = cfg.CheckRules(e.Loaded())
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := LoadProfile("p.yaml", []byte(ok)); err != nil {
		t.Errorf("the valid profile: %v", err)
	}
}

// TestBodyType: the body type that picks a rubric.
func TestBodyType(t *testing.T) {
	cases := []struct{ agency, kind, want string }{
		{"某县某镇人民政府", "government", BodyTownship},
		{"某县某乡人民政府", "government", BodyTownship},
		{"某区某某街道办事处", "unknown", BodyTownship},
		{"某市人民政府", "government", BodyGovernment},
		{"某市某局", "department", BodyDepartment},
		{"", "unknown", ""},
	}
	for _, c := range cases {
		doc := SampleDocument("2021")
		doc.Meta.Agency, doc.Meta.AgencyKind = c.agency, c.kind
		if got := BodyType(doc); got != c.want {
			t.Errorf("%s (%s): %q, want %q", c.agency, c.kind, got, c.want)
		}
	}
	if BodyType(nil) != "" {
		t.Error("nil document has a body type")
	}
}
