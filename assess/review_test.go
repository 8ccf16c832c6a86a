package assess

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestReviewOwnerDueRoundTrip: a finding sent for 整改 with its owner and
// due date, and one rectified, are kept in the store, written into the
// 问题清单 (整改状态 整改中 / 已整改, 整改责任人, 整改期限; the English
// workbook's Progress, Owner, Due) and read back from it as they were.
func TestReviewOwnerDueRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db, lines := filepath.Join(dir, "ogi.db"), filepath.Join(dir, "r.jsonl")
	inputs := []check.Input{{File: "../testdata/seeds/002_a141446f969544e3.txt"}}
	run := func(review []ReviewRow, lang, book string) report.FileReport {
		t.Helper()
		specs, err := report.ParseSpecs([]string{"xlsx=" + book, "jsonl=" + lines})
		if err != nil {
			t.Fatal(err)
		}
		runBatch(t, inputs, Options{Store: db, Outputs: specs, Review: review, ReviewSource: "web", Reviewer: "张三", Lang: lang})
		return onlyResult(t, lines)
	}
	before := run(nil, "zh", filepath.Join(dir, "0.xlsx"))
	rectify := findingWhere(t, before, "requests.identity", "")
	rectified := findingWhere(t, before, "requests.row_total", "requests.granted.total")
	decided := []ReviewRow{
		{ID: rectify.ID, Verdict: engine.VerdictRectify, Owner: "办公室 李四", Due: "2026-06-30"},
		{ID: rectified.ID, Verdict: engine.VerdictRectified, Owner: "王五", Due: "2026-03-31"},
	}
	books := []struct{ lang, book string }{{"zh", filepath.Join(dir, "zh.xlsx")}, {"en", filepath.Join(dir, "en.xlsx")}}
	for i, b := range books {
		var review []ReviewRow
		if i == 0 {
			review = decided // the first run records them; the second has them from the store
		}
		fr := run(review, b.lang, b.book)
		for _, want := range decided {
			f := byID(fr, want.ID)
			if f == nil || f.Review == nil || f.Review.Verdict != want.Verdict || f.Review.Owner != want.Owner || f.Review.Due != want.Due || f.Waived {
				t.Errorf("%s: finding %s review %+v, want %+v", b.lang, want.ID, f, want)
			}
		}
		rows, err := ReadReview(b.book)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]ReviewRow{}
		for _, r := range rows {
			got[r.ID] = r
		}
		if len(rows) != len(decided) {
			t.Errorf("%s: %d rows read back, want %d: %+v", b.lang, len(rows), len(decided), rows)
		}
		for _, want := range decided {
			g := got[want.ID]
			if g.Verdict != want.Verdict || g.Owner != want.Owner || g.Due != want.Due {
				t.Errorf("%s workbook: read back %+v, want %+v", b.lang, g, want)
			}
		}
	}
}

