package engine

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ogi-checker/ogi/schema"
)

const regoHead = `# METADATA
# title: Test rule
# custom:
#   id: t.rego
#   title_zh: 测试
#   severity: error
#   category: arithmetic
#   points: 2
#   templates: ["2019", "2021"]
package ogi.rules.t
`

func loadRego(t *testing.T, files map[string]string) (*Engine, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for n, s := range files {
		fsys[n] = &fstest.MapFile{Data: []byte(s)}
	}
	return New([]Pack{{Name: "p", FS: fsys}}, Options{})
}

// TestRegoLoadErrors: unsafe built-ins, syntax errors and missing metadata
// fail at load time with the file and position.
func TestRegoLoadErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"http.send", regoHead + "deny contains f if {\n\tr := http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1/\"})\n\tf := {\"msg\": r}\n}\n", "p/r.rego:12"},
		{"time.now_ns", regoHead + "deny contains f if {\n\ttime.now_ns() > 0\n\tf := {\"msg\": \"x\"}\n}\n", "p/r.rego:12:2: built-in time.now_ns is refused in rule packs: it reads the clock"},
		{"opa.runtime", regoHead + "deny contains f if {\n\topa.runtime().env\n\tf := {\"msg\": \"x\"}\n}\n", "p/r.rego:12:2: built-in opa.runtime is refused"},
		{"syntax error", regoHead + "deny contains f if {\n\tf := {\n}\n", "p/r.rego:1"},
		{"no metadata", "package ogi.rules.t\n\ndeny contains f if { f := {\"msg\": \"x\"} }\n", "needs a package-scoped # METADATA"},
		{"bad severity", strings.Replace(regoHead, "severity: error", "severity: fatal", 1) + "deny contains f if { false; f := 1 }\n", "severity"},
		{"unused variable (strict)", regoHead + "deny contains f if {\n\tx := 1\n\tf := {\"msg\": \"x\"}\n}\n", "p/r.rego:12"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadRego(t, map[string]string{"r.rego": tc.src})
			if err == nil {
				t.Fatalf("loaded; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
	// http.send specifically must be named as unavailable.
	_, err := loadRego(t, map[string]string{"r.rego": cases[0].src})
	if err == nil || !strings.Contains(err.Error(), "http.send") {
		t.Errorf("http.send error %v does not name the built-in", err)
	}
}

// TestRegoEvaluation maps deny/warn findings, cells, cannot_evaluate and
// not_applicable, in a stable order.
func TestRegoEvaluation(t *testing.T) {
	src := regoHead + `
import rego.v1

req := input.tables.requests

not_applicable if input.meta.year < 2000

deny contains f if {
	some col in ["commercial", "natural_person"]
	cell := req.new_received[col]
	cell.status == "number"
	cell.value > 0
	f := {"msg": {"zh": sprintf("列%s", [col]), "en": sprintf("column %s", [col])},
		"cells": [{"table": "requests", "row": "new_received", "col": col}],
		"expected": 0, "actual": cell.value, "item": col}
}

deny contains f if {
	req.carried_over.total.status != "number"
	f := {"msg": {"zh": "无法核验", "en": "cannot"}, "status": "cannot_evaluate",
		"cells": [{"table": "requests", "row": "carried_over", "col": "total"}], "item": "total"}
}

warn contains f if {
	input.meta.agency == "警告局"
	f := {"msg": "plain message"}
}
`
	e, err := loadRego(t, map[string]string{"r.rego": src})
	if err != nil {
		t.Fatal(err)
	}
	doc := SampleDocument("2021")
	if got := evalDoc(e, doc).Rules[0].Status; got != StatusPass {
		t.Fatalf("sample: %s, want pass", got)
	}
	two := 2.0
	doc.Tables.Requests["new_received"]["natural_person"] = &schema.Cell{Value: &two, Raw: "2", Status: schema.StatusNumber, Confidence: 1, Source: &schema.Loc{Line: 7}}
	doc.Tables.Requests["new_received"]["commercial"] = &schema.Cell{Value: &two, Raw: "2", Status: schema.StatusNumber, Confidence: 1}
	doc.Tables.Requests["carried_over"]["total"] = &schema.Cell{Raw: "无", Status: schema.StatusPlaceholder}
	doc.Meta.Agency = "警告局"
	res := evalDoc(e, doc)
	if res.Rules[0].Status != StatusFail || len(res.Findings) != 4 {
		t.Fatalf("result %+v", res)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Status+"/"+f.Severity+"/"+f.Item)
	}
	want := "fail/warning/|fail/error/commercial|fail/error/natural_person|cannot_evaluate/warning/total"
	if strings.Join(got, "|") != want {
		t.Errorf("findings %s, want %s", strings.Join(got, "|"), want)
	}
	np := res.Findings[2]
	if np.Cells[0].Source == nil || np.Cells[0].Source.Line != 7 || *np.Actual != 2 || *np.Expected != 0 || np.Pointer != "/tables/requests/new_received/natural_person" {
		t.Errorf("natural_person finding %+v", np)
	}
	y := 1990
	doc.Meta.Year = &y
	if got := evalDoc(e, doc).Rules[0].Status; got != StatusNotApplicable {
		t.Errorf("old report: %s, want not_applicable", got)
	}
}

// TestRegoRuntimeErrorIsolated: a rule that fails at run time on a document
// (a type error) reports the error as its own; the pack's other rules still
// give their results.
func TestRegoRuntimeErrorIsolated(t *testing.T) {
	bad := strings.NewReplacer("t.rego", "t.bad", "package ogi.rules.t", "package ogi.rules.bad").Replace(regoHead) +
		"warn contains f if {\n\tn := input.tables.requests.granted.total.value + 1\n\tf := {\"msg\": sprintf(\"%v\", [n])}\n}\n"
	good := strings.NewReplacer("t.rego", "t.good", "package ogi.rules.t", "package ogi.rules.good").Replace(regoHead) +
		"warn contains f if {\n\tinput.meta.agency == \"某市某局\"\n\tf := {\"msg\": {\"zh\": \"好\", \"en\": \"good\"}}\n}\n"
	e, err := loadRego(t, map[string]string{"bad.rego": bad, "good.rego": good})
	if err != nil {
		t.Fatal(err)
	}
	doc := SampleDocument("2021")
	doc.Tables.Requests["granted"]["total"] = &schema.Cell{Raw: "", Status: schema.StatusBlank} // value null: null + 1
	got := map[string]RuleResult{}
	for _, r := range evalDoc(e, doc).Rules {
		got[r.Rule] = r
	}
	if r := got["t.bad"]; r.Status != StatusError || !strings.Contains(r.Error, "bad.rego") {
		t.Errorf("t.bad = %s %q, want an error naming bad.rego", r.Status, r.Error)
	}
	if r := got["t.good"]; r.Status != StatusFail || len(r.Findings) != 1 {
		t.Errorf("t.good = %s with %d findings, want its one finding", r.Status, len(r.Findings))
	}
	// With a number the pack's single query answers both.
	doc = SampleDocument("2021")
	got = map[string]RuleResult{}
	for _, r := range evalDoc(e, doc).Rules {
		got[r.Rule] = r
	}
	if got["t.bad"].Status != StatusFail || got["t.good"].Status != StatusFail {
		t.Errorf("on a complete document: bad %s, good %s", got["t.bad"].Status, got["t.good"].Status)
	}
}
