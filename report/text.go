package report

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

var groupTitles = map[string][2]string{
	"report":            {"报告整体", "Report as a whole"},
	"overview":          {"一、总体情况", "1. Overview"},
	"active_disclosure": {"二、主动公开政府信息情况", "2. Active disclosure (table 2)"},
	"requests":          {"三、收到和处理政府信息公开申请情况", "3. Requests received and handled (table 3)"},
	"review_litigation": {"四、政府信息公开行政复议、行政诉讼情况", "4. Reconsideration and litigation (table 4)"},
	"problems":          {"五、存在的主要问题及改进情况", "5. Problems and improvements"},
	"other_matters":     {"六、其他需要报告的事项", "6. Other matters"},
}

func pick(lang string, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// WriteText writes the human-readable report: per file a header with the
// score, then findings grouped by section and table, each with the cells it
// is about, their values and where they stand in the source.
func WriteText(w io.Writer, out *CheckOutput, lang string) error {
	return writeText(w, slices.Values(out.Reports), lang, nil)
}

var textFormat = &Format{Name: "text", Help: "readable report: score, then findings by section with their cells",
	Write: func(w io.Writer, src *Source) error {
		return writeText(w, reportsOf(src.reports(false)), src.Lang, newTitles(src.Rules))
	}}

// writeText names each rule by its title in tt (by its id for a rule tt
// lacks).
func writeText(w io.Writer, reports iter.Seq[FileReport], lang string, tt titles) error {
	ew := &errWriter{w: w}
	first := true
	for fr := range reports {
		if !first {
			ew.printf("\n")
		}
		first = false
		writeTextReport(ew, fr, lang, tt)
	}
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

func writeTextReport(w *errWriter, fr FileReport, lang string, tt titles) {
	title := fr.File
	if fr.Document != nil && fr.Document.Meta.Title != "" {
		title = fr.Document.Meta.Title + " (" + fr.File + ")"
	}
	w.printf("== %s\n", title)
	if fr.IsUnreadable() {
		w.printf("%s\n", unreadableText(fr, lang))
		return
	}
	c := fr.Counts
	score := pick(lang, "无法评分", "no score")
	if fr.Score != nil {
		score = pick(lang, "得分 ", "score ") + strconv.FormatFloat(*fr.Score, 'f', -1, 64)
		if fr.Grade != "" {
			score += pick(lang, "（"+fr.Grade+"）", " ("+gradeEn(fr.Grade)+")")
		}
	} else if fr.ScoreWhy != nil {
		score = pick(lang, GradeNoneLabel, "not graded") + pick(lang, "：", ": ") + fr.ScoreWhy.Pick(lang)
	} else if fr.ScoreReason != "" {
		score += pick(lang, "：", ": ") + fr.ScoreReason
	}
	w.printf("%s · %s %d · %s %d · %s %d", score,
		pick(lang, "错误", "errors"), c.Error, pick(lang, "警告", "warnings"), c.Warning,
		StatusName(engine.StatusCannotEvaluate, lang), c.CannotEvaluate)
	if c.NeedsReview > 0 {
		w.printf(" · %s %d", StatusName(engine.StatusNeedsReview, lang), c.NeedsReview)
	}
	if c.Waived > 0 {
		w.printf(" · %s %d", StatusName(statusWaived, lang), c.Waived)
	}
	w.printf("\n")
	if fr.Document != nil {
		m := fr.Document.Meta
		tpl := pick(lang, "未识别", "unknown")
		if m.Template != nil {
			tpl = *m.Template
		}
		pub := pick(lang, "无", "none")
		if m.Published != nil {
			pub = *m.Published
		}
		w.printf("%s %s · %s %s · %s %s\n", pick(lang, "机关", "agency"), orDash(m.Agency),
			pick(lang, "格式", "template"), tpl, pick(lang, "落款", "dated"), pub)
	}
	if line := scoreCoverageLine(fr, lang); line != "" {
		w.printf("%s\n", line)
	}
	group := ""
	for _, f := range fr.Findings {
		if g := Group(f); g != group {
			group = g
			t := groupTitles[g]
			w.printf("\n【%s】\n", pick(lang, t[0], t[1]))
		}
		mark := "✗"
		switch {
		case f.Waived:
			mark = "~"
		case f.Status == engine.StatusCannotEvaluate:
			mark = "?"
		case f.Status == engine.StatusNeedsReview:
			mark = "☐"
		case f.Severity != engine.SeverityError:
			mark = "!"
		}
		advisory := ""
		if f.Advisory {
			advisory = pick(lang, "〔仅提示，不扣分〕", " [advisory, not deducted]")
		}
		w.printf("  %s %s【%s】%s%s\n", mark, SeverityName(f.Severity, lang), tt.of(f.Rule, lang), f.Message.Pick(lang), advisory)
		switch {
		case f.Review != nil:
			w.printf("      %s%s%s\n", pick(lang, "核实结论：", "review: "), verdictLabel(f.Review, lang), parenthesised(reviewNote(f.Review), lang))
		case f.Waived && f.WaiverReason != "":
			w.printf("      %s%s\n", pick(lang, "已豁免：", "waived: "), f.WaiverReason)
		}
		if f.Expected != nil && f.Actual != nil {
			w.printf("      %s %s, %s %s\n", pick(lang, "应为", "expected"), num(*f.Expected), pick(lang, "实为", "actual"), num(*f.Actual))
		}
		for i, cell := range f.Cells {
			if i == 8 {
				w.printf("      … %s\n", pick(lang, fmt.Sprintf("共%d个单元格", len(f.Cells)), fmt.Sprintf("%d cells in all", len(f.Cells))))
				break
			}
			w.printf("      %s = %s%s\n", cellName(cell, lang), cellValue(cell, lang), where(cell.Source, lang))
		}
		if len(f.Cells) == 0 && f.Source != nil {
			w.printf("     %s\n", where(f.Source, lang))
		}
	}
	if len(fr.Findings) == 0 {
		w.printf("%s\n", pick(lang, "未发现问题。", "No findings."))
	}
	writeLedgerText(w, fr, tt, lang)
}

// unreadableText is the one line that says a file gave no report to check
// and why, in place of a score and findings.
func unreadableText(fr FileReport, lang string) string {
	return fr.UnreadableLabel(lang) + pick(lang, "：", ": ") + fr.UnreadableReason(lang)
}

// findingLine is a finding's message and, when known, its source line.
func findingLine(f engine.Finding, lang string) string {
	s := f.Message.Pick(lang)
	if f.Source != nil && f.Source.Line > 0 {
		s += pick(lang, fmt.Sprintf("（第%d行）", f.Source.Line), fmt.Sprintf(" (line %d)", f.Source.Line))
	}
	return s
}

// UnreadableLine names the file and says why it gave no report to check,
// e.g. for a command's error stream. An error raised while opening or
// converting the file already names it and is given as it is.
func UnreadableLine(fr FileReport, lang string) string {
	if u := fr.Unreadable; u == nil || u.Code == UnreadableInput || u.Code == UnreadableTimeout {
		return fr.Error
	}
	return fr.File + ": " + unreadableText(fr, lang)
}

func gradeEn(g string) string {
	switch g {
	case "优秀":
		return "excellent"
	case "良好":
		return "good"
	case "合格":
		return "pass"
	case "不合格":
		return "fail"
	case GradeNoneLabel:
		return "not graded"
	}
	return g
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// cellName names a cell by its printed labels (engine.CellName).
func cellName(c engine.CellRef, lang string) string { return engine.CellName(c, lang) }

func cellValue(c engine.CellRef, lang string) string {
	switch {
	case c.Status == schema.StatusNumber && c.Value != nil:
		if c.Raw != "" && c.Raw != num(*c.Value) {
			return num(*c.Value) + " (" + strconv.Quote(c.Raw) + ")"
		}
		return num(*c.Value)
	case c.Status == schema.StatusBlank:
		return pick(lang, "（空白）", "(blank)")
	case c.Status == schema.StatusMissing:
		return pick(lang, "（缺失）", "(missing)")
	case c.Status == schema.StatusAmbiguous && len(c.Candidates) > 0:
		var cs []string
		for _, v := range c.Candidates {
			cs = append(cs, num(v))
		}
		return fmt.Sprintf("%s (%s %s)", strconv.Quote(c.Raw), pick(lang, "可能为", "one of"), strings.Join(cs, pick(lang, "、", ", ")))
	}
	return fmt.Sprintf("%s (%s)", strconv.Quote(c.Raw), engine.CellStatusName(c.Status, lang))
}

func where(l *schema.Loc, lang string) string {
	if l == nil {
		return ""
	}
	var parts []string
	if l.Page > 0 {
		parts = append(parts, pick(lang, fmt.Sprintf("第%d页", l.Page), fmt.Sprintf("page %d", l.Page)))
	}
	if l.Line > 0 {
		parts = append(parts, pick(lang, fmt.Sprintf("第%d行", l.Line), fmt.Sprintf("line %d", l.Line)))
	}
	if len(parts) == 0 {
		return ""
	}
	return "  [" + strings.Join(parts, pick(lang, "", ", ")) + "]"
}

// parenthesised puts s in brackets after a label, or nothing when empty.
func parenthesised(s, lang string) string {
	if s == "" {
		return ""
	}
	return pick(lang, "（"+s+"）", " ("+s+")")
}
