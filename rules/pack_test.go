package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/schema"
)

func builtin(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := engine.New([]engine.Pack{{Name: "builtin", FS: FS}}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func convert(path string) (*schema.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ingest.Convert(context.Background(), path, data, ingest.Options{})
}

// TestFixtures runs every fixture case of the built-in pack: the findings
// of each case must be exactly the expected ones.
func TestFixtures(t *testing.T) {
	e := builtin(t)
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	results, err := e.RunFixtures(FS, dir, convert, nil)
	if err != nil {
		t.Fatal(err)
	}
	passing, failing := map[string]bool{}, map[string]bool{}
	for _, r := range results {
		name := r.Rule + "/" + r.Case
		if r.Error != "" {
			t.Errorf("%s (%s): %s", name, r.File, r.Error)
			continue
		}
		if !r.Pass {
			t.Errorf("%s (%s):", name, r.File)
			for _, d := range r.Diffs {
				t.Errorf("    %s", d)
			}
		}
	}
	// Every rule needs a case without findings and a case with one.
	for _, f := range mustFixtures(t) {
		for _, c := range f.Cases {
			if len(c.Expect) == 0 {
				passing[f.Rule] = true
			} else {
				failing[f.Rule] = true
			}
		}
	}
	for _, r := range e.Rules() {
		if !passing[r.ID] || !failing[r.ID] {
			t.Errorf("rule %s (%s) needs a passing and a failing fixture case (have passing=%v failing=%v)",
				r.ID, r.File, passing[r.ID], failing[r.ID])
		}
	}
}

// TestNoRuleErrorsOnCorpus: no built-in rule breaks on any real report
// (a rule error is exit 4 for everyone who checks such a report).
func TestNoRuleErrorsOnCorpus(t *testing.T) {
	e := builtin(t)
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "seeds", "*"))
	reals, _ := filepath.Glob(filepath.Join("..", "testdata", "real", "*"))
	files := append(seeds, reals...)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".json") || strings.HasSuffix(f, "README.md") {
			continue
		}
		doc, err := convert(f)
		if err != nil {
			continue
		}
		n++
		for _, rr := range enginetest.Eval(e, doc).Rules {
			if rr.Status == engine.StatusError {
				t.Errorf("%s: rule %s: %s", filepath.Base(f), rr.Rule, rr.Error)
			}
		}
	}
	if n < 14 {
		t.Errorf("evaluated %d reports, want the whole corpus", n)
	}
}

// TestCatalogInStep: rules/CATALOG.md is what `ogi rules doc` writes for
// the built-in pack (regenerate with go run ./cmd/ogi rules doc --out rules/CATALOG.md).
func TestCatalogInStep(t *testing.T) {
	e := builtin(t)
	fx, err := engine.LoadFixtures(FS)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Catalog(e.Rules(), fx)
	got, err := os.ReadFile("CATALOG.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Error("rules/CATALOG.md is out of date: run go run ./cmd/ogi rules doc --out rules/CATALOG.md")
	}
	if problems := engine.Lint(e.Rules(), fx); len(problems) > 0 {
		t.Errorf("ogi rules lint: %v", problems)
	}
}
