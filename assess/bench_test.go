package assess

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// BenchmarkAssess runs the batch over 600 generated reports in the six
// layouts (tab, HTML, DOCX, pipe, markdown, cell per line), with and
// without the store, and reports reports/s. Larger batches: ogi generate
// and ogi assess (the closing notes give the commands).
func BenchmarkAssess(b *testing.B) {
	dir := b.TempDir()
	bases := []*schema.Document{engine.SampleDocument(schema.Template2021), engine.SampleDocument(schema.Template2019)}
	gen, err := render.Generate(bases, 600, 1, 0.3)
	if err != nil {
		b.Fatal(err)
	}
	var items []check.Input
	for _, g := range gen {
		p := filepath.Join(dir, g.Name)
		if err := os.WriteFile(p, g.Data, 0o644); err != nil {
			b.Fatal(err)
		}
		items = append(items, check.Input{File: p})
	}
	chk := newChecker(b, check.Options{})
	for _, store := range []bool{false, true} {
		b.Run(fmt.Sprintf("store=%v", store), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				db := ""
				if store {
					db = filepath.Join(b.TempDir(), "ogi.db") // a fresh store: every report converted
				}
				out, err := Run(context.Background(), items, Options{Checker: chk, Lang: "zh", Store: db, Converter: "bench"})
				if err != nil || out.Code > check.ExitCompliance {
					b.Fatalf("exit %v: %v", out, err)
				}
			}
			b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
}
