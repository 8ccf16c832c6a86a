package ingest

import (
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// A PDF has no cells, only words at positions. Tables are rebuilt here from
// the geometry: the header cells of a known table give the columns' x
// positions, each number goes to the column it sits under, and a column
// with no number on a row is a blank cell. A printed 258 is one word and
// one value; cutting digit runs is left to text whose spacing was lost.

// frag is a word, or (merged by mergeLine) several words of one text line
// close enough to be one cell's text. Numbers are always frags of their
// own. y0 and y1 are the ink's extent, not poppler's box (see pdfWord.em).
type frag struct {
	x0, y0, x1, y1 float64
	text           string
	page           int // 0-based
	row            int // visual row, 1-based across the document: the Line number
	value          bool
	used           bool    // taken by a table header
	first          pdfWord // the frag's first word, for its baseline
	parts          []*frag // the word frags a merged frag is made of
}

func (f *frag) h() float64 {
	if h := f.y1 - f.y0; h > 1 {
		return h
	}
	return 1
}
func (f *frag) cx() float64 { return (f.x0 + f.x1) / 2 }
func (f *frag) cy() float64 { return (f.y0 + f.y1) / 2 }

func overlap(a0, a1, b0, b1 float64) float64 {
	lo, hi := a0, a1
	if b0 > lo {
		lo = b0
	}
	if b1 < hi {
		hi = b1
	}
	return hi - lo
}

// pdfRow is a visual row of a page: words of one text line (see sameLine),
// left to right; y0 and y1 are the ink's extent.
type pdfRow struct {
	y0, y1 float64
	words  []pdfWord
	frags  []*frag
	no     int
}

// visualRows clusters a page's words into rows, top to bottom.
func visualRows(words []pdfWord) []*pdfRow {
	ws := append([]pdfWord(nil), words...)
	sort.SliceStable(ws, func(i, j int) bool { return ws[i].cy() < ws[j].cy() })
	var rows []*pdfRow
	for _, w := range ws {
		if n := len(rows); n > 0 {
			// Compared with the row's first word, not its grown band: a
			// band that grows with each word drifts down a stacked header
			// and swallows the lines below.
			r := rows[n-1]
			if sameLine(w, r.words[0]) {
				r.words = append(r.words, w)
				r.y0, r.y1 = minf(r.y0, w.cy()-w.em()/2), maxf(r.y1, w.cy()+w.em()/2)
				continue
			}
		}
		rows = append(rows, &pdfRow{y0: w.cy() - w.em()/2, y1: w.cy() + w.em()/2, words: []pdfWord{w}})
	}
	for _, r := range rows {
		sort.SliceStable(r.words, func(i, j int) bool { return r.words[i].x0 < r.words[j].x0 })
	}
	return rows
}

// sameLine tells words of one text line: their vertical centres are closer
// than about a third of a character (a digit and a Han character of one
// line differ in box, not in centre).
func sameLine(a, b pdfWord) bool {
	h := minf(a.em(), b.em())
	d := a.cy() - b.cy()
	if d < 0 {
		d = -d
	}
	return d < 0.35*h
}

func minf(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// rowFrags makes a frag of each word of a row. Words are joined into cell
// text later, where it is known what they are: a space-wide gap separates
// the words of one cell (结 果) as often as two cells of a dense header.
func rowFrags(r *pdfRow, page int) []*frag {
	out := make([]*frag, 0, len(r.words))
	for _, w := range r.words {
		// y0 and y1 are the ink's extent, one em about the box's centre.
		em := w.em()
		out = append(out, &frag{x0: w.x0, y0: w.cy() - em/2, x1: w.x1, y1: w.cy() + em/2, text: w.text, page: page, row: r.no,
			value: pdfValue(w.text), first: w})
	}
	return out
}

// pdfValue tells a word that fills a value cell: a number or placeholder,
// or what is written where a number belongs (〇, 见附件, 约1; see
// valueToken). Taken for a label, it would start the row over.
func pdfValue(s string) bool {
	return isValueText(s) || valueToken(s)
}

// mergeLine joins words of one text line closer than about half a
// character into one frag (a label or a line of text); numbers stay alone.
// The input is not changed.
func mergeLine(fs []*frag) []*frag {
	in := append([]*frag(nil), fs...)
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].row != in[j].row {
			return in[i].row < in[j].row
		}
		return in[i].x0 < in[j].x0
	})
	var out []*frag
	for _, f := range in {
		if n := len(out); n > 0 && !f.value && !out[n-1].value {
			p := out[n-1]
			if p.page == f.page && f.x0-p.x1 < 0.6*minf(f.h(), p.h()) && f.x0 >= p.x0 && sameLine(f.first, p.first) &&
				!reRowNumbering.MatchString(f.text) {
				p.text += " " + f.text
				p.x1 = maxf(p.x1, f.x1)
				p.y0, p.y1 = minf(p.y0, f.y0), maxf(p.y1, f.y1)
				p.parts = append(p.parts, f)
				continue
			}
		}
		c := *f
		c.parts = []*frag{f}
		out = append(out, &c)
	}
	return out
}

