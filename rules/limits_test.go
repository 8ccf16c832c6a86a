package rules

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/schema"
)

// manySections is the 2021 sample document with its six sections repeated
// until there are n: the shape of a hostile or broken canonical JSON.
func manySections(n int) *schema.Document {
	doc := engine.SampleDocument(schema.Template2021)
	six := doc.Sections
	doc.Sections = make([]schema.Section, 0, n)
	for i := 0; i < n; i++ {
		doc.Sections = append(doc.Sections, six[i%len(six)])
	}
	return doc
}

// sectionSizes are the document sizes the large-document tests use;
// OGI_SECTIONS=10000 measures one size only:
//
//	OGI_SECTIONS=10000 go test ./rules -run ManySections -v
func sectionSizes(t *testing.T) []int {
	if testing.Short() {
		t.Skip("large documents")
	}
	s := os.Getenv("OGI_SECTIONS")
	if s == "" {
		return []int{10_000, 100_000}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return []int{n}
}

// timeRules evaluates rules on doc, failing the test on a rule error.
func timeRules(t *testing.T, e *engine.Engine, doc *schema.Document, rules []*engine.Rule) time.Duration {
	t.Helper()
	start := time.Now()
	res := enginetest.Eval(e, doc, engine.WithRules(rules...))
	took := time.Since(start)
	for _, rr := range res.Rules {
		if rr.Status == engine.StatusError {
			t.Errorf("%d sections: rule %s: %s", len(doc.Sections), rr.Rule, rr.Error)
		}
	}
	return took
}

// TestContentRulesManySections: the section content rules are linear in
// the number of sections (about a second for 100,000 here; the figure is
// logged, not asserted, as a loaded machine may take longer).
// conversion.debris looked each section's text up by id among all
// sections: 41 s for 10,000 sections, minutes for 100,000 — a hundred
// times the time for ten times the sections, which the ratio catches
// whatever the machine's speed.
func TestContentRulesManySections(t *testing.T) {
	e := builtin(t)
	var rules []*engine.Rule
	for _, r := range e.Rules() {
		if strings.HasSuffix(r.File, "/content.yaml") {
			rules = append(rules, r)
		}
	}
	if len(rules) < 5 {
		t.Fatalf("found %d rules of content.yaml", len(rules))
	}
	var took []time.Duration
	for _, n := range sectionSizes(t) {
		d := timeRules(t, e, manySections(n), rules)
		t.Logf("content.yaml, %d sections: %v", n, d)
		took = append(took, d)
	}
	if len(took) == 2 && took[1] > 25*took[0] {
		t.Errorf("10 times the sections took %.0f times as long (%v, then %v): not linear", float64(took[1])/float64(took[0]), took[0], took[1])
	}
}

// TestPackManySections: the whole built-in pack is linear in the number
// of sections: ten times the sections costs at most about ten times the
// time (a quadratic rule costs a hundred times).
func TestPackManySections(t *testing.T) {
	e := builtin(t)
	var took []time.Duration
	for _, n := range sectionSizes(t) {
		doc := manySections(n)
		data, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		d := timeRules(t, e, doc, e.Rules())
		t.Logf("whole pack, %d sections (%.1f MB canonical JSON): %v", n, float64(len(data))/1e6, d)
		took = append(took, d)
	}
	if len(took) == 2 && took[1] > 25*took[0] {
		t.Errorf("10 times the sections took %.0f times as long (%v, then %v): not linear", float64(took[1])/float64(took[0]), took[0], took[1])
	}
}

// TestSchemaBoundsSections: a canonical JSON has at most the six sections
// (the converter finds each heading once), so a document with thousands is
// refused before any rule sees it.
func TestSchemaBoundsSections(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want bool
	}{{6, true}, {7, false}, {10_000, false}} {
		data, err := json.Marshal(manySections(tc.n))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(data); (err == nil) != tc.want {
			t.Errorf("%d sections: valid=%v, want %v (%v)", tc.n, err == nil, tc.want, err)
		}
	}
}
