package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/schema"
)

// dataRow is a line of a table region that carries values.
type dataRow struct {
	line   int
	own    []rune // key of the row's own label cells
	ownKey string // own as a string
	before []rune // key of label-only lines since the previous data row
	values []Cell
	// text is the label as written (the lines above it, then its own
	// cells), for diagnostics that must quote it.
	text string
}

const (
	matchThreshold = 0.5
	maxPendingRune = 80
)

// collectRows walks lines [from, to) and returns the rows that carry values,
// each with its own label and the label fragments above it (labels wrapped
// over lines in PDF text, or written in a paragraph above a markdown row).
// A row qualifies with at least one non-blank value or at least n cells.
func (m *mapper) collectRows(from, to, n int) []dataRow {
	var rows []dataRow
	var pending []string
	for i := from; i < to; i++ {
		l := m.lines[i]
		_, values := m.split(i)
		nonBlank := 0
		for _, v := range values {
			if !blank(v) {
				nonBlank++
			}
		}
		if nonBlank == 0 && len(values) < n {
			if t := l.Text(); t != "" {
				pending = append(pending, t)
				if len(pending) > 4 {
					pending = pending[1:]
				}
			}
			continue
		}
		var before []rune
		if len(pending) > 0 {
			before = []rune(key(strings.Join(pending, "")))
		}
		if len(before) > maxPendingRune {
			before = before[len(before)-maxPendingRune:]
		}
		// A label is at most a few dozen characters and ends where the
		// values begin; a longer "label" is text, and scoring it whole
		// would cost quadratic time.
		ownStr := m.splits[i].labelKey
		ownKey := []rune(ownStr)
		if len(ownKey) > 2*maxPendingRune {
			ownKey = ownKey[len(ownKey)-2*maxPendingRune:]
			ownStr = string(ownKey)
		}
		labels, _ := m.split(i)
		var txt []string
		if len(before) > 0 {
			txt = append(txt, pending...)
		}
		for _, c := range labels {
			txt = append(txt, strings.TrimSpace(c.Text))
		}
		rows = append(rows, dataRow{line: i, own: ownKey, ownKey: ownStr, before: before, values: values, text: strings.Join(txt, " ")})
		pending = pending[:0]
	}
	return rows
}

// labelScore is how well a row's label text matches a template label: the
// share of the label covered by common runs of ≥ 2 runes (greedy string
// tiling). Runs, unlike single runes, do not match by accident, and tiling
// copes with labels wrapped over lines whose pieces arrive out of order.
func labelScore(text, label []rune) float64 {
	covered, usedL := labelCover(text, label)
	if usedL == nil {
		return 0
	}
	return float64(covered) / float64(len(label))
}

// labelCover is the tiling of labelScore: the number of label runes covered
// and which they are.
func labelCover(text, label []rune) (int, []bool) {
	if len(label) == 0 || len(text) == 0 {
		return 0, nil
	}
	usedT := make([]bool, len(text))
	usedL := make([]bool, len(label))
	covered := 0
	for {
		best, bi, bj := 0, 0, 0
		for i := range text {
			for j := range label {
				k := 0
				for i+k < len(text) && j+k < len(label) && !usedT[i+k] && !usedL[j+k] && text[i+k] == label[j+k] {
					k++
				}
				if k > best {
					best, bi, bj = k, i, j
				}
			}
		}
		minRun := 2
		if len(label) < 2 {
			minRun = 1
		}
		if best < minRun {
			break
		}
		for k := 0; k < best; k++ {
			usedT[bi+k], usedL[bj+k] = true, true
		}
		covered += best
	}
	return covered, usedL
}

// coversPrefix reports whether text covers the label's beginning, at least
// four runes of it, and nothing after the first gap: a label whose rest is
// wrapped onto the lines below its values (PDF text), not a variant.
func coversPrefix(text, label []rune) bool {
	// The tail of the row above may precede the label (PDF text): start
	// where the label's first two runes first occur.
	if len(label) >= 2 {
		for i := 0; i+1 < len(text); i++ {
			if text[i] == label[0] && text[i+1] == label[1] {
				text = text[i:]
				break
			}
		}
	}
	n, used := labelCover(text, label)
	if n < 4 {
		return false
	}
	for i, u := range used {
		if u != (i < n) {
			return false
		}
	}
	return true
}

func rowScore(r dataRow, label []rune) float64 {
	own := labelScore(r.own, label)
	if own == 1 || len(r.before) == 0 {
		return own
	}
	both := labelScore(append(append([]rune{}, r.before...), r.own...), label) * 0.95
	if both > own {
		return both
	}
	return own
}

