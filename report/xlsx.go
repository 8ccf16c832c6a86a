package report

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/engine"
)

// xlsxMaxRows is Excel's sheet limit; 问题清单 stops one row short of it and
// says so in its last row rather than writing a workbook Excel refuses.
const xlsxMaxRows = 1048576

// Column kinds of the workbook: each gets its number format.
const (
	colText    = iota
	colWrap    // long text, wrapped
	colInt     // counts, years, ranks: 0
	colScore   // 0.0
	colPercent // 0.0%
	colEntry   // empty, for the office to fill in
)

// xlsxCol is one column: its header in both languages, width and kind.
type xlsxCol struct {
	zh, en string
	width  float64
	kind   int
}

type xlsxSheet struct {
	name string
	cols []xlsxCol
	// scoreCol, when > 0, is the 1-based column coloured by score.
	scoreCol int
	// lists are drop-down lists on columns (1-based) for the office's
	// entries.
	lists map[int][]string
	count int // data rows, for the filter range
	// rows yields the data rows; it returns false to stop early.
	rows func(yield func([]any) bool)
}

// Drop-down values of 问题清单's review columns.
var (
	xlsxVerdicts = []string{"确认", "不成立", "已整改"}
	xlsxProgress = []string{"未整改", "整改中", "已整改"}
)

// WriteXLSX writes the workbook offices use: 汇总 (one row per report with
// rank), 问题清单 (one row per finding, with columns for the office's
// 核实结论, 整改状态, 整改责任人, 整改期限 and 说明, filled from the
// decisions recorded) and 规则统计 (how often
// each rule fired). Every sheet has a styled frozen header, filters,
// column widths and number formats; years, scores and counts are numbers,
// and the score is coloured from red (0) through yellow (60) to green
// (100). Sheets are streamed, so the batch size is bounded by disk, not
// memory. summaries yields the reports for 汇总 (their findings are not
// read, so a batch can give them without reading results back); reports
// yields them with their findings for 问题清单. rules name the rules by
// their titles.
func WriteXLSX(w io.Writer, summaries, reports func() iter.Seq[Ranked], c *CohortStats, lang string, rules ...*engine.Rule) error {
	return writeXLSX(w, summaries, reports, c, lang, nil, rules)
}

