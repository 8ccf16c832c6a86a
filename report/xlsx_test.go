package report_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
)

// writeFormat writes the golden fixture in one format and language.
func writeFormat(t *testing.T, format, lang, csvEncoding string) []byte {
	t.Helper()
	reports, eng := goldenFixture(t)
	out := &report.CheckOutput{SchemaVersion: report.CheckSchemaVersion, Tool: report.Tool{Name: "ogi"}, Reports: reports}
	src := report.NewSource(out, eng.Rules(), lang)
	src.CSVEncoding = csvEncoding
	f, _ := report.Lookup(format)
	var buf bytes.Buffer
	if err := f.Write(&buf, src); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWorkbookStyles opens the workbook as Excel would and checks what an
// office relies on: the year, score and counts are numbers, each header
// is bold on a fill and frozen, the score is coloured by a colour scale,
// and 问题清单 has the review columns with their drop-down lists.
func TestWorkbookStyles(t *testing.T) {
	b := writeFormat(t, "xlsx", "zh", "")
	if again := writeFormat(t, "xlsx", "zh", ""); !bytes.Equal(b, again) {
		t.Fatal("same input, different workbook bytes")
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got, want := f.GetSheetList(), []string{"汇总", "问题清单", "规则统计"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}

	// 汇总: row 2 is a checked report with a year and a score.
	for _, c := range []struct {
		cell string
		typ  excelize.CellType
	}{{"C2", excelize.CellTypeNumber}, {"E2", excelize.CellTypeNumber}, {"I2", excelize.CellTypeNumber}, {"B2", excelize.CellTypeSharedString}} {
		typ, err := f.GetCellType("汇总", c.cell)
		if err != nil {
			t.Fatal(err)
		}
		// A number cell has no type attribute (excelize: unset), a text one
		// is a shared or inline string.
		numeric := typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
		text := typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
		if (c.typ == excelize.CellTypeNumber) != numeric || (c.typ != excelize.CellTypeNumber) != text {
			v, _ := f.GetCellValue("汇总", c.cell)
			t.Errorf("汇总!%s (%q) has type %v, want %v", c.cell, v, typ, c.typ)
		}
	}
	if v, _ := f.GetCellValue("汇总", "C1"); v != "年度" {
		t.Errorf("汇总!C1 = %q, want 年度", v)
	}
	scoreStyle, _ := f.GetCellStyle("汇总", "E2")
	st, err := f.GetStyle(scoreStyle)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0" {
		t.Errorf("score number format %v, want 0.0", st.CustomNumFmt)
	}
	cf, err := f.GetConditionalFormats("汇总")
	if err != nil {
		t.Fatal(err)
	}
	if len(cf) != 1 {
		t.Errorf("汇总 has conditional formats %v, want one colour scale on the score", cf)
	}
	for ref, opts := range cf {
		if !strings.HasPrefix(ref, "E2:E") || len(opts) != 1 || opts[0].Type != "3_color_scale" {
			t.Errorf("conditional format %s: %+v, want a 3-colour scale on E", ref, opts)
		}
	}

	for _, sheet := range f.GetSheetList() {
		hs, _ := f.GetCellStyle(sheet, "A1")
		h, err := f.GetStyle(hs)
		if err != nil {
			t.Fatal(err)
		}
		if h.Font == nil || !h.Font.Bold || h.Fill.Type != "pattern" || len(h.Fill.Color) == 0 {
			t.Errorf("%s header style %+v: want bold on a fill", sheet, h)
		}
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen (%+v)", sheet, panes)
		}
	}

	rows, err := f.GetRows("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	wantTail := []string{"核实结论", "整改状态", "整改责任人", "整改期限", "说明"}
	if h := rows[0]; len(h) < len(wantTail) || !slices.Equal(h[len(h)-len(wantTail):], wantTail) {
		t.Errorf("问题清单 header %v, want it to end with %v", h, wantTail)
	}
	if sev := rows[1][3]; sev != "错误" && sev != "警告" && sev != "提示" {
		t.Errorf("问题清单 severity %q, want 错误, 警告 or 提示", sev)
	}
	dvs, err := f.GetDataValidations("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
	}
	if !strings.Contains(lists["L2"], "确认,不成立,已整改") || !strings.Contains(lists["M2"], "整改中,已整改") {
		t.Errorf("问题清单 drop-down lists %v, want 核实结论 (L) and 整改状态 (M), after 问题编号 (K)", lists)
	}
}

// TestCSVEncodings: the Chinese summary opens in Excel (a UTF-8 byte-order
// mark, Chinese headers), --csv-encoding gb18030 gives the same table in
// GB18030, and the English one keeps its machine-readable header.
func TestCSVEncodings(t *testing.T) {
	utf8 := writeFormat(t, "csv", "zh", "")
	if !bytes.HasPrefix(utf8, []byte("\ufeff报告文件,机关,年度")) {
		t.Errorf("zh csv starts %.40q, want a BOM and Chinese headers", utf8)
	}
	gb := writeFormat(t, "csv", "zh", "gb18030")
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(gb)
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.TrimPrefix(utf8, []byte("\ufeff")); !bytes.Equal(dec, want) || bytes.Equal(gb, want) {
		t.Errorf("gb18030 csv does not decode to the UTF-8 table:\n%s\nwant\n%s", dec, want)
	}
	en := writeFormat(t, "csv", "en", "")
	recs, err := csv.NewReader(bytes.NewReader(en)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "file" || recs[0][11] != "status" {
		t.Errorf("en csv header %v", recs[0])
	}
	reports, eng := goldenFixture(t)
	src := report.NewSource(&report.CheckOutput{Reports: reports}, eng.Rules(), "zh")
	src.CSVEncoding = "latin1"
	f, _ := report.Lookup("csv")
	if err := f.Write(&bytes.Buffer{}, src); err == nil || !strings.Contains(err.Error(), "latin1") {
		t.Errorf("unknown encoding: error %v, want one naming it", err)
	}
}

// TestUnreadableReasonInChinese: a file that could not be opened or
// converted is explained in Chinese, with the limit it broke, not in the
// converter's English; English keeps the error as raised.
func TestUnreadableReasonInChinese(t *testing.T) {
	for _, c := range []struct{ err, zh string }{
		{"in/cells.docx: table 1 row 1: more than 1000 cells in one row", "文件无法打开或转换：表格一行超过1000个单元格"},
		{"x.pdf: not a readable PDF (pdfinfo: exit status 1)", "文件无法打开或转换：不是可读取的PDF文件"},
		{"x.pdf: the PDF has 900 pages, more than the limit of 500", "文件无法打开或转换：PDF共900页，超过上限500页"},
		{"a.txt: 300000 lines, more than the limit of 200000", "文件无法打开或转换：超过200000行"},
		{"gone.pdf: open: no such file or directory", "文件无法打开或转换：文件不存在"},
		{"x: something new", "文件无法打开或转换"},
	} {
		fr := report.NewUnreadableReport("x", report.UnreadableInput, engineText("文件无法打开或转换", "the file could not be opened or converted"), c.err)
		if got := fr.UnreadableReason("zh"); got != c.zh {
			t.Errorf("%q: zh %q, want %q", c.err, got, c.zh)
		}
		if got := fr.UnreadableReason("en"); got != c.err {
			t.Errorf("%q: en %q, want the error", c.err, got)
		}
	}
}

func engineText(zh, en string) engine.Text { return engine.Text{Zh: zh, En: en} }