// alignRows assigns data rows to template rows, keeping the template's order
// and maximising the total label score (a sequence alignment). It returns for
// each data row the template row index or -1, and whether it was inferred
// from position rather than read from a label. Labels are compared as
// written and with the synonyms of c applied (规范性文件 for 行政规范性文件).
func alignRows(rows []dataRow, labels [][]rune, foreign []bool, c *canon) ([]int, []bool) {
	nr, nt := len(rows), len(labels)
	labelStr := make([]string, nt)
	for j, l := range labels {
		labelStr[j] = string(l)
	}
	score := make([][]float64, nr)
	for i := range rows {
		score[i] = make([]float64, nt)
		// A row whose own label is exactly a template label (the usual case)
		// needs no fuzzy scoring against the others.
		exact := -1
		own := rows[i].ownKey
		cown := c.apply(own)
		for _, o := range []string{own, cown} {
			for j := range labels {
				// Exact, or the label closing the row's label cells after its
				// group labels (三、本年度办理结果 （一）予以公开).
				if (o == labelStr[j] || len(labels[j]) >= 4 && strings.HasSuffix(o, labelStr[j])) && (foreign == nil || !foreign[j]) {
					exact = j
					break
				}
			}
			if exact >= 0 || cown == own {
				break
			}
		}
		if exact >= 0 {
			score[i][exact] = 1
			continue
		}
		r := rows[i]
		if cown != own {
			r.own = []rune(cown)
		}
		for j := range labels {
			score[i][j] = rowScore(r, labels[j])
			if foreign != nil && foreign[j] {
				// The other template's row wins only where this one's has no match.
				score[i][j] *= 0.9
			}
		}
	}
	assign := alignScores(score, nt, matchThreshold, false)
	// A row without a readable label (its label lost in extraction) takes the
	// template row between its neighbours when the count leaves no choice.
	inferred := make([]bool, nr)
	prevI, prevJ := -1, -1
	for i := 0; i <= nr; i++ {
		if i < nr && assign[i] < 0 {
			continue
		}
		nextJ := nt
		if i < nr {
			nextJ = assign[i]
		}
		gapRows := i - prevI - 1
		if gapRows > 0 && gapRows == nextJ-prevJ-1 && (prevI >= 0 && i < nr) {
			for k := 1; k <= gapRows; k++ {
				assign[prevI+k] = prevJ + k
				inferred[prevI+k] = true
			}
		}
		prevI, prevJ = i, nextJ
	}
	return assign, inferred
}

// regionEnd returns the end of a table region starting at start.
func (m *mapper) regionEnd(start int, ids ...string) int {
	for _, id := range ids {
		if h := m.headLine(id); h > start {
			return h
		}
	}
	return m.nextHeadAfter(start)
}

// findLine returns the first line in [from, to) whose compact text contains s.
func (m *mapper) findLine(from, to int, s string) int {
	cs := compact(s)
	for i := from; i < to && i < len(m.lines); i++ {
		if i >= 0 && strings.Contains(m.ctext[i], cs) {
			return i
		}
	}
	return -1
}

func (m *mapper) consume(from, to int) {
	for i := from; i <= to && i < len(m.consumed); i++ {
		if i >= 0 {
			m.consumed[i] = true
		}
	}
}

// requestsRegion is the span of table 3.
func (m *mapper) requestsRegion() (int, int) {
	start := m.headLine("requests")
	if start < 0 {
		start = m.findLine(0, len(m.lines), "本年新收政府信息公开申请数量")
		if start < 0 {
			return -1, -1
		}
		start--
	}
	end := m.regionEnd(start, "review_litigation", "problems", "other_matters")
	return start, end
}

func (m *mapper) mapRequests() {
	const table = "requests"
	cols := m.tpl.RequestCols
	info := schema.TableInfo{ID: table, Status: "missing", RowsExpected: len(m.tpl.RequestRows)}
	start, end := m.requestsRegion()
	var rows []dataRow
	if start >= -1 {
		rows = m.collectRows(start+1, end, len(cols))
	}
	if len(rows) == 0 {
		m.diagCell("table_not_found", "error", "table 3 (收到和处理政府信息公开申请情况) not found or has no values"+imageHint(m), table, "", "", nil)
		m.doc.TableInfo = append(m.doc.TableInfo, info)
		return
	}
	defs, foreign := m.requestRowDefs()
	labels := m.requestRowKeys()
	assign, inferred := alignRows(rows, labels, foreign, m.canon)
	ids := make([]string, len(defs))
	for j, d := range defs {
		ids[j] = d.ID
	}
	m.checkRequestHeader(start+1, rows[0].line)
	m.rowVariants(table, rows, assign, inferred, labels, func(j int) (string, string) { return ids[j], defs[j].Label })
	m.fillRows(table, rows, assign, inferred, ids, foreign, func(id string) map[string]*schema.Cell {
		return m.doc.Tables.Requests[id]
	}, cols, "", &info)
	m.consume(start+1, rows[len(rows)-1].line)
	m.doc.TableInfo = append(m.doc.TableInfo, info)
}

