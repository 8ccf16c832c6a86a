package report_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
)

// reviewedReport is a checked report whose findings carry one decision of
// each kind, a dismissed one waived as check makes it, and one finding
// without a decision.
func reviewedReport() report.FileReport {
	verdicts := []*engine.Review{
		{Verdict: engine.VerdictConfirmed, By: "王五", At: "2025-01-10T09:00:00Z"},
		{Verdict: engine.VerdictDismissed, Reason: "表述无误"},
		{Verdict: engine.VerdictRectify, Owner: "区政务公开办 张三", Due: "2025-06-30"},
		{Verdict: engine.VerdictRectified, Owner: "李四", Due: "2025-03-01"},
		{Verdict: engine.VerdictReopened, Was: engine.VerdictConfirmed},
		nil,
	}
	var fs []engine.Finding
	for i, r := range verdicts {
		f := engine.Finding{Rule: "requests.row_total", Item: string(rune('a' + i)), Category: "arithmetic", Severity: engine.SeverityError,
			Status: engine.StatusFail, Message: engine.Text{Zh: "表三合计不符", En: "table 3 total does not add up"}, Review: r}
		if r != nil && r.Verdict == engine.VerdictDismissed {
			f.Waived, f.WaiverReason = true, "不成立：表述无误"
		}
		fs = append(fs, f)
	}
	score := 80.0
	return report.NewFileReport("a.txt", nil, &engine.Result{Findings: fs}, engine.Score{Value: &score, Grade: "良好"})
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCSVReviews: five columns of the summary count the findings by
// decision, from the counts alone as a batch gives them (its summaries
// have no findings), in Chinese and in English; an unreadable report
// leaves them empty.
func TestCSVReviews(t *testing.T) {
	fr := reviewedReport()
	summary := report.FileReport{File: fr.File, Status: fr.Status, Score: fr.Score, Grade: fr.Grade, Counts: fr.Counts}
	gone := report.NewUnreadableReport("gone.pdf", report.UnreadableInput, engine.Text{Zh: "无法打开", En: "cannot open"}, "gone.pdf: open: no such file")
	tests := []struct {
		lang   string
		header []string
	}{
		{"zh", []string{"已核实", "不成立", "整改中", "已整改", "待核实"}},
		{"en", []string{"confirmed", "dismissed", "being_rectified", "rectified", "to_review"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			f, _ := report.Lookup("csv")
			src := &report.Source{Lang: tt.lang,
				Reports: func(bool) iter.Seq[report.Ranked] { t.Fatal("the CSV read the findings"); return nil },
				Summaries: func() iter.Seq[report.Ranked] {
					return slices.Values([]report.Ranked{{Report: summary}, {Report: gone}})
				},
				Cohort: report.NewCohortStats(nil)}
			var b bytes.Buffer
			if err := f.Write(&b, src); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, b.Bytes())
			if len(rows) != 3 {
				t.Fatalf("%d rows, want a header and 2", len(rows))
			}
			// The Chinese table keeps its two code columns last.
			end := len(rows[0])
			if tt.lang == "zh" {
				end -= 2
			}
			tail := func(r []string) []string { return r[end-5 : end] }
			if got := tail(rows[0]); !slices.Equal(got, tt.header) {
				t.Errorf("header ends %q, want %q", got, tt.header)
			}
			// 已核实: confirmed, sent for 整改, rectified; 待核实: reopened and undecided.
			if got, want := tail(rows[1]), []string{"3", "1", "1", "1", "2"}; !slices.Equal(got, want) {
				t.Errorf("review counts %q, want %q", got, want)
			}
			if got, want := tail(rows[2]), []string{"", "", "", "", ""}; !slices.Equal(got, want) || len(rows[2]) != len(rows[0]) {
				t.Errorf("unreadable row %q: want the review columns empty", rows[2])
			}
		})
	}
}

// TestDashboardReviews: the drill-down data gives each decided finding its
// verdict in words with its reason, owner and due date, and the tiles
// give the batch's progress (decided of all to decide on).
func TestDashboardReviews(t *testing.T) {
	fr := reviewedReport()
	type review struct {
		I int    `json:"i"`
		V string `json:"v"`
		L string `json:"l"`
		N string `json:"n"`
	}
	tests := []struct {
		lang string
		want []review
		tile string
	}{
		{"zh", []review{
			{0, engine.VerdictConfirmed, "确认", "核实：王五 2025-01-10T09:00:00Z"},
			{1, engine.VerdictDismissed, "不成立", "说明：表述无误"},
			{2, engine.VerdictRectify, "整改中", "整改责任人：区政务公开办 张三；整改期限：2025-06-30"},
			{3, engine.VerdictRectified, "已整改", "整改责任人：李四；整改期限：2025-03-01"},
			{4, engine.VerdictReopened, "需重新核实", "单元格已变化，原结论“确认”失效"},
		}, "4 / 6问题已核实"},
		{"en", []review{
			{0, engine.VerdictConfirmed, "confirmed", "decided by 王五 2025-01-10T09:00:00Z"},
			{1, engine.VerdictDismissed, "dismissed", "reason: 表述无误"},
			{2, engine.VerdictRectify, "being rectified", "responsible: 区政务公开办 张三; due: 2025-06-30"},
			{3, engine.VerdictRectified, "rectified", "responsible: 李四; due: 2025-03-01"},
			{4, engine.VerdictReopened, "to review again", "the cells changed: the earlier verdict (confirmed) no longer holds"},
		}, "4 / 6findings reviewed"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			f, _ := report.Lookup("dashboard")
			src := &report.Source{Lang: tt.lang, Reports: func(bool) iter.Seq[report.Ranked] { return slices.Values([]report.Ranked{{Report: fr}}) }}
			var b bytes.Buffer
			if err := f.Write(&b, src); err != nil {
				t.Fatal(err)
			}
			page := parse(t, b.Bytes())
			var data []struct {
				Findings [][6]string `json:"fs"`
				Reviews  []review    `json:"rv"`
			}
			if err := json.Unmarshal([]byte(text(elements(page, "script")[2])), &data); err != nil {
				t.Fatal(err)
			}
			if len(data) != 1 || len(data[0].Findings) != 6 {
				t.Fatalf("data %+v: want one report with its 6 findings", data)
			}
			if !slices.Equal(data[0].Reviews, tt.want) {
				t.Errorf("reviews\n got %+v\nwant %+v", data[0].Reviews, tt.want)
			}
			var tile string
			for _, d := range elements(page, "div") {
				if strings.Contains(attr(d, "class"), "reviews") {
					tile = text(d)
				}
			}
			if tile != tt.tile {
				t.Errorf("review tile %q, want %q", tile, tt.tile)
			}
		})
	}
}