// gridCol is one template column located on the page.
type gridCol struct {
	x0, x1 float64
	label  string // the header text as printed (wrapped lines joined)
}

func (c gridCol) cx() float64 { return (c.x0 + c.x1) / 2 }

const (
	zoneActive   = iota // a table-2 sub-table: 信息内容 and its columns
	zoneRequests        // table 3: 自然人 … 总计
	zoneReview          // table 4: 15 leaf columns under two header levels
)

// zone is a located table: its columns and where its header is.
type zone struct {
	kind       int
	page       int
	top, hdrY1 float64 // the header's top and bottom
	hdrPage    int     // the page hdrY1 is on: page, or the next one
	cols       []gridCol
	hdr        []*frag // the header's cells, first the one over the labels (信息内容)
	labelCol   bool    // rows carry labels left of the columns
	shift      float64 // numbers' offset from their header's centre
	learned    bool
	emitted    int // rows emitted so far, over pages
	// pitch is set for a table laid out cell after cell in equal columns
	// (see flowRequestHeader): cols are then the lattice columns from
	// the first value column on, and a row's values start right of its
	// label instead of under their header.
	pitch float64
	// tail is the index in the layout of the line of the zone's last row
	// so far (-1 before any), tailRow that row: a label wrapped over a
	// page break is added to it.
	tail    int
	tailRow *pdfTableRow
}

// latIdx is the lattice column of a left edge, counted from the first
// value column (the corner label column is -1). A left-aligned cell's text
// starts just inside its cell; a quarter column of tolerance keeps a
// centred number in its own cell too.
func (z *zone) latIdx(x float64) int {
	f := math.Floor((x-z.cols[0].x0)/z.pitch + 0.25)
	return int(math.Max(-maxLattice, math.Min(maxLattice, f)))
}

// maxLattice bounds a lattice index: far past any table's width.
const maxLattice = 1000

// valueLeft is where the value columns begin: half a column left of the
// first column's header, so that a centred or right-aligned number still
// falls inside while a label (left-aligned in its cell) stays out.
func (z *zone) valueLeft() float64 {
	c := z.cols[0]
	w := c.x1 - c.x0
	if w < 8 {
		w = 8
	}
	return c.x0 - w/2
}

// assign places a row's numbers (left to right) in columns: in order, one
// per column, each as near as it can be to its column's centre (shifted by
// what full rows taught, see learn). A row with more numbers than columns
// falls back to the nearest column for each.
func (z *zone) assign(vals []*frag) []int {
	m, n := len(vals), len(z.cols)
	out := make([]int, m)
	if m > n {
		for i, v := range vals {
			out[i] = z.column(v.cx() - z.shift)
		}
		return out
	}
	cost := func(i, j int) float64 {
		d := vals[i].cx() - z.shift - z.cols[j].cx()
		if d < 0 {
			d = -d
		}
		return d
	}
	// best[i][j]: least cost of placing vals[:i] in cols[:j].
	inf := 1e18
	best := make([][]float64, m+1)
	for i := range best {
		best[i] = make([]float64, n+1)
		for j := range best[i] {
			if i > 0 {
				best[i][j] = inf
			}
		}
	}
	for i := 1; i <= m; i++ {
		for j := i; j <= n; j++ {
			skip := best[i][j-1]
			take := best[i-1][j-1] + cost(i-1, j-1)
			best[i][j] = minf(skip, take)
		}
	}
	for i, j := m, n; i > 0; j-- {
		if best[i][j] == best[i-1][j-1]+cost(i-1, j-1) && (j == i || best[i][j] != best[i][j-1] || best[i][j-1] >= inf) {
			out[i-1] = j - 1
			i--
		}
	}
	return out
}