// requestNote is table 3's printed note, the first header cell.
const requestNote = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

// checkRequestHeader reports the header cells of table 3, lines [from, to),
// written as a variant of the note or a column header (钩稽 for 勾稽). A
// cell that is part of a header (商业 above 企业, a wrapped note) is not a
// variant; only a synonym, or a cell as long as the header and similar to
// it, is.
func (m *mapper) checkRequestHeader(from, to int) {
	vocab := requestHeaderVocab(m.tpl)
	if from < 0 {
		from = 0
	}
	for i := from; i < to && i < len(m.lines); i++ {
		for _, c := range m.lines[i].Cells {
			k := key(c.Text)
			if k == "" || len(k) > 3*maxPendingRune || isValueText(c.Text) {
				continue
			}
			ck := m.canon.apply(k)
			short := utf8.RuneCountInString(k) < 4
			var ckRunes []rune
			best, bestScore, bestKind := -1, 0.0, matchNone
			for vi, v := range vocab {
				vk := v.key
				if strings.Contains(vk, k) || strings.Contains(k, vk) {
					best, bestKind = -1, matchExact // a header, or part of one
					break
				}
				if ck != k && strings.Contains(vk, ck) {
					best, bestScore, bestKind = vi, 1, matchSynonym
					continue
				}
				if bestKind == matchSynonym || short {
					continue
				}
				if ckRunes == nil {
					ckRunes = []rune(ck)
				}
				if s := editSimilarity(ckRunes, v.runes); s >= 0.75 && s > bestScore {
					best, bestScore, bestKind = vi, s, matchFuzzy
				}
			}
			if best >= 0 {
				m.labelVariant(bestKind, bestScore, strings.TrimSpace(c.Text), vocab[best].label, "requests", "", vocab[best].col, locOf(m.lines[i]))
			}
		}
	}
}

// headerWord is one header text of table 3 checkRequestHeader knows, with
// its key as a string and as runes.
type headerWord struct {
	col, label, key string
	runes           []rune
}

var (
	headerVocabOnce sync.Once
	headerVocabFor  map[*schema.Template][]headerWord
)

// requestHeaderVocab is the note and the column headers of a template's
// table 3, keyed once for all documents.
func requestHeaderVocab(tpl *schema.Template) []headerWord {
	headerVocabOnce.Do(func() {
		headerVocabFor = map[*schema.Template][]headerWord{}
		for _, t := range schema.Templates {
			headerVocabFor[t] = buildHeaderVocab(t)
		}
	})
	if v, ok := headerVocabFor[tpl]; ok {
		return v
	}
	return buildHeaderVocab(tpl)
}

func buildHeaderVocab(tpl *schema.Template) []headerWord {
	vocab := []headerWord{{label: requestNote}, {label: "申请人情况"}, {label: "法人或其他组织"}}
	for _, c := range tpl.RequestCols {
		vocab = append(vocab, headerWord{col: c.ID, label: c.Label})
	}
	for i := range vocab {
		vocab[i].key = key(vocab[i].label)
		vocab[i].runes = []rune(vocab[i].key)
	}
	return vocab
}

// rowVariants reports the aligned rows whose label matched only as a variant:
// neither the row's own label cells nor its label wrapped over the lines
// above cover the template label (a label cut short, misprinted, or another
// wording).
func (m *mapper) rowVariants(table string, rows []dataRow, assign []int, inferred []bool, labels [][]rune, def func(j int) (id, label string)) {
	for i, r := range rows {
		j := assign[i]
		if j < 0 || inferred[i] {
			continue
		}
		kind, score := rowMatch(r, labels[j], m.canon)
		id, label := def(j)
		m.labelVariant(kind, score, r.text, label, table, id, "", locOf(m.lines[r.line]))
	}
}

// rowMatch says how a data row's label matches a template label: exactly
// (its own cells end with the label, or they and the lines above cover it),
// by a synonym, or only by similarity.
func rowMatch(r dataRow, label []rune, c *canon) (matchKind, float64) {
	own, ls := r.ownKey, string(label)
	if own == ls || strings.HasSuffix(own, ls) || labelScore(r.own, label) == 1 {
		return matchExact, 1
	}
	if len(r.before) > 0 && labelScore(append(append([]rune{}, r.before...), r.own...), label) == 1 {
		return matchExact, 1
	}
	if coversPrefix(r.own, label) || len(r.before) > 0 && coversPrefix(append(append([]rune{}, r.before...), r.own...), label) {
		return matchExact, 1
	}
	if co := c.apply(own); co != own && (co == ls || strings.HasSuffix(co, ls)) {
		return matchSynonym, 1
	}
	return matchFuzzy, rowScore(r, label)
}

