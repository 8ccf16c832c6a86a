package rules

import (
	"testing"

	"github.com/ogi-checker/ogi/engine"
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
