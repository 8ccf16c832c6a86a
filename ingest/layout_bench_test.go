package ingest

import (
	"path/filepath"
	"sort"
	"testing"

	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// genLayouts renders the seeds once in each layout Generate rotates
// through, as the generated batches hold them.
func genLayouts(b *testing.B) []render.Generated {
	b.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "seeds", "*.txt"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no seeds: %v", err)
	}
	sort.Strings(paths)
	var bases []*schema.Document
	for _, p := range paths {
		bases = append(bases, convertFile(b, p))
	}
	gen, err := render.Generate(bases, len(render.GenerateFormats)*len(bases), 1, 0.5)
	if err != nil {
		b.Fatal(err)
	}
	return gen
}

// BenchmarkLayouts measures, per generated layout, the reading step and
// Map apart; one op is one report (each seed in turn).
func BenchmarkLayouts(b *testing.B) {
	gen := genLayouts(b)
	for _, format := range render.GenerateFormats {
		var items []render.Generated
		var lays []*Layout
		for _, g := range gen {
			if g.Format != format {
				continue
			}
			lay, err := readLayout(g.Name, g.Data, Options{})
			if err != nil {
				b.Fatal(err)
			}
			items = append(items, g)
			lays = append(lays, lay)
		}
		b.Run("read/"+format, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				g := items[i%len(items)]
				i++
				if _, err := readLayout(g.Name, g.Data, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("map/"+format, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := i % len(lays)
				i++
				Map(lays[k], schema.Source{File: items[k].Name})
			}
		})
	}
}

// BenchmarkCompactLines is Map's first step, compactLine over every line
// of one report per generated layout in turn.
func BenchmarkCompactLines(b *testing.B) {
	var lays [][]Line
	for _, g := range genLayouts(b) {
		lay, err := readLayout(g.Name, g.Data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		lays = append(lays, lay.Lines)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		for _, l := range lays[i%len(lays)] {
			compactLine(l)
		}
		i++
	}
}
