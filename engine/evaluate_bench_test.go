package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// BenchmarkEvaluate evaluates the built-in pack under a time limit, as
// ogi assess does, on each document of a set in turn (one op = one
// document): generated reports of the six layouts with the blanks and
// errors a batch has, and the seed reports.
func BenchmarkEvaluate(b *testing.B) {
	e, err := engine.New([]engine.Pack{{Name: "builtin", FS: rules.FS}}, engine.Options{})
	if err != nil {
		b.Fatal(err)
	}
	convert := func(name string, data []byte) *schema.Document {
		doc, err := ingest.Convert(context.Background(), name, data, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return doc
	}
	var generated []*schema.Document
	bases := []*schema.Document{engine.SampleDocument(schema.Template2019), engine.SampleDocument(schema.Template2021)}
	gen, err := render.Generate(bases, 60, 1, 0.3)
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range gen {
		generated = append(generated, convert(g.Name, g.Data))
	}
	var seeds []*schema.Document
	files, _ := filepath.Glob("../testdata/seeds/*.txt")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		seeds = append(seeds, convert(f, data))
	}
	for _, set := range []struct {
		name string
		docs []*schema.Document
	}{
		{"generated", generated},
		{"seeds", seeds},
		{"sample", []*schema.Document{engine.SampleDocument(schema.Template2021)}},
	} {
		b.Run(set.name, func(b *testing.B) {
			if len(set.docs) == 0 {
				b.Fatal("no documents")
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := e.Evaluate(ctx, set.docs[i%len(set.docs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
