package assess

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
)

// TestReviewRoundTrip: assess → an officer edits the 问题清单 (confirms one
// finding, dismisses another with a reason) → --review → the decisions are
// kept and hold on later runs, the score follows, and changing one cell of
// the report reopens exactly the decided findings on that cell.
func TestReviewRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../testdata/seeds/002_a141446f969544e3.txt")
	if err != nil {
		t.Fatal(err)
	}
	rep := filepath.Join(dir, "report.txt")
	if err := os.WriteFile(rep, src, 0o644); err != nil {
		t.Fatal(err)
	}
	db, book := filepath.Join(dir, "ogi.db"), filepath.Join(dir, "r.xlsx")
	inputs := []check.Input{{File: rep}}
	lines := filepath.Join(dir, "r.jsonl")
	specs, err := report.ParseSpecs([]string{"xlsx=" + book, "jsonl=" + lines})
	if err != nil {
		t.Fatal(err)
	}
	run := func(review []ReviewRow) report.FileReport {
		t.Helper()
		runBatch(t, inputs, Options{Store: db, Outputs: specs, Review: review, ReviewSource: "r.xlsx", Reviewer: "张三"})
		return onlyResult(t, lines)
	}
	before := run(nil)
	// The officer's picks: the identity failure is confirmed, the row-total
	// failure on 表三“予以公开”“总计” (requests.granted.total) dismissed.
	confirm := findingWhere(t, before, "requests.identity", "")
	dismiss := findingWhere(t, before, "requests.row_total", "requests.granted.total")
	editReview(t, book, map[string][2]string{confirm.ID: {"确认", ""}, dismiss.ID: {"不成立", "原表总计栏印刷有误，已电话核实"}})
	rows, err := ReadReview(book)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%d review rows, want 2: %+v", len(rows), rows)
	}
	after := run(rows)
	again := run(nil) // the decisions are kept in the store
	for name, fr := range map[string]report.FileReport{"with --review": after, "a later run": again} {
		c, d := byID(fr, confirm.ID), byID(fr, dismiss.ID)
		if c == nil || c.Review == nil || c.Review.Verdict != engine.VerdictConfirmed || c.Review.By != "张三" || c.Waived {
			t.Errorf("%s: confirmed finding %+v", name, c)
		}
		if d == nil || d.Review == nil || d.Review.Verdict != engine.VerdictDismissed || !d.Waived || !strings.Contains(d.WaiverReason, "电话核实") || strings.Contains(d.WaiverReason, "dismissed") {
			t.Errorf("%s: dismissed finding %+v", name, d)
		}
		if *fr.Score <= *before.Score {
			t.Errorf("%s: score %v, want above %v (the dismissed finding costs nothing)", name, *fr.Score, *before.Score)
		}
	}
	// Change 表三“予以公开”“总计” from 0 to 2 (still wrong: the row sums to 1).
	text := strings.Split(string(src), "\n")
	cell := dismiss.Cells[0]
	fields := strings.Split(text[cell.Source.Line-1], "\t")
	last := len(fields) - 1
	for fields[last] == "" {
		last--
	}
	fields[last] = "2"
	text[cell.Source.Line-1] = strings.Join(fields, "\t")
	if err := os.WriteFile(rep, []byte(strings.Join(text, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := run(nil)
	for _, f := range changed.Findings {
		if f.Review == nil {
			continue
		}
		onCell := slices.ContainsFunc(f.Cells, func(c engine.CellRef) bool { return c.Address() == cell.Address() })
		if reopened := f.Review.Verdict == engine.VerdictReopened; reopened != onCell {
			t.Errorf("%s on %v: review %+v; reopened must be exactly the findings on %s", f.Rule, cellAddrs(f), f.Review, cell.Address())
		}
	}
	if d := findingWhere(t, changed, "requests.row_total", "requests.granted.total"); d.Review == nil || d.Review.Was != engine.VerdictDismissed || d.Waived {
		t.Errorf("the dismissed finding on the changed cell: %+v, want reopened, no longer waived", d)
	}
	if c := byID(changed, confirm.ID); c == nil || c.Review == nil || c.Review.Verdict != engine.VerdictConfirmed {
		t.Errorf("the confirmed finding, not on the changed cell, lost its decision: %+v", c)
	}
}

func cellAddrs(f engine.Finding) []string {
	var out []string
	for _, c := range f.Cells {
		out = append(out, c.Address())
	}
	return out
}

func findingWhere(t *testing.T, fr report.FileReport, rule, cell string) engine.Finding {
	t.Helper()
	for _, f := range fr.Findings {
		if f.Rule == rule && (cell == "" || slices.Contains(cellAddrs(f), cell)) {
			return f
		}
	}
	t.Fatalf("no %s finding on %q in %s", rule, cell, fr.File)
	return engine.Finding{}
}

func byID(fr report.FileReport, id string) *engine.Finding {
	for i := range fr.Findings {
		if fr.Findings[i].ID == id {
			return &fr.Findings[i]
		}
	}
	return nil
}

// onlyResult reads the run's one result from its JSON Lines.
func onlyResult(t *testing.T, jsonl string) report.FileReport {
	t.Helper()
	data, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	var fr report.FileReport
	if err := json.Unmarshal(bytes.TrimSpace(data), &fr); err != nil {
		t.Fatal(err)
	}
	return fr
}

// editReview writes verdicts and reasons into the 问题清单 rows of the
// given finding IDs, as an officer would in Excel.
func editReview(t *testing.T, book string, edits map[string][2]string) {
	t.Helper()
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	const sheet = "问题清单"
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string, after int) int {
		for i, h := range rows[0] {
			if h == name && i > after {
				return i
			}
		}
		t.Fatalf("问题清单 has no %s column after column %d: %v", name, after, rows[0])
		return -1
	}
	idCol, verdictCol := col("问题编号", -1), col("核实结论", -1)
	noteCol := col("说明", verdictCol)
	found := 0
	for r, row := range rows[1:] {
		if idCol >= len(row) {
			continue
		}
		e, ok := edits[row[idCol]]
		if !ok {
			continue
		}
		found++
		for _, c := range []struct {
			col int
			v   string
		}{{verdictCol, e[0]}, {noteCol, e[1]}} {
			name, _ := excelize.CoordinatesToCellName(c.col+1, r+2)
			if err := f.SetCellStr(sheet, name, c.v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if found != len(edits) {
		t.Fatalf("found %d of %d findings in the sheet", found, len(edits))
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestReadReviewRefuses: what an officer may get wrong is named by file,
// sheet and cell.
func TestReadReviewRefuses(t *testing.T) {
	dir := t.TempDir()
	const id = "0123456789ab-abcdef"
	book := func(name, sheet string, rows ...[]any) string {
		f := excelize.NewFile()
		defer func() { _ = f.Close() }()
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(dir, name)
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := []any{"说明", "问题编号", "核实结论", "说明"}
	cases := []struct {
		path, want string
		rows       int
	}{
		{book("ok.xlsx", "问题清单", head, []any{"消息", id, "不成立", "理由"}, []any{"消息", id, "", ""}, []any{"消息", id, "需重新核实", ""}), "", 1},
		{book("verdict.xlsx", "问题清单", head, []any{"消息", id, "也许", ""}), `问题清单!C2: 核实结论 "也许" is not 确认, 不成立 or 已整改`, 0},
		{book("reason.xlsx", "问题清单", head, []any{"有消息", id, "不成立", ""}), "问题清单!C2: 不成立 needs its reason in 说明", 0},
		{book("id.xlsx", "问题清单", head, []any{"消息", "R12", "确认", ""}), `问题编号 "R12" is not a finding ID`, 0},
		{book("sheet.xlsx", "汇总", head), "no sheet 问题清单", 0},
		{book("header.xlsx", "问题清单", []any{"问题编号", "结论"}), "no 核实结论 column", 0},
		{filepath.Join(dir, "missing.xlsx"), "missing.xlsx", 0},
	}
	for _, c := range cases {
		rows, err := ReadReview(c.path)
		if c.want == "" {
			if err != nil || len(rows) != c.rows || rows[0].Reason != "理由" {
				t.Errorf("%s: %+v %v", c.path, rows, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.path, err, c.want)
		}
	}
}
