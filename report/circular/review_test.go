package circular_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report/circular"
)

// reviewedInput is one body whose problems carry one decision of each
// kind: a dismissed one (waived, as check makes it), one confirmed, one
// sent for 整改, one rectified, one reopened and one without a decision.
func reviewedInput(lang string) circular.Input {
	problem := func(msg string, r *engine.Review) engine.Finding {
		f := engine.Finding{Rule: "requests.row_total", Category: "arithmetic", Severity: engine.SeverityError, Status: engine.StatusFail,
			Message: engine.Text{Zh: msg, En: msg}, Review: r}
		if r != nil && r.Verdict == engine.VerdictDismissed {
			f.Waived = true
		}
		return f
	}
	return circular.Input{Lang: lang, Reports: []circular.Report{{Body: "甲区人民政府", File: "a.pdf", Year: 2024, Score: num(80), Grade: "良好", Rank: 1,
		Findings: []engine.Finding{
			problem("问题甲", &engine.Review{Verdict: engine.VerdictDismissed, Reason: "表述无误"}),
			problem("问题乙", &engine.Review{Verdict: engine.VerdictConfirmed}),
			problem("问题丙", &engine.Review{Verdict: engine.VerdictRectify, Owner: "区政务公开办 张三", Due: "2025-06-30"}),
			problem("问题丁", &engine.Review{Verdict: engine.VerdictRectified, Owner: "李四", Due: "2025-03-01"}),
			problem("问题戊", &engine.Review{Verdict: engine.VerdictReopened, Was: engine.VerdictConfirmed}),
			problem("问题己", nil),
		}}}}
}

// TestReviewedProblems: the per-body list leaves a dismissed problem out,
// gives one sent for 整改 its owner and due date, marks a rectified one as
// such, and says before the list how to read both; the others are listed
// as they were. The English circular says the same in English.
func TestReviewedProblems(t *testing.T) {
	tests := []struct {
		lang  string
		intro string
		want  []string
	}{
		{"zh", "各单位按得分由低到高排列，未评分和无法读取的报告列于最后。已明确整改责任人和整改期限的问题，请按所列期限完成整改。注明“已整改”的问题经核实已完成整改，列出备查，无需重复整改。",
			[]string{"1.【表格数据不一致】问题乙。", "2.【表格数据不一致】问题丙。（整改责任人：区政务公开办 张三，整改期限：2025年6月30日。）",
				"3.【表格数据不一致】问题丁。（经核实，该问题已整改。）", "4.【表格数据不一致】问题戊。", "5.【表格数据不一致】问题己。"}},
		{"en", "Bodies are listed from the lowest score up; reports without a score and unreadable ones come last. A problem that names who is responsible and a due date is rectified by that date. A problem marked as rectified was verified as such; it is listed for the record and asks for nothing more.",
			[]string{"1.[Table figures do not add up] 问题乙.", "2.[Table figures do not add up] 问题丙. (Responsible: 区政务公开办 张三; due by 30 June 2025.)",
				"3.[Table figures do not add up] 问题丁. (Verified as rectified.)", "4.[Table figures do not add up] 问题戊.", "5.[Table figures do not add up] 问题己."}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			var b bytes.Buffer
			if err := circular.Write(&b, reviewedInput(tt.lang), circular.Options{}); err != nil {
				t.Fatal(err)
			}
			got := readDOCX(t, b.Bytes())
			at := -1
			for i, p := range got {
				if p.Text == tt.intro {
					at = i
				}
				if strings.Contains(p.Text, "问题甲") || strings.Contains(p.Text, "表述无误") {
					t.Errorf("the dismissed problem is in the circular: %q", p.Text)
				}
				for _, id := range []string{"rectify", "rectified", "confirmed", "reopened", "dismissed"} {
					if tt.lang == "zh" && strings.Contains(p.Text, id) {
						t.Errorf("paragraph %q names the verdict by its id %s", p.Text, id)
					}
				}
			}
			if at < 0 {
				t.Fatalf("no paragraph %q", tt.intro)
			}
			// The intro, the body's heading, then its problems.
			if len(got) < at+2+len(tt.want) {
				t.Fatalf("the circular ends after paragraph %d", len(got))
			}
			for i, w := range tt.want {
				if g := got[at+2+i].Text; g != w {
					t.Errorf("problem %d:\n got %q\nwant %q", i+1, g, w)
				}
			}
		})
	}
}

// TestUnreviewedIntro: a run without decisions on 整改 keeps the list's
// introduction as it was.
func TestUnreviewedIntro(t *testing.T) {
	in := reviewedInput("zh")
	for i := range in.Reports[0].Findings {
		if f := &in.Reports[0].Findings[i]; f.Review != nil && (f.Review.Verdict == engine.VerdictRectify || f.Review.Verdict == engine.VerdictRectified) {
			f.Review = &engine.Review{Verdict: engine.VerdictConfirmed}
		}
	}
	var b bytes.Buffer
	if err := circular.Write(&b, in, circular.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range readDOCX(t, b.Bytes()) {
		if strings.Contains(p.Text, "整改责任人：") || strings.Contains(p.Text, "已整改") || strings.Contains(p.Text, "按所列期限") {
			t.Errorf("a circular without 整改 decisions says %q", p.Text)
		}
	}
}
