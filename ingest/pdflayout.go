package ingest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// Laying out located tables: each zone's part of a page becomes rows of
// label cells and one cell per column; everything else becomes text lines,
// in reading order.

// pdfTableRow is a table row being built: the numbers on it (the anchor)
// and the label blocks that belong to it.
type pdfTableRow struct {
	y0, y1 float64
	row    int
	values []*frag
	labels []*labelBlock
}

// labelBlock is a label cell: a label's lines, each under the one before
// it, joined; a numbered line (1. （二） 三、) starts a new block.
type labelBlock struct {
	x0, y0, x1, y1 float64
	frags          []*frag
	anchor         int // the row of numbers beside the block's lines, or -1
}

// anchorOf returns the row whose numbers overlap [y0, y1] most, or -1.
func anchorOf(rows []*pdfTableRow, y0, y1 float64) int {
	best, bo := -1, 0.0
	for i, r := range rows {
		if o := overlap(y0, y1, r.y0, r.y1); o > bo {
			best, bo = i, o
		}
	}
	return best
}

func (b *labelBlock) text() string {
	parts := make([]string, len(b.frags))
	for i, f := range b.frags {
		parts[i] = strings.TrimSpace(f.text)
	}
	return joinAll(parts)
}

// segment lays out one page's part of a zone: the frags between top and
// bottom become rows of label cells and exactly one cell per column. tail
// is the last row of the page before, on a page the table continues on:
// label lines above the first numbers that continue its labels are added
// to it (grown), not made a row of their own.
func (z *zone) segment(frags []*frag, tail *pdfTableRow) (rows []*pdfTableRow, grown bool) {
	left := z.valueLeft()
	frags = joinStacked(splitGlued(frags, left), left)
	var vals, labs []*frag
	for _, f := range frags {
		if f.value && f.cx() >= left {
			vals = append(vals, f)
		} else {
			labs = append(labs, f)
		}
	}
	// Words beside a number in the value area are part of its cell: 增 18,
	// 106.36 万元, 18 件.
	vals, labs = attachUnits(vals, labs, left)
	// Anchors: the numbers of one row share their height.
	sort.SliceStable(vals, func(i, j int) bool { return vals[i].cy() < vals[j].cy() })
	for _, v := range vals {
		if n := len(rows); n > 0 {
			r := rows[n-1]
			if overlap(v.y0, v.y1, r.y0, r.y1) >= 0.5*minf(v.h(), r.y1-r.y0) {
				r.values = append(r.values, v)
				r.y0, r.y1 = minf(r.y0, v.y0), maxf(r.y1, v.y1)
				continue
			}
		}
		rows = append(rows, &pdfTableRow{y0: v.y0, y1: v.y1, row: v.row, values: []*frag{v}})
	}
	// Label blocks, from the label words joined into lines.
	labs = mergeLine(labs)
	sort.SliceStable(labs, func(i, j int) bool {
		if labs[i].y0 != labs[j].y0 {
			return labs[i].y0 < labs[j].y0
		}
		return labs[i].x0 < labs[j].x0
	})
	var blocks []*labelBlock
	for _, f := range labs {
		var into *labelBlock
		if !reRowNumbering.MatchString(f.text) {
			// The line continues the block right above it that it sits
			// under: left-aligned or centred, a wrapped line overlaps the
			// line before it.
			// A line beside other numbers than the block's is the next
			// row's label, however close (规章 / 行政规范性文件).
			fa := anchorOf(rows, f.y0, f.y1)
			for _, b := range blocks {
				last := b.frags[len(b.frags)-1]
				if overlap(last.x0, last.x1, f.x0, f.x1) > 0 && f.y0 >= b.y1-0.3*f.h() && f.y0-b.y1 <= 1.5*f.h() &&
					(into == nil || b.y1 > into.y1) && (b.anchor < 0 || fa < 0 || b.anchor == fa) {
					into = b
				}
			}
		}
		if into == nil {
			blocks = append(blocks, &labelBlock{x0: f.x0, y0: f.y0, x1: f.x1, y1: f.y1, frags: []*frag{f}, anchor: anchorOf(rows, f.y0, f.y1)})
			continue
		}
		if into.anchor < 0 {
			into.anchor = anchorOf(rows, f.y0, f.y1)
		}
		into.frags = append(into.frags, f)
		into.x0, into.x1, into.y1 = minf(into.x0, f.x0), maxf(into.x1, f.x1), maxf(into.y1, f.y1)
	}
	if z.kind == zoneActive {
		blocks = splitRowLabels(blocks, rows, activeRowLabels)
	}
	if tail != nil {
		blocks, grown = continueTail(blocks, rows, tail, left)
	}
	// A block goes to the row whose numbers it overlaps most. One that
	// overlaps none is a row without numbers (all cells blank) unless a
	// label to its right shares its height: then it is a group label
	// (（三）不予公开) and goes with the blank row beside it, or failing
	// that the nearest row.
	var own []*pdfTableRow
	var groups []*labelBlock
	for _, b := range blocks {
		var best *pdfTableRow
		bo := 0.0
		for _, r := range rows {
			if o := overlap(b.y0, b.y1, r.y0, r.y1); o > bo {
				best, bo = r, o
			}
		}
		if best != nil {
			best.labels = append(best.labels, b)
			continue
		}
		group := false
		for _, o := range blocks {
			if o != b && o.x0 > b.x0+3 && overlap(b.y0, b.y1, o.y0, o.y1) > 0 {
				group = true
				break
			}
		}
		if group {
			groups = append(groups, b)
			continue
		}
		own = append(own, &pdfTableRow{y0: b.y0, y1: b.y1, row: b.frags[0].row, labels: []*labelBlock{b}})
	}
	for _, b := range groups {
		var best *pdfTableRow
		bo := 0.0
		for _, r := range own {
			if o := overlap(b.y0, b.y1, r.y0, r.y1); o > bo && r.labels[0].x0 > b.x0+3 {
				best, bo = r, o
			}
		}
		if best == nil {
			bd := -1.0
			for _, r := range rows {
				d := maxf(r.y0-b.y1, b.y0-r.y1)
				if bd < 0 || d < bd {
					best, bd = r, d
				}
			}
		}
		if best == nil {
			own = append(own, &pdfTableRow{y0: b.y0, y1: b.y1, row: b.frags[0].row, labels: []*labelBlock{b}})
			continue
		}
		best.labels = append(best.labels, b)
	}
	rows = append(rows, own...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].y0 < rows[j].y0 })
	return rows, grown
}