// writeXLSX is WriteXLSX with the roster's 覆盖情况 sheet last when cov is set.
func writeXLSX(w io.Writer, summaries, reports func() iter.Seq[Ranked], c *CohortStats, lang string, cov *Coverage, rules []*engine.Rule) error {
	stats := c.Rules()
	tt := newTitles(rules)
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sheets := []xlsxSheet{
		{name: "汇总", count: c.reports, scoreCol: 5, cols: []xlsxCol{{"报告文件", "File", 36, colText}, {"机关", "Body", 28, colText},
			{"年度", "Year", 8, colInt}, {"格式", "Template", 8, colText}, {"得分", "Score", 8, colScore}, {"等级", "Grade", 8, colText},
			{"排名", "Rank", 8, colInt}, {"百分位", "Percentile", 10, colPercent}, {"错误", "Errors", 8, colInt},
			{"警告", "Warnings", 8, colInt}, {TermNeedsReview, "Needs review", 12, colInt}, {"状态", "Status", 10, colText},
			{"无法读取原因", "Why unreadable", 50, colWrap}},
			rows: func(yield func([]any) bool) {
				for r := range summaries() {
					fr := r.Report
					if fr.IsUnreadable() {
						// No score, rank, percentile or counts: nothing was checked.
						if !yield([]any{fr.File, fr.Agency, yearValue(fr.Year), "", "", "", "", "", "", "", "",
							fr.UnreadableLabel(lang), fr.UnreadableReason(lang)}) {
							return
						}
						continue
					}
					tpl := ""
					if fr.Template != nil {
						tpl = *fr.Template
					}
					var score, rank any = "", ""
					if fr.Score != nil {
						score = *fr.Score
					}
					if r.Rank > 0 {
						rank = r.Rank
					}
					if !yield([]any{fr.File, fr.Agency, yearValue(fr.Year), tpl, score, fr.Grade, rank,
						r.Percentile, fr.Counts.Error, fr.Counts.Warning, fr.Counts.NeedsReview, pick(lang, "已检查", "checked"), ""}) {
						return
					}
				}
			}},
		{name: "问题清单", count: min(c.findings, xlsxMaxRows-1), cols: []xlsxCol{{"报告文件", "File", 36, colText},
			{"机关", "Body", 28, colText}, {"规则", "Rule", 36, colWrap}, {"严重程度", "Severity", 10, colText},
			{"状态", "Status", 12, colText}, {"类别", "Category", 10, colText}, {"问题描述", "Finding", 70, colWrap},
			{"单元格", "Cells", 50, colWrap}, {"行", "Line", 8, colInt}, {"已豁免", "Waived", 8, colText},
			{"问题编号", "Finding ID", 20, colText}, {"核实结论", "Verdict", 12, colEntry}, {"整改状态", "Progress", 12, colEntry},
			{"整改责任人", "Owner", 14, colEntry}, {"整改期限", "Due", 12, colEntry}, {"说明", "Notes", 40, colEntry}},
			lists: map[int][]string{12: xlsxVerdicts, 13: xlsxProgress},
			rows: func(yield func([]any) bool) {
				n := 1
				names := newCellNames(lang)
				for r := range reports() {
					fr := r.Report
					for _, fd := range fr.Findings {
						if n++; n == xlsxMaxRows {
							yield([]any{"", "", "", "", "", "", pick(lang, "……问题过多，其余见 JSON Lines 输出",
								"… more findings than Excel holds; see the JSON Lines output")})
							return
						}
						var line any = ""
						if fd.Source != nil && fd.Source.Line > 0 {
							line = fd.Source.Line
						}
						waived := ""
						if fd.Waived {
							waived = pick(lang, "是", "yes")
						}
						if !yield([]any{fr.File, fr.Agency, tt.of(fd.Rule, lang), SeverityName(fd.Severity, lang),
							StatusName(findingStatus(fd), lang), CategoryName(fd.Category, lang),
							fd.Message.Pick(lang), names.list(fd), line, waived, fd.ID, sheetVerdict(fd.Review, lang), progressLabel(fd.Review, lang), reviewOwner(fd.Review), reviewDue(fd.Review),
							reviewNote(fd.Review)}) {
							return
						}
					}
				}
			}},
		{name: "规则统计", count: len(stats), cols: []xlsxCol{{"规则", "Rule", 50, colWrap},
			{"触发报告数", "Reports fired", 12, colInt}, {"触发率", "Fire rate", 10, colPercent},
			{TermCannotVerify, "Cannot evaluate", 10, colInt}, {"执行出错", "Rule errors", 10, colInt},
			{"检查报告数", "Reports checked", 12, colInt}},
			rows: func(yield func([]any) bool) {
				for _, s := range stats {
					title := s.Title.Pick(lang)
					if title == "" {
						title = s.Rule
					}
					if !yield([]any{title, s.Fired, s.FireRate(), s.CannotEvaluate, s.Errors, s.Reports}) {
						return
					}
				}
			}},
	}
	if cov != nil {
		sheets = append(sheets, coverageSheet(cov, lang))
	}
	styles, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	// excelize zips the workbook into a bytes.Buffer before copying it out
	// (114 MB at 100,000 reports, twice that while the buffer grows), and
	// in map order. Its zip writer hook sends the archive straight to w,
	// entries sorted (see sortedZip); the buffer it hands over stays empty.
	// (That buffer is only patched afterwards for entries over 4 GB, which
	// a workbook of summaries does not have.) The sheets' data rows are
	// written by sortedZip as it compresses each sheet (see spliceRows).
	zw := &sortedZip{w: w, rows: map[string]func(io.Writer) error{}}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := writeSheet(f, s, styles, lang); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	paths := map[string]string{}
	for id, name := range f.GetSheetMap() {
		paths[name] = fmt.Sprintf("xl/worksheets/sheet%d.xml", id)
	}
	for _, s := range sheets {
		zw.rows[paths[s.name]] = func(w io.Writer) error {
			if err := writeSheetRows(w, s, styles); err != nil {
				return fmt.Errorf("sheet %s: %w", s.name, err)
			}
			return nil
		}
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	var rest bytes.Buffer
	if err := f.Write(&rest); err != nil {
		_ = zw.discard()
		return err
	}
	if rest.Len() != 0 {
		return fmt.Errorf("xlsx: the workbook was not written through the zip writer")
	}
	return nil
}

// xlsxStyles are the style ids of the header and of each column kind.
type xlsxStyles struct {
	header int
	kinds  map[int]int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	border := []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}}
	one := 1
	defs := []struct {
		kind  int
		style excelize.Style
	}{
		{colText, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}}},
		{colWrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{colInt, excelize.Style{NumFmt: 1, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{colScore, excelize.Style{NumFmt: 2, DecimalPlaces: &one, CustomNumFmt: ptr("0.0"), Alignment: &excelize.Alignment{Vertical: "top"}}},
		{colPercent, excelize.Style{CustomNumFmt: ptr("0.0%"), Alignment: &excelize.Alignment{Vertical: "top"}}},
		{colEntry, excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF9E5"}}, Border: border,
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	}
	st := xlsxStyles{kinds: map[int]int{}}
	var err error
	st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F4E78"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return st, err
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return st, err
		}
		st.kinds[d.kind] = id
	}
	return st, nil
}

