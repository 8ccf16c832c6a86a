package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/browsertest"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/rules"
)

// dashboardFixture checks three reports: a consistent one, one whose table 3
// total is wrong, and a scan without a text layer.
func dashboardFixture(t *testing.T) ([]report.FileReport, *engine.Engine) {
	t.Helper()
	eng, err := engine.New([]engine.Pack{{Name: "builtin", FS: rules.FS}}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []report.FileReport
	for i, broken := range []bool{false, true} {
		doc := engine.SampleDocument("2021")
		doc.Meta.Agency = []string{"甲县人民政府", "乙县<b>人民政府</b>"}[i]
		if broken {
			v := 999.0
			doc.Tables.Requests["new_received"]["total"].Value = &v
			doc.Tables.Requests["new_received"]["total"].Raw = "999"
		}
		res := enginetest.Eval(eng, doc)
		fr := report.NewFileReport([]string{"a.txt", "b.txt"}[i], doc, res, eng.ScoreResult(doc, res, engine.DefaultScoreConfig()))
		fr.Grid = report.NewGrid(doc, fr.Findings, "zh")
		out = append(out, fr)
	}
	zh, en := ingest.UnreadableReason(ingest.UnreadableNoText)
	out = append(out, report.NewUnreadableReport("c.pdf", ingest.UnreadableNoText, engine.Text{Zh: zh, En: en}, "c.pdf: unreadable: "+en))
	return out, eng
}

// cohort ranks the reports as a batch does.
func cohort(reports []report.FileReport, eng *engine.Engine) ([]report.Ranked, *report.CohortStats) {
	c := report.NewCohortStats(eng.Rules())
	for _, r := range reports {
		c.Add(r)
	}
	ranked := make([]report.Ranked, len(reports))
	for i, r := range reports {
		ranked[i] = c.Rank(r)
	}
	return ranked, c
}

func writeDashboard(t *testing.T, reports []report.FileReport, eng *engine.Engine) []byte {
	t.Helper()
	ranked, c := cohort(reports, eng)
	var buf bytes.Buffer
	if err := report.WriteDashboard(&buf, report.Slice(ranked), c, report.DashboardOptions{Lang: "zh", Rules: eng.Rules()}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDashboardContent(t *testing.T) {
	reports, eng := dashboardFixture(t)
	page := writeDashboard(t, reports, eng)
	for _, want := range []string{
		"<svg", "得分分布", "问题类别", "触发最多的规则",
		`"requests.new_received.total":"bad"`, // the failing cell is marked for the drill-down
		`"x":"无法读取：没有文字层（扫描件）`,                // the unreadable report is listed with its reason
		"<b>3</b><span>报告</span>", "<b>2</b><span>已评分</span>",
		`class="tile unreadable some"`, "<b>1</b><span>无法读取</span>", // counted apart
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	// Offline: no external script, style or image.
	if regexp.MustCompile(`(?i)<(script|link|img)[^>]+(src|href)=`).Match(page) {
		t.Error("dashboard references an external resource")
	}
	// Names are data, never markup.
	if bytes.Contains(page, []byte("乙县<b>")) {
		t.Error("agency name written unescaped")
	}
	if again := writeDashboard(t, reports, eng); !bytes.Equal(page, again) {
		t.Error("same input, different bytes")
	}
}

// TestDashboardInChromium loads the dashboard in headless Chromium with the
// second report's drill-down open (#r=2) and reads the DOM the script built:
// the script ran to the end without an error, listed every report, and drew
// the tables with the failing cell highlighted. CI installs Debian's
// chromium and sets OGI_REQUIRE_BROWSER=1 so that this cannot skip there.
func TestDashboardInChromium(t *testing.T) {
	reports, eng := dashboardFixture(t)
	page := filepath.Join(t.TempDir(), "dashboard.html")
	if err := os.WriteFile(page, writeDashboard(t, reports, eng), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := browsertest.Load(t, page, "#r=2")
	if n := strings.Count(dom, "<tr data-i="); n != 3 {
		t.Errorf("report table has %d rows, want 3", n)
	}
	if !regexp.MustCompile(`<td title="表三 收到和处理政府信息公开申请情况 “一、本年新收政府信息公开申请数量” “总计”" class="bad">999</td>|<td class="bad" title="表三 收到和处理政府信息公开申请情况 “一、本年新收政府信息公开申请数量” “总计”">999</td>`).MatchString(dom) {
		t.Errorf("drill-down does not highlight the failing cell; DOM:\n%.3000s", dom[strings.Index(dom, `id="detail"`):])
	}
	if !strings.Contains(dom, "乙县&lt;b&gt;人民政府&lt;/b&gt;") {
		t.Error("drill-down heading missing or unescaped")
	}
}

// TestDashboardUnreadableInChromium: a scan is listed as 无法读取 without a
// rank or counts, and its drill-down gives the reason instead of findings
// (it used to say 未发现问题, as if the report were clean).
func TestDashboardUnreadableInChromium(t *testing.T) {
	reports, eng := dashboardFixture(t)
	page := filepath.Join(t.TempDir(), "dashboard.html")
	if err := os.WriteFile(page, writeDashboard(t, reports, eng), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := browsertest.Load(t, page, "#r=3")
	row := regexp.MustCompile(`<tr data-i="2"[^>]*>.*?</tr>`).FindString(dom)
	if !strings.Contains(row, `class="unreadable"`) ||
		!strings.Contains(row, "<td></td><td></td><td></td><td>—</td><td>无法读取</td><td></td><td></td><td></td><td>c.pdf</td>") {
		t.Errorf("unreadable row: %s", row)
	}
	detail := dom[strings.Index(dom, `id="detail"`):]
	detail = detail[:strings.Index(detail, "<script")]
	if !strings.Contains(detail, `<p class="score unreadable">无法读取：没有文字层（扫描件）；ogi 不做文字识别</p>`) {
		t.Errorf("drill-down lacks the reason:\n%.1500s", detail)
	}
	for _, never := range []string{"未发现问题", "<h3>问题</h3>", "<table"} {
		if strings.Contains(detail, never) {
			t.Errorf("drill-down of an unreadable report shows %s", never)
		}
	}
	if !strings.Contains(dom, `<b>1</b><span>无法读取</span>`) {
		t.Error("no 无法读取 tile")
	}
	// #unreadable lists those rows alone (what the tile's click does).
	dom = browsertest.Load(t, page, "#unreadable")
	if n := strings.Count(dom, "<tr data-i="); n != 1 || !strings.Contains(dom, `<tr data-i="2"`) || !strings.Contains(dom, "显示 1 / 3") {
		t.Errorf("#unreadable shows %d rows", n)
	}
}

// TestDashboardMaxDetails: past the cap, the lowest scores keep their
// drill-down and the others are listed without it.
func TestDashboardMaxDetails(t *testing.T) {
	reports, eng := dashboardFixture(t)
	ranked, c := cohort(reports, eng)
	var buf bytes.Buffer
	if err := report.WriteDashboard(&buf, report.Slice(ranked), c, report.DashboardOptions{Lang: "zh", MaxDetails: 1}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(page, `"o":true`); n != 1 {
		t.Errorf("%d reports without details, want 1", n)
	}
	if n := strings.Count(page, `"grid":{`); n != 1 || !strings.Contains(page, `"requests.new_received.total":"bad"`) {
		t.Errorf("the lowest score lost its drill-down (%d grids)", n)
	}
}

// TestXLSXDeterministic: the workbook is the same bytes every time (excelize
// adds streamed sheets in map order; the archive is written sorted).
func TestXLSXDeterministic(t *testing.T) {
	reports, eng := dashboardFixture(t)
	ranked, c := cohort(reports, eng)
	var first []byte
	for i := 0; i < 8; i++ {
		var buf bytes.Buffer
		if err := report.WriteXLSX(&buf, report.Slice(ranked), report.Slice(ranked), c, "zh"); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
			continue
		}
		if !bytes.Equal(first, buf.Bytes()) {
			t.Fatalf("write %d differs from the first", i+1)
		}
	}
}
