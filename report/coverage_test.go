package report_test

import (
	"bytes"
	"iter"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
)

func sampleCoverage() *report.Coverage {
	return &report.Coverage{Roster: "bodies.csv", Bodies: 3, Years: []int{2024}, Rows: []report.CoverageRow{
		{Body: "甲市人民政府", Type: "government", Year: 2024, Status: report.CoveragePublished, Files: []string{"a.pdf"}},
		{Body: "甲市教育局", Parent: "甲市人民政府", Type: "department", Year: 2024, Status: report.CoverageLate, Files: []string{"b.pdf"},
			Note: engine.Text{Zh: "落款日期2025-02-20，晚于规定期限2025-01-31", En: "dated 2025-02-20, after the deadline 2025-01-31"}},
		{Body: "甲市<乙>区人民政府", Parent: "甲市人民政府", Type: "government", Year: 2024, Status: report.CoverageMissing, Files: []string{},
			Note: engine.Text{Zh: "批次中没有该单位本年度的报告", En: "the batch has no report of this body for the year"}},
	}}
}

// find lists the nodes under n that match, in document order.
func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if match(d) {
			out = append(out, d)
		}
	}
	return out
}

func TestDashboardCoveragePanel(t *testing.T) {
	for _, tc := range []struct {
		lang        string
		tiles, rows []string
	}{
		{"zh", []string{"1已公开", "1未公开", "0无法读取", "1逾期"},
			[]string{"甲市<乙>区人民政府|2024|未公开|批次中没有该单位本年度的报告", "甲市教育局|2024|逾期|落款日期2025-02-20，晚于规定期限2025-01-31"}},
		{"en", []string{"1published", "1missing", "0unreadable", "1late"},
			[]string{"甲市<乙>区人民政府|2024|missing|the batch has no report of this body for the year", "甲市教育局|2024|late|dated 2025-02-20, after the deadline 2025-01-31"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := report.WriteDashboard(&buf, nil, nil, report.DashboardOptions{Lang: tc.lang, Coverage: sampleCoverage()}); err != nil {
				t.Fatal(err)
			}
			doc := parse(t, buf.Bytes())
			secs := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == "coverage" })
			if len(secs) != 1 {
				t.Fatalf("%d coverage panels", len(secs))
			}
			var tiles []string
			for _, n := range find(secs[0], func(n *html.Node) bool { return strings.HasPrefix(attr(n, "class"), "tile ") }) {
				tiles = append(tiles, text(n))
			}
			if !reflect.DeepEqual(tiles, tc.tiles) {
				t.Errorf("tiles %q, want %q", tiles, tc.tiles)
			}
			var rows []string
			for _, tr := range find(secs[0], func(n *html.Node) bool { return n.Data == "tr" && strings.HasPrefix(attr(n, "class"), "cov-") }) {
				var cells []string
				for _, td := range elements(tr, "td") {
					cells = append(cells, text(td))
				}
				rows = append(rows, strings.Join(cells, "|"))
			}
			if !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows %q, want %q", rows, tc.rows)
			}
		})
	}
	// Without a roster there is no panel.
	var buf bytes.Buffer
	if err := report.WriteDashboard(&buf, nil, nil, report.DashboardOptions{Lang: "zh"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `id="coverage"`) {
		t.Error("a coverage panel without a roster")
	}
}

func TestXLSXCoverageSheet(t *testing.T) {
	var buf bytes.Buffer
	empty := func() iter.Seq[report.Ranked] { return func(func(report.Ranked) bool) {} }
	src := &report.Source{Lang: "zh", Coverage: sampleCoverage(), Reports: func(bool) iter.Seq[report.Ranked] { return empty() }}
	xlsx, _ := report.Lookup("xlsx")
	if err := xlsx.Write(&buf, src); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got, want := f.GetSheetList(), []string{"汇总", "问题清单", "规则统计", "覆盖情况"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	rows, err := f.GetRows("覆盖情况")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"单位", "上级", "类型", "年度", "状态", "报告文件", "说明"},
		{"甲市人民政府", "", "人民政府", "2024", "已公开", "a.pdf"},
		{"甲市教育局", "甲市人民政府", "政府部门", "2024", "逾期", "b.pdf", "落款日期2025-02-20，晚于规定期限2025-01-31"},
		{"甲市<乙>区人民政府", "甲市人民政府", "人民政府", "2024", "未公开", "", "批次中没有该单位本年度的报告"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%q\nwant\n%q", rows, want)
	}
	// 年度 is a number, not text.
	if typ, err := f.GetCellType("覆盖情况", "D2"); err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("year cell type %v (%v)", typ, err)
	}
}