func ptr[T any](v T) *T { return &v }

// writeSheet streams one sheet. The stream writer copies the sheet's
// settings when it is made, so the filter, the score colours and the
// drop-down lists are set first, over the row count the cohort statistics
// already know.
func writeSheet(f *excelize.File, s xlsxSheet, st xlsxStyles, lang string) error {
	rows := max(s.count, 1) + 1
	last, err := excelize.CoordinatesToCellName(len(s.cols), rows)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(s.name, "A1:"+last, nil); err != nil {
		return err
	}
	if s.scoreCol > 0 {
		col, _ := excelize.ColumnNumberToName(s.scoreCol)
		if err := f.SetConditionalFormat(s.name, fmt.Sprintf("%s2:%s%d", col, col, rows), []excelize.ConditionalFormatOptions{{
			Type: "3_color_scale", Criteria: "=", MinType: "num", MinValue: "0", MinColor: "#F8696B",
			MidType: "num", MidValue: "60", MidColor: "#FFEB84", MaxType: "num", MaxValue: "100", MaxColor: "#63BE7B"}}); err != nil {
			return err
		}
	}
	for _, c := range slices.Sorted(maps.Keys(s.lists)) {
		col, _ := excelize.ColumnNumberToName(c)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, rows)
		if err := dv.SetDropList(s.lists[c]); err != nil {
			return err
		}
		if err := f.AddDataValidation(s.name, dv); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	for i, c := range s.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(s.cols))
	for i, c := range s.cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: pick(lang, c.zh, c.en)}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	return sw.Flush()
}

// writeSheetRows writes a sheet's data rows, from row 2, as the stream
// writer's SetRow would with an excelize.Cell of the column's style for
// each value (empty strings left out), in the same bytes.
func writeSheetRows(w io.Writer, s xlsxSheet, st xlsxStyles) error {
	r := sheetRows{w: w, row: 2, refs: make([]string, len(s.cols)), styles: make([]int, len(s.cols))}
	for i, c := range s.cols {
		r.refs[i], _ = excelize.ColumnNumberToName(i + 1)
		r.styles[i] = st.kinds[c.kind]
	}
	for vals := range s.rows {
		if err := r.values(vals); err != nil {
			return err
		}
	}
	return r.flush()
}

// sheetRowsFlush is how much XML sheetRows holds before it writes it out.
const sheetRowsFlush = 64 << 10

// sheetRows encodes data rows as excelize's StreamWriter.SetRow does (its
// writeCell and trimCellValue): inline strings escaped by xml.EscapeText's
// rules with line feeds kept, cut at Excel's 32,767 UTF-16 units,
// xml:space="preserve" when the text starts or ends in white space, and
// _xHHHH_ escaped; numbers in strconv's shortest form. TestSheetRows holds
// it to SetRow's bytes.
type sheetRows struct {
	w      io.Writer
	buf    []byte
	row    int
	refs   []string // column letters
	styles []int    // each column's style id
}

func (r *sheetRows) flush() error {
	if len(r.buf) == 0 {
		return nil
	}
	_, err := r.w.Write(r.buf)
	r.buf = r.buf[:0]
	return err
}

// values writes one row; values past the sheet's columns are ignored. A
// column without a value, nil or "", still has its styled empty cell.
func (r *sheetRows) values(vals []any) error {
	r.buf = append(r.buf, `<row r="`...)
	r.buf = strconv.AppendInt(r.buf, int64(r.row), 10)
	r.buf = append(r.buf, `">`...)
	for i := range r.refs {
		var v any
		if i < len(vals) {
			v = vals[i]
		}
		if err := r.value(i, v); err != nil {
			return err
		}
	}
	r.buf = append(r.buf, `</row>`...)
	r.row++
	if len(r.buf) >= sheetRowsFlush {
		return r.flush()
	}
	return nil
}