// repeats tells a header that repeats z's: the same kind of table with
// the same column labels. Another table's header (table 2's next
// sub-table) leaves z the rows above it.
func (z *zone) repeats(of *zone) bool {
	if z.kind != of.kind || len(z.cols) != len(of.cols) {
		return false
	}
	for i, c := range z.cols {
		if key(c.label) != key(of.cols[i].label) {
			return false
		}
	}
	return true
}

// laterSegs reports whether a zone claimed words on a page after p.
func laterSegs(segs map[int][]*frag, p int) bool {
	for q, fs := range segs {
		if q > p && len(fs) > 0 {
			return true
		}
	}
	return false
}

// activeRowLabels are the keys of table 2's row labels in both templates.
var activeRowLabels = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range schema.Templates {
		for _, st := range t.Active {
			for _, r := range st.Rows {
				m[key(r.Label)] = true
			}
		}
	}
	return m
}()

// splitRowLabels cuts a label block without numbers whose lines make two or
// more known row labels one after another (规章 / 行政规范性文件): rows with
// every cell blank are as close as a label's wrapped lines, and their
// labels carry no numbering to tell them apart.
func splitRowLabels(blocks []*labelBlock, rows []*pdfTableRow, known map[string]bool) []*labelBlock {
	var out []*labelBlock
	for _, b := range blocks {
		n := len(b.frags)
		if n < 2 || n > maxLabelWords || known[key(b.text())] {
			out = append(out, b)
			continue
		}
		// cut[i]: where the label starting at line i ends, in a cut of
		// lines i… into known labels (0: none).
		cut := make([]int, n+1)
		cut[n] = n
		for i := n - 1; i >= 0; i-- {
			var t strings.Builder
			for j := i; j < n && j-i < maxChain; j++ {
				t.WriteString(b.frags[j].text)
				if cut[j+1] != 0 && known[key(t.String())] {
					cut[i] = j + 1
					break
				}
			}
		}
		if cut[0] == 0 {
			out = append(out, b)
			continue
		}
		for i := 0; i < n; i = cut[i] {
			fs := b.frags[i:cut[i]]
			nb := &labelBlock{x0: fs[0].x0, y0: fs[0].y0, x1: fs[0].x1, y1: fs[0].y1, frags: fs}
			for _, f := range fs[1:] {
				nb.x0, nb.x1, nb.y1 = minf(nb.x0, f.x0), maxf(nb.x1, f.x1), maxf(nb.y1, f.y1)
			}
			nb.anchor = anchorOf(rows, nb.y0, nb.y1)
			out = append(out, nb)
		}
	}
	return out
}

