package rules

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
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