// learn sets the zone's shift: how far numbers sit from their header's
// centre in rows that fill every column (their placement is certain).
// Numbers right-aligned under left-aligned headers sit a constant distance
// to the right; the shift lets the sparse rows use it too.
func (z *zone) learn(rows []*pdfTableRow) {
	var d []float64
	for _, r := range rows {
		if len(r.values) != len(z.cols) {
			continue
		}
		vs := append([]*frag(nil), r.values...)
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].x0 < vs[j].x0 })
		for j, v := range vs {
			d = append(d, v.cx()-z.cols[j].cx())
		}
	}
	if len(d) == 0 {
		return
	}
	sort.Float64s(d)
	z.shift = d[len(d)/2]
}

// column returns the column whose centre is nearest to x.
func (z *zone) column(x float64) int {
	best, d := 0, -1.0
	for i, c := range z.cols {
		dd := x - c.cx()
		if dd < 0 {
			dd = -dd
		}
		if d < 0 || dd < d {
			best, d = i, dd
		}
	}
	return best
}

// prose tells a line of running text met inside a table's span: it covers
// the centres of two columns, or starts left of the columns and reaches
// into the first one. No cell does either.
func (z *zone) prose(f *frag) bool {
	if f.value {
		return false
	}
	in := 0
	for _, c := range z.cols {
		if f.x0 < c.cx() && f.x1 > c.cx() {
			in++
		}
	}
	return in >= 2 || in == 1 && f.x0 < z.valueLeft() && f.x1 > z.cols[0].cx()
}

var (
	reRowNumbering = regexp.MustCompile(`^\s*(\d{1,2}\s*[.、．,，]|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．])`)
	reActiveCap    = regexp.MustCompile(`^第二十条`)
)

// headerMatch is a header cell found on the page: a frag, or a frag and the
// wrapped lines under it (商业企 / 业), whose text is a column label.
type headerMatch struct {
	label  string
	frags  []*frag
	x0, x1 float64
	y0, y1 float64
}

func (m headerMatch) cx() float64 { return (m.x0 + m.x1) / 2 }
func (m headerMatch) cy() float64 { return (m.y0 + m.y1) / 2 }

