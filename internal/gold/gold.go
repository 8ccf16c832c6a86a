// Package gold measures ogi against a gold set: reports with every table
// cell as published and the findings that must and must not fire. It gives
// cell accuracy and finding precision and recall, so that an office can
// measure ogi on its own documents before trusting it.
package gold

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// Manifest is a gold set.
type Manifest struct {
	Reports []Report `yaml:"reports"`
}

// Report is one document of the gold set.
type Report struct {
	// File is relative to the manifest's directory.
	File string `yaml:"file"`
	// Format names how the report was made (chromium-pdf, libreoffice-pdf),
	// so that figures can be given per format; empty in hand-made sets.
	Format string `yaml:"format,omitempty"`
	// Cells maps table.row.col (active.sub.row.col) to the cell as
	// published: a number, or "blank", "missing", "ambiguous",
	// "placeholder:无", "text:…".
	Cells    map[string]any `yaml:"cells"`
	MustFire []Expect       `yaml:"must_fire"`
	MustNot  []Expect       `yaml:"must_not"`
}

// Expect matches findings: rule id (a trailing * is a prefix, "*" any
// rule), and optionally item, severity, status and cells.
type Expect struct {
	Rule     string   `yaml:"rule"`
	Item     string   `yaml:"item,omitempty"`
	Severity string   `yaml:"severity,omitempty"`
	Status   string   `yaml:"status,omitempty"`
	Cells    []string `yaml:"cells,omitempty"`
}

func (e Expect) matches(f engine.Finding) bool {
	switch {
	case e.Rule == "*":
	case strings.HasSuffix(e.Rule, "*"):
		if !strings.HasPrefix(f.Rule, strings.TrimSuffix(e.Rule, "*")) {
			return false
		}
	case e.Rule != f.Rule:
		return false
	}
	if e.Item != "" && e.Item != f.Item || e.Severity != "" && e.Severity != f.Severity || e.Status != "" && e.Status != f.Status {
		return false
	}
	for _, want := range e.Cells {
		found := false
		for _, c := range f.Cells {
			if c.Address() == want {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Load reads a manifest.
func Load(file string) (*Manifest, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &m, nil
}

// Metrics are the measured figures, with what went wrong.
type Metrics struct {
	Reports      int
	Cells        int
	CellsCorrect int
	// CellsWrong counts cells read as a value other than the gold one; the
	// rest of the incorrect cells were not read (missing, ambiguous,
	// absent), which a check reports as such instead of judging a wrong
	// figure.
	CellsWrong int
	TP, FN, FP int
	Mismatches []string
}

// CellAccuracy is the share of gold cells read exactly.
func (m Metrics) CellAccuracy() float64 { return ratio(m.CellsCorrect, m.Cells) }

// Precision is the share of judged findings that are right.
func (m Metrics) Precision() float64 { return ratio(m.TP, m.TP+m.FP) }

// Recall is the share of findings that must fire that did.
func (m Metrics) Recall() float64 { return ratio(m.TP, m.TP+m.FN) }

// Perfect reports whether every figure is 100%.
func (m Metrics) Perfect() bool {
	return m.CellsCorrect == m.Cells && m.FN == 0 && m.FP == 0
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Converter reads a report.
type Converter func(path string) (*schema.Document, error)

// Evaluate converts and checks every report of the manifest.
func Evaluate(m *Manifest, dir string, convert Converter, eng *engine.Engine) Metrics {
	var out Metrics
	for _, r := range m.Reports {
		out.Reports++
		doc, err := convert(filepath.Join(dir, filepath.FromSlash(r.File)))
		if err != nil {
			out.Mismatches = append(out.Mismatches, fmt.Sprintf("%s: cannot convert: %v", r.File, err))
			out.Cells += len(r.Cells)
			out.FN += len(r.MustFire)
			continue
		}
		keys := make([]string, 0, len(r.Cells))
		for k := range r.Cells {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out.Cells++
			got := Encode(lookup(doc, k))
			if fmt.Sprint(got) == fmt.Sprint(normalize(r.Cells[k])) {
				out.CellsCorrect++
			} else {
				if !unread[fmt.Sprint(got)] {
					out.CellsWrong++
				}
				out.Mismatches = append(out.Mismatches, fmt.Sprintf("%s: %s is %v, gold says %v", r.File, k, got, r.Cells[k]))
			}
		}
		res, err := eng.Evaluate(context.Background(), doc)
		if err != nil {
			out.Mismatches = append(out.Mismatches, fmt.Sprintf("%s: %v", r.File, err))
			continue
		}
		findings := res.Findings
		used := make([]bool, len(findings))
		for _, e := range r.MustFire {
			hit := false
			for i, f := range findings {
				if e.matches(f) {
					used[i], hit = true, true
				}
			}
			if hit {
				out.TP++
			} else {
				out.FN++
				out.Mismatches = append(out.Mismatches, fmt.Sprintf("%s: missed %s", r.File, describe(e)))
			}
		}
		for i, f := range findings {
			if used[i] {
				continue
			}
			for _, e := range r.MustNot {
				if e.matches(f) {
					out.FP++
					out.Mismatches = append(out.Mismatches, fmt.Sprintf("%s: false %s %s (item %q): %s", r.File, f.Severity, f.Rule, f.Item, f.Message.En))
					break
				}
			}
		}
	}
	return out
}

// EvaluateByFormat is Evaluate for each Format of the manifest's reports
// apart; reports without a format are under "".
func EvaluateByFormat(m *Manifest, dir string, convert Converter, eng *engine.Engine) map[string]Metrics {
	parts := map[string]*Manifest{}
	for _, r := range m.Reports {
		if parts[r.Format] == nil {
			parts[r.Format] = &Manifest{}
		}
		parts[r.Format].Reports = append(parts[r.Format].Reports, r)
	}
	out := make(map[string]Metrics, len(parts))
	for f, p := range parts {
		out[f] = Evaluate(p, dir, convert, eng)
	}
	return out
}

// unread are the encodings of a cell the converter did not settle.
var unread = map[string]bool{"absent": true, schema.StatusMissing: true, schema.StatusAmbiguous: true}

func describe(e Expect) string {
	s := e.Rule
	if e.Item != "" {
		s += " item " + e.Item
	}
	if len(e.Cells) > 0 {
		s += " cells " + strings.Join(e.Cells, ",")
	}
	return s
}

// lookup finds a cell by table.row.col (active.sub.row.col).
func lookup(doc *schema.Document, key string) *schema.Cell {
	p := strings.Split(key, ".")
	switch {
	case p[0] == "requests" && len(p) == 3:
		return doc.Tables.Requests[p[1]][p[2]]
	case p[0] == "review_litigation" && len(p) == 3:
		return doc.Tables.ReviewLitigation[p[1]][p[2]]
	case p[0] == "active" && len(p) == 4:
		return doc.Tables.Active[p[1]][p[2]][p[3]]
	}
	return nil
}

// Encode writes a cell the way manifests do.
func Encode(c *schema.Cell) any {
	switch {
	case c == nil:
		return "absent"
	case c.Status == schema.StatusNumber && c.Value != nil:
		return *c.Value
	case c.Status == schema.StatusPlaceholder || c.Status == schema.StatusText:
		return c.Status + ":" + c.Raw
	}
	return c.Status
}

// normalize makes YAML numbers comparable with float64 values.
func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f
		}
	}
	return v
}

// Rel is a manifest path for a report file.
func Rel(manifestDir, file string) string {
	r, err := filepath.Rel(manifestDir, file)
	if err != nil {
		return file
	}
	return path.Clean(filepath.ToSlash(r))
}