func (r *sheetRows) value(i int, v any) error {
	switch v := v.(type) {
	case nil:
		r.buf = append(r.open(i, ""), `</c>`...)
	case string:
		if v == "" {
			r.buf = append(r.open(i, ""), `</c>`...)
		} else {
			r.text(i, v)
		}
	case []byte:
		r.text(i, string(v))
	case int:
		r.number(i, strconv.AppendInt(r.num(i), int64(v), 10))
	case int8:
		r.number(i, strconv.AppendInt(r.num(i), int64(v), 10))
	case int16:
		r.number(i, strconv.AppendInt(r.num(i), int64(v), 10))
	case int32:
		r.number(i, strconv.AppendInt(r.num(i), int64(v), 10))
	case int64:
		r.number(i, strconv.AppendInt(r.num(i), v, 10))
	case uint:
		r.number(i, strconv.AppendUint(r.num(i), uint64(v), 10))
	case uint8:
		r.number(i, strconv.AppendUint(r.num(i), uint64(v), 10))
	case uint16:
		r.number(i, strconv.AppendUint(r.num(i), uint64(v), 10))
	case uint32:
		r.number(i, strconv.AppendUint(r.num(i), uint64(v), 10))
	case uint64:
		r.number(i, strconv.AppendUint(r.num(i), v, 10))
	case float32:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			r.text(i, fmt.Sprint(float64(v)))
		} else {
			r.number(i, strconv.AppendFloat(r.num(i), float64(v), 'f', -1, 32))
		}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			r.text(i, fmt.Sprint(v))
		} else {
			r.number(i, strconv.AppendFloat(r.num(i), v, 'f', -1, 64))
		}
	case bool:
		b := byte('0')
		if v {
			b = '1'
		}
		r.number(i, append(append(r.open(i, "b"), `<v>`...), b))
	case time.Time, time.Duration, []excelize.RichTextRun, excelize.Cell, *excelize.Cell:
		return fmt.Errorf("xlsx: a %T cell is not supported", v)
	default:
		r.text(i, fmt.Sprint(v))
	}
	return nil
}

// open starts column i's cell of type t ("" for a number or none) and
// returns the buffer.
func (r *sheetRows) open(i int, t string) []byte {
	b := append(r.buf, `<c r="`...)
	b = append(b, r.refs[i]...)
	b = strconv.AppendInt(b, int64(r.row), 10)
	b = append(b, '"')
	if r.styles[i] != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(r.styles[i]), 10)
		b = append(b, '"')
	}
	if t != "" {
		b = append(b, ` t="`...)
		b = append(b, t...)
		b = append(b, '"')
	}
	return append(b, '>')
}

// num starts column i's number cell and opens its <v>.
func (r *sheetRows) num(i int) []byte { return append(r.open(i, ""), `<v>`...) }

// number ends a number cell, b holding its value.
func (r *sheetRows) number(_ int, b []byte) {
	r.buf = append(b, `</v></c>`...)
}

// text writes an inline string cell.
func (r *sheetRows) text(i int, s string) {
	b := r.open(i, "inlineStr")
	if len(s) > excelize.TotalCellChars {
		// Each UTF-16 unit takes a byte at least, so only a longer string
		// can be over.
		n := 0
		for j, c := range s {
			if n += utf16.RuneLen(c); n > excelize.TotalCellChars {
				s = s[:j]
				break
			}
		}
	}
	b = append(b, `<is><t`...)
	if s != "" && (xmlSpace(s[0]) || xmlSpace(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	start := len(b)
	b = appendCellText(b, s)
	if bytes.Contains(b[start:], []byte("_x")) {
		t := bstrMarshal(string(b[start:]))
		b = append(b[:start], t...)
	}
	r.buf = append(b, `</t></is></c>`...)
}

// xmlSpace is the white space excelize keeps with xml:space="preserve".
func xmlSpace(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == ' ' }

// appendCellText appends s escaped as xml.EscapeText does, except that a
// line feed stays one (excelize turns the &#xA; back).
func appendCellText(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\r':
				esc = "&#xD;"
			case '\n':
				i++
				continue
			default:
				if c >= 0x20 {
					i++
					continue
				}
				esc = "\uFFFD"
			}
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			i++
			last = i
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && w == 1) || (r > 0xD7FF && r < 0xE000) || r == 0xFFFE || r == 0xFFFF {
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
			i += w
			last = i
			continue
		}
		i += w
	}
	return append(b, s[last:]...)
}

// bstrExp and bstrEscapeExp are excelize's: text that reads as an
// escaped character (_x0041_) has its underscore escaped so that Excel
// shows it as written.
var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's bstrMarshal (lib.go, v2.11.0), unchanged.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

// cellNamesMax bounds the names cellNames keeps: a batch's findings name
// a few hundred cells of the report's tables, and a document with cells of
// its own (converted from anything) does not make the memo grow without end.
const cellNamesMax = 4096