// findLabels finds header cells whose text is one of labels: a word, with
// the words beside it on its line and the wrapped lines under it (商业企 /
// 业, 结 果 / 维持), up to maxChain words.
//
// brk, when set, lets a cell's lines go on over a page break: from the
// last line of page brk.page to the first of the next (a header cell
// wrapped a character a line and cut by the page).
func findLabels(frags []*frag, labels map[string]string, brk *pageBreak) []headerMatch {
	// Only words that can be part of a label take part: the search below
	// is quadratic in them, and a page of prose has none.
	var byY []*frag
	for _, f := range frags {
		k := key(f.text)
		if f.value || k == "" {
			continue
		}
		for lk := range labels {
			if strings.Contains(lk, k) {
				byY = append(byY, f)
				break
			}
		}
	}
	if len(byY) > maxLabelWords {
		return nil // not a table header: a page of label-like fragments
	}
	sort.SliceStable(byY, func(i, j int) bool { return byY[i].y0 < byY[j].y0 })
	right := func(cur *frag) *frag {
		var best *frag
		for _, g := range byY {
			if g == cur || g.value || g.used || g.page != cur.page || !sameLine(g.first, cur.first) ||
				g.x0 < cur.x1-0.3*cur.h() || g.x0-cur.x1 > 0.8*minf(cur.h(), g.h()) {
				continue
			}
			if best == nil || g.x0 < best.x0 {
				best = g
			}
		}
		return best
	}
	below := func(x0, x1 float64, cur *frag) *frag {
		var best *frag
		for _, g := range byY {
			over := brk.crosses(cur, g)
			if g == cur || g.value || g.used || !over && (g.page != cur.page || g.y0 < cur.y1-0.3*cur.h() || g.y0-cur.y1 > 3*cur.h()) {
				continue
			}
			if overlap(x0, x1, g.x0, g.x1) <= 0.3*minf(x1-x0, g.x1-g.x0) {
				continue
			}
			if best == nil || g.page < best.page || g.page == best.page && (g.y0 < best.y0 || g.y0 == best.y0 && g.x0 < best.x0) {
				best = g
			}
		}
		return best
	}
	var out []headerMatch
	var best []*frag
	var walk func(chain []*frag, lineX0, lineX1 float64)
	walk = func(chain []*frag, lineX0, lineX1 float64) {
		var b strings.Builder
		for _, c := range chain {
			b.WriteString(c.text)
		}
		if _, ok := labels[key(b.String())]; ok && len(chain) > len(best) {
			best = append([]*frag(nil), chain...)
		}
		if len(chain) == maxChain {
			return
		}
		last := chain[len(chain)-1]
		if g := right(last); g != nil {
			walk(append(chain, g), lineX0, maxf(lineX1, g.x1))
		}
		if g := below(lineX0, lineX1, last); g != nil {
			walk(append(chain, g), g.x0, g.x1)
		}
	}
	for _, f := range byY {
		if f.value || f.used {
			continue
		}
		best = nil
		walk([]*frag{f}, f.x0, f.x1)
		if best == nil {
			continue
		}
		var b strings.Builder
		m := headerMatch{frags: best, x0: f.x0, x1: f.x1, y0: f.y0, y1: f.y1}
		for _, c := range best {
			b.WriteString(c.text)
			m.x0, m.x1 = minf(m.x0, c.x0), maxf(m.x1, c.x1)
			if c.page == f.page {
				// Lines over a page break have the next page's y.
				m.y0, m.y1 = minf(m.y0, c.y0), maxf(m.y1, c.y1)
			}
		}
		m.label = labels[key(b.String())]
		out = append(out, m)
	}
	return out
}

// pageBreak is where one page's text ends and the next one's begins.
type pageBreak struct {
	page        int
	bottom, top float64
}

// carry is what to add to the next page's y to continue this page's, the
// margins between taken out.
func (b *pageBreak) carry() float64 {
	if b == nil {
		return 0
	}
	return b.bottom - b.top
}

// crosses tells a word at the top of the next page that can continue one
// on the last line of this one.
func (b *pageBreak) crosses(cur, g *frag) bool {
	return b != nil && cur.page == b.page && g.page == b.page+1 && cur.y1 >= b.bottom-0.5*cur.h() && g.y0 <= b.top+0.5*g.h()
}

func joinAll(parts []string) string {
	s := ""
	for _, p := range parts {
		s = joinWrapped(s, p)
	}
	return s
}

func labelSet(labels ...string) map[string]string {
	m := map[string]string{}
	for _, l := range labels {
		m[key(l)] = l
		for from, to := range labelVariants {
			if strings.Contains(l, from) {
				m[key(strings.ReplaceAll(l, from, to))] = l
			}
		}
	}
	return m
}

// labelVariants are spellings real headers use for a template word.
var labelVariants = map[string]string{"其他": "其它", "总计": "合计"}

// requestColLabels and reviewColLabels are the leaf column labels of tables
// 3 and 4 (the same in both template versions).
var (
	requestColLabels = func() []string {
		var out []string
		for _, c := range schema.Templates[schema.Template2021].RequestCols {
			out = append(out, c.Label)
		}
		return out
	}()
	reviewColLabels = func() []string {
		var out []string
		for _, c := range schema.Templates[schema.Template2021].ReviewCols {
			out = append(out, c.Label)
		}
		return out
	}()
)

func (m headerMatch) take() {
	for _, f := range m.frags {
		f.used = true
	}
}

