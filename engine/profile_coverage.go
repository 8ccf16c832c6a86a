package engine

import (
	"math"
	"slices"
	"sort"

	"github.com/ogi-checker/ogi/schema"
)

// Coverage is how much of a report's tables could be evaluated: the share
// of the template's cells that hold a number. A blank, a placeholder (无,
// /, -) or text where the template asks for a number, and a row or table
// the report lacks, are cells that cannot be evaluated: they are not free.
type Coverage struct {
	// Ratio is Evaluable / Cells (0 when there are no cells).
	Ratio     float64 `json:"ratio"`
	Cells     int     `json:"cells"`
	Evaluable int     `json:"evaluable"`
	// CannotEvaluate counts the findings of identities that could not be
	// checked (their operands are among the cells not evaluable).
	CannotEvaluate int             `json:"cannot_evaluate"`
	Tables         []TableCoverage `json:"tables"`
	// Cap is the coverage cap that bounded the score, when one did.
	Cap *CoverageCap `json:"cap,omitempty"`
}

// TableCoverage is the coverage of one table.
type TableCoverage struct {
	// Table is active, requests or review_litigation.
	Table     string  `json:"table"`
	Cells     int     `json:"cells"`
	Evaluable int     `json:"evaluable"`
	Ratio     float64 `json:"ratio"`
	// Status is "found", or "missing" when the table was not found at all
	// (no sub-table of it, or every cell missing).
	Status string `json:"status"`
}

// coverageTableNames are the tables' printed names with what they hold, zh and en.
var coverageTableNames = map[string][2]string{
	"active":            {"表二（主动公开政府信息情况）", "table 2 (active disclosure)"},
	"requests":          {"表三（收到和处理政府信息公开申请情况）", "table 3 (requests)"},
	"review_litigation": {"表四（行政复议、行政诉讼情况）", "table 4 (reconsideration and litigation)"},
}

// MeasureCoverage counts the evaluable cells of doc's tables. An
// ambiguous cell (digits run together, readings tied) counts as evaluable:
// it was read, and the checks on it are reported as needing review.
func MeasureCoverage(doc *schema.Document, res *Result) Coverage {
	c := Coverage{CannotEvaluate: cannotEvaluate(res)}
	if doc == nil {
		return c
	}
	var active []map[string]*schema.Cell
	for _, sub := range sortedKeys(doc.Tables.Active) {
		for _, row := range sortedKeys(doc.Tables.Active[sub]) {
			active = append(active, doc.Tables.Active[sub][row])
		}
	}
	grids := map[string][]map[string]*schema.Cell{"active": active}
	for _, name := range []string{"requests", "review_litigation"} {
		src := doc.Tables.Requests
		if name == "review_litigation" {
			src = doc.Tables.ReviewLitigation
		}
		for _, row := range sortedKeys(src) {
			grids[name] = append(grids[name], src[row])
		}
	}
	for _, name := range knownTables {
		tc := TableCoverage{Table: name, Status: "found"}
		missing := 0
		for _, row := range grids[name] {
			for _, cell := range row {
				tc.Cells++
				switch {
				case cell == nil || cell.Status == schema.StatusMissing:
					missing++
				case cell.Status == schema.StatusNumber || cell.Status == schema.StatusAmbiguous:
					tc.Evaluable++
				}
			}
		}
		if tc.Cells == 0 || missing == tc.Cells || tableMissing(doc, name) {
			tc.Status = "missing"
		}
		tc.Ratio = ratio(tc.Evaluable, tc.Cells)
		c.Cells += tc.Cells
		c.Evaluable += tc.Evaluable
		c.Tables = append(c.Tables, tc)
	}
	c.Ratio = ratio(c.Evaluable, c.Cells)
	return c
}

// cannotEvaluate counts res's findings of identities that could not be
// checked and were not waived.
func cannotEvaluate(res *Result) int {
	n := 0
	if res != nil {
		for _, f := range res.Findings {
			if f.Status == StatusCannotEvaluate && !f.Waived {
				n++
			}
		}
	}
	return n
}

// tableMissing tells whether the converter found no part of the table.
func tableMissing(doc *schema.Document, name string) bool {
	seen, found := false, false
	for _, ti := range doc.TableInfo {
		if ti.ID == name || len(ti.ID) > len(name) && ti.ID[:len(name)+1] == name+"." {
			seen = true
			if ti.Status != "missing" {
				found = true
			}
		}
	}
	return seen && !found
}

func (c Coverage) table(name string) *TableCoverage {
	for i := range c.Tables {
		if c.Tables[i].Table == name {
			return &c.Tables[i]
		}
	}
	return nil
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*10000) / 10000
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return slices.Clip(ks)
}