// cellNames is cellList over a batch: the same cells are named in report
// after report, and engine.CellName builds each name from its labels
// again (a fifth of 问题清单's cost before).
type cellNames struct {
	lang  string
	names map[[3]string]string
	buf   []byte
}

func newCellNames(lang string) *cellNames {
	return &cellNames{lang: lang, names: map[[3]string]string{}}
}

// list is cellList(f, lang).
func (c *cellNames) list(f engine.Finding) string {
	if len(f.Cells) == 0 {
		return ""
	}
	sep := pick(c.lang, "；", "; ")
	b := c.buf[:0]
	for i, cell := range f.Cells {
		if i > 0 {
			b = append(b, sep...)
		}
		if i == cellListMax {
			if c.lang == "en" {
				b = append(strconv.AppendInt(b, int64(len(f.Cells)), 10), " cells in all"...)
			} else {
				b = append(strconv.AppendInt(append(b, "等"...), int64(len(f.Cells)), 10), "个单元格"...)
			}
			break
		}
		k := [3]string{cell.Table, cell.Row, cell.Col}
		name, ok := c.names[k]
		if !ok {
			name = engine.CellName(cell, c.lang)
			if len(c.names) < cellNamesMax {
				c.names[k] = name
			}
		}
		b = append(b, name...)
	}
	c.buf = b
	return string(b)
}

// yearValue is a year as a number for the workbook, or empty.
func yearValue(p *int) any {
	if p == nil {
		return ""
	}
	return *p
}

var xlsxFormat = &Format{Name: "xlsx", Help: "Excel workbook: summary with ranks, every finding, rule statistics",
	Write: func(w io.Writer, src *Source) error {
		c, rank := src.ranked()
		return writeXLSX(w, func() iter.Seq[Ranked] { return rank(src.summaries()) },
			func() iter.Seq[Ranked] { return rank(src.reports(false)) }, c, src.Lang, src.Coverage, src.Rules)
	}}

// verdictLabel is how the 问题清单 shows a recorded decision, in the words
// an officer writes there (ogi assess --review reads them back).
func verdictLabel(r *engine.Review, lang string) string {
	if r == nil {
		return ""
	}
	switch r.Verdict {
	case engine.VerdictConfirmed:
		return pick(lang, "确认", "confirmed")
	case engine.VerdictDismissed:
		return pick(lang, "不成立", "dismissed")
	case engine.VerdictRectify:
		return pick(lang, "整改中", "being rectified")
	case engine.VerdictRectified:
		return pick(lang, "已整改", "rectified")
	case engine.VerdictReopened:
		return pick(lang, "需重新核实", "to review again")
	}
	return r.Verdict
}

// sheetVerdict is the 核实结论 cell: a finding sent for 整改 was
// confirmed (its 整改中 is in 整改状态), so that the cell holds one of the
// drop-down's words.
func sheetVerdict(r *engine.Review, lang string) string {
	if r != nil && r.Verdict == engine.VerdictRectify {
		return verdictLabel(&engine.Review{Verdict: engine.VerdictConfirmed}, lang)
	}
	return verdictLabel(r, lang)
}

// progressLabel fills 整改状态: 整改中 for a finding sent for 整改, 已整改
// for one recorded as rectified.
func progressLabel(r *engine.Review, lang string) string {
	switch {
	case r == nil:
		return ""
	case r.Verdict == engine.VerdictRectify:
		return pick(lang, "整改中", "in progress")
	case r.Verdict == engine.VerdictRectified:
		return pick(lang, "已整改", "rectified")
	}
	return ""
}

// reviewOwner and reviewDue fill 整改责任人 and 整改期限 from the decision,
// a reopened one's too (whose 整改 to look at again).
func reviewOwner(r *engine.Review) string {
	if r == nil {
		return ""
	}
	return r.Owner
}

func reviewDue(r *engine.Review) string {
	if r == nil {
		return ""
	}
	return r.Due
}

// reviewNote is a decision's reason with who made it and when.
func reviewNote(r *engine.Review) string {
	if r == nil {
		return ""
	}
	note := r.Reason
	if who := strings.TrimSpace(r.By + " " + r.At); who != "" {
		note = strings.TrimSpace(note + "（" + who + "）")
	}
	if r.Verdict == engine.VerdictReopened && r.Was != "" {
		note = strings.TrimSpace("单元格已变化，原结论“" + verdictLabel(&engine.Review{Verdict: r.Was}, "zh") + "”失效 " + note)
	}
	return note
}
