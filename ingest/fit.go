package ingest

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/schema"
)

// slot is one value position of a table row as read from the source.
type slot struct {
	raw        string
	src        schema.Loc
	confidence float64
	// segmented is set when the value was cut out of a run of digits, and
	// digits then holds the row's reading (see schema.Cell.Digits).
	segmented *float64
	digits    []string
	// ambiguous cells carry the values they could have.
	ambiguous  bool
	candidates []float64
}

// fitResult is a row's values fitted to the template's n columns.
type fitResult struct {
	slots []slot
	// trail is the number of blank cells left after the chosen window; rows
	// whose window is forced teach the table its habit, which then decides
	// rows where several windows fit.
	trail  int
	forced bool
	note   string // why the fit is uncertain, for a diagnostic
	// solutions are the possible cuts of a run of digits, when there are
	// several: the table identities may single one out (recover.go).
	solutions [][]float64
}

// maxCuts bounds the cuts of one digit run kept for recovery.
const maxCuts = 20000

// splitRow divides a line into its label cells and the value cells after the
// last label cell. Reading values from the right of the label copes with the
// ragged grids of flattened tables, whose label area is one, two or three
// cells wide depending on the row. A text cell is a label only where a label
// can be: not a value token (见附件, 〇, 约1) and not to the right of a number,
// since a table's labels all stand left of its values. Otherwise a word in a
// value column would take the numbers after it for values and shift them.
func splitRow(l Line) (labels, values []Cell) {
	// Each cell is classified once: both passes below read the class.
	const (
		cellEmpty = iota
		cellValue // isValueText
		cellNumber
		cellText
	)
	var buf [40]uint8
	class := buf[:0]
	if len(l.Cells) > len(buf) {
		class = make([]uint8, 0, len(l.Cells))
	}
	for _, c := range l.Cells {
		t := strings.TrimSpace(c.Text)
		switch {
		case t == "":
			class = append(class, cellEmpty)
		case isValueText(t):
			if hasDigit(t) {
				class = append(class, cellNumber)
			} else {
				class = append(class, cellValue)
			}
		default:
			class = append(class, cellText)
		}
	}
	last := -1
	seenNumber := false
	// numberAfter[i]: a number stands somewhere right of cell i.
	var nbuf [41]bool
	numberAfter := nbuf[:0]
	if len(l.Cells)+1 > len(nbuf) {
		numberAfter = make([]bool, 0, len(l.Cells)+1)
	}
	numberAfter = numberAfter[:len(l.Cells)+1]
	numberAfter[len(l.Cells)] = false
	for i := len(l.Cells) - 1; i >= 0; i-- {
		numberAfter[i] = numberAfter[i+1] || class[i] == cellNumber
	}
	labelCells := 0
	for i, c := range l.Cells {
		switch class[i] {
		case cellEmpty:
		case cellValue:
		case cellNumber:
			seenNumber = true
		default:
			if seenNumber || valueToken(strings.TrimSpace(c.Text)) || last >= 0 && strayWord(strings.TrimSpace(c.Text)) && numberAfter[i+1] {
				continue
			}
			last = i
		}
	}
	if last >= 0 {
		for i := range l.Cells[:last+1] {
			if class[i] != cellEmpty {
				labelCells++
			}
		}
		labels = make([]Cell, 0, labelCells)
		for i, c := range l.Cells[:last+1] {
			if class[i] != cellEmpty {
				labels = append(labels, c)
			}
		}
	}
	values = l.Cells[last+1:]
	if last >= 0 && len(values) == 0 {
		// A label and its numbers separated by single spaces (行政许可 0 in
		// text extracted from a PDF) arrive as one cell: split the numbers off.
		c := l.Cells[last]
		f := strings.Fields(c.Text)
		k := len(f)
		for k > 1 && (isValueText(f[k-1]) && (!hasHan(f[k-1]) || placeholders[f[k-1]]) || valueToken(f[k-1])) {
			k--
		}
		if k < len(f) && hasHan(strings.Join(f[:k], "")) {
			labels[len(labels)-1].Text = strings.Join(f[:k], " ")
			for _, t := range f[k:] {
				values = append(values, Cell{Text: t, Col: c.Col, Line: c.Line})
			}
		}
	}
	return labels, values
}

