package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ogi-checker/ogi/schema"
)

// regoRule is a Rego rule file of package name with the given deny body.
func regoRuleFile(name, body string) string {
	head := strings.NewReplacer("id: t.rego", "id: t."+name, "package ogi.rules.t", "package ogi.rules."+name).Replace(regoHead)
	return head + "deny contains f if {\n\t" + body + "\n\tf := {\"msg\": \"x\"}\n}\n"
}

const celLoopRule = `rules:
  - id: t.cel_loop
    title: {zh: 测试, en: test}
    severity: error
    category: content
    points: 1
    templates: ["2019", "2021"]
    assert: doc.sections.all(a, doc.sections.all(b, doc.sections.all(c, a.text.size() + b.text.size() + c.text.size() >= 0)))
`

// TestDeadlineStopsRules: a rule that would run for minutes is stopped by
// a one-second deadline within about a second, and the error names it and
// says the time limit was hit.
func TestDeadlineStopsRules(t *testing.T) {
	// 1,500 sections: the CEL rule's triple loop is 3.4e9 steps.
	big := SampleDocument(schema.Template2021)
	for len(big.Sections) < 1500 {
		big.Sections = append(big.Sections, big.Sections[:6]...)
	}
	cases := []struct {
		name  string
		files map[string]string
		doc   *schema.Document
		want  string
	}{
		{"rego numbers.range comprehension", map[string]string{"r.rego": regoRuleFile("loop", "count([x | some x in numbers.range(1, 1e9)]) > 0")}, nil,
			"time limit hit while rule t.loop (p/r.rego) was running: context deadline exceeded"},
		{"rego nested iteration", map[string]string{"r.rego": regoRuleFile("loop", "some i in numbers.range(1, 1e5)\n\tsome j in numbers.range(1, 1e5)\n\ti + j < 0")}, nil,
			"time limit hit while rule t.loop (p/r.rego) was running"},
		{"rego pack of two rules", map[string]string{
			"a.rego": regoRuleFile("fine", "input.meta.year == 0"),
			"b.rego": regoRuleFile("loop", "some i in numbers.range(1, 1e5)\n\tsome j in numbers.range(1, 1e5)\n\ti + j < 0"),
		}, nil, "time limit hit while rule t.fine (p/a.rego, evaluated in one query with t.loop) was running"},
		{"cel comprehension", map[string]string{"r.yaml": celLoopRule}, big,
			"time limit hit while rule t.cel_loop (p/r.yaml) was running: context deadline exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, s := range tc.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			e, err := New([]Pack{{Name: "p", FS: fsys}}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			doc := tc.doc
			if doc == nil {
				doc = SampleDocument(schema.Template2021)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			_, err = e.Evaluate(ctx, doc)
			took := time.Since(start)
			var te *TimeoutError
			if !errors.As(err, &te) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("after %v: error %v, want a time limit error", took, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			if took > 2500*time.Millisecond {
				t.Errorf("a 1s deadline stopped the rule after %v", took)
			}
		})
	}
}

// TestDeadlineBeforeRules: a document whose time is up before evaluation
// (conversion took it) is not evaluated.
func TestDeadlineBeforeRules(t *testing.T) {
	e, err := loadRego(t, map[string]string{"r.rego": regoRuleFile("fine", "input.meta.year == 0")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	_, err = e.Evaluate(ctx, SampleDocument(schema.Template2021))
	if want := "time limit hit before the rules ran"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
