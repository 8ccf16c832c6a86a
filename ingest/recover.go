package ingest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// Identity-guided recovery. When a report's cells ran together
// (一、本年新收政府信息公开申请数量801000081), a row's digits can often be cut
// into the seven columns in several ways. The table's own identities —
// each row's 总计 is the sum of its applicant columns, each column balances
// (new + carried over = handled + carried forward, handled = sum of
// outcomes), each table-4 group's 总计 is the sum of its parts — usually
// leave exactly one cut. That cut becomes the cells' values with a lowered
// confidence and a diagnostic; where several cuts survive, the cells stay
// ambiguous with the surviving values as candidates. Nothing is guessed.
//
// Recovered values satisfy the identities by construction, so the identity
// rules cannot find errors in them: the diagnostic says so.

// recoveredConfidence marks a value chosen by the identities.
const recoveredConfidence = 0.6

// maxCombos bounds the joint search over rows that stay ambiguous.
const maxCombos = 200000

func (m *mapper) recover() {
	if len(m.cuts) == 0 {
		return
	}
	m.recoverRequests()
	m.recoverReview()
}

func (m *mapper) recoverReview() {
	sols, ok := m.cuts["review_litigation"]
	if !ok {
		return
	}
	var keep [][]float64
	for _, s := range sols {
		okAll := true
		for g := 0; g < 3; g++ {
			part := s[g*5 : g*5+5]
			if part[0]+part[1]+part[2]+part[3] != part[4] {
				okAll = false
				break
			}
		}
		if okAll {
			keep = append(keep, s)
		}
	}
	cells := func(i int) *schema.Cell {
		g := m.tpl.ReviewGroups[i/5]
		c := m.tpl.ReviewCols[i%5]
		return m.doc.Tables.ReviewLitigation[g.ID][c.ID]
	}
	m.applyCuts("review_litigation", "", keep, 15, cells, len(sols))
}

// applyCuts writes the surviving cuts of one row into its cells.
func (m *mapper) applyCuts(table, row string, keep [][]float64, n int, cell func(i int) *schema.Cell, from int) {
	switch {
	case len(keep) == 1:
		for i := 0; i < n; i++ {
			c := cell(i)
			v := keep[0][i]
			c.Value, c.Status, c.Confidence, c.Candidates = &v, schema.StatusNumber, recoveredConfidence, nil
		}
		m.diagCell("recovered_by_identities", "warning",
			fmt.Sprintf("digits run together: of %d possible cuts only one satisfies the table's identities; it was taken (confidence %.1f), so the identities cannot reveal errors in this row", from, recoveredConfidence),
			table, row, "", cell(0).Source)
	case len(keep) > 1:
		for i := 0; i < n; i++ {
			c := cell(i)
			c.Candidates = candidatesAt(keep, i)
			if len(c.Candidates) == 1 {
				v := c.Candidates[0]
				c.Value, c.Status, c.Confidence, c.Candidates = &v, schema.StatusNumber, recoveredConfidence, nil
			}
		}
		m.diagCell("ambiguous_after_identities", "warning",
			fmt.Sprintf("digits run together: %d cuts satisfy the table's identities; cells that differ between them stay ambiguous", len(keep)),
			table, row, "", cell(0).Source)
	default:
		m.diagCell("no_cut_fits", "warning",
			"digits run together and no cut satisfies the table's identities: the row is left ambiguous (the published numbers may be wrong)",
			table, row, "", cell(0).Source)
	}
}

func (m *mapper) recoverRequests() {
	cols := m.tpl.RequestCols
	n := len(cols)
	// Rows cut more than one way, filtered by their own row total first.
	var ambs []ambRow
	for key, sols := range m.cuts {
		if !strings.HasPrefix(key, "requests.") {
			continue
		}
		var keep [][]float64
		for _, s := range sols {
			sum := 0.0
			for _, v := range s[:n-1] {
				sum += v
			}
			if sum == s[n-1] {
				keep = append(keep, s)
			}
		}
		ambs = append(ambs, ambRow{row: strings.TrimPrefix(key, "requests."), sols: keep, from: len(sols)})
	}
	sort.Slice(ambs, func(i, j int) bool { return ambs[i].row < ambs[j].row })
	cellOf := func(row string) func(i int) *schema.Cell {
		return func(i int) *schema.Cell { return m.doc.Tables.Requests[row][cols[i].ID] }
	}
	// Rows left with one cut or none are settled; the rest are searched
	// jointly under the column identities.
	var open []ambRow
	for _, a := range ambs {
		if len(a.sols) <= 1 {
			m.applyCuts("requests", a.row, a.sols, n, cellOf(a.row), a.from)
		} else {
			open = append(open, a)
		}
	}
	if len(open) == 0 {
		return
	}
	combos := 1
	for _, a := range open {
		combos *= len(a.sols)
		if combos > maxCombos {
			for _, a := range open {
				m.applyCuts("requests", a.row, a.sols, n, cellOf(a.row), a.from)
			}
			return
		}
	}
	valid := make([]map[int]bool, len(open)) // surviving cut indexes per row
	for i := range valid {
		valid[i] = map[int]bool{}
	}
	choice := make([]int, len(open))
	var walk func(k int)
	walk = func(k int) {
		if k == len(open) {
			if m.columnsBalance(open2rows(open, choice)) {
				for i, c := range choice {
					valid[i][c] = true
				}
			}
			return
		}
		for c := range open[k].sols {
			choice[k] = c
			walk(k + 1)
		}
	}
	walk(0)
	for i, a := range open {
		var keep [][]float64
		for c := range a.sols {
			if valid[i][c] {
				keep = append(keep, a.sols[c])
			}
		}
		m.applyCuts("requests", a.row, keep, n, cellOf(a.row), a.from)
	}
}

// ambRow is a table-3 row with the cuts that survive its row total.
type ambRow struct {
	row  string
	sols [][]float64
	from int
}

// open2rows maps each open row to the cut chosen for it.
func open2rows(open []ambRow, choice []int) map[string][]float64 {
	out := make(map[string][]float64, len(open))
	for i, a := range open {
		out[a.row] = a.sols[choice[i]]
	}
	return out
}

// columnsBalance checks the column identities of table 3 with the given
// rows taken from their chosen cuts and the rest from the document. An
// identity with a cell that is not a number does not constrain.
func (m *mapper) columnsBalance(chosen map[string][]float64) bool {
	cols := m.tpl.RequestCols
	val := func(row string, ci int) (float64, bool) {
		if s, ok := chosen[row]; ok {
			return s[ci], true
		}
		c := m.doc.Tables.Requests[row][cols[ci].ID]
		if c == nil || c.Value == nil || c.Status != schema.StatusNumber {
			return 0, false
		}
		return *c.Value, true
	}
	var outcome []string
	inOutcome := false
	for _, r := range m.tpl.RequestRows {
		if r.ID == "granted" {
			inOutcome = true
		}
		if r.ID == "total_handled" {
			inOutcome = false
		}
		if inOutcome {
			outcome = append(outcome, r.ID)
		}
	}
	for ci := range cols {
		a, ok1 := val("new_received", ci)
		b, ok2 := val("carried_over", ci)
		c, ok3 := val("total_handled", ci)
		d, ok4 := val("carried_forward", ci)
		if ok1 && ok2 && ok3 && ok4 && a+b != c+d {
			return false
		}
		sum, all := 0.0, true
		for _, r := range outcome {
			v, ok := val(r, ci)
			if !ok {
				all = false
				break
			}
			sum += v
		}
		if all && ok3 && sum != c {
			return false
		}
	}
	return true
}
