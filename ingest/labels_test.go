package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// labelsBase is a 2021 report in tab-separated text whose cells are all
// different enough to show a row read into the wrong place; the cases below
// edit copies of it.
func labelsBase(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "labels", "base-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func convertString(t *testing.T, name, text string) *schema.Document {
	t.Helper()
	doc, err := Convert(context.Background(), name, []byte(text), Options{})
	if err != nil {
		t.Fatalf("convert %s: %v", name, err)
	}
	return doc
}

// edit applies old→new replacements, each of which must occur.
func edit(t *testing.T, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in the base", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// diagWant is a diagnostic that must be present: code, table, row and col
// must match; msg, when set, must occur in the message.
type diagWant struct{ code, table, row, col, msg string }

func hasDiag(doc *schema.Document, w diagWant) bool {
	for _, d := range doc.Diagnostics {
		if d.Code == w.code && d.Table == w.table && d.Row == w.row && d.Col == w.col && strings.Contains(d.Message, w.msg) {
			return true
		}
	}
	return false
}

// sectionWant is a section that must be found, with its heading as written.
type sectionWant struct {
	id, heading string
	deviation   bool
	text        string // must occur in the section text when set
}

type labelCase struct {
	name     string
	file     string // name given to Convert (its extension picks the reader)
	text     string
	cells    map[string]float64
	diags    []diagWant
	noDiags  []string // codes that must not occur
	sections []sectionWant
}

func checkLabelCase(t *testing.T, tc labelCase) {
	t.Helper()
	doc := convertString(t, tc.file, tc.text)
	if err := schema.Validate(marshalDoc(t, doc)); err != nil {
		t.Errorf("the document does not validate: %v", err)
	}
	for path, want := range tc.cells {
		c := cellAt(t, doc, path)
		if c.Status != schema.StatusNumber || c.Value == nil || *c.Value != want {
			t.Errorf("%s: %s %v (raw %q), want %v", path, c.Status, c.Value, c.Raw, want)
		}
	}
	for _, w := range tc.diags {
		if !hasDiag(doc, w) {
			t.Errorf("no diagnostic %+v; got:\n%s", w, diagList(doc))
		}
	}
	for _, code := range tc.noDiags {
		for _, d := range doc.Diagnostics {
			if d.Code == code {
				t.Errorf("unexpected diagnostic %s: %s", code, d.Message)
			}
		}
	}
	for _, w := range tc.sections {
		var sec *schema.Section
		for i := range doc.Sections {
			if doc.Sections[i].ID == w.id {
				sec = &doc.Sections[i]
			}
		}
		switch {
		case sec == nil:
			t.Errorf("section %s not found; diagnostics:\n%s", w.id, diagList(doc))
		case sec.Heading != w.heading || sec.Deviation != w.deviation:
			t.Errorf("section %s: heading %q deviation %v, want %q %v", w.id, sec.Heading, sec.Deviation, w.heading, w.deviation)
		case w.text != "" && !strings.Contains(sec.Text, w.text):
			t.Errorf("section %s: text %q lacks %q", w.id, sec.Text, w.text)
		}
	}
}

func diagList(doc *schema.Document) string {
	var b strings.Builder
	for _, d := range doc.Diagnostics {
		b.WriteString("  " + d.Code + " " + d.Table + " " + d.Row + " " + d.Col + ": " + d.Message + "\n")
	}
	return b.String()
}

// TestLabelVariants: table labels and column headers written as a variant
// are read, never dropped, and each is reported as label_variant.
func TestLabelVariants(t *testing.T) {
	base := labelsBase(t)
	variant := func(table, row, col, written string) diagWant {
		return diagWant{code: "label_variant", table: table, row: row, col: col, msg: written}
	}
	cases := []labelCase{
		{name: "the base reads cleanly", text: base,
			cells:   map[string]float64{"active.art20_1.normative_docs.in_force": 12, "requests.new_received.commercial": 2},
			noDiags: []string{"label_variant", "row_missing", "section_not_found", "heading_misnumbered", "heading_inferred"}},
		{name: "规范性文件 as the 2021 row label",
			text:  edit(t, base, "\n行政规范性文件\t", "\n规范性文件\t"),
			cells: map[string]float64{"active.art20_1.normative_docs.issued": 3, "active.art20_1.normative_docs.in_force": 12},
			diags: []diagWant{variant("active.art20_1", "normative_docs", "", "规范性文件")}, noDiags: []string{"row_missing"}},
		{name: "a misprinted table-2 row label",
			text:  edit(t, base, "\n行政强制\t", "\n行政强治\t"),
			cells: map[string]float64{"active.art20_6.coercion.decisions": 6, "active.art20_6.penalty.decisions": 45},
			diags: []diagWant{variant("active.art20_6", "coercion", "", "行政强治")}, noDiags: []string{"row_missing"}},
		{name: "先行有效件数 for 现行有效件数",
			text:  edit(t, base, "现行有效件数", "先行有效件数"),
			cells: map[string]float64{"active.art20_1.normative_docs.in_force": 12},
			diags: []diagWant{variant("active.art20_1", "", "in_force", "先行有效件数")}},
		{name: "钩稽 in table 3's note",
			text:  edit(t, base, "勾稽", "钩稽"),
			cells: map[string]float64{"requests.new_received.total": 13},
			diags: []diagWant{variant("requests", "", "", "钩稽")}},
		{name: "a misprinted table-3 row label",
			text:  edit(t, base, "4.保护第三方合法权益", "4.保护弟三方合法权宜"),
			cells: map[string]float64{"requests.denied_third_party.total": 1, "requests.denied_internal_affairs.total": 0},
			diags: []diagWant{variant("requests", "denied_third_party", "", "保护弟三方合法权宜")}},
		{name: "行政许可97 glued, as a paragraph after the table",
			text:  edit(t, base, "信息内容\t本年处理决定数量\n行政许可\t97\n", "信息内容\t本年处理决定数量\n\n行政许可97\n"),
			cells: map[string]float64{"active.art20_5.licensing.decisions": 97}, noDiags: []string{"row_missing"}},
		{name: "行政许可：97件 as a paragraph before the caption",
			text:  edit(t, base, "第二十条第（五）项\t\n信息内容\t本年处理决定数量\n行政许可\t97\n", "行政许可：97件\n\n第二十条第（五）项\t\n信息内容\t本年处理决定数量\n"),
			cells: map[string]float64{"active.art20_5.licensing.decisions": 97},
			diags: []diagWant{{code: "row_out_of_place", table: "active.art20_5", row: "licensing"}}},
		{name: "a caption without its brackets",
			text:    edit(t, base, "第二十条第（五）项", "第二十条第五项", "第二十条第（六）项", "第二十条（六）项"),
			cells:   map[string]float64{"active.art20_5.licensing.decisions": 97, "active.art20_6.coercion.decisions": 6},
			diags:   []diagWant{variant("active.art20_5", "", "", "第二十条第五项"), variant("active.art20_6", "", "", "第二十条（六）项")},
			noDiags: []string{"row_out_of_place"}},
		{name: "table-2 headers wrapped onto a second line",
			text:    edit(t, base, "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n", "信息内容\t本年制发\t本年废止\t先行有效\n\t件数\t件数\t件数\n"),
			cells:   map[string]float64{"active.art20_1.normative_docs.issued": 3, "active.art20_1.normative_docs.in_force": 12},
			diags:   []diagWant{variant("active.art20_1", "", "in_force", "先行有效件数")},
			noDiags: []string{"header_truncated"}},
		{name: "a table-2 header truly cut short is still reported",
			text:  edit(t, base, "信息内容\t本年制发件数\t", "信息内容\t本年制发\t"),
			diags: []diagWant{{code: "header_truncated", table: "active.art20_1", col: "issued"}}},
		{name: "a table-3 header split over two lines",
			text: edit(t, base, "\t\t\t\t商业企业\t", "\t\t\t\t商业\n\t\t\t\t企业\t"),
			cells: map[string]float64{"requests.new_received.commercial": 2, "requests.new_received.legal_service": 1,
				"requests.carried_forward.natural_person": 1},
			noDiags: []string{"label_variant"}},
		{name: "Kangxi radicals from PDF extraction",
			text:     edit(t, base, "一、总体情况", "⼀、总体情况", "\n行政许可\t", "\n⾏政许可\t"),
			cells:    map[string]float64{"active.art20_5.licensing.decisions": 97},
			sections: []sectionWant{{id: "overview", heading: "⼀、总体情况"}}, noDiags: []string{"label_variant", "section_not_found"}},
	}
	for _, tc := range cases {
		tc.file = "report.txt"
		t.Run(tc.name, func(t *testing.T) { checkLabelCase(t, tc) })
	}
}

// TestLabelVariantsRunTogether: the same variants in crawler text whose
// table cells ran together (a copy of testdata/real/pingtan-2021.txt).
func TestLabelVariantsRunTogether(t *testing.T) {
	b, err := os.ReadFile(realFile("pingtan-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	base := string(b)
	review := map[string]float64{"review_litigation.reconsideration.total": 3, "review_litigation.reconsideration.upheld": 1,
		"review_litigation.litigation_direct.total": 12}
	cases := []labelCase{
		{name: "规范性文件 run together with its digits",
			text:    edit(t, base, "行政规范性文件693665", "规范性文件693665"),
			diags:   []diagWant{{code: "label_variant", table: "active.art20_1", row: "normative_docs", msg: "规范性文件"}},
			noDiags: []string{"row_missing"}},
		{name: "section 五 worded 存在的主要问题及明年工作计划",
			text: edit(t, base, "五、存在的主要问题及改进情况", "五、存在的主要问题及明年工作计划"), cells: review,
			sections: []sectionWant{{id: "problems", heading: "五、存在的主要问题及明年工作计划", deviation: true, text: "改进措施"}},
			diags:    []diagWant{{code: "label_variant", table: "sections", row: "problems"}},
			noDiags:  []string{"table_not_found", "section_not_found"}},
		{name: "section 五's heading lost, its sub-headings kept",
			text: edit(t, base, "五、存在的主要问题及改进情况", ""), cells: review,
			sections: []sectionWant{{id: "problems", heading: "（一）存在的主要问题", deviation: true, text: "改进措施"}},
			diags:    []diagWant{{code: "heading_inferred", table: "sections", row: "problems"}},
			noDiags:  []string{"table_not_found", "section_not_found"}},
	}
	for _, tc := range cases {
		tc.file = "pingtan.txt"
		t.Run(tc.name, func(t *testing.T) { checkLabelCase(t, tc) })
	}
}

// TestHeadingVariants: section headings worded, numbered or lost otherwise
// than in the template are found by their words and flagged as deviations,
// never reported missing.
func TestHeadingVariants(t *testing.T) {
	base := labelsBase(t)
	const review = "四、政府信息公开行政复议、行政诉讼情况"
	reviewBlock := base[strings.Index(base, review):strings.Index(base, "五、存在的主要问题及改进情况")]
	cases := []labelCase{
		{name: "存在的主要问题及明年工作计划",
			text:     edit(t, base, "五、存在的主要问题及改进情况", "五、存在的主要问题及明年工作计划"),
			sections: []sectionWant{{id: "problems", heading: "五、存在的主要问题及明年工作计划", deviation: true, text: "加强培训"}},
			diags:    []diagWant{{code: "label_variant", table: "sections", row: "problems", msg: "明年工作计划"}},
			noDiags:  []string{"section_not_found"}},
		{name: "存在问题及改进措施 (loose wording)",
			text:     edit(t, base, "五、存在的主要问题及改进情况", "五、存在问题及改进措施"),
			sections: []sectionWant{{id: "problems", heading: "五、存在问题及改进措施", deviation: true}},
			noDiags:  []string{"section_not_found", "heading_inferred"}},
		{name: "存在的主要问题和今后打算 (numbered, cue words)",
			text:     edit(t, base, "五、存在的主要问题及改进情况", "五、存在的主要问题和今后打算"),
			sections: []sectionWant{{id: "problems", heading: "五、存在的主要问题和今后打算", deviation: true}},
			diags:    []diagWant{{code: "label_variant", table: "sections", row: "problems"}},
			noDiags:  []string{"section_not_found", "heading_inferred"}},
		{name: "heading lost, sub-headings kept",
			text:     edit(t, base, "五、存在的主要问题及改进情况\n", ""),
			cells:    map[string]float64{"review_litigation.reconsideration.total": 2},
			sections: []sectionWant{{id: "problems", heading: "（一）存在的主要问题", deviation: true, text: "（二）改进情况"}},
			diags:    []diagWant{{code: "heading_inferred", table: "sections", row: "problems"}},
			noDiags:  []string{"section_not_found"}},
		{name: "two 三、 headings",
			text:  edit(t, base, review, "三、政府信息公开行政复议、行政诉讼情况"),
			cells: map[string]float64{"review_litigation.reconsideration.total": 2, "requests.carried_forward.total": 1},
			sections: []sectionWant{{id: "requests", heading: "三、收到和处理政府信息公开申请情况"},
				{id: "review_litigation", heading: "三、政府信息公开行政复议、行政诉讼情况", deviation: true}},
			diags:   []diagWant{{code: "heading_misnumbered", table: "sections", row: "review_litigation"}},
			noDiags: []string{"section_not_found"}},
		{name: "四、 for 存在的主要问题 (section 四 left out)",
			text: edit(t, base, reviewBlock, "", "五、存在的主要问题及改进情况", "四、存在的主要问题及改进情况",
				"六、其他需要报告的事项", "五、其他需要报告的事项"),
			sections: []sectionWant{{id: "problems", heading: "四、存在的主要问题及改进情况", deviation: true},
				{id: "other_matters", heading: "五、其他需要报告的事项", deviation: true}},
			diags: []diagWant{{code: "heading_misnumbered", table: "sections", row: "problems"},
				{code: "heading_misnumbered", table: "sections", row: "other_matters"},
				{code: "section_not_found", msg: review}}},
	}
	for _, tc := range cases {
		tc.file = "report.txt"
		t.Run(tc.name, func(t *testing.T) { checkLabelCase(t, tc) })
	}
}

// TestLabelVariantsHTML: web-page tables with <br> and paragraphs inside
// header and label cells, and label cells spanning 22 rows.
func TestLabelVariantsHTML(t *testing.T) {
	doc := convertString(t, "base.txt", labelsBase(t))
	page := string(render.HTML(doc))
	cells := map[string]float64{"requests.new_received.commercial": 2, "requests.new_received.legal_service": 1,
		"requests.granted.total": 6, "requests.total_handled.total": 13, "requests.carried_forward.natural_person": 1,
		"active.art20_5.licensing.decisions": 97, "review_litigation.reconsideration.total": 2}
	cases := []labelCase{
		{name: "as rendered", text: page, cells: cells},
		{name: "<br> in header cells",
			text:  edit(t, page, "<td>商业企业</td>", "<td>商业<br>企业</td>", "<td>社会公益组织</td>", "<td>社会<br/>公益组织</td>"),
			cells: cells, noDiags: []string{"label_variant"}},
		{name: "paragraphs in header cells",
			text:  edit(t, page, "<td>商业企业</td>", "<td><p>商业</p><p>企业</p></td>"),
			cells: cells, noDiags: []string{"label_variant"}},
		{name: "<br> in label cells",
			text: edit(t, page, "一、本年新收政府信息公开申请数量", "一、本年新收政府信息<br>公开申请数量",
				"（一）予以公开", "（一）<br>予以公开", "<td>行政许可</td>", "<td>行政<br>许可</td>"),
			cells: cells, noDiags: []string{"label_variant", "row_missing"}},
		{name: "a group label spanning more rows than the table has",
			text:  edit(t, page, `rowspan="22">三、本年度办理结果`, `rowspan="25">三、本年度办理结果`),
			cells: cells, noDiags: []string{"row_missing"}},
	}
	if !strings.Contains(page, `rowspan="22">三、本年度办理结果`) {
		t.Fatal("the rendered page no longer spans 三、本年度办理结果 over 22 rows")
	}
	for _, tc := range cases {
		tc.file = "report.html"
		t.Run(tc.name, func(t *testing.T) { checkLabelCase(t, tc) })
	}
}

// TestLabelMatchingBounded: lines made to look like headings, cues and
// variant labels by the thousand convert in bounded time.
func TestLabelMatchingBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("一、总体情况\n")
	for i := 0; i < 4000; i++ {
		b.WriteString("五、存在的主要问题及明年工作计划\n（一）存在的主要问题\n规范性文件\t1\t2\n行政许可97\n")
	}
	// Just under the 1 MiB a line may hold (Limits.MaxTextBytes).
	long := strings.Repeat("（一）存在的主要问题钩稽先行有效规范性文件", 16000)
	b.WriteString("二、主动公开政府信息情况\n第二十条第（一）项\n" + long + "\t1\t2\t3\n")
	b.WriteString("三、收到和处理政府信息公开申请情况\n" + long + "\t申请人情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n")
	b.WriteString(long + "\n")
	start := time.Now()
	doc := convertString(t, "hostile.txt", b.String())
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("conversion took %v", d)
	}
	if len(doc.Sections) == 0 {
		t.Error("no section found")
	}
}
