package gold

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

const renderedManifest = "../../testdata/rendered/manifest.yaml"

// renderedFormats are the ways the rendered corpus was printed; each must
// be there and be read perfectly.
var renderedFormats = []string{"chromium-pdf", "libreoffice-pdf"}

// TestRendered evaluates the rendered corpus (reports printed to PDF by
// Chromium and by LibreOffice, made by internal/rendercorpus) as ogi eval
// does, and requires every cell of every PDF read as written, with no
// wrong value, per format.
func TestRendered(t *testing.T) {
	e := builtin(t)
	m, err := Load(renderedManifest)
	if err != nil {
		t.Fatal(err)
	}
	by := EvaluateByFormat(m, filepath.Dir(renderedManifest), convert, e)
	for _, f := range renderedFormats {
		met, ok := by[f]
		switch {
		case !ok:
			t.Errorf("%s: no report in the manifest", f)
			continue
		case met.Reports < 10 || met.Cells < 10*150:
			t.Errorf("%s: %d reports and %d cells; the corpus has at least 10 reports of each format", f, met.Reports, met.Cells)
		}
		t.Logf("%s: %d reports, cell accuracy %.2f%% (%d/%d), %d wrong values",
			f, met.Reports, 100*met.CellAccuracy(), met.CellsCorrect, met.Cells, met.CellsWrong)
		if met.CellsCorrect != met.Cells || met.CellsWrong != 0 {
			t.Errorf("%s: %d of %d cells not read as written, %d of them wrong values (ogi eval --verbose %s lists them); first:",
				f, met.Cells-met.CellsCorrect, met.Cells, met.CellsWrong, renderedManifest)
			for _, s := range met.Mismatches[:min(20, len(met.Mismatches))] {
				t.Error("  " + s)
			}
		}
	}
	if extra := len(by) - len(renderedFormats); extra != 0 {
		t.Errorf("the manifest has formats %v, the test knows %v", slices.Sorted(maps.Keys(by)), renderedFormats)
	}
}

// TestEvaluateByFormat: figures are split by format, a misread number is
// a wrong value, an unread cell is not.
func TestEvaluateByFormat(t *testing.T) {
	num := func(v float64) *schema.Cell { return &schema.Cell{Value: &v, Status: schema.StatusNumber} }
	read := map[string]*schema.Cell{
		"a.pdf": num(3),
		"b.pdf": num(4),
		"c.pdf": {Status: schema.StatusAmbiguous},
		"d.pdf": {Status: schema.StatusBlank},
		"e.pdf": {Status: schema.StatusText, Raw: "见附件"},
	}
	conv := func(p string) (*schema.Document, error) {
		c, ok := read[filepath.Base(p)]
		if !ok {
			return nil, fmt.Errorf("no such file")
		}
		return &schema.Document{Tables: schema.Tables{Requests: map[string]map[string]*schema.Cell{"granted": {"total": c}}}}, nil
	}
	report := func(file, format string, gold any) Report {
		return Report{File: file, Format: format, Cells: map[string]any{"requests.granted.total": gold}}
	}
	tests := []struct {
		name                  string
		reports               []Report
		format                string
		cells, correct, wrong int
	}{
		{"right number", []Report{report("a.pdf", "x", 3)}, "x", 1, 1, 0},
		{"wrong number", []Report{report("b.pdf", "x", 3)}, "x", 1, 0, 1},
		{"unread is not wrong", []Report{report("c.pdf", "x", 3)}, "x", 1, 0, 0},
		{"blank for a number is wrong", []Report{report("d.pdf", "x", 0)}, "x", 1, 0, 1},
		{"text as written", []Report{report("e.pdf", "x", "text:见附件")}, "x", 1, 1, 0},
		{"unconvertible is unread", []Report{report("z.pdf", "x", 3)}, "x", 1, 0, 0},
		{"formats apart", []Report{report("a.pdf", "x", 3), report("b.pdf", "y", 3), report("b.pdf", "x", 4)}, "x", 2, 2, 0},
		{"the other format", []Report{report("a.pdf", "x", 3), report("b.pdf", "y", 3)}, "y", 1, 0, 1},
		{"no format", []Report{report("a.pdf", "", 3), report("b.pdf", "y", 3)}, "", 1, 1, 0},
	}
	e := builtin(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EvaluateByFormat(&Manifest{Reports: tt.reports}, ".", conv, e)[tt.format]
			if got.Cells != tt.cells || got.CellsCorrect != tt.correct || got.CellsWrong != tt.wrong {
				t.Errorf("cells %d correct %d wrong %d, want %d %d %d (%v)", got.Cells, got.CellsCorrect, got.CellsWrong,
					tt.cells, tt.correct, tt.wrong, got.Mismatches)
			}
		})
	}
}