// requestRowDefs lists the template's table-3 rows with the other template's
// （六） rows inserted before （七）总计: real reports mix the layouts (a 2023
// report with the 2019 single （六）其他处理 row), and a row read under its own
// id is more honest than one forced into a row it is not.
func (m *mapper) requestRowDefs() ([]schema.RowDef, []bool) {
	rowDefsOnce.Do(func() {
		rowDefsFor = map[*schema.Template]rowDefs{}
		for _, t := range schema.Templates {
			d, f := buildRequestRowDefs(t)
			rowDefsFor[t] = rowDefs{d, f, rowKeys(d)}
		}
	})
	if rd, ok := rowDefsFor[m.tpl]; ok {
		return rd.defs, rd.foreign
	}
	return buildRequestRowDefs(m.tpl)
}

// rowDefs are requestRowDefs' lists for one template, made once: every
// document asks for them three times, and they depend on the template
// alone. Callers only read them.
type rowDefs struct {
	defs    []schema.RowDef
	foreign []bool
	keys    [][]rune // key(defs[j].Label)
}

// requestRowKeys are the keys of requestRowDefs' labels.
func (m *mapper) requestRowKeys() [][]rune {
	m.requestRowDefs()
	if rd, ok := rowDefsFor[m.tpl]; ok {
		return rd.keys
	}
	defs, _ := buildRequestRowDefs(m.tpl)
	return rowKeys(defs)
}

func rowKeys(defs []schema.RowDef) [][]rune {
	keys := make([][]rune, len(defs))
	for j, r := range defs {
		keys[j] = []rune(key(r.Label))
	}
	return keys
}

var (
	rowDefsOnce sync.Once
	rowDefsFor  map[*schema.Template]rowDefs
)

func buildRequestRowDefs(tpl *schema.Template) ([]schema.RowDef, []bool) {
	other := schema.Templates[schema.Template2019]
	if tpl.ID == schema.Template2019 {
		other = schema.Templates[schema.Template2021]
	}
	own := map[string]bool{}
	for _, r := range tpl.RequestRows {
		own[r.ID] = true
	}
	var defs []schema.RowDef
	var foreign []bool
	for _, r := range tpl.RequestRows {
		if r.ID == "total_handled" {
			for _, o := range other.RequestRows {
				if !own[o.ID] {
					defs = append(defs, o)
					foreign = append(foreign, true)
				}
			}
		}
		defs = append(defs, r)
		foreign = append(foreign, false)
	}
	return defs, foreign
}

// foreignRow adds a row of the other template to table 3, all cells missing
// until filled, and says so.
func (m *mapper) foreignRow(id string) {
	if _, ok := m.doc.Tables.Requests[id]; ok {
		return
	}
	row := map[string]*schema.Cell{}
	for _, c := range m.tpl.RequestCols {
		row[c.ID] = &schema.Cell{Status: schema.StatusMissing}
	}
	m.doc.Tables.Requests[id] = row
	m.diagCell("foreign_row", "warning",
		fmt.Sprintf("table 3 has a row of the other template version (%s); it is kept under that id", id), "requests", id, "", nil)
}

