package circular_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/report/circular"
	"github.com/ogi-checker/ogi/schema"
)

// para is a paragraph of the document as Word reads it: its style and
// its text.
type para struct{ Style, Text string }

// readDOCX opens the package as Word would: every part is well-formed XML,
// the parts Word needs are there, and the body's paragraphs (table cells
// included) come back in order.
func readDOCX(t *testing.T, data []byte) []para {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var names []string
	var doc []byte
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := d.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
		}
		if f.Name == "word/document.xml" {
			doc = b
		}
	}
	for _, want := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"} {
		if !slices.Contains(names, want) {
			t.Fatalf("no %s in %v", want, names)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("entries not in name order: %v", names)
	}
	var out []para
	var cur *para
	d := xml.NewDecoder(bytes.NewReader(doc))
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			switch tk.Name.Local {
			case "p":
				out = append(out, para{})
				cur = &out[len(out)-1]
			case "pStyle":
				for _, a := range tk.Attr {
					if a.Name.Local == "val" && cur != nil {
						cur.Style = a.Value
					}
				}
			case "t":
				inText = true
			}
		case xml.EndElement:
			if tk.Name.Local == "t" {
				inText = false
			}
		case xml.CharData:
			if inText && cur != nil {
				cur.Text += string(tk)
			}
		}
	}
	return out
}

func num(v float64) *float64 { return &v }

// sample is a run of three reports: one late with a table that does not
// add up, one without problems, one that could not be read.
func sample() circular.Input {
	cellName := func(c engine.CellRef, lang string) string { return "〔" + c.Address() + "〕" }
	return circular.Input{Lang: "zh", CellName: cellName,
		RuleTitles: map[string]engine.Text{"requests.row_total": {Zh: "表三各行总计等于各类申请人之和"}},
		Reports: []circular.Report{
			{Body: "甲区人民政府", File: "a.pdf", Year: 2024, Score: num(72), Grade: "合格", Rank: 2, Timeliness: engine.StatusFail,
				Findings: []engine.Finding{
					{Rule: circular.DeadlineRule, Category: "timeliness", Severity: engine.SeverityError, Status: engine.StatusFail,
						Message: engine.Text{Zh: "报告于2025年2月10日发布，晚于1月31日"}},
					{Rule: "requests.row_total", Category: "arithmetic", Severity: engine.SeverityError, Status: engine.StatusFail,
						Expected: num(12), Actual: num(10), Cells: []engine.CellRef{
							{Table: "requests", Row: "total_handled", Col: "research", Status: schema.StatusNumber, Value: num(10)},
							{Table: "requests", Row: "total_handled", Col: "total", Status: schema.StatusBlank}}},
					{Rule: "completeness.requests_cells", Category: "completeness", Severity: engine.SeverityWarning, Status: engine.StatusCannotEvaluate,
						Message: engine.Text{Zh: "无法核验"}},
					{Rule: "content.problems", Category: "content", Severity: engine.SeverityWarning, Status: engine.StatusFail, Waived: true,
						Message: engine.Text{Zh: "已豁免"}},
				}},
			{Body: "乙局", File: "b.docx", Year: 2024, Score: num(100), Grade: "优秀", Rank: 1, Timeliness: engine.StatusPass, Findings: []engine.Finding{}},
			{File: "dir/c.pdf", Year: 0, Unreadable: "文件中没有可提取的文字"},
		}}
}

