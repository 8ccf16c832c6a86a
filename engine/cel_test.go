package engine

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ogi-checker/ogi/schema"
)

const ruleHead = `rules:
  - id: t.rule
    title: {zh: 测试, en: test}
    severity: error
    category: arithmetic
    points: 1
    templates: ["2019", "2021"]
`

func loadOne(t *testing.T, body string) (*Engine, error) {
	t.Helper()
	fsys := fstest.MapFS{"r.yaml": {Data: []byte(ruleHead + body)}}
	return New([]Pack{{Name: "p", FS: fsys}}, Options{})
}

// TestCELLoadErrors: mistakes in a rule are load-time errors naming the file,
// line and column of the mistake.
func TestCELLoadErrors(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"misspelt cell field", "    assert: req.granted.total.valu == 1.0\n", "p/r.yaml:8:"},
		{"misspelt column id", "    assert: req.granted.totl.value == 1.0\n", `p/r.yaml:8:25: rule t.rule: assert: unknown table-3 column id "totl"`},
		{"misspelt row id", "    assert: rev.reconsideration.total.value == 0.0 && req.grantd.total.value == 0.0\n", `unknown table-3 row id "grantd"`},
		{"int mixed with double", "    assert: num(req.granted.total) + 1 == 2.0\n", "p/r.yaml:8:"},
		{"assert is not boolean", "    assert: num(req.granted.total)\n", "assert must be bool"},
		{"missing assert", "    when: \"true\"\n", "needs an assert"},
		{"syntax error", "    assert: req.granted.total.value ==\n", "p/r.yaml:8:"},
		{"block scalar position", "    assert: |\n      req.granted.total.value == 0.0 &&\n        req.granted.nope.value == 0.0\n", `p/r.yaml:10:21: rule t.rule: assert: unknown table-3 column id "nope"`},
		{"bad severity", "    assert: \"true\"\n", ""},
		{"stray control byte", "    assert: \"tr\x01ue\"\n", "p/r.yaml:8:16: invalid YAML: control character 0x01 at line 8, column 16"},
		{"byte that is not UTF-8", "    assert: \"tr\xffue\"\n", "p/r.yaml:8:16: invalid YAML: byte 0xFF that is not UTF-8 at line 8, column 16"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadOne(t, tc.body)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("loaded; want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError", err)
			}
		})
	}
}

// TestCELMetadataErrors: incomplete metadata is refused.
func TestCELMetadataErrors(t *testing.T) {
	cases := map[string]string{
		"no title":     "rules:\n  - id: x\n    severity: error\n    category: content\n    templates: [\"2021\"]\n    assert: \"true\"\n",
		"bad severity": "rules:\n  - id: x\n    title: {zh: a, en: b}\n    severity: fatal\n    category: content\n    templates: [\"2021\"]\n    assert: \"true\"\n",
		"bad template": "rules:\n  - id: x\n    title: {zh: a, en: b}\n    severity: error\n    category: content\n    templates: [\"2020\"]\n    assert: \"true\"\n",
		"bad category": "rules:\n  - id: x\n    title: {zh: a, en: b}\n    severity: error\n    category: misc\n    templates: [\"2021\"]\n    assert: \"true\"\n",
	}
	for name, src := range cases {
		_, err := New([]Pack{{Name: "p", FS: fstest.MapFS{"r.yaml": {Data: []byte(src)}}}}, Options{})
		if err == nil || !strings.Contains(err.Error(), "p/r.yaml:2") {
			t.Errorf("%s: error %v, want one at p/r.yaml:2", name, err)
		}
	}
}

// TestCELCostLimit: an expression whose estimated cost is unbounded for a
// report-sized input is refused at load time.
func TestCELCostLimit(t *testing.T) {
	body := `    assert: doc.sections.all(a, doc.sections.all(b, doc.sections.all(c, doc.sections.all(d, a.text + b.text + c.text + d.text != ""))))` + "\n"
	_, err := loadOne(t, body)
	if err == nil || !strings.Contains(err.Error(), "too expensive") {
		t.Fatalf("error %v, want a cost-limit error", err)
	}
}