// fillRows writes the fitted values of aligned rows into the document.
func (m *mapper) fillRows(table string, rows []dataRow, assign []int, inferred []bool, ids []string, foreign []bool,
	cellsFor func(id string) map[string]*schema.Cell, cols []schema.ColDef, headerUnit string, info *schema.TableInfo) {
	// Learn the table's trailing-blank habit from rows whose fit is forced;
	// only rows where several alignments fit are fitted again with it.
	fits := make([]fitResult, len(rows))
	trailVotes := map[int]int{}
	for i, r := range rows {
		fits[i] = fit(m.lines[r.line], r.values, len(cols), -1)
		if fits[i].forced {
			trailVotes[fits[i].trail]++
		}
	}
	prefer, votes := 0, -1
	for t := 0; t < 8; t++ {
		if trailVotes[t] > votes {
			prefer, votes = t, trailVotes[t]
		}
	}
	seen := map[string]bool{}
	for i, r := range rows {
		l := m.lines[r.line]
		if assign[i] < 0 {
			if allBlank(r.values) {
				continue // a header line with empty cells, not a data row
			}
			m.diagCell("unrecognised_row", "warning",
				fmt.Sprintf("a row with values whose label %q matches no %s row", strings.TrimSpace(l.Text()), table), table, "", "", locOf(l))
			continue
		}
		rowID := ids[assign[i]]
		if seen[rowID] {
			continue
		}
		seen[rowID] = true
		if foreign[assign[i]] {
			m.foreignRow(rowID)
		} else {
			info.RowsFound++
		}
		cells := cellsFor(rowID)
		if info.Source == nil {
			info.Source = locOf(l)
		}
		f := fits[i]
		if !f.forced && f.trail != prefer {
			f = fit(l, r.values, len(cols), prefer)
		}
		if inferred[i] {
			m.diagCell("row_inferred", "warning",
				"row label not readable; the row was placed by its position between its neighbours", table, rowID, "", locOf(l))
			for k := range f.slots {
				f.slots[k].confidence *= 0.7
			}
		}
		if f.note != "" {
			m.diagCell("uncertain_values", "warning", f.note, table, rowID, "", locOf(l))
		}
		if len(f.solutions) > 1 {
			m.cuts[table+"."+rowID] = f.solutions
		}
		for k, col := range cols {
			cells[col.ID] = toCell(f.slots[k], col, headerUnit)
		}
	}
	switch {
	case info.RowsFound == info.RowsExpected:
		info.Status = "found"
	case info.RowsFound > 0:
		info.Status = "partial"
		lastSeen := -1
		for j, id := range ids {
			if seen[id] {
				lastSeen = j
			}
		}
		cut := true
		for j, id := range ids {
			if !foreign[j] && !seen[id] {
				m.diagCell("row_missing", "warning", "row not found in the document", table, id, "", nil)
				if j < lastSeen {
					cut = false
				}
			}
		}
		if cut && lastSeen >= 0 {
			last := m.lines[rows[len(rows)-1].line]
			m.diagCell("table_cut_off", "warning",
				fmt.Sprintf("the table ends after row %s: the rows after it are missing", ids[lastSeen]), table, ids[lastSeen], "", locOf(last))
		}
	}
}

func imageHint(m *mapper) string {
	for _, d := range m.diags {
		if d.Code == "image_table" {
			return " (the document contains images where tables would be: tables pasted as pictures cannot be read)"
		}
	}
	return ""
}

// mapReview reads table 4: one row of 15 values after three header rows.
func (m *mapper) mapReview() {
	const table = "review_litigation"
	info := schema.TableInfo{ID: table, Status: "missing", RowsExpected: len(m.tpl.ReviewGroups)}
	start := m.headLine(table)
	if start < 0 {
		if _, e := m.requestsRegion(); e >= 0 {
			start = e - 1
		}
	}
	n := len(m.tpl.ReviewGroups) * len(m.tpl.ReviewCols)
	var row *dataRow
	if start >= -1 {
		end := m.regionEnd(start, "problems", "other_matters")
		hdr := m.findLine(start+1, end, "结果维持")
		if hdr < 0 {
			hdr = m.findLine(start+1, end, "行政复议")
		}
		if hdr >= 0 {
			for _, r := range m.collectRows(hdr, end, n) {
				r := r
				row = &r
				break
			}
		}
		if row != nil {
			m.consume(hdr, row.line)
			m.consume(start+1, hdr)
		}
	}
	if row == nil {
		m.diagCell("table_not_found", "error", "table 4 (行政复议、行政诉讼情况) not found or has no values"+imageHint(m), table, "", "", nil)
		m.doc.TableInfo = append(m.doc.TableInfo, info)
		return
	}
	l := m.lines[row.line]
	f := fit(l, row.values, n, 0)
	if f.note != "" {
		m.diagCell("uncertain_values", "warning", f.note, table, "", "", locOf(l))
	}
	if len(f.solutions) > 1 {
		m.cuts[table] = f.solutions
	}
	k := 0
	for _, g := range m.tpl.ReviewGroups {
		for _, col := range m.tpl.ReviewCols {
			m.doc.Tables.ReviewLitigation[g.ID][col.ID] = toCell(f.slots[k], col, "")
			k++
		}
	}
	info.Status, info.RowsFound, info.Source = "found", len(m.tpl.ReviewGroups), locOf(l)
	m.doc.TableInfo = append(m.doc.TableInfo, info)
}