// continueTail moves label blocks that carry on the previous page's last
// row into that row's blocks: above the page's first numbers, under one of
// the row's numbered label cells (a row label wrapped over the page break:
// （二）部分公开（区分处理 / 的，只计这一情形…), and not numbered itself,
// since a numbered line starts a row. Unnumbered labels (table 2's 规章) are
// never continued: a blank row of them at a page's top is a row.
func continueTail(blocks []*labelBlock, rows []*pdfTableRow, tail *pdfTableRow, left float64) ([]*labelBlock, bool) {
	first := math.Inf(1)
	if len(rows) > 0 {
		first = rows[0].y0
	}
	grown := false
	var keep []*labelBlock
	for _, b := range blocks {
		if b.anchor >= 0 || b.y1 > first {
			keep = append(keep, b)
			continue
		}
		if continueValue(b, tail, left) {
			grown = true
			continue
		}
		var into *labelBlock
		if !reRowNumbering.MatchString(b.frags[0].text) {
			for _, t := range tail.labels {
				if reRowNumbering.MatchString(t.frags[0].text) && overlap(t.x0, t.x1, b.x0, b.x1) > 0 {
					into = t
					break
				}
			}
		}
		if into == nil {
			keep = append(keep, b)
			continue
		}
		into.frags = append(into.frags, b.frags...)
		grown = true
	}
	return keep, grown
}

// continueValue ends a value cell cut by the page break: text in a value
// column at the page's top that, after the tail row's text above it, makes
// one value (见 | 附件). The tail's text block becomes that value.
func continueValue(b *labelBlock, tail *pdfTableRow, left float64) bool {
	if (b.x0+b.x1)/2 < left {
		return false
	}
	for i, t := range tail.labels {
		if (t.x0+t.x1)/2 < left || overlap(t.x0, t.x1, b.x0, b.x1) <= 0 {
			continue
		}
		text := t.text() + b.text()
		if !pdfValue(text) {
			continue
		}
		v := *t.frags[0]
		v.text, v.value, v.parts = text, true, nil
		v.x0, v.x1 = t.x0, t.x1
		tail.values = append(tail.values, &v)
		tail.labels = append(tail.labels[:i:i], tail.labels[i+1:]...)
		return true
	}
	return false
}

// reGluedNumber is a label with a number run into it: pdftotext makes one
// word of a label and the number printed just after it when no space
// separates them (3.危及“三安全一稳定”0).
var reGluedNumber = regexp.MustCompile(`^(.*\p{Han}[^0-9]*?)([0-9]+)$`)

// splitGlued cuts the number off a label word that reaches into the value
// columns and ends in digits. Poppler gives no glyph positions: the digits
// are put at the word's right end, half an em each, and kept apart only
// if they then sit in the value area.
func splitGlued(frags []*frag, left float64) []*frag {
	var out []*frag
	for _, f := range frags {
		m := reGluedNumber.FindStringSubmatch(f.text)
		if f.value || f.x1 <= left || m == nil {
			out = append(out, f)
			continue
		}
		w := 0.55 * float64(len(m[2])) * f.h()
		if f.x1-w/2 < left || f.x1-w <= f.x0 {
			out = append(out, f)
			continue
		}
		lab, num := *f, *f
		lab.text, lab.x1 = strings.TrimSpace(m[1]), f.x1-w
		num.text, num.x0, num.value = m[2], f.x1-w, true
		out = append(out, &lab, &num)
	}
	return out
}

