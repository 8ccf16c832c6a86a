package rules

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/enginetest"
)

// TestRegoCELParity: the table-3 identity family is written in both
// languages (the Rego copy is a fixture under testdata/rego_parity); over
// every report of the corpus both find exactly the same things — rule,
// status, item, cells, expected and actual.
func TestRegoCELParity(t *testing.T) {
	ids := map[string]bool{"requests.identity": true, "requests.outcome_total": true, "requests.row_total": true}
	celEngine := builtin(t)
	var celRules []*engine.Rule
	for _, r := range celEngine.Rules() {
		if ids[r.ID] {
			celRules = append(celRules, r)
		}
	}
	sub, err := fs.Sub(FS, "testdata/rego_parity")
	if err != nil {
		t.Fatal(err)
	}
	regoEngine, err := engine.New([]engine.Pack{{Name: "parity", FS: sub}}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(celRules) != 3 || len(regoEngine.Rules()) != 3 {
		t.Fatalf("%d CEL and %d Rego rules, want 3 and 3", len(celRules), len(regoEngine.Rules()))
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "seeds", "*"))
	reals, _ := filepath.Glob(filepath.Join("..", "testdata", "real", "*"))
	files := append(seeds, reals...)
	compared, findings := 0, 0
	for _, f := range files {
		if strings.HasSuffix(f, ".json") || strings.HasSuffix(f, ".md") && strings.Contains(f, "README") {
			continue
		}
		doc, err := convert(f)
		if err != nil {
			continue
		}
		a := summarize(enginetest.Eval(celEngine, doc, engine.WithRules(celRules...)).Findings)
		b := summarize(enginetest.Eval(regoEngine, doc).Findings)
		compared++
		findings += len(a)
		if strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("%s: CEL and Rego differ\nCEL:\n%s\nRego:\n%s", filepath.Base(f), strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
	}
	if compared < 14 {
		t.Errorf("compared %d reports, want the whole corpus (14)", compared)
	}
	t.Logf("%d reports, %d findings, identical", compared, findings)
}

func summarize(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		var cells []string
		for _, c := range f.Cells {
			cells = append(cells, c.Address())
		}
		num := func(p *float64) string {
			if p == nil {
				return "-"
			}
			return fmt.Sprint(*p)
		}
		out = append(out, fmt.Sprintf("%s %s %s [%s] %s %s", f.Rule, f.Status, f.Item, strings.Join(cells, " "), num(f.Expected), num(f.Actual)))
	}
	sort.Strings(out)
	return out
}
