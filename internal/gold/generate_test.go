package gold

import (
	"context"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// TestGenerate: generated reports of every layout convert, and every error
// put into them on purpose is found by a rule that names it.
func TestGenerate(t *testing.T) {
	e := builtin(t)
	bases := []*schema.Document{engine.SampleDocument("2019"), engine.SampleDocument("2021")}
	gen, err := render.Generate(bases, 60, 7, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := render.Generate(bases, 60, 7, 0.8)
	for i := range gen {
		if string(gen[i].Data) != string(again[i].Data) || strings.Join(gen[i].Errors, ";") != strings.Join(again[i].Errors, ";") {
			t.Fatalf("report %d differs between two runs with the same seed", i)
		}
	}
	withErrors := 0
	for _, g := range gen {
		doc, err := ingest.Convert(context.Background(), g.Name, g.Data, ingest.Options{})
		if err != nil {
			t.Fatalf("%s (%s): %v", g.Name, g.Format, err)
		}
		fs := enginetest.Eval(e, doc).Findings
		if len(g.Errors) > 0 {
			withErrors++
		}
		for _, want := range g.Errors {
			if !detected(fs, want) {
				t.Errorf("%s (%s): error %q not found; findings: %v", g.Name, g.Format, want, rulesOf(fs))
			}
		}
		if len(g.Errors) == 0 {
			for _, f := range fs {
				if f.Severity == engine.SeverityError {
					t.Errorf("%s (%s): clean report has error %s %s", g.Name, g.Format, f.Rule, f.Message.En)
				}
			}
		}
	}
	if withErrors < 30 {
		t.Errorf("only %d reports got errors", withErrors)
	}
}

func detected(fs []engine.Finding, want string) bool {
	switch {
	case want == "no 落款 date":
		return has(fs, "timeliness.published_present", "")
	case strings.HasPrefix(want, "heading "):
		return has(fs, "structure.heading_deviation", "review_litigation")
	}
	addr := strings.Fields(want)[0]
	p := strings.Split(addr, ".")
	for _, f := range fs {
		for _, c := range f.Cells {
			if c.Table == p[0] && (c.Row == p[1] || c.Col == p[2]) {
				return true
			}
		}
	}
	return false
}

func has(fs []engine.Finding, rule, item string) bool {
	for _, f := range fs {
		if f.Rule == rule && (item == "" || f.Item == item) {
			return true
		}
	}
	return false
}

func rulesOf(fs []engine.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+"/"+f.Item)
	}
	return out
}

// TestGenerateManySeeds: generation itself never fails, whatever the seed
// (a cell picked twice once made it panic).
func TestGenerateManySeeds(t *testing.T) {
	bases := []*schema.Document{engine.SampleDocument("2019"), engine.SampleDocument("2021")}
	for seed := int64(0); seed < 20; seed++ {
		if _, err := render.Generate(bases, 300, seed, 1); err != nil {
			t.Fatal(err)
		}
	}
}