// findRequestHeader locates table 3's seven columns: 自然人, the five
// legal-person columns and 总计, in this order left to right and near each
// other vertically.
//
// next, when given, are the words of the following page, and brk where
// the page breaks: a flowed header may break over the page (see
// flowRequestHeader).
func findRequestHeader(frags []*frag, page int, next []*frag, brk *pageBreak) []*zone {
	ms := findLabels(append(append([]*frag(nil), frags...), next...), labelSet(requestColLabels...), brk)
	carry := brk.carry()
	var zones []*zone
	for _, a := range ms {
		if key(a.label) != key(requestColLabels[0]) || a.frags[0].used || a.frags[0].page != page {
			continue
		}
		pick := []headerMatch{a}
		for _, lab := range requestColLabels[1:] {
			prev := pick[len(pick)-1]
			best, bd := -1, 0.0
			for i, m := range ms {
				if key(m.label) != key(lab) || m.frags[0].used || m.x0 <= prev.cx() || m.frags[0].page != page {
					continue
				}
				d := m.cy() - a.cy()
				if d < 0 {
					d = -d
				}
				if d > 80 {
					continue
				}
				if best < 0 || d < bd || d == bd && m.x0 < ms[best].x0 {
					best, bd = i, d
				}
			}
			if best < 0 {
				break
			}
			pick = append(pick, ms[best])
		}
		if len(pick) != len(requestColLabels) {
			if z := flowRequestHeader(a, ms, page, carry); z != nil {
				zones = append(zones, z)
			}
			continue
		}
		zones = append(zones, newZone(zoneRequests, page, pick, true))
	}
	return zones
}

// flowRequestHeader reads table 3's header as a Word table without a
// column grid prints it (LibreOffice): each row's cells follow one another
// in columns of one width, spans ignored, so 总计 comes right after 法人或
// 其他组织 and the five legal-person leaves fill the next header row, as
// far below as the wrapped corner cell pushes it. The leaves' spacing is
// the column pitch; a row's values are the cells right of its label (see
// flowStart). It returns nil unless the header sits on such a lattice.
func flowRequestHeader(a headerMatch, ms []headerMatch, page int, carry float64) *zone {
	h := a.frags[0].h()
	top := func(m headerMatch) float64 {
		if m.frags[0].page != page {
			return m.y0 + carry
		}
		return m.y0
	}
	pick := []headerMatch{a}
	for _, lab := range requestColLabels[1:] {
		best, bd := -1, 0.0
		for i, m := range ms {
			if key(m.label) != key(lab) || m.frags[0].used || m.x0 < a.x0-0.3*h || top(m) < a.y0-0.3*h || top(m)-a.y1 > maxFlowHeader*h {
				continue
			}
			d := top(m) - a.y0
			if best < 0 || d < bd || d == bd && m.x0 < ms[best].x0 {
				best, bd = i, d
			}
		}
		if best < 0 {
			return nil
		}
		pick = append(pick, ms[best])
	}
	leaves := pick[1 : len(pick)-1]
	pitch := (leaves[len(leaves)-1].x0 - leaves[0].x0) / float64(len(leaves)-1)
	if pitch < 2*h {
		return nil
	}
	for i, m := range leaves {
		if d := m.x0 - leaves[0].x0 - float64(i)*pitch; d > 0.15*pitch || d < -0.15*pitch || math.Abs(top(m)-top(leaves[0])) > h {
			return nil
		}
	}
	onLattice := func(x float64) bool {
		f := (x - leaves[0].x0) / pitch
		return math.Abs(f-math.Round(f)) < 0.15
	}
	if !onLattice(a.x0) || !onLattice(pick[len(pick)-1].x0) {
		return nil
	}
	z := newZone(zoneRequests, page, pick, true)
	z.pitch = pitch
	for j := range z.cols {
		z.cols[j].x0 = a.x0 + float64(j)*pitch
		z.cols[j].x1 = z.cols[j].x0 + 0.8*pitch
	}
	return z
}

// maxReviewDrop bounds, in lines, how far below the first leaf of table 4
// the others may be.
const maxReviewDrop = 15