// TestComposed holds the whole text of a small circular: the parts in the
// order of a real one, the problems grouped by type with the bodies, each
// body lowest score first with its cells and figures, the 落款 marked for
// the office to fill.
func TestComposed(t *testing.T) {
	var b bytes.Buffer
	if err := circular.Write(&b, sample(), circular.Options{RectifyDays: 10}); err != nil {
		t.Fatal(err)
	}
	want := []para{
		{"CircularTitle", "关于2024年度政府信息公开工作年度报告检查情况的通报"},
		{"Addressee", "各有关单位："},
		{"BodyText", "根据《中华人民共和国政府信息公开条例》和政府信息公开工作年度报告格式的有关要求，近期对3份政府信息公开工作年度报告进行了检查。现将检查情况通报如下。"},
		{"Heading1", "一、总体情况"},
		{"BodyText", "本次共检查年度报告3份，其中1份无法读取（文件无法打开或不是年度报告），未纳入评分。经检查，按时公开1份，逾期公开1份，未注明日期、无法判断是否按时公开0份。2份报告平均得分86分（满分100分），最高100分，最低72分；其中优秀1份、合格1份。"},
		{"TableCaption", "各单位得分及排名情况"},
		{"TableHeader", "名次"}, {"TableHeader", "单位"}, {"TableHeader", "得分"}, {"TableHeader", "等级"}, {"TableHeader", "问题数"},
		{"TableText", "1"}, {"TableText", "乙局"}, {"TableText", "100"}, {"TableText", "优秀"}, {"TableText", "0"},
		{"TableText", "2"}, {"TableText", "甲区人民政府"}, {"TableText", "72"}, {"TableText", "合格"}, {"TableText", "2"},
		{"TableText", "—"}, {"TableText", "未能识别单位名称（文件c.pdf）"}, {"TableText", "—"}, {"TableText", "无法读取"}, {"TableText", "—"},
		{"Heading1", "二、存在的主要问题"},
		{"Heading2", "（一）未按时公开"},
		{"BodyText", "年度报告发布时间晚于规定期限，涉及1家单位：甲区人民政府（1处）。"},
		{"Heading2", "（二）表格数据不一致"},
		{"BodyText", "表格中合计数与分项数之和不符、勾稽关系不成立或数值不规范，涉及1家单位：甲区人民政府（1处）。"},
		{"Heading1", "三、各单位问题清单"},
		{"BodyText", "各单位按得分由低到高排列，未评分和无法读取的报告列于最后。"},
		{"Heading2", "（一）甲区人民政府（得分72分，合格，第2名）"},
		{"BodyText", "1.【未按时公开】报告于2025年2月10日发布，晚于1月31日。"},
		{"BodyText", "2.【表格数据不一致】表三各行总计等于各类申请人之和。应为12，实为10。涉及单元格：〔requests.total_handled.research〕（填报10）、〔requests.total_handled.total〕（空白）。"},
		{"Heading2", "（二）乙局（得分100分，优秀，第1名）"},
		{"BodyText", "未发现问题。"},
		{"Heading2", "（三）未能识别单位名称（文件c.pdf）（无法读取）"},
		{"BodyText", "报告无法读取：文件中没有可提取的文字。请核实所发布的报告文件完整、可以打开。"},
		{"Heading1", "四、整改要求"},
		{"BodyText", "（一）请各有关单位对照问题清单逐项核实，自本通报印发之日起10日内完成整改。需要更正年度报告的，在原发布渠道发布更正后的报告，并注明更正内容和更正时间。"},
		{"BodyText", "（二）整改完成后，请将核实结论、整改责任人、整改措施和完成时间书面报送【单位名称】。对所列问题有异议的，请一并说明理由并附相关依据。"},
		{"BodyText", "（三）各单位要举一反三，严格按照《中华人民共和国政府信息公开条例》规定的时限和年度报告格式编制、发布年度报告，确保数据准确、内容完整、表述规范。"},
		{"BodyText", "联系人：【姓名】，联系电话：【电话】。"},
		{"Issuer", "【单位名称】"},
		{"Signature", "【　　年　　月　　日】"},
	}
	got := readDOCX(t, b.Bytes())
	for i := range max(len(got), len(want)) {
		var g, w para
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("paragraph %d:\n got %+v\nwant %+v", i+1, g, w)
		}
	}
}

