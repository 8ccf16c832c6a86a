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
// outcomes), each table-4 group's 总计 is the sum of its parts — single out
// a reading: the one that breaks the fewest of them. Published tables are
// sometimes wrong, so the best reading may still break some; when no other
// reading breaks as few, its cells get its values with a confidence high
// enough for the rules to report what it breaks as errors, and every cell
// names the reading (schema.Cell.Digits). When readings tie, the cells they
// disagree on stay ambiguous with the tied values as candidates, and the
// cells they agree on get that value with a low confidence: a person must
// look. No cell gets a value that no reading gives it.

const (
	// chosenConfidence marks a value from the only reading that breaks the
	// fewest identities: trusted, so the identities it breaks are errors.
	chosenConfidence = 0.95
	// tiedConfidence marks a value all tied readings agree on; findings
	// involving it need review.
	tiedConfidence = 0.6
)

// maxCombos bounds the joint search over rows cut several ways: the number
// of readings of the whole table visited. Past it the rows are settled one
// by one, each by its own row total, and never with more than tiedConfidence.
const maxCombos = 200000

// maxNodes bounds the steps of that search, pruned ones included.
const maxNodes = 4 * maxCombos

// maxListed bounds the readings a diagnostic lists.
const maxListed = 6

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
	groups := len(m.tpl.ReviewGroups)
	broken := func(s []float64) int {
		n := 0
		for g := 0; g < groups; g++ {
			part := s[g*5 : g*5+5]
			if part[0]+part[1]+part[2]+part[3] != part[4] {
				n++
			}
		}
		return n
	}
	best, keep := -1, []int(nil)
	for i, s := range sols {
		switch b := broken(s); {
		case best < 0 || b < best:
			best, keep = b, []int{i}
		case b == best:
			keep = append(keep, i)
		}
	}
	cells := func(i int) *schema.Cell {
		g := m.tpl.ReviewGroups[i/5]
		c := m.tpl.ReviewCols[i%5]
		return m.doc.Tables.ReviewLitigation[g.ID][c.ID]
	}
	m.applyReadings("review_litigation", "", sols, keep, len(sols), best, "", cells)
}

// applyReadings writes the kept readings (indexes into sols) of one row into
// its cells. A single kept reading is trusted (chosenConfidence) when sure
// is set: it is the row's cut in every reading of the table that breaks the
// fewest identities (broken of them). doubt, when not empty, says why a
// single reading is not trusted.
func (m *mapper) applyReadings(table, row string, sols [][]float64, keep []int, from, broken int, doubt string, cell func(i int) *schema.Cell) {
	if len(keep) == 0 {
		return
	}
	n := len(sols[keep[0]])
	readings := make([]string, len(keep))
	kept := make([][]float64, len(keep))
	for i, k := range keep {
		readings[i] = readingOf(sols[k])
		kept[i] = sols[k]
	}
	raw := cell(0).Raw
	if len(keep) == 1 {
		conf := chosenConfidence
		if doubt != "" {
			conf = tiedConfidence
		}
		for i := 0; i < n; i++ {
			c := cell(i)
			v := kept[0][i]
			c.Value, c.Status, c.Confidence, c.Candidates, c.Digits = &v, schema.StatusNumber, conf, nil, readings
		}
		var msg string
		switch {
		case doubt != "":
			msg = fmt.Sprintf("digits run together: %s read as %s; %s", raw, readings[0], doubt)
		case broken > 0:
			msg = fmt.Sprintf("digits run together: %s read as %s, of %d possible cuts the one in the only reading of the table that breaks the fewest identities (%d); the identities it breaks are reported as errors", raw, readings[0], from, broken)
		default:
			msg = fmt.Sprintf("digits run together: %s read as %s, of %d possible cuts the only one with which the table's identities hold", raw, readings[0], from)
		}
		m.diagCell("recovered_by_identities", "warning", msg, table, row, "", cell(0).Source)
		return
	}
	for i := 0; i < n; i++ {
		c := cell(i)
		c.Candidates = candidatesAt(append([][]float64(nil), kept...), i)
		c.Digits = readings
		if len(c.Candidates) == 1 {
			v := c.Candidates[0]
			c.Value, c.Status, c.Confidence, c.Candidates = &v, schema.StatusNumber, tiedConfidence, nil
		} else {
			c.Value, c.Status, c.Confidence = nil, schema.StatusAmbiguous, 0
		}
	}
	listed := readings
	more := ""
	if len(listed) > maxListed {
		listed, more = listed[:maxListed], fmt.Sprintf(" and %d more", len(readings)-maxListed)
	}
	m.diagCell("ambiguous_after_identities", "warning",
		fmt.Sprintf("digits run together: %s has %d readings that tie for the fewest broken table identities (%d): %s%s; the cells they disagree on stay ambiguous",
			raw, len(readings), broken, strings.Join(listed, " or "), more),
		table, row, "", cell(0).Source)
}

