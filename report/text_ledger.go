package report

import (
	"fmt"
	"strings"

	"github.com/ogi-checker/ogi/engine"
)

// GradeNoneLabel is the zh word for a report without a grade.
const GradeNoneLabel = engine.GradeNone

// tableShort are the tables' short names in the coverage line.
var tableShort = map[string][2]string{
	"active": {"表二", "table 2"}, "requests": {"表三", "table 3"}, "review_litigation": {"表四", "table 4"},
}

func pct(r float64) string { return fmt.Sprintf("%g%%", float64(int(r*1000+0.5))/10) }

// scoreCoverageLine says how much of the tables could be evaluated and the cap
// it put on the score, e.g. 可核验单元格 11.1%（表二 100%，表三 0%，表四 0%），得分上限 59.
func scoreCoverageLine(fr FileReport, lang string) string {
	c := fr.Coverage
	if c == nil {
		return ""
	}
	parts := make([]string, 0, len(c.Tables))
	for _, t := range c.Tables {
		n := tableShort[t.Table]
		v := pct(t.Ratio)
		if t.Status == "missing" {
			v = pick(lang, "未找到", "not found")
		}
		parts = append(parts, pick(lang, n[0], n[1])+" "+v)
	}
	s := pick(lang, "可核验单元格 ", "cells that could be evaluated ") + pct(c.Ratio) +
		pick(lang, "（"+strings.Join(parts, "，")+"）", " ("+strings.Join(parts, ", ")+")")
	if c.Cap != nil {
		s += pick(lang, fmt.Sprintf("，低于 %s，得分上限 %g", pct(c.Cap.Below), c.Cap.MaxScore),
			fmt.Sprintf(", below %s: score at most %g", pct(c.Cap.Below), c.Cap.MaxScore))
	}
	return s
}

// writeLedgerText lists what each finding cost (扣分明细), under its
// indicator, with the bound that reduced it and the advisory findings
// that cost nothing.
func writeLedgerText(w *errWriter, fr FileReport, tt titles, lang string) {
	if len(fr.Ledger) == 0 {
		return
	}
	titles := map[string]string{engine.CoverageIndicator: pick(lang, "覆盖率", "coverage")}
	for _, in := range fr.Indicators {
		titles[in.ID] = in.Title.Pick(lang)
	}
	w.printf("\n【%s】\n", pick(lang, "扣分明细", "Deductions"))
	for _, e := range fr.Ledger {
		ind := titles[e.Indicator]
		if ind == "" {
			ind = e.Indicator
		}
		what := tt.of(e.Rule, lang)
		if e.Item != "" {
			what += " " + engine.ItemName(e.Item, lang)
		}
		var note string
		switch {
		case e.Advisory:
			note = pick(lang, "仅提示，不扣分", "advisory, not deducted")
		case e.Capped == "rule":
			note = pick(lang, fmt.Sprintf("已达本规则上限 %g", e.Limit), fmt.Sprintf("rule cap %g reached", e.Limit))
		case e.Capped == "indicator":
			note = pick(lang, fmt.Sprintf("已达本指标上限 %g", e.Limit), fmt.Sprintf("indicator cap %g reached", e.Limit))
		case e.Capped == engine.CoverageIndicator:
			what = pick(lang, fmt.Sprintf("可核验单元格不足，得分上限 %g", e.Limit), fmt.Sprintf("too few cells could be evaluated: score at most %g", e.Limit))
		}
		if note != "" {
			note = pick(lang, "（"+note+"）", " ("+note+")")
		}
		pts := "0"
		if e.Points != 0 {
			pts = "-" + num(e.Points)
		}
		w.printf("  %s  %s  %s%s\n", pts, ind, strings.TrimSpace(what), note)
	}
}
