package ingest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/schema"
)

// placeholders are the marks reports put in numeric cells instead of a
// number. They are never read as 0: whether "无" means zero is a judgement
// for the rules, not for the converter.
var placeholders = map[string]bool{
	"无": true, "/": true, "-": true, "—": true, "——": true, "―": true, "--": true,
	"×": true, "x": true, "X": true, "－": true, "–": true, "_": true, "、": true,
	"暂无": true, "空": true, "/ ": true, "\\": true, "一": true,
}

var (
	reInt       = regexp.MustCompile(`^[+-]?\d+$`)
	reThousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)
	reDecimal   = regexp.MustCompile(`^\d+\.\d+$|^\d+$|^\.\d+$`)
	reRemark    = regexp.MustCompile(`^([+-]?[\d,.]+)\s*([(（].*[)）])$`)
	reDelta     = regexp.MustCompile(`^(增加|增|减少|减|新增|\+|-)\s*([\d,]+)\s*(项|件|个)?$`)
	reMoney     = regexp.MustCompile(`^([\d,]+(?:\.\d+)?)\s*(万元|元|亿元)?$`)
	reMeasure   = regexp.MustCompile(`^(\d+)\s*(件|项|个|条|次)$`)
)

// parsed is the converter's reading of one cell's text.
type parsed struct {
	value  *float64
	status string
	unit   string
	remark string
	// numeral is set when the number was written in Chinese numerals (〇,
	// 壹): read, but worth a diagnostic.
	numeral bool
}

// reading is parsed with the number held by value: reading a cell's text
// allocates nothing, and the mapper places the number where it keeps the
// document's numbers.
type reading struct {
	v       float64
	ok      bool // v is the number read
	status  string
	unit    string
	remark  string
	numeral bool
}

func (r reading) parsed() parsed {
	p := parsed{status: r.status, unit: r.unit, remark: r.remark, numeral: r.numeral}
	if r.ok {
		v := r.v
		p.value = &v
	}
	return p
}

// numerals are the Chinese digits a cell may hold instead of an Arabic one:
// 〇 and 零 (zero) and the financial numerals 壹…玖, which exist precisely
// so that a written amount has one reading. 一…九 are not read: 一 doubles
// as a dash in tables (see placeholders), and a lone 二 is more often a
// stray label fragment than a count.
var numerals = map[rune]float64{
	'〇': 0, '零': 0, '壹': 1, '贰': 2, '叁': 3, '肆': 4, '伍': 5, '陆': 6, '柒': 7, '捌': 8, '玖': 9,
}

// numeralValue reads a cell written in numerals alone (〇, 壹, 壹〇) as the
// number their digits spell; multi-digit numerals with 拾/佰 are left as text.
func numeralValue(s string) (float64, bool) {
	if s == "" || len(s) > 4*3 {
		return 0, false
	}
	v := 0.0
	for _, r := range s {
		d, ok := numerals[r]
		if !ok {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// entitySpace are the HTML space entities that survive in text copied out
// of web pages (`0&nbsp;&nbsp;`, `&nbsp; 1`): they are white space in a cell.
var entitySpace = strings.NewReplacer("&nbsp;", " ", "&#160;", " ", "&#xa0;", " ", "&#xA0;", " ", "&ensp;", " ", "&emsp;", " ", "&nbsp", " ")

// cellText is a cell's text as a value is read from it: width-folded, HTML
// space entities and non-breaking spaces turned into spaces, white space
// collapsed.
func cellText(raw string) string {
	if plainCell(raw) {
		return raw
	}
	s := fold(raw)
	if strings.IndexByte(s, '&') >= 0 {
		s = entitySpace.Replace(s)
	}
	return collapseSpace(s)
}

// plainCell reports whether cellText leaves s as it is: nothing to fold,
// no '&', and no white space but single ASCII spaces between words. One
// scan settles most cells, which cellText would otherwise walk three times.
func plainCell(s string) bool {
	prevSpace := true // a leading space is not plain
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if c == '&' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == ' ' && prevSpace {
				return false
			}
			prevSpace = c == ' '
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldChanges(r) || unicode.IsSpace(r) {
			return false
		}
		prevSpace = false
		i += n
	}
	return !prevSpace || s == ""
}

// hasDigit reports whether s holds an ASCII or a full-width digit
// (０…９, U+FF10…U+FF19, EF BC 90…99 in UTF-8), byte by byte: a value test
// runs on every cell, and strings.ContainsAny decodes each rune of s
// against each rune of the set.
func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			return true
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99:
			return true
		}
	}
	return false
}

