package engine

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"testing/fstest"

	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// TestSplitBuiltin: of the built-in pack, exactly the rules that read the
// previous report or the peers are related, whether compiled or read from
// the cache of checked expressions.
func TestSplitBuiltin(t *testing.T) {
	want := []string{"continuity.carried_over", "continuity.in_force", "continuity.narrative_repeated",
		"continuity.narrative_shared_with_peer", "continuity.prev_items"}
	for _, run := range []string{"no cache", "filling the cache", "from the cache"} {
		switch run {
		case "no cache":
			useCELCache(t, "")
		case "filling the cache":
			useCELCache(t, t.TempDir())
		}
		e, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		local, related := e.Split()
		var got []string
		for _, r := range related {
			got = append(got, r.ID)
		}
		if len(local)+len(related) != len(e.Rules()) || len(local) < 20 {
			t.Errorf("%s: %d local and %d related rules of %d", run, len(local), len(related), len(e.Rules()))
		}
		if b, _ := json.Marshal(got); string(b) != mustJSON(t, want) {
			t.Errorf("%s: related rules %s, want %s", run, b, mustJSON(t, want))
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// detachedPeers are peers above and below the threshold, so that the peer
// rule both fails and passes.
var detachedPeers = []Peer{
	{Agency: "样例市第2局", File: "b.html", Score: 0.93, Passages: []string{"本年度，我局认真贯彻落实\n《条例》。", "下一步 将加强培训"}},
	{Agency: "样例市第3局", File: "c.docx", Score: 0.5},
}

// TestEvaluateMetaMatchesEvaluate: the related rules evaluated on a
// document's meta alone give what they give on the whole document, and
// merged with the local rules' evaluation, what evaluating every rule
// gives.
func TestEvaluateMetaMatchesEvaluate(t *testing.T) {
	e, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	local, related := e.Split()
	ctx := context.Background()
	for i, doc := range cacheDocs(t) {
		for _, peers := range [][]Peer{nil, detachedPeers} {
			rel := Related{Peers: peers}
			all, err := e.Evaluate(ctx, doc, WithRelated(rel))
			if err != nil {
				t.Fatal(err)
			}
			loc, err := e.Evaluate(ctx, doc, WithRelated(rel), WithRules(local...))
			if err != nil {
				t.Fatal(err)
			}
			cross, err := e.EvaluateMeta(ctx, doc.Meta, rel, related)
			if errors.Is(err, ErrNeedsDocument) && doc.Meta.Template == nil && doc.Meta.Year == nil {
				continue // the tables tell the template
			}
			if err != nil {
				t.Fatalf("document %d: %v", i, err)
			}
			kept, err := Compact(local, loc).Result()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := mustJSON(t, e.Merge(kept, cross)), mustJSON(t, all); got != want {
				t.Errorf("document %d, %d peers: merged\n%s\nwant\n%s", i, len(peers), got, want)
			}
			if len(peers) > 0 && len(cross.Findings) == 0 {
				t.Errorf("document %d: no finding of the peers", i)
			}
		}
	}
}

// TestEvaluateMetaNeedsDocument: a related rule that reads the document,
// a previous report, a Rego rule, and a meta without template or year are
// answered ErrNeedsDocument, not with a result made from an empty document.
func TestEvaluateMetaNeedsDocument(t *testing.T) {
	const head = "rules:\n  - id: custom.peer_body\n    title: {zh: 测试, en: test}\n    severity: warning\n    category: content\n    points: 1\n    templates: [\"2019\", \"2021\"]\n"
	cases := map[string]string{
		"doc in assert": head + "    when: size(similarity.peers) > 0\n    assert: doc.meta.agency != \"样例市第1局\"\n",
		"table":         head + "    when: size(similarity.peers) > 0\n    assert: num(req.new_received.total) < 0.0\n",
		"doc in message": head + "    for_each: similarity.peers\n    assert: double(item.score) < 0.8\n" +
			"    message:\n      zh: doc.meta.agency\n      en: doc.meta.agency\n",
	}
	doc := SampleDocument(schema.Template2021)
	doc.Meta.Agency = "样例市第1局"
	rel := Related{Peers: detachedPeers}
	for name, src := range cases {
		e, err := New([]Pack{{Name: "p", FS: fstest.MapFS{"r.yaml": {Data: []byte(src)}}}}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, related := e.Split()
		if len(related) != 1 {
			t.Fatalf("%s: %d related rules", name, len(related))
		}
		if _, err := e.EvaluateMeta(context.Background(), doc.Meta, rel, related); !errors.Is(err, ErrNeedsDocument) {
			t.Errorf("%s: %v, want ErrNeedsDocument", name, err)
		}
	}
	e, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, related := e.Split()
	if _, err := e.EvaluateMeta(context.Background(), doc.Meta, Related{Previous: doc}, related); !errors.Is(err, ErrNeedsDocument) {
		t.Errorf("with a previous report: %v", err)
	}
	if _, err := e.EvaluateMeta(context.Background(), schema.Meta{Agency: "x"}, rel, related); !errors.Is(err, ErrNeedsDocument) {
		t.Errorf("without template or year: %v", err)
	}
	var rego []*Rule
	for _, r := range e.Rules() {
		if r.Lang == "rego" {
			rego = append(rego, r)
		}
	}
	if _, err := e.EvaluateMeta(context.Background(), doc.Meta, rel, rego[:1]); !errors.Is(err, ErrNeedsDocument) {
		t.Errorf("a Rego rule: %v", err)
	}
	// The built-in related rules need nothing but the meta.
	if _, err := e.EvaluateMeta(context.Background(), doc.Meta, rel, related); err != nil {
		t.Errorf("built-in: %v", err)
	}
}

// TestPartialKeepsResult: a Partial gives back the evaluation it kept,
// findings and errors included, also when a number has no JSON form.
func TestPartialKeepsResult(t *testing.T) {
	rs := []*Rule{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}, {ID: "e"}}
	v, nan := 3.0, math.NaN()
	src := &schema.Loc{Page: 2}
	res := &Result{Rules: []RuleResult{
		{Rule: "a", Status: StatusPass},
		{Rule: "b", Status: StatusFail, Findings: []Finding{{Rule: "b", Status: StatusFail, Message: Text{Zh: "表三<总计>", En: "t3 & x"},
			Cells:    []CellRef{{Table: "requests", Row: "granted", Col: "total", Value: &v, Raw: "3", Status: "number", Confidence: 0.5, Candidates: []float64{3, 8}, Source: src, Pointer: "/tables/requests/granted/total"}},
			Expected: &v, Item: "total", Pointer: "/tables/requests/granted/total", Source: src}}},
		{Rule: "c", Status: StatusNotApplicable},
		{Rule: "d", Status: StatusError, Error: "boom"},
		{Rule: "e", Status: "custom"},
	}}
	for _, withNaN := range []bool{false, true} {
		if withNaN {
			res.Rules[1].Findings[0].Actual = &nan
		}
		p := Compact(rs, res)
		if (p.full == nil) != withNaN {
			t.Errorf("NaN %v: encoded %d bytes", withNaN, len(p.full))
		}
		b, err := p.AppendBinary([]byte("x"))
		if withNaN != (err != nil) {
			t.Errorf("NaN %v: written: %v", withNaN, err)
		}
		if err == nil {
			// Written and read back, the Partial keeps the same.
			if p, err = ReadPartial(rs, b[1:]); err != nil {
				t.Fatal(err)
			}
		}
		got, err := p.Result()
		if err != nil {
			t.Fatal(err)
		}
		if withNaN {
			if a := got.Rules[1].Findings[0].Actual; a == nil || !math.IsNaN(*a) {
				t.Errorf("NaN lost: %v", a)
			}
			got.Rules[1].Findings[0].Actual, res.Rules[1].Findings[0].Actual = nil, nil
		}
		if g, w := mustJSON(t, got), mustJSON(t, &Result{Rules: res.Rules}); g != w {
			t.Errorf("NaN %v: kept\n%s\nwant\n%s", withNaN, g, w)
		}
	}
}

// TestReadPartialRefuses: bytes AppendBinary did not write for these rules
// are an error, not another evaluation.
func TestReadPartialRefuses(t *testing.T) {
	rs := []*Rule{{ID: "a"}, {ID: "b"}}
	p := Compact(rs, &Result{Rules: []RuleResult{{Rule: "a", Status: StatusPass}, {Rule: "b", Status: StatusNotApplicable}}})
	b, err := p.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		rules []*Rule
		b     []byte
	}{
		{"empty", rs, nil},
		{"cut short", rs, b[:2]},
		{"other rules", rs[:1], b},
		{"unknown status", rs, []byte{2, 0, 77}},
	} {
		if _, err := ReadPartial(c.rules, c.b); err == nil {
			t.Errorf("%s: read", c.name)
		}
	}
	back, err := ReadPartial(rs, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := back.Result(); err != nil || mustJSON(t, got) != `{"rules":[{"rule":"a","status":"pass"},{"rule":"b","status":"not_applicable"}],"findings":null}` {
		t.Errorf("read back: %s, %v", mustJSON(t, got), err)
	}
}