// joinStacked makes one value of words stacked in a value column whose
// lines together are a value: 见附件 wrapped a character a line in a narrow
// cell. The frags are not changed; the joined one replaces its parts.
func joinStacked(frags []*frag, left float64) []*frag {
	var cand []*frag
	for _, f := range frags {
		if !f.value && f.cx() >= left {
			cand = append(cand, f)
		}
	}
	if len(cand) < 2 || len(cand) > maxLabelWords {
		return frags
	}
	sort.SliceStable(cand, func(i, j int) bool { return cand[i].y0 < cand[j].y0 })
	gone := map[*frag]bool{}
	var joined []*frag
	for i, f := range cand {
		if gone[f] {
			continue
		}
		chain := []*frag{f}
		best := 0
		text := f.text
		for _, g := range cand[i+1:] {
			last := chain[len(chain)-1]
			if len(chain) >= maxChain {
				break
			}
			if gone[g] || g.page != last.page || g.y0 < last.y1-0.3*g.h() || g.y0-last.y1 > 0.6*g.h() ||
				overlap(last.x0, last.x1, g.x0, g.x1) <= 0.3*minf(last.x1-last.x0, g.x1-g.x0) {
				continue
			}
			chain = append(chain, g)
			text += g.text
			if pdfValue(text) {
				best = len(chain)
			}
		}
		if best < 2 {
			continue
		}
		c := *chain[0]
		c.text, c.value, c.parts = "", true, nil
		for _, g := range chain[:best] {
			gone[g] = true
			c.text += g.text
			c.x0, c.x1, c.y1 = minf(c.x0, g.x0), maxf(c.x1, g.x1), maxf(c.y1, g.y1)
		}
		joined = append(joined, &c)
	}
	if len(joined) == 0 {
		return frags
	}
	var out []*frag
	for _, f := range frags {
		if !gone[f] {
			out = append(out, f)
		}
	}
	return append(out, joined...)
}

// attachUnits joins non-number words in the value area to the number they
// touch on its line (closer than an em), so that a signed change or an
// amount with its unit stays one cell.
func attachUnits(vals, labs []*frag, left float64) ([]*frag, []*frag) {
	out := make([]*frag, len(vals))
	for i, v := range vals {
		c := *v
		out[i] = &c
	}
	var rest []*frag
	for _, f := range labs {
		// A numbered label is never a unit, even printed close to the
		// value area's first number (a table laid out cell after cell).
		if f.cx() < left || reRowNumbering.MatchString(f.text) {
			rest = append(rest, f)
			continue
		}
		var into *frag
		for _, v := range out {
			gap := maxf(v.x0-f.x1, f.x0-v.x1)
			if sameLine(f.first, v.first) && gap < minf(f.h(), v.h()) && (into == nil || gap < maxf(into.x0-f.x1, f.x0-into.x1)) {
				into = v
			}
		}
		if into == nil {
			rest = append(rest, f)
			continue
		}
		joined := into.text + " " + f.text
		if f.x0 < into.x0 {
			joined = f.text + " " + into.text
		}
		// Only what makes one value with the number is its unit: a label
		// printed tight against a number (an auto-width table) is not.
		if !pdfValue(joined) {
			rest = append(rest, f)
			continue
		}
		into.text = joined
		into.x0, into.x1 = minf(into.x0, f.x0), maxf(into.x1, f.x1)
	}
	return out, rest
}

// line turns a table row into the neutral form: its label cells left to
// right, then one cell per column, blank where no number sits under it.
func (z *zone) line(r *pdfTableRow, page, table, rowNo int) Line {
	sort.SliceStable(r.labels, func(i, j int) bool {
		if r.labels[i].x0 != r.labels[j].x0 {
			return r.labels[i].x0 < r.labels[j].x0
		}
		return r.labels[i].y0 < r.labels[j].y0
	})
	var cells []Cell
	first := 0
	if z.labelCol {
		first = 1
	}
	for _, b := range r.labels {
		c := Cell{Text: b.text(), Col: 0}
		if b.frags[0].row != r.row {
			c.Line = b.frags[0].row
		}
		cells = append(cells, c)
	}
	vc := make([]Cell, len(z.cols))
	for j := range vc {
		vc[j].Col = first + j
	}
	sort.SliceStable(r.values, func(i, j int) bool { return r.values[i].x0 < r.values[j].x0 })
	place := z.assign(r.values)
	if z.pitch > 0 {
		start := z.flowStart(r)
		for i, v := range r.values {
			place[i] = max(0, min(len(z.cols)-1, z.latIdx(v.x0)-start))
		}
	}
	for i, j := range place {
		v := r.values[i]
		t := strings.TrimSpace(v.text)
		if vc[j].Text != "" {
			// Two numbers under one column: kept apart by a bar, so that
			// the cell reads as text to review, never as one number
			// made of both (0 0 would parse as 0).
			t = vc[j].Text + " | " + t
		}
		vc[j].Text = t
		if v.row != r.row {
			vc[j].Line = v.row
		}
	}
	cells = append(cells, vc...)
	return Line{Cells: cells, Line: r.row, Page: page, Table: table, Row: rowNo}
}