// openRow is a table-3 row whose digits can be cut several ways.
type openRow struct {
	row  string
	sols [][]float64
	// local is 1 for a cut that breaks the row's own total, 0 otherwise.
	local []int
	// order lists the cuts, those keeping the row total first: the search
	// meets a good reading early and prunes the rest.
	order []int
	// best are the cuts in some reading of the table breaking the fewest
	// identities.
	best map[int]bool
}

func (m *mapper) recoverRequests() {
	cols := m.tpl.RequestCols
	n := len(cols)
	pos := map[string]int{}
	for i, r := range m.tpl.RequestRows {
		pos[r.ID] = i
	}
	var open []*openRow
	for key, sols := range m.cuts {
		if !strings.HasPrefix(key, "requests.") {
			continue
		}
		o := &openRow{row: strings.TrimPrefix(key, "requests."), sols: sols, local: make([]int, len(sols)), best: map[int]bool{}}
		for i, s := range sols {
			sum := 0.0
			for _, v := range s[:n-1] {
				sum += v
			}
			if sum != s[n-1] {
				o.local[i] = 1
			}
			o.order = append(o.order, i)
		}
		sort.SliceStable(o.order, func(a, b int) bool { return o.local[o.order[a]] < o.local[o.order[b]] })
		open = append(open, o)
	}
	if len(open) == 0 {
		return
	}
	// Template order (rows of the other template last, by id): the search
	// and its diagnostics come out the same on every run.
	sort.Slice(open, func(i, j int) bool {
		pi, oki := pos[open[i].row]
		pj, okj := pos[open[j].row]
		if oki != okj {
			return oki
		}
		if pi != pj {
			return pi < pj
		}
		return open[i].row < open[j].row
	})
	cellOf := func(row string) func(i int) *schema.Cell {
		return func(i int) *schema.Cell { return m.doc.Tables.Requests[row][cols[i].ID] }
	}
	best, ok := m.searchRequests(open)
	if !ok {
		// Too many readings to compare: each row is settled by its own
		// total alone, which cannot rule out a better reading elsewhere.
		for _, o := range open {
			var keep []int
			for i := range o.sols {
				if o.local[i] == 0 {
					keep = append(keep, i)
				}
			}
			if len(keep) == 0 {
				m.diagCell("no_cut_fits", "warning",
					"digits run together, no cut satisfies the row's total, and the table has too many readings to compare: the row is left ambiguous",
					"requests", o.row, "", cellOf(o.row)(0).Source)
				continue
			}
			doubt := "the only cut satisfying the row's own total, but the table has too many readings to compare, so it needs review"
			m.applyReadings("requests", o.row, o.sols, keep, len(o.sols), 0, doubt, cellOf(o.row))
		}
		return
	}
	for _, o := range open {
		keep := make([]int, 0, len(o.best))
		for i := range o.best {
			keep = append(keep, i)
		}
		sort.Ints(keep)
		// A row whose cut is the same in every best reading is settled even
		// when other rows tie: its cells are the same whichever tied
		// reading is right.
		m.applyReadings("requests", o.row, o.sols, keep, len(o.sols), best, "", cellOf(o.row))
	}
}