// parseValue reads a numeric cell written as raw under a column of the given
// kind. headerUnit is the unit the column header states (e.g. 万元), if any.
func parseValue(raw, kind, headerUnit string) parsed {
	return readValue(raw, kind, headerUnit).parsed()
}

// readValue is parseValue.
func readValue(raw, kind, headerUnit string) reading {
	if allDigits(raw) && (len(raw) == 1 || raw[0] != '0') && kind != schema.KindMoney {
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			return num(v, "")
		}
	}
	s := cellText(raw)
	if s == "" {
		return reading{status: schema.StatusBlank}
	}
	if placeholders[s] || isDashRun(s) {
		return reading{status: schema.StatusPlaceholder}
	}
	if v, ok := numeralValue(s); ok && (kind != schema.KindMoney || v == 0) {
		// An amount in numerals would need its unit guessed; 〇 is
		// nothing in any unit.
		p := num(v, "")
		if kind == schema.KindMoney {
			p = parseMoney("0", headerUnit, "")
		}
		p.numeral = true
		return p
	}
	var remark string
	if m := reRemark.FindStringSubmatch(s); m != nil {
		s = m[1]
		// Keep the remark as written, not width-folded.
		if o := reRemark.FindStringSubmatch(strings.TrimSpace(raw)); o != nil {
			remark = o[2]
		} else {
			remark = m[2]
		}
	}
	switch kind {
	case schema.KindMoney:
		return parseMoney(s, headerUnit, remark)
	case schema.KindDelta:
		if m := reDelta.FindStringSubmatch(s); m != nil {
			v, ok := number(m[2])
			if !ok {
				break
			}
			if strings.HasPrefix(m[1], "减") || m[1] == "-" {
				v = -v
			}
			return num(v, remark)
		}
	}
	compactNum := strings.ReplaceAll(s, " ", "")
	if reInt.MatchString(compactNum) || reThousands.MatchString(compactNum) || reDecimal.MatchString(compactNum) {
		if v, ok := number(compactNum); ok {
			return num(v, remark)
		}
	}
	// Counts written with a measure word: 18件, 3 项.
	if m := reMeasure.FindStringSubmatch(s); m != nil {
		if v, ok := number(m[1]); ok {
			return num(v, remark)
		}
	}
	return reading{status: schema.StatusText}
}

func parseMoney(s, headerUnit, remark string) reading {
	var amount, unit string
	if allDigits(s) {
		// What reMoney reads of digits alone: the amount, no unit.
		amount = s
	} else {
		m := reMoney.FindStringSubmatch(strings.ReplaceAll(s, " ", ""))
		if m == nil {
			return reading{status: schema.StatusText}
		}
		amount, unit = m[1], m[2]
	}
	v, ok := number(amount)
	if !ok {
		return reading{status: schema.StatusText}
	}
	if unit == "" {
		unit = headerUnit
	}
	switch unit {
	case "元":
		v /= 10000
	case "亿元":
		v *= 10000
	}
	v = round6(v)
	p := num(v, remark)
	p.unit = "万元"
	return p
}

func number(s string) (float64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	s = strings.TrimPrefix(s, "+")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

func num(v float64, remark string) reading {
	return reading{v: v, ok: true, status: schema.StatusNumber, remark: remark}
}

// round6 removes float noise from unit conversion (251000元 → 25.1 万元).
func round6(v float64) float64 {
	return math.Round(v*1e6) / 1e6
}

func isDashRun(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("-—―－–_/", r) {
			return false
		}
	}
	return true
}