// TestOptions: the office's own addressee, issuer, date and period replace
// the defaults, and English gives the same circular in English.
func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		lang string
		opt  circular.Options
		want []string
	}{
		{"office", "zh", circular.Options{Addressee: "各区人民政府，市政府各部门", Issuer: "某市政务公开办公室", Date: "2025年3月20日", RectifyDays: 20},
			[]string{"各区人民政府，市政府各部门：", "自本通报印发之日起20日内完成整改", "书面报送某市政务公开办公室。", "2025年3月20日"}},
		{"english", "en", circular.Options{},
			[]string{"Circular on the review of the 2024 annual reports on government information disclosure", "All bodies concerned:",
				"1. Overview", "2.1 Not published on time", "rectifies within 15 days", "[issuing office]", "[date]", "(unreadable)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := sample()
			in.Lang = tc.lang
			var b bytes.Buffer
			if err := circular.Write(&b, in, tc.opt); err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, p := range readDOCX(t, b.Bytes()) {
				all.WriteString(p.Text + "\n")
			}
			for _, w := range tc.want {
				if !strings.Contains(all.String(), w) {
					t.Errorf("no %q in\n%s", w, all.String())
				}
			}
		})
	}
}

// TestHostileText: a message with markup, an ampersand and control
// characters still gives well-formed XML with the text intact.
func TestHostileText(t *testing.T) {
	in := sample()
	in.Reports[0].Body = `<w:p>甲&乙"区"` + "\x01\x0b"
	var b bytes.Buffer
	if err := circular.Write(&b, in, circular.Options{Issuer: "</w:t>"}); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, p := range readDOCX(t, b.Bytes()) {
		all.WriteString(p.Text + "\n")
	}
	for _, w := range []string{`（一）<w:p>甲&乙"区"（得分72分`, "书面报送</w:t>。"} {
		if !strings.Contains(all.String(), w) {
			t.Errorf("no %q in\n%s", w, all.String())
		}
	}
}

// corpus is the seeds and three real reports, checked once for every test
// that needs them.
var corpus = sync.OnceValues(func() (*report.CheckOutput, error) {
	chk, err := check.New(check.Options{})
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob("../../testdata/seeds/*")
	if err != nil {
		return nil, err
	}
	files = append(files, "../../testdata/real/hongze-district-2024.pdf", "../../testdata/real/pingtan-2021.txt",
		"../../testdata/real/template-2021-blank.docx")
	out := &report.CheckOutput{SchemaVersion: report.CheckSchemaVersion, Tool: report.Tool{Name: "ogi"}}
	for _, f := range files {
		res, err := chk.Check(context.Background(), check.Input{File: f})
		if err != nil {
			return nil, err
		}
		out.Reports = append(out.Reports, res.Report)
	}
	return out, nil
})