// mapActive reads the table-2 sub-tables, each under its 第二十条第（X）项 caption.
func (m *mapper) mapActive() {
	zoneStart := m.headLine("active_disclosure")
	if zoneStart < 0 {
		zoneStart = m.findLine(0, len(m.lines), "第二十条") - 1
	}
	zoneEnd, _ := m.requestsRegion()
	if zoneEnd < 0 || zoneEnd <= zoneStart {
		zoneEnd = m.regionEnd(zoneStart, "requests", "review_litigation", "problems")
	}
	// Caption lines of every sub-table, in document order.
	type capt struct {
		id   string
		line int
	}
	var caps []capt
	for _, st := range m.tpl.Active {
		if zoneStart < -1 {
			break
		}
		if i := m.findLine(zoneStart+1, zoneEnd, st.Caption); i >= 0 {
			caps = append(caps, capt{st.ID, i})
		} else if i := m.findCaption(zoneStart+1, zoneEnd, st.Caption); i >= 0 {
			caps = append(caps, capt{st.ID, i})
			m.labelVariant(matchSynonym, 1, strings.TrimSpace(m.lines[i].Text()), st.Caption, "active."+st.ID, "", "", locOf(m.lines[i]))
		}
	}
	regionOf := func(id string) (int, int) {
		for _, c := range caps {
			if c.id != id {
				continue
			}
			end := zoneEnd
			for _, o := range caps {
				if o.line > c.line && o.line < end {
					end = o.line
				}
			}
			return c.line, end
		}
		return -1, -1
	}
	lastLine := -1
	for _, st := range m.tpl.Active {
		table := "active." + st.ID
		info := schema.TableInfo{ID: table, Status: "missing", RowsExpected: len(st.Rows)}
		from, to := regionOf(st.ID)
		if from >= 0 {
			info.Source = locOf(m.lines[from])
			m.checkActiveHeader(st, from, to)
			if from > lastLine {
				lastLine = from
			}
		}
		unit := m.moneyUnit(from, to)
		seen := map[string]bool{}
		// Each row by its label (exactly, as the label closing the label
		// cells, or by a synonym), first under its caption, then anywhere
		// in the table-2 zone; what is left is aligned by similarity under
		// the caption, in the template's order.
		found := make([]int, len(st.Rows))
		kinds := make([]matchKind, len(st.Rows))
		scores := make([]float64, len(st.Rows))
		away := make([]bool, len(st.Rows))
		for ri, rd := range st.Rows {
			li, kind := m.findRowLine(rd, from, to)
			if li < 0 && zoneStart >= -1 {
				// Rows torn away from their caption (PDF extraction order).
				li, kind = m.findRowLine(rd, zoneStart+1, zoneEnd)
				away[ri] = li >= 0
			}
			found[ri], kinds[ri], scores[ri] = li, kind, 1
			if li >= 0 {
				m.consumed[li] = true
			}
		}
		m.alignActiveRest(st, from, to, found, kinds, scores)
		for ri, rd := range st.Rows {
			li := found[ri]
			if li < 0 {
				continue
			}
			seen[rd.ID] = true
			m.consumed[li] = true
			if li > lastLine {
				lastLine = li
			}
			l := m.lines[li]
			if away[ri] {
				m.diagCell("row_out_of_place", "info", "row found away from its sub-table caption", table, rd.ID, "", locOf(l))
			}
			labels, values := m.split(li)
			var written []string
			for _, c := range labels {
				written = append(written, strings.TrimSpace(c.Text))
			}
			m.labelVariant(kinds[ri], scores[ri], strings.Join(written, " "), rd.Label, table, rd.ID, "", locOf(l))
			f := fit(l, values, len(st.Cols), 0)
			if f.note != "" {
				m.diagCell("uncertain_values", "warning", f.note, table, rd.ID, "", locOf(l))
			}
			for k, col := range st.Cols {
				c := toCell(f.slots[k], col, unit)
				if m.runTogether && col.Kind == schema.KindMoney && c.Value != nil && decimals(c.Raw) > 2 {
					// 24252.311082: money has two decimals; the rest is a
					// neighbouring number run into it. Not guessed.
					c.Candidates = []float64{*c.Value}
					c.Value, c.Status, c.Confidence = nil, schema.StatusAmbiguous, 0
					m.diagCell("uncertain_values", "warning", "an amount with more than two decimals in run-together text: digits of another cell may be glued to it", table, rd.ID, col.ID, c.Source)
				}
				m.doc.Tables.Active[st.ID][rd.ID][col.ID] = c
			}
			info.RowsFound++
			if info.Source == nil {
				info.Source = locOf(l)
			}
		}
		switch {
		case info.RowsFound == info.RowsExpected:
			info.Status = "found"
		case info.RowsFound > 0:
			info.Status = "partial"
		}
		if info.RowsFound < info.RowsExpected {
			for _, rd := range st.Rows {
				if !seen[rd.ID] {
					m.diagCell("row_missing", "warning", "row not found in the document", table, rd.ID, "", info.Source)
				}
			}
		}
		m.doc.TableInfo = append(m.doc.TableInfo, info)
	}
	if len(caps) > 0 {
		m.consume(caps[0].line, lastLine)
	}
}

// reCaption is a table-2 caption in key form with its brackets or a 第 lost:
// 第二十条第五项, 第二十条五项.
var reCaption = regexp.MustCompile(`第?二十条第?([一二三四五六七八九十]+)项`)