// maxFlowHeader bounds, in lines, how far below 自然人 a flowed header's
// leaves may sit: the corner cell (本列数据的勾稽关系为…) wraps in a narrow
// column into a dozen lines or more.
const maxFlowHeader = 25

// findReviewHeader locates table 4's fifteen leaf columns: 结果维持 …
// 总计 three times, left to right, within a band below 行政复议/行政诉讼.
//
// next and brk are as for findRequestHeader: without a repeated header,
// the litigation leaves may be printed at the top of the next page.
func findReviewHeader(frags []*frag, page int, next []*frag, brk *pageBreak) []*zone {
	ms := findLabels(append(append([]*frag(nil), frags...), next...), labelSet(reviewColLabels...), brk)
	carry := brk.carry()
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].cx() < ms[j].cx() })
	cy := func(m headerMatch) float64 {
		if m.frags[0].page != page {
			return m.cy() + carry
		}
		return m.cy()
	}
	var zones []*zone
	for _, a := range ms {
		if key(a.label) != key(reviewColLabels[0]) || a.frags[0].used || a.frags[0].page != page {
			continue
		}
		// The litigation leaves sit a header row below the reconsideration
		// ones, lower still when 未经复议直接起诉 wraps a character a line.
		below := maxf(60, maxReviewDrop*a.frags[0].h())
		var pick []headerMatch
		for _, m := range ms {
			if m.frags[0].used || m.cx() < a.x0 || cy(m) < a.cy()-60 || cy(m) > a.cy()+below {
				continue
			}
			want := reviewColLabels[len(pick)%len(reviewColLabels)]
			if key(m.label) == key(want) {
				pick = append(pick, m)
				if len(pick) == 3*len(reviewColLabels) {
					break
				}
			}
		}
		if len(pick) != 3*len(reviewColLabels) {
			continue
		}
		zones = append(zones, newZone(zoneReview, page, pick, false))
	}
	return zones
}

// findActiveHeaders locates table-2 sub-table headers: a 信息内容 cell and
// the column headers on its row (with their wrapped lines below).
func findActiveHeaders(rows []*pdfRow, page int) []*zone {
	var zones []*zone
	for ri, r := range rows {
		var pieces []*frag
		for _, f := range mergeLine(r.frags) {
			pieces = append(pieces, splitKnown(f, activeHeaderLabels)...)
		}
		for i, f := range pieces {
			if f.parts[0].used || key(f.text) != "信息内容" {
				continue
			}
			var pick []headerMatch
			for _, g := range pieces[i+1:] {
				if g.parts[0].used || g.value {
					continue
				}
				pick = append(pick, headerMatch{label: strings.TrimSpace(g.text), frags: g.parts, x0: g.x0, x1: g.x1, y0: g.y0, y1: g.y1})
			}
			if len(pick) == 0 {
				continue
			}
			wrapActiveHeader(pick, rows[ri+1:])
			for _, p := range f.parts {
				p.used = true
			}
			z := newZone(zoneActive, page, pick, true)
			z.hdr = append([]*frag{f}, z.hdr...)
			z.top = minf(z.top, f.y0)
			zones = append(zones, z)
		}
	}
	return zones
}

// activeHeaderLabels are the keys of table 2's header cells in both
// templates: 信息内容 and every column label.
var activeHeaderLabels = func() map[string]bool {
	m := map[string]bool{key("信息内容"): true}
	for _, t := range schema.Templates {
		for _, st := range t.Active {
			for _, c := range st.Cols {
				m[key(c.Label)] = true
			}
		}
	}
	return m
}()

// maxHeaderLines bounds the lines of one wrapped table-2 header cell.
const maxHeaderLines = 16

// knownPrefix reports whether s begins (or is) a table-2 header label.
func knownPrefix(s string) bool {
	k := key(s)
	if k == "" {
		return false
	}
	for l := range activeHeaderLabels {
		if strings.HasPrefix(l, k) {
			return true
		}
	}
	return false
}

