package engine

import (
	"math"
	"testing"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// TestFastTrueAgreesWithCEL checks that the direct arithmetic says "true"
// exactly where cel-go evaluates the same expression to true, on documents
// with the cells that make cel-go fail (blank, text, missing, NaN, nil)
// and on the corpus's real reports.
func TestFastTrueAgreesWithCEL(t *testing.T) {
	env, err := celEnvFor(cel.StringType)
	if err != nil {
		t.Fatal(err)
	}
	num := func(v float64) *schema.Cell {
		return &schema.Cell{Value: &v, Status: schema.StatusNumber, Confidence: 1}
	}
	docFor := func(edit func(d *schema.Document)) *schema.Document {
		d := SampleDocument(schema.Template2021)
		edit(d)
		return d
	}
	docs := map[string]*schema.Document{
		"sample": SampleDocument(schema.Template2021),
		"blank": docFor(func(d *schema.Document) {
			d.Tables.Requests["new_received"]["natural"] = &schema.Cell{Status: schema.StatusBlank}
		}),
		"text with value": docFor(func(d *schema.Document) {
			c := num(3)
			c.Status = schema.StatusText
			d.Tables.Requests["new_received"]["natural"] = c
		}),
		"missing row":  docFor(func(d *schema.Document) { delete(d.Tables.Requests, "carried_over") }),
		"missing cell": docFor(func(d *schema.Document) { delete(d.Tables.Requests["granted"], "natural") }),
		"nil cell":     docFor(func(d *schema.Document) { d.Tables.Requests["carried_over"]["natural"] = nil }),
		"NaN": docFor(func(d *schema.Document) {
			d.Tables.Requests["new_received"]["natural"] = num(math.NaN())
		}),
		"unbalanced": docFor(func(d *schema.Document) {
			d.Tables.Requests["new_received"]["natural"] = num(12345)
		}),
		"negative": docFor(func(d *schema.Document) {
			d.Tables.Requests["granted"]["natural"] = num(-1)
			d.Tables.Active["art20_1"]["rules"]["issued"] = num(-1)
		}),
		"fraction": docFor(func(d *schema.Document) {
			d.Tables.Requests["granted"]["natural"] = num(1.5)
			d.Tables.Active["art20_1"]["rules"]["issued"] = num(2.5)
		}),
		"active blank": docFor(func(d *schema.Document) {
			d.Tables.Active["art20_1"]["rules"]["issued"] = &schema.Cell{Status: schema.StatusPlaceholder, Raw: "-"}
		}),
		"no requests": docFor(func(d *schema.Document) { d.Tables.Requests = nil }),
	}
	files, golden := goldenDocuments(t)
	for i, d := range golden {
		docs[files[i]] = d
	}
	tests := []struct {
		name  string
		items string // the ids the item runs over
		expr  string
		fast  bool // whether the expression has a direct form
	}{
		{"identity", "requests_cols", `num(req.new_received[item]) + num(req.carried_over[item]) == num(req.total_handled[item]) + num(req.carried_forward[item])`, true},
		{"outcome total", "requests_cols", `total(column(req, ids["outcome_rows"], item)) == num(req.total_handled[item])`, true},
		{"row total", "requests_rows", `total(pick(req[item], ids["applicant_cols"])) == num(req[item].total)`, true},
		{"review total", "review_groups", `total(pick(rev[item], ids["review_parts"])) == num(rev[item].total)`, true},
		{"active", "active.art20_1.rows", `num(act.art20_1[item].in_force) >= num(act.art20_1[item].issued) && num(act.art20_1[item].repealed) <= num(act.art20_1[item].in_force)`, true},
		{"active minus", "active.art20_1.rows", `num(act.art20_1[item].in_force) + 0.0 >= num(act.art20_1[item].issued) - num(act.art20_1[item].repealed)`, true},
		{"minus", "requests_cols", `num(req.new_received[item]) - num(req.total_handled[item]) == num(req.new_received[item]) - num(req.total_handled[item]) + 0.0 && num(req.new_received[item]) - num(req.new_received[item]) == 0.0`, true},
		{"or", "requests_cols", `num(req.new_received[item]) < 0.0 || num(req.carried_over[item]) >= 0.0`, true},
		{"greater", "requests_cols", `num(req.new_received[item]) > num(req.carried_over[item])`, true},
		{"previous", "requests_cols", `num(req.carried_over[item]) == num(preq.carried_forward[item])`, true},
		{"unfilled", "requests_cols", `size(unfilled(grid(req, ids["requests_rows"], ids["requests_cols"]))) == 0`, true},
		{"badcounts", "requests_cols", `size(badcounts(grid(req, ids["requests_rows"], ids["requests_cols"]))) == 0`, true},
		{"active grid", "active_subtables", `size(badcounts(grid(act[item], ids["active." + item + ".rows"], ids["active." + item + ".cols"]))) == 0`, true},
		{"active unfilled", "active_subtables", `size(unfilled(grid(act[item], ids["active." + item + ".rows"], ids["active." + item + ".cols"]))) == 0`, true},
		{"int comparison", "requests_cols", `size(req) == 0`, false},
		{"member call", "requests_cols", `req.new_received[item].raw.contains("1")`, false},
	}
	ids := templateIDs(schema.Template2021)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ast, iss := env.Compile(tc.expr)
			if iss.Err() != nil {
				t.Fatal(iss.Err())
			}
			p := &celProgram{env: env, ast: ast}
			p.ready()
			if p.err != nil {
				t.Fatal(p.err)
			}
			if (p.fast != nil) != tc.fast {
				t.Fatalf("direct form: %v, want %v", p.fast != nil, tc.fast)
			}
			if p.fast == nil {
				return
			}
			trues := 0
			for name, doc := range docs {
				dc := newDocContext(doc, &Options{})
				dc.prev = docs["sample"]
				vars := dc.celVars()
				for _, item := range ids[tc.items] {
					act := withItem(vars, types.String(item))
					v, _, err := p.prg.Eval(act)
					want := err == nil && v == types.True
					if got := p.holds(act); got != want {
						t.Errorf("%s, item %s: direct %v, cel-go %v (%v)", name, item, got, v, err)
					}
					if want {
						trues++
					}
				}
			}
			if trues == 0 && tc.name != "greater" {
				t.Error("the expression is never true: the test checks nothing")
			}
		})
	}
}

// TestFastTrueCoversPack names the pack's assertions that have a direct
// form: losing one costs a third of the CEL rules' time, silently.
func TestFastTrueCoversPack(t *testing.T) {
	e, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"active.plausibility_2019": true, "active.plausibility_2021": true,
		"continuity.carried_over": true, "continuity.in_force": true,
		"requests.identity": true, "requests.outcome_total": true,
		"requests.row_total": true, "review.group_total": true,
		"completeness.active_cells": true, "completeness.requests_cells": true, "completeness.review_cells": true,
		"requests.values": true, "review.values": true,
	}
	for _, r := range e.Rules() {
		cr, ok := r.impl.(*celRule)
		if !ok {
			continue
		}
		cr.assert.ready()
		if got := cr.assert.fast != nil; got != want[r.ID] {
			t.Errorf("%s: direct form %v, want %v", r.ID, got, want[r.ID])
		}
	}
}

var _ ref.Val = types.True
