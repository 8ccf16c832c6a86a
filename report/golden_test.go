package report_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/internal/printpdf"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

var update = flag.Bool("update", false, "rewrite report/testdata/golden from the current output")

// hostile is text that must come out as data in every format: each
// character HTML, XML, CSV or a JSON-in-script element treats specially,
// and a </script> that would end an embedded data element.
const hostile = `<b>&"'</script>`

// goldenFixture is one run: a real report converted from a seed text (with
// one finding waived), a sample whose table 3 total is wrong and whose
// names carry hostile text, a clean sample, a scan without a text layer,
// and a file that could not be opened. Every report has its grid, so the
// dashboard draws the same run the other formats write.
func goldenFixture(t *testing.T) ([]report.FileReport, *engine.Engine) {
	t.Helper()
	eng, err := engine.New([]engine.Pack{{Name: "builtin", FS: rules.FS}}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := func(file string, doc *schema.Document, waive bool) report.FileReport {
		res := enginetest.Eval(eng, doc)
		if waive && len(res.Findings) > 0 {
			res.Findings[0].Waived, res.Findings[0].WaiverReason = true, "reviewed by the office "+hostile
		}
		fr := report.NewFileReport(file, doc, res, eng.ScoreResult(doc, res, engine.DefaultScoreConfig()))
		fr.Grid = report.NewGrid(doc, fr.Findings, "zh")
		return fr
	}
	seed := "../testdata/seeds/001_1dc63dd6a21548ca.txt"
	data, err := os.ReadFile(seed)
	if err != nil {
		t.Fatal(err)
	}
	real, err := ingest.Convert(context.Background(), "seeds/001.txt", data, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	broken := engine.SampleDocument("2021")
	broken.Meta.Agency = "乙县" + hostile + "人民政府"
	broken.Meta.Title = "乙县 " + hostile + " 年报"
	v := 999.0
	broken.Tables.Requests["new_received"]["total"].Value = &v
	broken.Tables.Requests["new_received"]["total"].Raw = "999"
	clean := engine.SampleDocument("2021")
	clean.Meta.Agency = "甲县人民政府"

	zh, en := ingest.UnreadableReason(ingest.UnreadableNoText)
	return []report.FileReport{
		check("seeds/001.txt", real, true),
		check("b "+hostile+".txt", broken, false),
		check("a.txt", clean, false),
		report.NewUnreadableReport("scan.pdf", ingest.UnreadableNoText, engine.Text{Zh: zh, En: en}, "scan.pdf: unreadable: "+en),
		report.NewUnreadableReport("gone"+hostile+".pdf", report.UnreadableInput, engine.Text{Zh: "无法打开", En: "cannot open"},
			"gone"+hostile+".pdf: open: no such file"),
	}, eng
}

// goldenCase is one golden file: a format written in a language, or with
// report set, one page of a per-report format.
type goldenCase struct {
	name, format, file, lang string
	maxDetails               int
	report                   int // 1-based index of the page WriteReport writes; 0: Write
}

var goldenCases = []goldenCase{
	{name: "text", format: "text", file: "check.txt", lang: "zh"},
	{name: "text.en", format: "text", file: "check.en.txt", lang: "en"},
	{name: "json", format: "json", file: "check.json", lang: "zh"},
	{name: "jsonl", format: "jsonl", file: "check.jsonl", lang: "zh"},
	{name: "sarif", format: "sarif", file: "check.sarif", lang: "zh"},
	{name: "junit", format: "junit", file: "check.junit.xml", lang: "zh"},
	{name: "github", format: "github", file: "check.github", lang: "zh"},
	{name: "markdown", format: "markdown", file: "check.md", lang: "zh"},
	{name: "html", format: "html", file: "page.html", lang: "zh"},
	{name: "html.en", format: "html", file: "page.en.html", lang: "en", report: 2},
	{name: "csv", format: "csv", file: "summary.csv", lang: "zh"},
	{name: "csv.en", format: "csv", file: "summary.en.csv", lang: "en"},
	{name: "xlsx", format: "xlsx", file: "workbook.xlsx", lang: "zh"},
	{name: "dashboard", format: "dashboard", file: "dashboard.html", lang: "zh"},
	{name: "dashboard.en", format: "dashboard", file: "dashboard.en.html", lang: "en", maxDetails: 1},
	{name: "circular", format: "circular", file: "circular.docx", lang: "zh"},
	{name: "circular.en", format: "circular", file: "circular.en.docx", lang: "en"},
	{name: "circular-pdf", format: "circular-pdf", file: "circular.pdf.txt", lang: "zh"},
}

// TestGolden compares every format's output of one run with the file kept
// under testdata/golden; -update rewrites the files. A change to any output
// shows up as a diff of that file in review. Each format is written twice,
// from a batch's source (ranked reports and their cohort) and from a
// check's (NewSource: no ranks, the cohort built by the formats that rank),
// and both must give the golden bytes.
func TestGolden(t *testing.T) {
	reports, eng := goldenFixture(t)
	out := &report.CheckOutput{SchemaVersion: report.CheckSchemaVersion,
		Tool:     report.Tool{Name: "ogi", Version: "test", RulePack: "builtin"},
		Reports:  reports,
		Warnings: []string{"waiver for rule x.y in ogi.yaml expired on 2026-01-01 " + hostile}}
	ranked, c := cohort(reports, eng)
	for _, gc := range goldenCases {
		t.Run(gc.name, func(t *testing.T) {
			f, ok := report.Lookup(gc.format)
			if !ok {
				t.Fatalf("format %s is not registered", gc.format)
			}
			batch := &report.Source{Tool: out.Tool, Warnings: out.Warnings, Rules: eng.Rules(), Lang: gc.lang,
				Reports: func(bool) iter.Seq[report.Ranked] { return slices.Values(ranked) }, Cohort: c, MaxDetails: gc.maxDetails}
			check := report.NewSource(out, eng.Rules(), gc.lang)
			check.MaxDetails = gc.maxDetails
			var first []byte
			for i, src := range []*report.Source{batch, check} {
				var buf bytes.Buffer
				var err error
				if gc.report > 0 {
					if !f.PerReport {
						t.Fatalf("%s writes no page per report", gc.format)
					}
					err = f.WriteReport(&buf, reports[gc.report-1], src)
				} else {
					err = f.Write(&buf, src)
				}
				if errors.Is(err, printpdf.ErrNoSoffice) && os.Getenv("CI") != "true" {
					t.Skip(err)
				}
				if err != nil {
					t.Fatal(err)
				}
				got := buf.Bytes()
				if gc.format == "circular-pdf" {
					// LibreOffice lays the circular out in whichever CJK font the
					// host has, and orders the font objects its own way on each
					// machine, so the PDF's bytes are compared between the two
					// writes here, and its text, which no font changes, with the
					// golden file.
					if i == 0 {
						first = bytes.Clone(got)
					} else if !bytes.Equal(got, first) {
						t.Errorf("the PDF written from a check's source differs from the batch's (%d and %d bytes): the same input must give the same bytes", len(got), len(first))
					}
					got = pdfText(t, got)
				}
				compareGolden(t, gc.file, got, i == 0)
				if gc.report > 0 {
					break
				}
			}
		})
	}
}

// TestGoldenEveryFormat: a format cannot be registered without its golden
// file.
func TestGoldenEveryFormat(t *testing.T) {
	for _, name := range report.FormatNames() {
		if !slices.ContainsFunc(goldenCases, func(gc goldenCase) bool { return gc.format == name && gc.report == 0 }) {
			t.Errorf("format %s has no golden case", name)
		}
	}
}

// TestNilSource: a format given no source writes its empty output.
func TestNilSource(t *testing.T) {
	for _, name := range report.FormatNames() {
		f, _ := report.Lookup(name)
		err := f.Write(io.Discard, nil)
		if errors.Is(err, printpdf.ErrNoSoffice) && os.Getenv("CI") != "true" {
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// pdfText is the text of a PDF in the order its pages draw it (pdftotext
// -raw), after checking that every font is embedded. Where a line or a page
// breaks depends on the font's metrics, so the page footers (— 1 —), a
// table's header row that LibreOffice repeats at the top of a page, and all
// white space are dropped.
func pdfText(t *testing.T, pdf []byte) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "circular.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	fonts, err := exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(fonts)), "\n")
	if len(lines) < 3 {
		t.Fatalf("the PDF uses no font:\n%s", fonts)
	}
	for _, line := range lines[2:] {
		// name, type, encoding, emb, sub, uni, object, generation: the
		// type may be two words, so emb is counted from the end.
		f := strings.Fields(line)
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("a font is not embedded, so the circular prints differently where it is missing: %s", line)
		}
	}
	text, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	footer := regexp.MustCompile(`^—\d+—$`)
	seen := map[string]bool{}
	var b strings.Builder
	for i, page := range strings.Split(string(text), "\f") {
		for j, line := range strings.Split(page, "\n") {
			line = strings.Join(strings.Fields(line), "")
			if line == "" || footer.MatchString(line) || (i > 0 && j == 0 && seen[line]) {
				continue
			}
			seen[line] = true
			b.WriteString(line)
		}
	}
	return []byte(b.String())
}

func compareGolden(t *testing.T, name string, got []byte, mayUpdate bool) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update && mayUpdate {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run Golden -update)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(i-80, 0)
	for lo > 0 && lo < len(got) && !utf8.RuneStart(got[lo]) {
		lo--
	}
	t.Errorf("%s differs from the golden file at byte %d (got %d bytes, want %d):\ngot:  %q\nwant: %q",
		path, i, len(got), len(want), got[lo:min(i+80, len(got))], want[lo:min(i+80, len(want))])
}

// TestLookup: every name FormatNames gives is found, an unknown one is not,
// and the deprecated Formats names formats that exist.
func TestLookup(t *testing.T) {
	for _, name := range report.FormatNames() {
		if f, ok := report.Lookup(name); !ok || f.Name != name || f.Help == "" || f.Write == nil {
			t.Errorf("Lookup(%q) = %+v, %v", name, f, ok)
		}
	}
	if _, ok := report.Lookup("pdf"); ok {
		t.Error("Lookup found a format that does not exist")
	}
	for _, name := range report.Formats {
		if _, ok := report.Lookup(name); !ok {
			t.Errorf("Formats lists %s, which is not registered", name)
		}
	}
}