// searchRequests finds the readings of table 3 — one cut per open row — that
// break the fewest identities, by branch and bound over the rows: a partial
// reading whose row totals alone break more than the best full reading is
// not extended. It marks each open row's cuts that occur in a best reading
// and returns the fewest broken, and false when the search was cut off
// (maxCombos readings, or maxNodes steps of the search).
func (m *mapper) searchRequests(open []*openRow) (best int, ok bool) {
	cols := m.tpl.RequestCols
	// The rows the column identities read, by index; fixed ones from the
	// document, open ones from the cut chosen for them.
	ids := []string{"new_received", "carried_over", "total_handled", "carried_forward"}
	var outcome []int
	inOutcome := false
	for _, r := range m.tpl.RequestRows {
		if r.ID == "granted" {
			inOutcome = true
		}
		if r.ID == "total_handled" {
			inOutcome = false
		}
		if inOutcome {
			outcome = append(outcome, len(ids))
			ids = append(ids, r.ID)
		}
	}
	index := make(map[string]int, len(ids))
	fixed := make([][]float64, len(ids))
	known := make([][]bool, len(ids))
	for i, id := range ids {
		index[id] = i
		fixed[i], known[i] = make([]float64, len(cols)), make([]bool, len(cols))
		for ci, col := range cols {
			if c := m.doc.Tables.Requests[id][col.ID]; c != nil && c.Value != nil && c.Status == schema.StatusNumber {
				fixed[i][ci], known[i][ci] = *c.Value, true
			}
		}
	}
	rowOf := make([]int, len(open)) // index of each open row in ids, or -1
	for k, o := range open {
		rowOf[k] = -1
		if i, ok := index[o.row]; ok {
			rowOf[k] = i
		}
	}
	cur := make([][]float64, len(ids)) // the chosen cut of an open row
	val := func(i, ci int) (float64, bool) {
		if cur[i] != nil {
			return cur[i][ci], true
		}
		return fixed[i][ci], known[i][ci]
	}
	// columnsBroken counts the column identities that fail; one with a
	// cell that is not a number cannot be evaluated and does not count,
	// as in the rules.
	columnsBroken := func() int {
		broken := 0
		for ci := range cols {
			a, ok1 := val(0, ci)
			b, ok2 := val(1, ci)
			c, ok3 := val(2, ci)
			d, ok4 := val(3, ci)
			if ok1 && ok2 && ok3 && ok4 && a+b != c+d {
				broken++
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
				broken++
			}
		}
		return broken
	}
	minLocal := make([]int, len(open)+1) // the least the rows from k on break
	for k := len(open) - 1; k >= 0; k-- {
		lo := 1
		for _, l := range open[k].local {
			if l == 0 {
				lo = 0
				break
			}
		}
		minLocal[k] = minLocal[k+1] + lo
	}
	choice := make([]int, len(open))
	best, leaves, nodes := -1, 0, 0
	var walk func(k, broken int) bool
	walk = func(k, broken int) bool {
		if nodes++; nodes > maxNodes {
			return false
		}
		if best >= 0 && broken+minLocal[k] > best {
			return true
		}
		if k == len(open) {
			if leaves++; leaves > maxCombos {
				return false
			}
			total := broken + columnsBroken()
			switch {
			case best >= 0 && total > best:
				return true
			case best < 0 || total < best:
				best = total
				for _, o := range open {
					o.best = map[int]bool{}
				}
			}
			for i, c := range choice {
				open[i].best[c] = true
			}
			return true
		}
		o := open[k]
		for _, c := range o.order {
			choice[k] = c
			if rowOf[k] >= 0 {
				cur[rowOf[k]] = o.sols[c]
			}
			if !walk(k+1, broken+o.local[c]) {
				return false
			}
		}
		if rowOf[k] >= 0 {
			cur[rowOf[k]] = nil
		}
		return true
	}
	if !walk(0, 0) {
		return 0, false
	}
	return best, true
}