func corpusSource(t *testing.T, lang string) *report.Source {
	t.Helper()
	out, err := corpus()
	if err != nil {
		t.Fatal(err)
	}
	chk, err := check.New(check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return report.NewSource(out, chk.Engine().Rules(), lang)
}

func write(t *testing.T, format string, src *report.Source) []byte {
	t.Helper()
	f, ok := report.Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	var b bytes.Buffer
	if err := f.Write(&b, src); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// identRE finds what reads as a program's identifier: a lowercase word
// with a dot or an underscore (requests.total_handled, other_no_fee).
var identRE = regexp.MustCompile(`[a-z][a-z0-9]*(?:[._][a-z0-9]+)+`)

// TestCorpus writes the circular of a real run through the format
// registry: it opens, has the four parts in order, names every body in
// 三 with its standing, names cells by their printed labels, and is the
// same bytes twice.
func TestCorpus(t *testing.T) {
	src := corpusSource(t, "zh")
	data := write(t, "circular", src)
	if again := write(t, "circular", src); !bytes.Equal(data, again) {
		t.Fatal("two writes of one run differ")
	}
	paras := readDOCX(t, data)
	var headings []string
	text := map[string]bool{}
	var all strings.Builder
	for _, p := range paras {
		if p.Style == "Heading1" {
			headings = append(headings, p.Text)
		}
		text[p.Text] = true
		all.WriteString(p.Text + "\n")
	}
	if want := []string{"一、总体情况", "二、存在的主要问题", "三、各单位问题清单", "四、整改要求"}; !slices.Equal(headings, want) {
		t.Errorf("headings %q, want %q", headings, want)
	}
	if paras[0].Text != "关于2019—2024年度政府信息公开工作年度报告检查情况的通报" {
		t.Errorf("title %q", paras[0].Text)
	}
	out, _ := corpus()
	for _, fr := range out.Reports {
		name := fr.Agency
		if name == "" {
			name = "未能识别单位名称（文件" + filepath.Base(fr.File) + "）"
		}
		found := false
		for _, p := range paras {
			if p.Style == "Heading2" && strings.Contains(p.Text, "）"+name+"（得分") {
				found = true
			}
		}
		if !found {
			t.Errorf("no heading for %s in 三", name)
		}
	}
	for _, w := range []string{
		"表三“（七）总计”行“总计”列（填报0）",                  // seed 002's table three, by its printed labels
		"表四“行政复议”行“总计”列（空白）",                    // seed 000's blank table four
		"涉及单元格：表三“一、本年新收政府信息公开申请数量”行“自然人”列（空白）", // the blank template
		"应为1，实为0。", // the figures of seed 002
	} {
		if !strings.Contains(all.String(), w) {
			t.Errorf("no %q in the circular", w)
		}
	}
	// No program id reaches an officer: cell addresses and row, column and
	// section ids in messages are named by their labels. File names stay.
	for _, p := range paras {
		for _, m := range identRE.FindAllString(p.Text, -1) {
			if !strings.HasSuffix(m, ".docx") && !strings.HasSuffix(m, ".pdf") && !strings.HasSuffix(m, ".txt") {
				t.Errorf("identifier %q in %q", m, p.Text)
			}
		}
	}
}

// TestAssess: ogi assess writes the circular through -o like any format.
func TestAssess(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "通报.docx")
	chk, err := check.New(check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := assess.Expand([]string{"../../testdata/seeds"})
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := report.ParseSpecs([]string{"circular=" + path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assess.Run(context.Background(), inputs, assess.Options{Checker: chk, Lang: "zh", Outputs: outputs}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	paras := readDOCX(t, data)
	var ranks []string
	for _, p := range paras {
		if p.Style == "Heading2" && strings.Contains(p.Text, "（得分") {
			ranks = append(ranks, p.Text)
		}
	}
	if len(ranks) != len(inputs) {
		t.Fatalf("%d bodies in 三, want %d: %q", len(ranks), len(inputs), ranks)
	}
	if !strings.Contains(ranks[len(ranks)-1], "第1名") {
		t.Errorf("the best report is not last in 三: %q", ranks)
	}
}

// needTool skips without a program, except in CI, which installs it.
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (.ci/run installs it)", name)
		}
		t.Skipf("%s is not installed", name)
	}
}

// TestPDF converts the corpus circular with LibreOffice: the PDF's text
// has the title and the bodies. OGI_CIRCULAR_PNG=FILE also renders page
// one, to look at.
func TestPDF(t *testing.T) {
	needTool(t, "soffice")
	needTool(t, "pdftotext")
	pdf := write(t, "circular-pdf", corpusSource(t, "zh"))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	file := filepath.Join(t.TempDir(), "circular.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(txt)), "")
	for _, w := range []string{"关于2019—2024年度政府信息公开工作年度报告检查情况的通报", "威海市科学技术局", "淮安市洪泽区人民政府", "四、整改要求", "【单位名称】"} {
		if !strings.Contains(flat, w) {
			t.Errorf("no %q in the PDF's text:\n%s", w, txt)
		}
	}
	if png := os.Getenv("OGI_CIRCULAR_PNG"); png != "" {
		out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", file, strings.TrimSuffix(png, ".png")).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm: %v: %s", err, out)
		}
	}
}

// TestPDFWithoutLibreOffice: without LibreOffice the PDF format says what
// to install and how to get the Word document instead.
func TestPDFWithoutLibreOffice(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("OGI_SOFFICE", "")
	err := circular.WritePDF(context.Background(), io.Discard, sample(), circular.Options{})
	if !errors.Is(err, circular.ErrNoLibreOffice) {
		t.Fatalf("err = %v, want ErrNoLibreOffice", err)
	}
	for _, w := range []string{"LibreOffice", "apt-get install libreoffice-writer-nogui", "-o circular=FILE.docx"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not say %q", err, w)
		}
	}
}