// TestCELEvaluation covers pass, fail, cannot_evaluate and not_applicable.
func TestCELEvaluation(t *testing.T) {
	e, err := loadOne(t, `    for_each: ids["requests_cols"]
    when: doc.meta.year > 2000
    operands: "[req.new_received[item], req.total_handled[item]]"
    assert: num(req.new_received[item]) == num(req.total_handled[item])
    expected: num(req.new_received[item])
    actual: num(req.total_handled[item])
    message:
      zh: '"列" + item'
      en: '"column " + item'
`)
	if err != nil {
		t.Fatal(err)
	}
	set := func(d *schema.Document, row, col string, c *schema.Cell) { d.Tables.Requests[row][col] = c }
	three := 3.0

	doc := SampleDocument("2021")
	if got := evalDoc(e, doc).Rules[0].Status; got != StatusPass {
		t.Errorf("sample: %s, want pass", got)
	}

	doc = SampleDocument("2021")
	set(doc, "new_received", "commercial", &schema.Cell{Value: &three, Raw: "3", Status: schema.StatusNumber, Confidence: 1})
	res := evalDoc(e, doc)
	if res.Rules[0].Status != StatusFail || len(res.Findings) != 1 {
		t.Fatalf("one bad column: %+v", res.Rules[0])
	}
	f := res.Findings[0]
	if f.Item != "commercial" || *f.Expected != 3 || *f.Actual != 0 || f.Message.Zh != "列commercial" ||
		len(f.Cells) != 2 || f.Cells[0].Pointer != "/tables/requests/new_received/commercial" {
		t.Errorf("finding %+v", f)
	}

	doc = SampleDocument("2021")
	set(doc, "total_handled", "total", &schema.Cell{Raw: "无", Status: schema.StatusPlaceholder})
	res = evalDoc(e, doc)
	if res.Rules[0].Status != StatusCannotEvaluate || len(res.Findings) != 1 ||
		res.Findings[0].Severity != SeverityWarning || res.Findings[0].Cells[0].Raw != "无" {
		t.Errorf("placeholder operand: %+v", res)
	}

	doc = SampleDocument("2021")
	doc.Meta.Year = nil
	if got := evalDoc(e, doc).Rules[0].Status; got != StatusNotApplicable {
		t.Errorf("no year: %s, want not_applicable", got)
	}
}

// TestScore checks the deduction model and the null score.
func TestScore(t *testing.T) {
	e, err := loadOne(t, `    for_each: ids["requests_cols"]
    assert: num(req.new_received[item]) == 0.0
`)
	if err != nil {
		t.Fatal(err)
	}
	doc := SampleDocument("2021")
	for _, col := range []string{"natural_person", "commercial", "research"} {
		v := 1.0
		doc.Tables.Requests["new_received"][col] = &schema.Cell{Value: &v, Raw: "1", Status: schema.StatusNumber, Confidence: 1}
	}
	res := evalDoc(e, doc)
	s := e.ScoreResult(doc, res, DefaultScoreConfig())
	// Three findings of a 1-point rule, capped at 2× its points.
	if s.Value == nil || *s.Value != 98 || s.Grade != "优秀" || len(s.Ledger) != 3 || s.Ledger[2].Points != 0 {
		t.Errorf("score %+v", s)
	}
	empty := &schema.Document{}
	s = e.ScoreResult(empty, evalDoc(e, empty), DefaultScoreConfig())
	if s.Value != nil || s.Reason != Unevaluable(empty) || s.Reason == "" {
		t.Errorf("unevaluable score %+v", s)
	}
}

// TestNeedsReview: a failing identity with an uncertain cell is a review
// item (warning), and an ambiguous operand carries its candidates.
func TestNeedsReview(t *testing.T) {
	e, err := loadOne(t, `    for_each: '["total"]'
    operands: "[req.new_received[item], req.total_handled[item]]"
    assert: num(req.new_received[item]) == num(req.total_handled[item])
`)
	if err != nil {
		t.Fatal(err)
	}
	doc := SampleDocument("2021")
	v := 5.0
	doc.Tables.Requests["new_received"]["total"] = &schema.Cell{Value: &v, Raw: "5", Status: schema.StatusNumber, Confidence: 0.6}
	res := evalDoc(e, doc)
	if len(res.Findings) != 1 || res.Findings[0].Status != StatusNeedsReview || res.Findings[0].Severity != SeverityWarning {
		t.Fatalf("low confidence: %+v", res.Findings)
	}
	doc = SampleDocument("2021")
	doc.Tables.Requests["new_received"]["total"] = &schema.Cell{Raw: "801", Status: schema.StatusAmbiguous, Candidates: []float64{1, 81}}
	res = evalDoc(e, doc)
	if len(res.Findings) != 1 || res.Findings[0].Status != StatusNeedsReview || len(res.Findings[0].Cells[0].Candidates) != 2 {
		t.Fatalf("ambiguous: %+v", res.Findings)
	}
	if res.Rules[0].Status != StatusNeedsReview {
		t.Errorf("rule status %s, want needs_review", res.Rules[0].Status)
	}
}

// TestTemplateFromTables: without template and year, the tables' own
// layout decides which rules apply (a 2019 rule must not run on 2021 tables).
func TestTemplateFromTables(t *testing.T) {
	doc := SampleDocument("2021")
	doc.Meta.Template, doc.Meta.Year = nil, nil
	if got := newDocContext(doc, &Options{}).template; got != "2021" {
		t.Errorf("2021 tables: template %q", got)
	}
	doc = SampleDocument("2019")
	doc.Meta.Template, doc.Meta.Year = nil, nil
	if got := newDocContext(doc, &Options{}).template; got != "2019" {
		t.Errorf("2019 tables: template %q", got)
	}
}
