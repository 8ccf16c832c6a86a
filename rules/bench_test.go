package rules

import (
	"context"
	"os"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
)

// BenchmarkPackCEL evaluates every CEL rule of the built-in pack on one
// complete document.
func BenchmarkPackCEL(b *testing.B) {
	benchLang(b, "cel")
}

// BenchmarkPackRego evaluates every Rego rule of the built-in pack.
func BenchmarkPackRego(b *testing.B) {
	benchLang(b, "rego")
}

func benchLang(b *testing.B, lang string) {
	e := builtin(b)
	var rules []*engine.Rule
	for _, r := range e.Rules() {
		if r.Lang == lang {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		b.Skipf("no %s rules in the pack", lang)
	}
	doc := engine.SampleDocument("2021")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.EvaluateRules(doc, rules)
	}
}

// BenchmarkPack evaluates the whole built-in pack (CEL and Rego).
func BenchmarkPack(b *testing.B) {
	e := builtin(b)
	doc := engine.SampleDocument("2021")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Evaluate(doc)
	}
}

// BenchmarkEndToEnd converts a text report, evaluates the pack and scores
// it: what `ogi check` does per file.
func BenchmarkEndToEnd(b *testing.B) {
	e := builtin(b)
	path := "../testdata/seeds/002_a141446f969544e3.txt"
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	cfg := engine.DefaultScoreConfig()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := ingest.Convert(context.Background(), path, data, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		e.ScoreResult(e.Evaluate(doc), cfg, "")
	}
}