// flowStart is the lattice column where a flowed row's values begin: the
// one after its rightmost label cell. Only labels beside the row's numbers
// count, since a group label (（三）不予公开) met on a blank row may have
// been given to another row; a row of numbers alone starts in the first
// value column.
func (z *zone) flowStart(r *pdfTableRow) int {
	start, any := 0, false
	for _, b := range r.labels {
		if len(r.values) > 0 && overlap(b.y0, b.y1, r.y0, r.y1) <= 0 {
			continue
		}
		if i := z.latIdx(b.x0) + 1; !any || i > start {
			start, any = i, true
		}
	}
	return max(0, start)
}

// headerLine is the zone's header as one line: the cell over the labels
// (信息内容) if any, then the column labels as printed.
func (z *zone) headerLine(page, table int) Line {
	var cells []Cell
	row := z.hdr[0].row
	if z.kind == zoneActive {
		cells = append(cells, Cell{Text: strings.TrimSpace(z.hdr[0].text)})
	}
	first := 0
	if z.labelCol {
		first = 1
	}
	for j, c := range z.cols {
		cells = append(cells, Cell{Text: c.label, Col: first + j})
	}
	return Line{Cells: cells, Line: row, Page: page, Table: table, Row: 1}
}

// pdfDoc lays out the pages of a bbox document.
type pdfDoc struct {
	pages [][]*pdfRow
	lim   Limits
	lay   *Layout
	table int
	cells int
	renum map[int]int
}

// Bounds on the geometry's work, far above real reports: a dense page has
// a thousand or two words, a table header a few dozen, a report seven
// tables. The geometry compares words in pairs.
const (
	maxPageWords  = 5000
	maxLabelWords = 400
	maxChain      = 6 // words in one header cell: 社会公 / 益组织, 结 果 / 维持
	maxZones      = 60
)

// layoutBBox turns pages of words into a Layout, or returns nil when no
// table header is found, or an error when a page is too dense to lay out
// (the caller then reads the aligned text instead).
func layoutBBox(pages []pdfPage, lim Limits) (*Layout, error) {
	d := &pdfDoc{lim: lim, lay: &Layout{Format: FormatPDF, Layout: LayoutPDFBBox, Pages: len(pages)}}
	no := 0
	var zones []*zone
	all := make([][]*frag, len(pages))
	for p, pg := range pages {
		if len(pg.words) > maxPageWords {
			return nil, fmt.Errorf("page %d has %d words, more than %d", p+1, len(pg.words), maxPageWords)
		}
		rows := visualRows(pg.words)
		for _, r := range rows {
			no++
			r.no = no
			r.frags = rowFrags(r, p)
			all[p] = append(all[p], r.frags...)
		}
		d.pages = append(d.pages, rows)
	}
	for p, rows := range d.pages {
		zs := findRequestHeader(all[p], p, nil, nil)
		if len(zs) == 0 && p+1 < len(pages) && d.pageMentions(p, requestColLabels[0]) {
			zs = findRequestHeader(all[p], p, all[p+1], d.pageBreak(p))
		}
		zones = append(zones, zs...)
		zs = findReviewHeader(all[p], p, nil, nil)
		if len(zs) == 0 && p+1 < len(pages) && d.pageMentions(p, "行政复议") {
			zs = findReviewHeader(all[p], p, all[p+1], d.pageBreak(p))
		}
		zones = append(zones, zs...)
		zones = append(zones, findActiveHeaders(rows, p)...)
	}
	if len(zones) == 0 {
		return nil, nil
	}
	// A table 3 or 4 that is there but whose header was not recognised
	// would come out as loose text rows; the aligned text the mapper has
	// always read is the better fallback for the whole document.
	for _, t := range []struct {
		kind int
		mark string
		name string
	}{{zoneRequests, "本年新收政府信息公开申请数量", "table 3"}, {zoneReview, "未经复议直接起诉", "table 4"}} {
		found := false
		for _, z := range zones {
			found = found || z.kind == t.kind
		}
		if !found && d.mentions(t.mark) {
			return nil, fmt.Errorf("%s is there but its column headers were not recognised", t.name)
		}
	}
	if len(zones) > maxZones {
		return nil, fmt.Errorf("%d table headers, more than %d", len(zones), maxZones)
	}
	sort.SliceStable(zones, func(i, j int) bool {
		if zones[i].page != zones[j].page {
			return zones[i].page < zones[j].page
		}
		return zones[i].top < zones[j].top
	})
	if err := d.emit(zones); err != nil {
		return nil, err
	}
	return d.lay, nil
}