// findCaption finds a caption written without its brackets or a 第, on a
// line that is short enough to be a caption (narrative cites 第二十条 too).
func (m *mapper) findCaption(from, to int, caption string) int {
	want := reCaption.FindStringSubmatch(key(caption))
	if want == nil {
		return -1
	}
	for i := from; i < to && i < len(m.lines); i++ {
		if i < 0 || len(m.ctext[i]) > 120 {
			continue
		}
		if got := reCaption.FindStringSubmatch(key(m.ctext[i])); got != nil && got[1] == want[1] {
			return i
		}
	}
	return -1
}

// findRowLine finds the line whose label cells are the row's label: exactly
// first (规范性文件 must not take 行政规范性文件's line), then loosely, then
// by a synonym of the template (规范性文件 in a 2021 table). A paragraph
// that is the label with its figure glued on (行政许可97) counts as a row.
func (m *mapper) findRowLine(rd schema.RowDef, from, to int) (int, matchKind) {
	if from < -1 {
		return -1, matchNone
	}
	want := key(rd.Label)
	loose, syn := -1, -1
	for i := from; i < to && i < len(m.lines); i++ {
		if i < 0 || m.consumed[i] {
			continue
		}
		labels, values := m.split(i)
		if len(labels) == 0 {
			continue
		}
		if len(values) == 0 && !m.gluedRow(i, want) {
			continue
		}
		got := m.splits[i].labelKey
		if got == want {
			return i, matchExact
		}
		if loose < 0 && strings.HasSuffix(got, want) && !strings.HasSuffix(got, "行政"+want) {
			loose = i
		}
		if syn < 0 && m.canon.apply(got) == want {
			syn = i
		}
	}
	if loose >= 0 {
		return loose, matchExact
	}
	if syn >= 0 {
		return syn, matchSynonym
	}
	return -1, matchNone
}

// gluedRow splits a one-cell line that is the label (or a synonym of it)
// followed directly by one value, 行政许可97 or 行政许可：97件, into its label
// and value cells. Anything else after the label leaves the line alone: a
// sentence that starts with the label is narrative.
func (m *mapper) gluedRow(i int, want string) bool {
	l := m.lines[i]
	if len(l.Cells) != 1 || want == "" {
		return false
	}
	text := l.Cells[0].Text
	if len(text) > 4*maxPendingRune {
		return false // a label and one figure are short; this is a paragraph
	}
	k, idx := keyMap(text)
	n := -1
	for _, w := range []string{want, m.canonWritten(want)} {
		if w != "" && len(k) > len([]rune(w)) && string(k[:len([]rune(w))]) == w {
			n = len([]rune(w))
			break
		}
	}
	if n < 0 {
		return false
	}
	orig := []rune(text)
	end := idx[n-1] + 1
	rest := strings.TrimSpace(strings.TrimLeft(string(orig[end:]), " :：\t"))
	if rest == "" || strings.ContainsAny(rest, " \t") || !isValueText(rest) || !strings.ContainsAny(fold(rest), "0123456789") {
		return false
	}
	lab := Cell{Text: strings.TrimSpace(string(orig[:end])), Col: l.Cells[0].Col, Line: l.Cells[0].Line}
	val := Cell{Text: rest, Col: l.Cells[0].Col + 1, Line: l.Cells[0].Line}
	m.splits[i] = &rowSplit{labels: []Cell{lab}, values: []Cell{val}, labelKey: key(lab.Text)}
	return true
}

// canonWritten returns the written form a whole-label synonym of the
// template gives for label key want (规范性文件 for 行政规范性文件 in 2021).
func (m *mapper) canonWritten(want string) string {
	if m.canon == nil {
		return ""
	}
	for w, means := range m.canon.whole {
		if means == want {
			return w
		}
	}
	return ""
}

// activeFuzzy is the least similarity at which a table-2 row is taken by
// its label alone: the labels are short, and 行政处罚 and 行政强制 already
// share half their characters.
const activeFuzzy = 0.6

// alignActiveRest places the sub-table's rows that no label matched on the
// remaining data rows under its caption by similarity, keeping the order.
func (m *mapper) alignActiveRest(st schema.SubTable, from, to int, found []int, kinds []matchKind, scores []float64) {
	if from < 0 {
		return
	}
	var missing []int
	for ri, li := range found {
		if li < 0 {
			missing = append(missing, ri)
		}
	}
	if len(missing) == 0 {
		return
	}
	var cands []dataRow
	for _, r := range m.collectRows(from, to, 1) {
		if !m.consumed[r.line] && len(r.own) > 0 && !allBlank(r.values) {
			cands = append(cands, r)
		}
	}
	if len(cands) == 0 {
		return
	}
	labels := make([][]rune, len(missing))
	for k, ri := range missing {
		labels[k] = []rune(key(st.Rows[ri].Label))
	}
	assign, inferred := alignRows(cands, labels, nil, m.canon)
	for i, k := range assign {
		if k < 0 || inferred[i] {
			continue
		}
		kind, score := rowMatch(cands[i], labels[k], m.canon)
		if kind == matchFuzzy && score < activeFuzzy {
			continue
		}
		ri := missing[k]
		found[ri], kinds[ri], scores[ri] = cands[i].line, kind, score
		m.consumed[cands[i].line] = true
	}
}

