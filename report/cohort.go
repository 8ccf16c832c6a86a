package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/engine"
)

// Ranked is a report's place in its cohort.
type Ranked struct {
	Report FileReport
	// Rank is 1 for the best score; reports without a score have rank 0.
	Rank int
	// Percentile is the share of scored reports at or below this score.
	Percentile float64
}

// RuleStat counts what one rule did across a cohort.
type RuleStat struct {
	Rule           string
	Title          engine.Text
	Fired          int // reports with a failing (or needs_review) finding
	CannotEvaluate int
	Errors         int // reports where the rule broke
	Reports        int
}

// FireRate is the share of reports in which the rule fired.
func (s RuleStat) FireRate() float64 {
	if s.Reports == 0 {
		return 0
	}
	return float64(s.Fired) / float64(s.Reports)
}

// Cohort ranks reports by score (ties share a rank) and counts rules.
func Cohort(reports []FileReport, rules []*engine.Rule) ([]Ranked, []RuleStat) {
	ranked := make([]Ranked, len(reports))
	var scores []float64
	for i, r := range reports {
		ranked[i] = Ranked{Report: r}
		if r.Score != nil {
			scores = append(scores, *r.Score)
		}
	}
	sort.Float64s(scores)
	for i := range ranked {
		s := ranked[i].Report.Score
		if s == nil {
			continue
		}
		higher, atOrBelow := 0, 0
		for _, x := range scores {
			if x > *s {
				higher++
			} else {
				atOrBelow++
			}
		}
		ranked[i].Rank = higher + 1
		ranked[i].Percentile = float64(atOrBelow) / float64(len(scores))
	}
	stats := map[string]*RuleStat{}
	for _, r := range rules {
		stats[r.ID] = &RuleStat{Rule: r.ID, Title: r.Title}
	}
	for _, fr := range reports {
		if fr.Error != "" {
			continue
		}
		for _, rr := range fr.Rules {
			st, ok := stats[rr.Rule]
			if !ok {
				continue
			}
			st.Reports++
			switch rr.Status {
			case engine.StatusFail, engine.StatusNeedsReview:
				st.Fired++
			case engine.StatusCannotEvaluate:
				st.CannotEvaluate++
			case engine.StatusError:
				st.Errors++
			}
		}
	}
	out := make([]RuleStat, 0, len(stats))
	for _, s := range stats {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Fired != out[j].Fired {
			return out[i].Fired > out[j].Fired
		}
		return out[i].Rule < out[j].Rule
	})
	return ranked, out
}

func yearString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func scoreString(p *float64) string {
	if p == nil {
		return ""
	}
	return num(*p)
}

func cellList(f engine.Finding) string {
	var cs []string
	for _, c := range f.Cells {
		cs = append(cs, c.Table+"."+c.Row+"."+c.Col)
	}
	return strings.Join(cs, " ")
}

// WriteCSV writes the summary table (one row per report).
func WriteCSV(w io.Writer, ranked []Ranked) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"file", "agency", "year", "template", "score", "grade", "rank", "percentile", "errors", "warnings", "needs_review", "error"}); err != nil {
		return err
	}
	for _, r := range ranked {
		fr := r.Report
		tpl := ""
		if fr.Template != nil {
			tpl = *fr.Template
		}
		rank := ""
		if r.Rank > 0 {
			rank = strconv.Itoa(r.Rank)
		}
		if err := cw.Write([]string{fr.File, fr.Agency, yearString(fr.Year), tpl, scoreString(fr.Score), fr.Grade, rank,
			fmt.Sprintf("%.3f", r.Percentile), strconv.Itoa(fr.Counts.Error), strconv.Itoa(fr.Counts.Warning),
			strconv.Itoa(fr.Counts.NeedsReview), fr.Error}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the workbook offices use: 汇总 (one row per report with
// rank), 问题清单 (one row per finding) and 规则统计 (how often each rule
// fired), each with a frozen header, filters and column widths.
func WriteXLSX(w io.Writer, ranked []Ranked, stats []RuleStat, lang string) error {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sheets := []struct {
		name   string
		header []string
		widths []float64
		rows   [][]any
	}{
		{name: "汇总", header: []string{"报告文件", "机关", "年度", "格式", "得分", "等级", "排名", "百分位", "错误", "警告", "待核对", "无法读取原因"},
			widths: []float64{36, 28, 8, 8, 8, 8, 8, 10, 8, 8, 8, 30}},
		{name: "问题清单", header: []string{"报告文件", "机关", "规则", "严重程度", "状态", "类别", "说明", "单元格", "行", "已豁免"},
			widths: []float64{36, 28, 30, 10, 14, 12, 70, 40, 8, 8}},
		{name: "规则统计", header: []string{"规则", "名称", "触发报告数", "触发率", "无法核验", "执行出错", "检查报告数"},
			widths: []float64{34, 50, 12, 10, 10, 10, 12}},
	}
	for _, r := range ranked {
		fr := r.Report
		tpl := ""
		if fr.Template != nil {
			tpl = *fr.Template
		}
		var score, rank any = "", ""
		if fr.Score != nil {
			score = *fr.Score
		}
		if r.Rank > 0 {
			rank = r.Rank
		}
		sheets[0].rows = append(sheets[0].rows, []any{fr.File, fr.Agency, yearString(fr.Year), tpl, score, fr.Grade, rank,
			r.Percentile, fr.Counts.Error, fr.Counts.Warning, fr.Counts.NeedsReview, fr.Error})
		for _, fd := range fr.Findings {
			line := ""
			if fd.Source != nil && fd.Source.Line > 0 {
				line = strconv.Itoa(fd.Source.Line)
			}
			waived := ""
			if fd.Waived {
				waived = "是"
			}
			sheets[1].rows = append(sheets[1].rows, []any{fr.File, fr.Agency, fd.Rule, fd.Severity, fd.Status, fd.Category,
				fd.Message.Pick(lang), cellList(fd), line, waived})
		}
	}
	for _, s := range stats {
		sheets[2].rows = append(sheets[2].rows, []any{s.Rule, s.Title.Pick(lang), s.Fired, s.FireRate(), s.CannotEvaluate, s.Errors, s.Reports})
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := f.SetSheetRow(s.name, "A1", &s.header); err != nil {
			return err
		}
		for r, row := range s.rows {
			cell, err := excelize.CoordinatesToCellName(1, r+2)
			if err != nil {
				return err
			}
			if err := f.SetSheetRow(s.name, cell, &row); err != nil {
				return err
			}
		}
		for c, wdt := range s.widths {
			col, err := excelize.ColumnNumberToName(c + 1)
			if err != nil {
				return err
			}
			if err := f.SetColWidth(s.name, col, col, wdt); err != nil {
				return err
			}
		}
		last, err := excelize.CoordinatesToCellName(len(s.header), len(s.rows)+1)
		if err != nil {
			return err
		}
		if err := f.AutoFilter(s.name, "A1:"+last, nil); err != nil {
			return err
		}
		if err := f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	return f.Write(w)
}