// pageMentions reports whether a visual row of page p contains s.
func (d *pdfDoc) pageMentions(p int, s string) bool {
	k := key(s)
	for _, r := range d.pages[p] {
		if strings.Contains(key(rowText(r)), k) {
			return true
		}
	}
	return false
}

// pageBreak is where page p's text ends and page p+1's begins, page
// numbers and running heads aside.
func (d *pdfDoc) pageBreak(p int) *pageBreak {
	b := &pageBreak{page: p}
	rows := d.pages[p]
	for i := len(rows) - 1; i >= 0; i-- {
		if !rePageFurniture.MatchString(rowText(rows[i])) {
			b.bottom = rows[i].y1
			break
		}
	}
	for _, r := range d.pages[p+1] {
		if !rePageFurniture.MatchString(rowText(r)) {
			b.top = r.y0
			break
		}
	}
	return b
}

// mentions reports whether a visual row's text contains s (spacing and
// punctuation aside).
func (d *pdfDoc) mentions(s string) bool {
	k := key(s)
	for _, rows := range d.pages {
		for _, r := range rows {
			if strings.Contains(key(rowText(r)), k) {
				return true
			}
		}
	}
	return false
}

// pdfItem is something to emit at a position: a zone's part of a page, or
// a visual row of text.
type pdfItem struct {
	y     float64
	lines []Line
	// A zone's item ends with one line per table row.
	zone *zone
	rows []*pdfTableRow
}