// splitKnown cuts a merged frag back into cells where its words make two
// or more known labels one after another: an auto-width table prints its
// header cells as close together as the words of one cell (信息内容 本年新
// 制作数量 …). A frag that is one label, or cannot be cut into labels, is
// returned as it is.
func splitKnown(f *frag, known map[string]bool) []*frag {
	n := len(f.parts)
	if n < 2 || n > maxLabelWords || known[key(f.text)] {
		return []*frag{f}
	}
	// cut[i]: where the label starting at word i ends, for a cut of
	// f.parts[i:] into labels (0: none).
	cut := make([]int, n+1)
	cut[n] = n
	for i := n - 1; i >= 0; i-- {
		var b strings.Builder
		for j := i; j < n && j-i < maxChain; j++ {
			b.WriteString(f.parts[j].text)
			if cut[j+1] != 0 && known[key(b.String())] {
				cut[i] = j + 1
				break
			}
		}
	}
	if cut[0] == 0 {
		return []*frag{f}
	}
	var out []*frag
	for i := 0; i < n; i = cut[i] {
		out = append(out, mergeLine(f.parts[i:cut[i]])...)
	}
	return out
}

// wrapActiveHeader adds to each column header the lines wrapped under it
// (本年新 / 制作数量): text right below it, within its width, as far as a
// template label goes, or up to three words of other text. Left out, they
// would read as a row label.
func wrapActiveHeader(pick []headerMatch, below []*pdfRow) {
	for k := range pick {
		m := &pick[k]
		for _, r := range below {
			if len(m.frags) >= maxHeaderLines || r.y0-m.y1 > 1.5*(m.y1-m.y0) {
				break
			}
			// A line with numbers is the first row, not more header.
			numbers := false
			for _, g := range r.frags {
				numbers = numbers || g.value && isValueText(g.text) && strings.ContainsAny(g.text, "0123456789")
			}
			if numbers {
				break
			}
			var add []*frag
			for _, g := range mergeLine(r.frags) {
				if !g.value && !g.parts[0].used && overlap(m.x0, m.x1, g.x0, g.x1) > 0.3*minf(m.x1-m.x0, g.x1-g.x0) {
					add = append(add, g)
				}
			}
			if len(add) != 1 {
				break
			}
			g := add[0]
			// A label of the template is followed down as far as it goes
			// (a narrow column sets 本年制发件数 a character a line) and no
			// further; other text, three lines at most.
			cand := joinWrapped(m.label, strings.TrimSpace(g.text))
			if !knownPrefix(cand) && (activeHeaderLabels[key(m.label)] || len(m.frags) >= 3) {
				break
			}
			m.label = cand
			m.frags = append(m.frags, g.parts...)
			m.x0, m.x1 = minf(m.x0, g.x0), maxf(m.x1, g.x1)
			m.y1 = maxf(m.y1, g.y1)
		}
	}
}

func newZone(kind, page int, pick []headerMatch, labelCol bool) *zone {
	z := &zone{kind: kind, page: page, hdrPage: page, top: pick[0].y0, hdrY1: pick[0].y1, labelCol: labelCol, tail: -1}
	for _, m := range pick {
		for _, f := range m.frags {
			if f.page > z.hdrPage {
				// The header ends on the next page: there, below its
				// last line.
				z.hdrPage, z.hdrY1 = f.page, f.y1
			}
		}
	}
	for _, m := range pick {
		m.take()
		z.cols = append(z.cols, gridCol{x0: m.x0, x1: m.x1, label: m.label})
		for _, f := range m.frags {
			if f.page == page {
				z.top = minf(z.top, f.y0)
			}
			if f.page == z.hdrPage {
				z.hdrY1 = maxf(z.hdrY1, f.y1)
			}
		}
		z.hdr = append(z.hdr, m.frags...)
	}
	return z
}

// stopsZone tells a frag that ends a table: a section heading, a table-2
// caption, or running text.
func stopsZone(z *zone, f *frag) bool {
	if f.value {
		return false
	}
	c := compact(f.text)
	if reActiveCap.MatchString(c) {
		return true
	}
	for _, def := range schema.Sections {
		if strings.HasPrefix(c, def.Number) {
			if loc := sectionPatterns[def.ID].FindStringIndex(c); loc != nil && loc[0] == 0 {
				return true
			}
		}
	}
	return z.prose(f)
}