// strayWord is text too short to be a row label that does not start with a
// label's numbering (不详, 未统计): after the row's label and before its
// numbers it stands in a value column.
func strayWord(s string) bool {
	return utf8.RuneCountInString(s) <= 4 && !reNumbering.MatchString(s) && !strings.ContainsAny(s, "（(")
}

func blank(c Cell) bool { return strings.TrimSpace(c.Text) == "" }

func cellLoc(l Line, c Cell) schema.Loc {
	loc := l.Loc()
	if c.Line > 0 {
		loc.Line = c.Line
	}
	loc.Col = c.Col + 1
	return loc
}

// fit places a row's value cells into n columns.
func fit(l Line, values []Cell, n, preferTrail int) fitResult {
	vals := values
	if len(vals) > n && blank(vals[len(vals)-1]) && !l.BlankLast {
		// A trailing separator (`a\tb\t`, `| a | b |`) leaves an empty field.
		vals = vals[:len(vals)-1]
	}
	mk := func(cs []Cell, conf float64) []slot {
		out := make([]slot, len(cs))
		for i, c := range cs {
			out[i] = slot{raw: strings.TrimSpace(c.Text), src: cellLoc(l, c), confidence: conf}
		}
		return out
	}
	switch {
	case len(vals) == n:
		return fitResult{slots: mk(vals, 1), forced: true}
	case len(vals) > n:
		var valid []int
		for off := 0; off+n <= len(vals); off++ {
			ok := true
			for i, c := range vals {
				if (i < off || i >= off+n) && !blank(c) {
					ok = false
					break
				}
			}
			if ok {
				valid = append(valid, off)
			}
		}
		if len(valid) == 0 {
			return ambiguousFit(l, vals, n, "more values than columns")
		}
		pick := valid[len(valid)-1]
		for _, off := range valid {
			if len(vals)-off-n == preferTrail {
				pick = off
			}
		}
		same := true
		for _, off := range valid {
			for i := 0; i < n; i++ {
				if strings.TrimSpace(vals[off+i].Text) != strings.TrimSpace(vals[pick+i].Text) {
					same = false
				}
			}
		}
		conf := 1.0
		note := ""
		// A row whose reader says its empty last field is a cell ends at
		// the table's last column: the window ending there is where the
		// cells are, unless the table has taught another habit.
		if end := len(vals) - n; l.BlankLast && preferTrail <= 0 && blank(vals[len(vals)-1]) && valid[len(valid)-1] == end {
			pick, same = end, true
		}
		if !same {
			conf = 0.8
			note = "several column alignments fit this row; the table's usual alignment was used"
		}
		return fitResult{slots: mk(vals[pick:pick+n], conf), trail: len(vals) - pick - n, forced: len(valid) == 1, note: note}
	}
	// Fewer cells than columns: digits run together (801000081) or spaced
	// irregularly (0 0 0 0 0 00) can still be cut if the cut is unique.
	var tokens []string
	var first Cell
	for _, c := range vals {
		if blank(c) {
			continue
		}
		if len(tokens) == 0 {
			first = c
		}
		tokens = append(tokens, strings.Fields(fold(c.Text))...)
	}
	if len(tokens) == 0 {
		return ambiguousFit(l, vals, n, "the row has fewer cells than the table has columns")
	}
	for _, t := range tokens {
		if !allDigits(t) {
			return ambiguousFit(l, vals, n, "the row has fewer cells than the table has columns")
		}
	}
	sols := segmentDigits(tokens, n, maxCuts)
	loc := cellLoc(l, first)
	raw := strings.Join(tokens, " ")
	if len(sols) == 1 {
		// One cut only: the digits have no other reading, so the cells
		// are as certain as delimited ones and what they break is an error.
		out := make([]slot, n)
		reading := []string{readingOf(sols[0])}
		for i, v := range sols[0] {
			v := v
			out[i] = slot{raw: raw, src: loc, confidence: 1, segmented: &v, digits: reading}
		}
		return fitResult{slots: out}
	}
	out := make([]slot, n)
	for i := range out {
		out[i] = slot{raw: raw, src: loc, ambiguous: true, candidates: candidatesAt(sols, i)}
	}
	return fitResult{slots: out, note: "digits run together; several cuts are possible", solutions: sols}
}