func (d *pdfDoc) emit(zones []*zone) error {
	// Which zone claims each frag: from under its header down to the frag
	// that stops it, over page breaks, until the next zone's header.
	claim := map[*frag]*zone{}
	segs := map[*zone]map[int][]*frag{}
	for zi, z := range zones {
		segs[z] = map[int][]*frag{}
		next := (*zone)(nil)
		if zi+1 < len(zones) {
			next = zones[zi+1]
		}
		stopped := false
		for p := z.page; p < len(d.pages) && !stopped; p++ {
			if next != nil && (p > next.page || p == next.page && p > z.page && next.repeats(z)) {
				// A header repeated at the top of a page takes the page,
				// its upper header lines included.
				break
			}
			for _, r := range d.pages[p] {
				if p == z.hdrPage && r.y1 <= z.hdrY1+0.5 && r.y0 < z.hdrY1 || p < z.hdrPage {
					continue
				}
				if p == z.page && r.y0 < z.top {
					continue
				}
				if next != nil && p == next.page && r.y1 > next.top {
					stopped = true
					break
				}
				if rePageFurniture.MatchString(rowText(r)) {
					continue
				}
				var open []*frag
				for _, f := range r.frags {
					if !f.used && claim[f] == nil && !(p == z.hdrPage && f.cy() <= z.hdrY1) {
						open = append(open, f)
					}
				}
				for _, f := range mergeLine(open) {
					if stopsZone(z, f) {
						stopped = true
						break
					}
				}
				if stopped {
					break
				}
				for _, f := range r.frags {
					if !f.used && claim[f] == nil && !(p == z.hdrPage && f.cy() <= z.hdrY1) {
						claim[f] = z
						segs[z][p] = append(segs[z][p], f)
					}
				}
			}
		}
	}
	tableOf := map[*zone]int{}
	for p, rows := range d.pages {
		var items []pdfItem
		for _, z := range zones {
			fr, ok := segs[z][p]
			if !ok && z.page != p && z.hdrPage != p {
				continue
			}
			if _, ok := tableOf[z]; !ok {
				d.table++
				tableOf[z] = d.table
			}
			t := tableOf[z]
			var it pdfItem
			if z.page == p {
				it.y = z.top
				z.emitted++
				it.lines = append(it.lines, z.headerLine(p+1, t))
			} else if len(fr) > 0 {
				it.y = fr[0].y0
			} else {
				it.y = z.hdrY1
			}
			var tail *pdfTableRow
			if z.page != p && z.tail >= 0 {
				tail = z.tailRow
			}
			rows, grown := z.segment(fr, tail)
			if grown {
				// The previous page's last row is already laid out: only
				// its label cells change.
				old := &d.lay.Lines[z.tail]
				old.Cells = z.line(tail, old.Page, old.Table, old.Row).Cells
			}
			if len(rows) == 0 && z.kind == zoneReview && p == z.hdrPage && !laterSegs(segs[z], p) {
				// Table 4 has one row of values: under a header with
				// nothing below it, that row is printed blank.
				rows = []*pdfTableRow{{row: z.hdr[len(z.hdr)-1].row}}
			}
			if !z.learned {
				z.learn(rows)
				z.learned = true
			}
			for _, r := range rows {
				z.emitted++
				it.lines = append(it.lines, z.line(r, p+1, t, z.emitted))
				it.rows = append(it.rows, r)
			}
			it.zone = z
			items = append(items, it)
		}
		// The rest: text rows, and header-area words a table did not take.
		var loose *pdfItem
		for _, r := range rows {
			var rest []*frag
			for _, f := range r.frags {
				if !f.used && claim[f] == nil {
					rest = append(rest, f)
				}
			}
			if len(rest) == 0 {
				loose = nil
				continue
			}
			l := textLine(rest, r.no, p+1)
			if rePageFurniture.MatchString(l.Text()) {
				continue
			}
			if len(l.Cells) > 1 {
				if loose == nil {
					d.table++
					items = append(items, pdfItem{y: r.y0})
					loose = &items[len(items)-1]
				}
				l.Table = d.table
				l.Row = len(loose.lines) + 1
				loose.lines = append(loose.lines, l)
				continue
			}
			loose = nil
			items = append(items, pdfItem{y: r.y0, lines: []Line{l}})
		}
		sort.SliceStable(items, func(i, j int) bool { return items[i].y < items[j].y })
		for _, it := range items {
			for i, l := range it.lines {
				if err := d.add(l); err != nil {
					return err
				}
				if k := i - (len(it.lines) - len(it.rows)); k >= 0 {
					it.zone.tail, it.zone.tailRow = len(d.lay.Lines)-1, it.rows[k]
				}
			}
		}
	}
	return nil
}

func (d *pdfDoc) add(l Line) error {
	d.cells += len(l.Cells)
	if d.lim.MaxCells > 0 && d.cells > d.lim.MaxCells {
		return fmt.Errorf("page %d: more than %d table cells", l.Page, d.lim.MaxCells)
	}
	if d.lim.MaxLines > 0 && len(d.lay.Lines) >= d.lim.MaxLines {
		return fmt.Errorf("page %d: more than %d lines", l.Page, d.lim.MaxLines)
	}
	if l.Table > 0 {
		// Tables are numbered in the order they are emitted, not found.
		if d.renum == nil {
			d.renum = map[int]int{}
		}
		n, ok := d.renum[l.Table]
		if !ok {
			n = len(d.renum) + 1
			d.renum[l.Table] = n
		}
		l.Table = n
	}
	d.lay.Lines = append(d.lay.Lines, l)
	return nil
}

func rowText(r *pdfRow) string {
	parts := make([]string, len(r.words))
	for i, w := range r.words {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

// textLine is a visual row outside any table: one cell, or cells split at
// wide gaps (more than a character and a half) like aligned text.
func textLine(fs []*frag, no, page int) Line {
	var cells []Cell
	var prev *frag
	for _, f := range fs {
		t := strings.TrimSpace(f.text)
		if prev != nil && f.x0-prev.x1 < 1.5*minf(f.h(), prev.h()) {
			c := &cells[len(cells)-1]
			c.Text += " " + t
		} else {
			cells = append(cells, Cell{Text: t, Col: len(cells)})
		}
		prev = f
	}
	return Line{Cells: cells, Line: no, Page: page}
}