// TestReadReviewRectify: how 整改状态, 整改责任人 and 整改期限 are read, and
// what is refused, named by cell.
func TestReadReviewRectify(t *testing.T) {
	dir := t.TempDir()
	const id = "0123456789ab-abcdef"
	book := func(name string, rows ...[]any) string {
		f := excelize.NewFile()
		defer func() { _ = f.Close() }()
		sheet := "问题清单"
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
	zh := []any{"问题编号", "核实结论", "整改状态", "整改责任人", "整改期限", "说明"}
	row := func(verdict, progress, owner string, due any) []any {
		return []any{id, verdict, progress, owner, due, "理由"}
	}
	cases := []struct {
		name, path string
		want       ReviewRow // Verdict "" = no row
		err        string
	}{
		{"整改中 with owner and date", book("a.xlsx", zh, row("确认", "整改中", "李四", "2026-06-30")),
			ReviewRow{Verdict: engine.VerdictRectify, Owner: "李四", Due: "2026-06-30"}, ""},
		{"整改中 without a verdict", book("b.xlsx", zh, row("", "整改中", "李四", "2026/6/3")),
			ReviewRow{Verdict: engine.VerdictRectify, Owner: "李四", Due: "2026-06-03"}, ""},
		{"整改中 typed as the verdict", book("c.xlsx", zh, row("整改中", "", "李四", "2026年6月30日")),
			ReviewRow{Verdict: engine.VerdictRectify, Owner: "李四", Due: "2026-06-30"}, ""},
		{"a date cell", book("d.xlsx", zh, row("确认", "整改中", "李四", time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))),
			ReviewRow{Verdict: engine.VerdictRectify, Owner: "李四", Due: "2026-06-30"}, ""},
		{"confirmed, then 已整改", book("e.xlsx", zh, row("确认", "已整改", "李四", "")),
			ReviewRow{Verdict: engine.VerdictRectified, Owner: "李四"}, ""},
		{"未整改 leaves it confirmed", book("f.xlsx", zh, row("确认", "未整改", "", "")),
			ReviewRow{Verdict: engine.VerdictConfirmed}, ""},
		{"a dismissal wins over a stale 整改中", book("g.xlsx", zh, row("不成立", "整改中", "", "")),
			ReviewRow{Verdict: engine.VerdictDismissed}, ""},
		{"nothing decided", book("h.xlsx", zh, row("", "未整改", "李四", "")), ReviewRow{}, ""},
		{"English headers", book("i.xlsx", []any{"Finding ID", "Verdict", "Progress", "Owner", "Due", "Note"}, row("confirmed", "in progress", "Li Si", "2026-06-30")),
			ReviewRow{Verdict: engine.VerdictRectify, Owner: "Li Si", Due: "2026-06-30"}, ""},
		{"an earlier ogi's English headers", book("j.xlsx", []any{"Finding ID", "Verdict", "Responsible", "Deadline", "Progress", "Notes"}, []any{id, "", "Li Si", "2026-06-30", "in progress"}),
			ReviewRow{Verdict: engine.VerdictRectify, Owner: "Li Si", Due: "2026-06-30"}, ""},
		{"整改中 without an owner", book("k.xlsx", zh, row("确认", "整改中", "", "2026-06-30")), ReviewRow{}, "问题清单!D2: 整改中 needs its 整改责任人"},
		{"整改中 without a date", book("l.xlsx", zh, row("确认", "整改中", "李四", "")), ReviewRow{}, "问题清单!E2: 整改中 needs its 整改期限"},
		{"整改中 in a sheet without the columns", book("m.xlsx", []any{"问题编号", "核实结论", "整改状态"}, []any{id, "确认", "整改中"}), ReviewRow{}, "has no 整改责任人 column"},
		{"a date that is not one", book("n.xlsx", zh, row("确认", "整改中", "李四", "2026-02-30")), ReviewRow{}, `问题清单!E2: 整改期限 "2026-02-30" is not a date`},
		{"words for a date", book("o.xlsx", zh, row("确认", "已整改", "李四", "年底前")), ReviewRow{}, `整改期限 "年底前" is not a date`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := ReadReview(tc.path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.Verdict == "" {
				if len(rows) != 0 {
					t.Errorf("rows %+v, want none", rows)
				}
				return
			}
			if len(rows) != 1 {
				t.Fatalf("rows %+v, want one", rows)
			}
			g := rows[0]
			if g.ID != id || g.Verdict != tc.want.Verdict || g.Owner != tc.want.Owner || g.Due != tc.want.Due {
				t.Errorf("read %+v, want %+v", g, tc.want)
			}
		})
	}
}

// FuzzReviewDate: whatever an officer types into 整改期限, a date read is
// a real YYYY-MM-DD day that reads back as itself.
func FuzzReviewDate(f *testing.F) {
	for _, s := range []string{"2026-06-30", "2026/6/3", "2026年6月30日", "46203", "46203.5", "2026-02-30", "年底前", "", "9999999999", "-1", "NaN", "1e308"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, date1904 bool) {
		d, ok := reviewDate(s, date1904)
		if !ok || d == "" {
			return
		}
		if _, err := time.Parse(engine.DueLayout, d); err != nil {
			t.Fatalf("reviewDate(%q) = %q: %v", s, d, err)
		}
		if again, ok := reviewDate(d, date1904); !ok || again != d {
			t.Fatalf("reviewDate(%q) = %q, which reads back as %q %v", s, d, again, ok)
		}
	})
}
