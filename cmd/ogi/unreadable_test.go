package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/internal/browsertest"
	"github.com/ogi-checker/ogi/report"
)

func unreadableFixture(name string) string {
	return filepath.Join("..", "..", "testdata", "unreadable", name)
}

// unreadableCases are the fixtures and the reason ogi gives for each.
var unreadableCases = []struct {
	file, code, zh, en string
}{
	{"scanned.pdf", "no_text", "无法读取：没有文字层（扫描件）；ogi 不做文字识别", "unreadable: no text layer — scanned PDF; ogi does not OCR"},
	{"empty.txt", "empty", "无法读取：文件没有任何文字（空文件，或只有图片）", "unreadable: the file has no text at all (empty, or only pictures)"},
	{"whitespace.txt", "empty", "无法读取：文件没有任何文字（空文件，或只有图片）", "unreadable: the file has no text at all (empty, or only pictures)"},
	{"news.txt", "not_a_report", "无法读取：不是政府信息公开工作年度报告", "unreadable: not an annual report"},
}

// TestCheckUnreadable: a scan, an empty file and a text that is not a report
// exit 3 with one line naming the file and the reason, in the run's
// language, and no findings or score (they used to exit 1 with 300+
// findings, every cell missing).
func TestCheckUnreadable(t *testing.T) {
	for _, tc := range unreadableCases {
		for _, lang := range []string{"zh", "en"} {
			t.Run(tc.file+"/"+lang, func(t *testing.T) {
				code, stdout, stderr := runOgi(t, "check", "--lang", lang, unreadableFixture(tc.file))
				if code != exitInput {
					t.Errorf("exit %d, want 3", code)
				}
				want := map[string]string{"zh": tc.zh, "en": tc.en}[lang]
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "ogi: "+unreadableFixture(tc.file)+": "+want) {
					t.Errorf("stderr %q, want one line: the file and %q", stderr, want)
				}
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
				for _, never := range []string{"得分", "错误", "score", "errors", "completeness."} {
					if strings.Contains(stdout, never) {
						t.Errorf("stdout shows %q for an unreadable input:\n%s", never, stdout)
					}
				}
			})
		}
	}
	// parse refuses it too, printing no document.
	code, stdout, stderr := runOgi(t, "parse", unreadableFixture("news.txt"))
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "news.txt: unreadable: not an annual report") {
		t.Errorf("parse: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestCheckUnreadableOutputs: with readable and unreadable files in one run,
// the readable ones are still checked, the exit code is 3 (over 1), and
// every output format says which inputs were unreadable and why, with no
// findings or score for them.
func TestCheckUnreadableOutputs(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	args := []string{"check", "-o", "json=" + p("r.json"), "-o", "jsonl=" + p("r.jsonl"), "-o", "sarif=" + p("r.sarif"),
		"-o", "junit=" + p("r.xml"), "-o", "github=" + p("gh.txt"), "-o", "markdown=" + p("sum.md"), "-o", "html=" + p("html"),
		"-o", "text=" + p("r.txt"), seed("002_a141446f969544e3.txt")}
	for _, tc := range unreadableCases {
		args = append(args, unreadableFixture(tc.file))
	}
	code, _, stderr := runOgi(t, args...)
	if code != exitInput {
		t.Fatalf("exit %d, want 3 (an unreadable input outranks a failing report): %s", code, stderr)
	}
	if n := strings.Count(stderr, "无法读取："); n != len(unreadableCases) {
		t.Errorf("stderr has %d unreadable lines, want %d:\n%s", n, len(unreadableCases), stderr)
	}
	read := func(n string) string {
		b, err := os.ReadFile(p(n))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// json: valid against the published schema; status and reason set.
	sch, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.CheckSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("check.json", sch); err != nil {
		t.Fatal(err)
	}
	compiled, err := c.Compile("check.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(read("r.json")))
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled.Validate(inst); err != nil {
		t.Fatalf("json does not match check.schema.json: %v", err)
	}
	var out report.CheckOutput
	if err := json.Unmarshal([]byte(read("r.json")), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Reports) != 1+len(unreadableCases) || out.Reports[0].Status != report.StatusChecked || out.Reports[0].Score == nil {
		t.Fatalf("reports: %+v", out.Reports)
	}
	for i, tc := range unreadableCases {
		fr := out.Reports[i+1]
		if fr.Status != report.StatusUnreadable || fr.Unreadable == nil || fr.Unreadable.Code != tc.code ||
			fr.Score != nil || len(fr.Findings) != 0 || len(fr.Rules) != 0 || len(fr.Ledger) != 0 {
			t.Errorf("%s: status %q unreadable %+v score %v, %d findings, %d rules", tc.file, fr.Status, fr.Unreadable, fr.Score, len(fr.Findings), len(fr.Rules))
		}
	}

	// jsonl: one line per input, each with its status.
	var statuses []string
	for _, l := range strings.Split(strings.TrimSpace(read("r.jsonl")), "\n") {
		var fr struct{ Status string }
		if err := json.Unmarshal([]byte(l), &fr); err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, fr.Status)
	}
	if got := strings.Join(statuses, ","); got != "checked,unreadable,unreadable,unreadable,unreadable" {
		t.Errorf("jsonl statuses %s", got)
	}

	// sarif: valid; each unreadable input is an execution notification, not
	// a silent absence.
	rep, err := sarif.Open(p("r.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	run := rep.Runs[0]
	if len(run.Invocations) != 1 || len(run.Invocations[0].ToolExecutionNotifications) != len(unreadableCases) {
		t.Fatalf("SARIF invocations %+v", run.Invocations)
	}
	for i, n := range run.Invocations[0].ToolExecutionNotifications {
		tc := unreadableCases[i]
		if n.Level != "error" || n.Message.Text == nil || !strings.Contains(*n.Message.Text, tc.zh) ||
			*n.Locations[0].PhysicalLocation.ArtifactLocation.URI != filepath.ToSlash(unreadableFixture(tc.file)) {
			t.Errorf("SARIF notification %d: %+v", i, n)
		}
	}
	for _, r := range run.Results {
		if uri := *r.Locations[0].PhysicalLocation.ArtifactLocation.URI; strings.Contains(uri, "unreadable/") {
			t.Errorf("SARIF result %s for unreadable %s", *r.RuleID, uri)
		}
	}

	// junit: an error, not a failure, with the reason.
	var suites struct {
		Suites []struct {
			Name   string `xml:"name,attr"`
			Errors int    `xml:"errors,attr"`
			Fails  int    `xml:"failures,attr"`
			Cases  []struct {
				Error *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(read("r.xml")), &suites); err != nil {
		t.Fatal(err)
	}
	for i, tc := range unreadableCases {
		s := suites.Suites[i+1]
		if s.Errors != 1 || s.Fails != 0 || len(s.Cases) != 1 || s.Cases[0].Error == nil ||
			s.Cases[0].Error.Type != "unreadable" || !strings.HasPrefix(s.Cases[0].Error.Message, tc.zh) {
			t.Errorf("JUnit suite %s: %+v", s.Name, s)
		}
	}

	gh := read("gh.txt")
	md := read("sum.md")
	text := read("r.txt")
	for _, tc := range unreadableCases {
		f := filepath.ToSlash(unreadableFixture(tc.file))
		if want := "::error file=" + f + ",title=无法读取::" + strings.TrimPrefix(tc.zh, "无法读取："); !strings.Contains(gh, want) {
			t.Errorf("github lacks %s", want)
		}
		if want := "| " + f + " | " + tc.zh; !strings.Contains(md, want) {
			t.Errorf("markdown lacks %s", want)
		}
		if want := "== " + f + "\n" + tc.zh; !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
		page, err := os.ReadFile(filepath.Join(p("html"), tc.file+".html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), tc.zh) || strings.Contains(string(page), "扣分明细") {
			t.Errorf("html page of %s: %s", tc.file, page)
		}
	}
	if strings.Count(md, "无法读取") != len(unreadableCases) {
		t.Errorf("markdown:\n%s", md)
	}
}

// TestAssessUnreadable: in a batch, unreadable inputs are rows marked 无法读取
// with their reason, counted apart in every output and left out of scores,
// ranks and rule statistics; a re-run reuses them from the store as
// unreadable without converting them again.
func TestAssessUnreadable(t *testing.T) {
	in := t.TempDir()
	for _, tc := range unreadableCases {
		copyFile(t, unreadableFixture(tc.file), filepath.Join(in, tc.file))
	}
	for _, s := range []string{"001_1dc63dd6a21548ca.txt", "002_a141446f969544e3.txt"} {
		copyFile(t, seed(s), filepath.Join(in, s))
	}
	dir := t.TempDir()
	x, c, j, h := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.jsonl"), filepath.Join(dir, "r.html")
	args := []string{"assess", in, "--xlsx", x, "--csv", c, "--jsonl", j, "--html", h, "--db", filepath.Join(dir, "ogi.db")}
	code, _, stderr := runOgi(t, args...)
	if code != exitInput || !strings.Contains(stderr, "6 reports, 2 scored, 4 unreadable, mean score 90.5; converted 6, reused 0 documents; checked 2, reused 0 results") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, tc := range unreadableCases {
		if want := "ogi: " + filepath.Join(in, tc.file) + ": " + tc.zh; !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %s", want)
		}
	}
	first := map[string][]byte{}
	for _, p := range []string{x, c, j, h} {
		first[p], _ = os.ReadFile(p)
	}
	// Batch order is by path: 001, 002, empty, news, scanned, whitespace.
	order := []string{"checked", "checked", "unreadable", "unreadable", "unreadable", "unreadable"}
	codes := []string{"", "", "empty", "not_a_report", "no_text", "empty"}

	jl := strings.Split(strings.TrimSpace(string(first[j])), "\n")
	if len(jl) != 6 {
		t.Fatalf("jsonl has %d lines", len(jl))
	}
	for i, l := range jl {
		var fr report.FileReport
		if err := json.Unmarshal([]byte(l), &fr); err != nil {
			t.Fatal(err)
		}
		code := ""
		if fr.Unreadable != nil {
			code = fr.Unreadable.Code
		}
		if fr.Status != order[i] || code != codes[i] || (order[i] == "unreadable") != (fr.Score == nil) {
			t.Errorf("jsonl %d (%s): status %q code %q score %v", i, fr.File, fr.Status, code, fr.Score)
		}
	}

	// CSV: a status column; no score, rank, percentile or counts for an
	// unreadable row; the two scored reports are ranked among themselves.
	rows := strings.Split(strings.TrimSpace(string(first[c])), "\n")
	if rows[0] != "\ufeff报告文件,机关,年度,格式,得分,等级,排名,百分位,错误,警告,待人工核对,状态,无法读取原因,已核实,不成立,整改中,已整改,待核实,状态代码,原因代码" {
		t.Errorf("CSV header %s", rows[0])
	}
	if !strings.Contains(rows[1], ",96,优秀,1,1.000,0,3,0,已检查,,0,0,0,0,3,checked,") || !strings.Contains(rows[2], ",85,良好,2,0.500,4,3,0,已检查,,0,0,0,0,5,checked,") {
		t.Errorf("CSV scored rows:\n%s\n%s", rows[1], rows[2])
	}
	if want := "/scanned.pdf,,,,,,,,,,,无法读取,没有文字层（扫描件）；ogi 不做文字识别,,,,,,unreadable,no_text"; !strings.Contains(rows[5], want) {
		t.Errorf("CSV scanned row %s, want %s", rows[5], want)
	}

	// 汇总: 状态 and the reason in Chinese; 规则统计 counts only the two
	// checked reports.
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sum, err := f.GetRows("汇总")
	if err != nil || len(sum) != 7 {
		t.Fatalf("汇总: %d rows, %v", len(sum), err)
	}
	if h := sum[0]; h[11] != "状态" || h[12] != "无法读取原因" {
		t.Errorf("汇总 header %v", h)
	}
	for i, r := range sum[1:] {
		want := map[string]string{"checked": "已检查", "unreadable": "无法读取"}[order[i]]
		if len(r) < 12 || r[11] != want {
			t.Errorf("汇总 row %d: %v, want status %s", i+1, r, want)
			continue
		}
		if order[i] == "unreadable" && (r[4] != "" || r[6] != "" || r[7] != "" || r[8] != "" || len(r) < 13 || !hasHanText(r[12])) {
			t.Errorf("汇总 unreadable row %d: %q", i+1, r)
		}
	}
	if r := sum[5]; len(r) < 13 || r[12] != strings.TrimPrefix(unreadableCases[0].zh, "无法读取：") {
		t.Errorf("汇总 scanned row %q", r)
	}
	stats, _ := f.GetRows("规则统计")
	for _, r := range stats[1:] {
		if r[len(r)-1] != "2" {
			t.Errorf("规则统计 %s counted %s reports, want 2", r[0], r[len(r)-1])
			break
		}
	}

	// The dashboard in a browser, the scan's drill-down open.
	t.Run("chromium", func(t *testing.T) {
		dom := browsertest.Load(t, h, "#r=5")
		if !strings.Contains(dom, "<b>4</b><span>无法读取</span>") || !strings.Contains(dom, "<b>2</b><span>已评分</span>") {
			t.Error("tiles do not count the unreadable reports apart")
		}
		if n := strings.Count(dom, `class="unreadable"`); n != 4 {
			t.Errorf("%d rows marked unreadable, want 4", n)
		}
		detail := dom[strings.Index(dom, `id="detail"`):]
		detail = detail[:strings.Index(detail, "<script")]
		if !strings.Contains(detail, unreadableCases[0].zh) || strings.Contains(detail, "未发现问题") {
			t.Errorf("drill-down of the scan:\n%.1500s", detail)
		}
	})

	// A re-run reuses everything, keeps the four unreadable, and writes the
	// same bytes.
	code, _, stderr = runOgi(t, args...)
	if code != exitInput || !strings.Contains(stderr, "6 reports, 2 scored, 4 unreadable, mean score 90.5; converted 0, reused 6 documents; checked 0, reused 2 results") {
		t.Fatalf("re-run: exit %d: %s", code, stderr)
	}
	for _, p := range []string{x, c, j, h} {
		if b, _ := os.ReadFile(p); !bytes.Equal(b, first[p]) {
			t.Errorf("%s differs between runs", filepath.Base(p))
		}
	}
}

var reHan = regexp.MustCompile(`\p{Han}`)

func hasHanText(s string) bool { return reHan.MatchString(s) }

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAssessUnreadableManifest: an unreadable report listed in a manifest
// keeps the body and year the manifest gives, so an office can tell whose
// report could not be read.
func TestAssessUnreadableManifest(t *testing.T) {
	dir := t.TempDir()
	scan := filepath.Join(dir, "scan.pdf")
	copyFile(t, unreadableFixture("scanned.pdf"), scan)
	m := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(m, []byte("file,agency,year\nscan.pdf,丙县人民政府,2023\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(dir, "r.csv")
	code, out, stderr := runOgi(t, "assess", m, "--csv", c, "--jsonl", "-", "--db", "")
	if code != exitInput {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(c)
	if !strings.Contains(string(data), "scan.pdf,丙县人民政府,2023,,,,,,,,,无法读取,没有文字层（扫描件）；ogi 不做文字识别,,,,,,unreadable,no_text") {
		t.Errorf("CSV:\n%s", data)
	}
	if !strings.Contains(out, `"status":"unreadable","agency":"丙县人民政府","year":2023,`) {
		t.Errorf("jsonl: %s", out)
	}
}