// isValueText reports whether a cell's text reads as a table value (number,
// signed delta, money, placeholder or blank) rather than a label.
func isValueText(s string) bool {
	if allDigits(s) {
		return true
	}
	// Without a digit only a placeholder or a blank can be a value; this
	// settles every label without running the value grammar.
	if !hasDigit(s) {
		if hasWordHan(s) {
			return false
		}
		t := cellText(s)
		return t == "" || placeholders[t] || isDashRun(t)
	}
	// A value's Chinese is a unit, a measure word, 增/减 or a bracketed
	// remark; any other Chinese makes it a label (1.属于国家秘密).
	if !valueHan(s) {
		return false
	}
	if readValue(s, schema.KindMoney, "").status != schema.StatusText {
		return true
	}
	return readValue(s, schema.KindDelta, "").status != schema.StatusText
}

// valueHan reports whether every Han character of s can occur in a value.
func valueHan(s string) bool {
	inRemark := false
	for _, r := range s {
		switch r {
		case '(', '（':
			inRemark = true
		case ')', '）':
			inRemark = false
		}
		if inRemark || r < 0x3400 {
			continue
		}
		if !strings.ContainsRune("万元亿件项个条次增减加少新", r) && unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

var (
	// reReference is a cell that points elsewhere instead of giving the
	// number: 见附件, 详见附表2.
	reReference = regexp.MustCompile(`^(详)?见(附件|附表|附页|备注|说明|下表|上表)`)
	// reApprox is a count written as an estimate: 约1, 近20件, 20余, 30左右.
	reApprox = regexp.MustCompile(`^(约|近|超|逾|大约|超过|不足|不到)\s*\d+(\.\d+)?\s*(余|多|左右|以上)?\s*(件|项|个|条|次)?$|^\d+(\.\d+)?\s*(余|多|左右|以上)\s*(件|项|个|条|次)?$`)
)

// valueToken reports whether a cell's text, though not a number, is the
// kind of thing written where a number belongs: Chinese numerals (〇, 壹),
// a reference (见附件), an estimate (约1). Such a cell occupies its column;
// taking it for a label would move every number after it one column left.
func valueToken(s string) bool {
	if notValueToken(s) {
		return false
	}
	t := cellText(s)
	if t == "" {
		return false
	}
	if _, ok := numeralValue(t); ok {
		return true
	}
	return isReference(t) || approxLead(t) && reApprox.MatchString(t)
}

// hasWordHan reports whether s holds a CJK ideograph that no placeholder
// has (all but 无暂空一). No folding or entity removes one, so cellText(s)
// keeps it and is then no placeholder, no dash run and not blank.
func hasWordHan(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0x4E00 && r <= 0x9FFF && r != '无' && r != '暂' && r != '空' && r != '一' {
			return true
		}
		i += n
	}
	return false
}

// notValueToken settles most label cells without cellText: text with no
// digit, no '&' and no radical or compatibility ideograph folds to text
// with the same first rune and no digit, so it can be a numeral, a
// reference or an estimate only if its first rune is a numeral, 见 or 详.
func notValueToken(s string) bool {
	first := rune(-1)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= '0' && c <= '9' || c == '&' {
				return false
			}
			if first < 0 && !asciiSpace(c) {
				first = rune(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0xFF10 && r <= 0xFF19 || isCompatHan(r) {
			return false
		}
		if first < 0 && !unicode.IsSpace(r) {
			first = r
		}
		i += n
	}
	if first < 0 {
		return true // blank: cellText is empty
	}
	_, numeral := numerals[first]
	return !numeral && first != '见' && first != '详'
}

// referenceTargets are what reReference lets 见 point at.
var referenceTargets = []string{"附件", "附表", "附页", "备注", "说明", "下表", "上表"}

// isReference is reReference.MatchString(t) without the regexp machinery:
// the pattern is a literal prefix test, and every label cell is put to it.
func isReference(t string) bool {
	t = strings.TrimPrefix(t, "详")
	rest, ok := strings.CutPrefix(t, "见")
	if !ok {
		return false
	}
	for _, w := range referenceTargets {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// approxLead reports whether t can match reApprox, by what the pattern
// requires at the start: one of its words and then (after spaces) a digit,
// or digits, an optional fraction, spaces and one of 余多左右以上. The
// regexp then only runs on cells that can be estimates.
func approxLead(t string) bool {
	if t == "" {
		return false
	}
	if c := t[0]; c >= '0' && c <= '9' {
		i := skipDigits(t, 0)
		if i < len(t) && t[i] == '.' {
			if j := skipDigits(t, i+1); j > i+1 {
				i = j
			}
		}
		rest := strings.TrimLeft(t[i:], reSpace)
		for _, w := range []string{"余", "多", "左右", "以上"} {
			if strings.HasPrefix(rest, w) {
				return true
			}
		}
		return false
	}
	for _, w := range []string{"大约", "超过", "不足", "不到", "约", "近", "超", "逾"} {
		if rest, ok := strings.CutPrefix(t, w); ok {
			if rest = strings.TrimLeft(rest, reSpace); rest != "" && rest[0] >= '0' && rest[0] <= '9' {
				return true
			}
		}
	}
	return false
}

// reSpace is what \s matches in a Go regexp.
const reSpace = " \t\n\f\r"

// skipDigits returns the index of the first byte at or after i in s that
// is not an ASCII digit.
func skipDigits(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// noteCells names in a diagnostic every table cell whose text is not plain
// digits yet stands in a value column: Chinese numerals read as numbers, and
// text (见附件, 约1) kept as text. The cell keeps its column either way; the
// diagnostic says which cell it is and what it held, so that an officer
// reading a finding about it (or about an identity it blocks) can find it.
func (m *mapper) noteCells() {
	note := func(table, row, col string, c *schema.Cell) {
		if c == nil {
			return
		}
		switch {
		case c.Status == schema.StatusText:
			m.diags = append(m.diags, schema.Diagnostic{Code: "text_in_number_cell", Severity: "warning",
				Message: "a number cell holds text; it is kept as text in its own column",
				Table:   table, Row: row, Col: col, Raw: c.Raw, Source: c.Source})
		case c.Status == schema.StatusNumber && c.Value != nil && len(c.Digits) == 0:
			if _, ok := numeralValue(cellText(c.Raw)); ok {
				m.diags = append(m.diags, schema.Diagnostic{Code: "numeral_read", Severity: "info",
					Message: fmt.Sprintf("a number written in Chinese numerals was read as %s", strconv.FormatFloat(*c.Value, 'f', -1, 64)),
					Table:   table, Row: row, Col: col, Raw: c.Raw, Source: c.Source})
			}
		}
	}
	// A row cut out of a run of digits in the only possible way says so
	// once; rows read with the identities' help have their own diagnostic.
	read := func(table, row, key string, c *schema.Cell) {
		if _, recovered := m.cuts[key]; c == nil || len(c.Digits) != 1 || recovered {
			return
		}
		m.diagCell("digits_read", "info", fmt.Sprintf("digits run together: %s read as %s, the only possible cut", c.Raw, c.Digits[0]), table, row, "", c.Source)
	}
	for _, st := range m.tpl.Active {
		for _, r := range st.Rows {
			read("active."+st.ID, r.ID, "", m.doc.Tables.Active[st.ID][r.ID][st.Cols[0].ID])
		}
	}
	defs0, _ := m.requestRowDefs()
	for _, r := range defs0 {
		read("requests", r.ID, "requests."+r.ID, m.doc.Tables.Requests[r.ID][m.tpl.RequestCols[0].ID])
	}
	if len(m.tpl.ReviewGroups) > 0 {
		read("review_litigation", "", "review_litigation", m.doc.Tables.ReviewLitigation[m.tpl.ReviewGroups[0].ID][m.tpl.ReviewCols[0].ID])
	}
	for _, st := range m.tpl.Active {
		for _, r := range st.Rows {
			for _, col := range st.Cols {
				note("active."+st.ID, r.ID, col.ID, m.doc.Tables.Active[st.ID][r.ID][col.ID])
			}
		}
	}
	defs, _ := m.requestRowDefs()
	for _, r := range defs {
		for _, col := range m.tpl.RequestCols {
			note("requests", r.ID, col.ID, m.doc.Tables.Requests[r.ID][col.ID])
		}
	}
	for _, g := range m.tpl.ReviewGroups {
		for _, col := range m.tpl.ReviewCols {
			note("review_litigation", g.ID, col.ID, m.doc.Tables.ReviewLitigation[g.ID][col.ID])
		}
	}
}