// moneyUnit reads the unit a sub-table's header states for money columns.
func (m *mapper) moneyUnit(from, to int) string {
	if from < 0 {
		return "万元"
	}
	for i := from; i < to; i++ {
		c := m.ctext[i]
		switch {
		case strings.Contains(c, "万元"):
			return "万元"
		case strings.Contains(c, "单位:元") || strings.Contains(c, "(元)"):
			return "元"
		}
	}
	// The 2019 template prints no unit; reports mean 万元 in practice.
	return "万元"
}

// headerFuzzy is the least edit similarity at which a header cell is
// reported as a variant of the column it heads; below it the header is
// another text. Tiling is not used here: merged fragments of neighbouring
// headers (公益 服务 其他) tile a short header completely.
const headerFuzzy = 0.6

// checkActiveHeader reports column headers cut short (本年新 for 本年新制作数量)
// or written as a variant (先行有效件数 for 现行有效件数).
func (m *mapper) checkActiveHeader(st schema.SubTable, from, to int) {
	for i := from; i < to; i++ {
		l := m.lines[i]
		k := -1
		for ci, c := range l.Cells {
			if compact(c.Text) == "信息内容" {
				k = ci
				break
			}
		}
		if k < 0 {
			continue
		}
		var hdr []string
		var hcol []int
		for _, c := range l.Cells[k+1:] {
			if t := strings.TrimSpace(c.Text); t != "" {
				hdr = append(hdr, t)
				hcol = append(hcol, c.Col)
			}
		}
		m.joinHeaderContinuation(st, i+1, to, hdr, hcol)
		for ci, col := range st.Cols {
			if ci >= len(hdr) {
				break
			}
			got, want := key(hdr[ci]), key(col.Label)
			if got != want && strings.HasPrefix(want, got) {
				m.diagCell("header_truncated", "warning",
					fmt.Sprintf("column header %q is cut short (expected %q)", hdr[ci], col.Label),
					"active."+st.ID, "", col.ID, locOf(l))
				continue
			}
			if strings.Contains(got, want) || strings.Contains(want, got) {
				continue // the header with a unit or remark, or a fragment
			}
			if kind, score := matchKey(got, want, m.canon); kind == matchSynonym {
				m.labelVariant(kind, score, hdr[ci], col.Label, "active."+st.ID, "", col.ID, locOf(l))
			} else if e := editSimilarity([]rune(got), []rune(want)); e >= headerFuzzy {
				m.labelVariant(matchFuzzy, e, hdr[ci], col.Label, "active."+st.ID, "", col.ID, locOf(l))
			}
		}
		return
	}
}

// joinHeaderContinuation completes header cells wrapped onto the next line
// (本年制发 / 件数, one field under each): a cell of that line, when it has
// no values, is joined to the header cell nearest its column if together
// they are closer to the column's label. Only a join that completes more of
// the label is made, so a header truly cut short stays so.
func (m *mapper) joinHeaderContinuation(st schema.SubTable, next, to int, hdr []string, hcol []int) {
	if next >= to || next >= len(m.lines) || len(hdr) == 0 {
		return
	}
	l := m.lines[next]
	if _, values := m.split(next); !allBlank(values) {
		return
	}
	for _, c := range l.Cells {
		t := strings.TrimSpace(c.Text)
		if t == "" || !hasHan(t) {
			continue
		}
		best := 0
		for hi := range hdr {
			if abs(hcol[hi]-c.Col) < abs(hcol[best]-c.Col) {
				best = hi
			}
		}
		if best >= len(st.Cols) {
			continue
		}
		want, got, joined := key(st.Cols[best].Label), key(hdr[best]), key(hdr[best]+t)
		if strings.HasPrefix(want, m.canon.apply(joined)) && len(joined) > len(got) {
			hdr[best] = joinWrapped(hdr[best], t)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func allBlank(cs []Cell) bool {
	for _, c := range cs {
		if !blank(c) {
			return false
		}
	}
	return true
}

// decimals counts the digits after the decimal point of a raw number.
func decimals(raw string) int {
	i := strings.LastIndexAny(raw, ".．")
	if i < 0 {
		return 0
	}
	n := 0
	for _, r := range raw[i+1:] {
		if r >= '0' && r <= '9' {
			n++
		} else {
			break
		}
	}
	return n
}
