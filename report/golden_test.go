package report_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
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
		res := eng.Evaluate(doc)
		if waive && len(res.Findings) > 0 {
			res.Findings[0].Waived, res.Findings[0].WaiverReason = true, "reviewed by the office "+hostile
		}
		fr := report.NewFileReport(file, doc, res, eng.ScoreResult(res, engine.DefaultScoreConfig(), ""))
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

// goldenCase writes one format of the fixture's run.
type goldenCase struct {
	name, file string
	write      func(w io.Writer, out *report.CheckOutput, ranked []report.Ranked, c *report.CohortStats, eng *engine.Engine) error
}

var goldenCases = []goldenCase{
	{"text", "check.txt", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteText(w, out, "zh")
	}},
	{"text.en", "check.en.txt", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteText(w, out, "en")
	}},
	{"json", "check.json", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteJSON(w, out)
	}},
	{"jsonl", "check.jsonl", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteJSONL(w, out)
	}},
	{"sarif", "check.sarif", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, eng *engine.Engine) error {
		return report.WriteSARIF(w, out, eng.Rules(), "zh")
	}},
	{"junit", "check.junit.xml", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteJUnit(w, out, "zh")
	}},
	{"github", "check.github", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteGitHub(w, out, "zh")
	}},
	{"markdown", "check.md", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteMarkdown(w, out, "zh")
	}},
	{"html", "page.html", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		for _, fr := range out.Reports {
			if err := report.WriteHTML(w, fr, "zh"); err != nil {
				return err
			}
		}
		return nil
	}},
	{"html.en", "page.en.html", func(w io.Writer, out *report.CheckOutput, _ []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteHTML(w, out.Reports[1], "en")
	}},
	{"csv", "summary.csv", func(w io.Writer, _ *report.CheckOutput, ranked []report.Ranked, _ *report.CohortStats, _ *engine.Engine) error {
		return report.WriteCSV(w, report.Slice(ranked)())
	}},
	{"xlsx", "workbook.xlsx", func(w io.Writer, _ *report.CheckOutput, ranked []report.Ranked, c *report.CohortStats, _ *engine.Engine) error {
		return report.WriteXLSX(w, report.Slice(ranked), report.Slice(ranked), c, "zh")
	}},
	{"dashboard", "dashboard.html", func(w io.Writer, _ *report.CheckOutput, ranked []report.Ranked, c *report.CohortStats, _ *engine.Engine) error {
		return report.WriteDashboard(w, report.Slice(ranked), c, report.DashboardOptions{Lang: "zh"})
	}},
	{"dashboard.en", "dashboard.en.html", func(w io.Writer, _ *report.CheckOutput, ranked []report.Ranked, c *report.CohortStats, _ *engine.Engine) error {
		return report.WriteDashboard(w, report.Slice(ranked), c, report.DashboardOptions{Lang: "en", MaxDetails: 1})
	}},
}

// TestGolden compares every format's output of one run with the file kept
// under testdata/golden; -update rewrites the files. A change to any output
// shows up as a diff of that file in review.
func TestGolden(t *testing.T) {
	reports, eng := goldenFixture(t)
	out := &report.CheckOutput{SchemaVersion: report.CheckSchemaVersion,
		Tool:     report.Tool{Name: "ogi", Version: "test", RulePack: "builtin"},
		Reports:  reports,
		Warnings: []string{"waiver for rule x.y in ogi.yaml expired on 2026-01-01 " + hostile}}
	ranked, c := cohort(reports, eng)
	for _, gc := range goldenCases {
		t.Run(gc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := gc.write(&buf, out, ranked, c, eng); err != nil {
				t.Fatal(err)
			}
			compareGolden(t, gc.file, buf.Bytes())
		})
	}
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
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
	t.Errorf("%s differs from the golden file at byte %d (got %d bytes, want %d):\ngot:  %q\nwant: %q",
		path, i, len(got), len(want), got[lo:min(i+80, len(got))], want[lo:min(i+80, len(want))])
}
