package rules

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
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
		enginetest.Eval(e, doc, engine.WithRules(rules...))
	}
}

// BenchmarkPack evaluates the whole built-in pack (CEL and Rego).
func BenchmarkPack(b *testing.B) {
	e := builtin(b)
	doc := engine.SampleDocument("2021")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		enginetest.Eval(e, doc)
	}
}

// BenchmarkPackDeadline is BenchmarkPack under a time limit, as ogi check
// and ogi assess run it: rules that loop evaluate under the context.
func BenchmarkPackDeadline(b *testing.B) {
	e := builtin(b)
	doc := engine.SampleDocument("2021")
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Evaluate(ctx, doc); err != nil {
			b.Fatal(err)
		}
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
		e.ScoreResult(doc, enginetest.Eval(e, doc), cfg)
	}
}

// corpusDocs loads the golden canonical documents of the corpus: real
// reports with their blanks, odd values and findings, unlike the sample.
func corpusDocs(b testing.TB) []*schema.Document {
	files, _ := filepath.Glob("../testdata/golden/*.json")
	var docs []*schema.Document
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		doc := &schema.Document{}
		if err := json.Unmarshal(data, doc); err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		b.Fatal("no golden documents")
	}
	return docs
}

// BenchmarkPackCorpus evaluates the whole pack on each real document of
// the corpus in turn (one op = one document).
func BenchmarkPackCorpus(b *testing.B) {
	e := builtin(b)
	docs := corpusDocs(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		enginetest.Eval(e, docs[i%len(docs)])
	}
}

// BenchmarkEndToEndCorpus converts, evaluates and scores each text report
// of the corpus in turn (one op = one report).
func BenchmarkEndToEndCorpus(b *testing.B) {
	e := builtin(b)
	files, _ := filepath.Glob("../testdata/seeds/*.txt")
	more, _ := filepath.Glob("../testdata/real/*.txt")
	files = append(files, more...)
	data := make([][]byte, len(files))
	for i, f := range files {
		var err error
		if data[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	cfg := engine.DefaultScoreConfig()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(files)
		doc, err := ingest.Convert(context.Background(), files[k], data[k], ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		e.ScoreResult(doc, enginetest.Eval(e, doc), cfg)
	}
}

// BenchmarkPackGenerated evaluates the whole pack under a time limit on
// each of 120 generated reports (`ogi generate`: six layouts, seed 1,
// error rate 0.3) in turn, converted once before timing: reports with the
// blanks, errors and findings a batch has, unlike the sample (one op = one
// report).
func BenchmarkPackGenerated(b *testing.B) {
	e := builtin(b)
	bases := []*schema.Document{engine.SampleDocument(schema.Template2019), engine.SampleDocument(schema.Template2021)}
	gen, err := render.Generate(bases, 120, 1, 0.3)
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]*schema.Document, len(gen))
	for i, g := range gen {
		if docs[i], err = ingest.Convert(context.Background(), g.Name, g.Data, ingest.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.Evaluate(ctx, docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