func ambiguousFit(l Line, vals []Cell, n int, why string) fitResult {
	var parts []string
	var loc schema.Loc
	located := false
	var cands []float64
	for _, c := range vals {
		if !blank(c) {
			parts = append(parts, strings.TrimSpace(c.Text))
			if !located {
				loc, located = cellLoc(l, c), true
			}
			if p := readValue(c.Text, schema.KindMoney, ""); p.ok {
				cands = append(cands, p.v)
			}
		}
	}
	if !located {
		loc = l.Loc()
	}
	cands = uniqueSorted(cands)
	out := make([]slot, n)
	for i := range out {
		out[i] = slot{raw: strings.Join(parts, " "), src: loc, ambiguous: true, candidates: cands}
	}
	return fitResult{slots: out, note: why}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// segmentDigits cuts digit tokens into exactly n numbers (each token gives at
// least one; no number but 0 itself starts with 0) and returns up to limit
// solutions. One solution means the reading is certain without arithmetic.
func segmentDigits(tokens []string, n, limit int) [][]float64 {
	var sols [][]float64
	cur := make([]float64, 0, n)
	// remaining digits bound the search: each number takes ≥ 1 digit.
	rest := make([]int, len(tokens)+1)
	for i := len(tokens) - 1; i >= 0; i-- {
		rest[i] = rest[i+1] + len(tokens[i])
	}
	var rec func(ti, pos int)
	rec = func(ti, pos int) {
		if len(sols) >= limit {
			return
		}
		if ti == len(tokens) {
			if len(cur) == n {
				sols = append(sols, append([]float64(nil), cur...))
			}
			return
		}
		tok := tokens[ti]
		left := n - len(cur)
		digits := rest[ti+1] + len(tok) - pos
		// Digits left must cover the numbers left (one digit each at least,
		// nine at most), and every remaining token needs a number.
		if left <= 0 || digits < left || digits > 9*left || left < len(tokens)-ti {
			return
		}
		maxLen := len(tok) - pos
		if tok[pos] == '0' {
			maxLen = 1
		}
		if maxLen > 9 {
			maxLen = 9
		}
		for ln := 1; ln <= maxLen; ln++ {
			v, _ := number(tok[pos : pos+ln])
			cur = append(cur, v)
			if pos+ln == len(tok) {
				rec(ti+1, 0)
			} else {
				rec(ti, pos+ln)
			}
			cur = cur[:len(cur)-1]
		}
	}
	rec(0, 0)
	return sols
}

// readingOf writes one cut of a digit run as the row's values joined by |.
func readingOf(sol []float64) string {
	parts := make([]string, len(sol))
	for i, v := range sol {
		parts[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strings.Join(parts, "|")
}

func candidatesAt(sols [][]float64, i int) []float64 {
	var c []float64
	for _, s := range sols {
		c = append(c, s[i])
	}
	return uniqueSorted(c)
}

func uniqueSorted(v []float64) []float64 {
	if len(v) == 0 {
		return nil
	}
	sort.Float64s(v)
	out := v[:1]
	for _, x := range v[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// toCell turns a fitted slot into a canonical cell for a column.
func toCell(s slot, col schema.ColDef, headerUnit string) *schema.Cell {
	// The cell, its location and its number are one allocation: they are
	// made together and live as long as the document.
	b := &struct {
		cell schema.Cell
		loc  schema.Loc
		v    float64
	}{loc: s.src}
	c := &b.cell
	c.Raw, c.Source, c.Confidence = s.raw, &b.loc, s.confidence
	switch {
	case s.ambiguous:
		c.Status = schema.StatusAmbiguous
		c.Candidates = s.candidates
		c.Confidence = 0
	case s.segmented != nil:
		b.v = *s.segmented
		c.Value = &b.v
		c.Digits = s.digits
		c.Status = schema.StatusNumber
		if col.Kind == schema.KindMoney {
			c.Unit = "万元"
		}
	default:
		p := readValue(s.raw, col.Kind, headerUnit)
		if p.ok {
			b.v = p.v
			c.Value = &b.v
		}
		c.Status, c.Unit, c.Remark = p.status, p.unit, p.remark
	}
	return c
}
