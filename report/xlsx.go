package report

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/xuri/excelize/v2"
)

// xlsxMaxRows is Excel's sheet limit; 问题清单 stops one row short of it and
// says so in its last row rather than writing a workbook Excel refuses.
const xlsxMaxRows = 1048576

type xlsxSheet struct {
	name   string
	header []string
	widths []float64
	count  int // data rows, for the filter range
	// rows yields the data rows; it returns false to stop early.
	rows func(yield func([]any) bool)
}

// WriteXLSX writes the workbook offices use: 汇总 (one row per report with
// rank), 问题清单 (one row per finding) and 规则统计 (how often each rule
// fired), each with a frozen header, filters and column widths. Sheets are
// streamed, so the batch size is bounded by disk, not memory. summaries
// yields the reports for 汇总 (their findings are not read, so a batch can
// give them without reading results back); reports yields them with their
// findings for 问题清单.
func WriteXLSX(w io.Writer, summaries, reports func() iter.Seq[Ranked], c *CohortStats, lang string) error {
	return writeXLSX(w, summaries, reports, c, lang, nil)
}

// writeXLSX is WriteXLSX with the roster's 覆盖情况 sheet last when cov is set.
func writeXLSX(w io.Writer, summaries, reports func() iter.Seq[Ranked], c *CohortStats, lang string, cov *Coverage) error {
	stats := c.Rules()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	sheets := []xlsxSheet{
		{name: "汇总", count: c.reports, header: []string{pick(lang, "报告文件", "File"), pick(lang, "机关", "Body"), pick(lang, "年度", "Year"),
			pick(lang, "格式", "Template"), pick(lang, "得分", "Score"), pick(lang, "等级", "Grade"), pick(lang, "排名", "Rank"),
			pick(lang, "百分位", "Percentile"), pick(lang, "错误", "Errors"), pick(lang, "警告", "Warnings"), pick(lang, "待核对", "Review"),
			pick(lang, "状态", "Status"), pick(lang, "无法读取原因", "Why unreadable")},
			widths: []float64{36, 28, 8, 8, 8, 8, 8, 10, 8, 8, 8, 10, 50},
			rows: func(yield func([]any) bool) {
				for r := range summaries() {
					fr := r.Report
					if fr.IsUnreadable() {
						// No score, rank, percentile or counts: nothing was checked.
						if !yield([]any{fr.File, fr.Agency, yearString(fr.Year), "", "", "", "", "", "", "", "",
							fr.UnreadableLabel(lang), fr.UnreadableReason(lang)}) {
							return
						}
						continue
					}
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
					if !yield([]any{fr.File, fr.Agency, yearString(fr.Year), tpl, score, fr.Grade, rank,
						r.Percentile, fr.Counts.Error, fr.Counts.Warning, fr.Counts.NeedsReview, pick(lang, "已检查", "checked"), ""}) {
						return
					}
				}
			}},
		{name: "问题清单", count: min(c.findings, xlsxMaxRows-1), header: []string{pick(lang, "报告文件", "File"), pick(lang, "机关", "Body"),
			pick(lang, "规则", "Rule"), pick(lang, "严重程度", "Severity"), pick(lang, "状态", "Status"), pick(lang, "类别", "Category"),
			pick(lang, "说明", "Message"), pick(lang, "单元格", "Cells"), pick(lang, "行", "Line"), pick(lang, "已豁免", "Waived"),
			pick(lang, "问题编号", "Finding ID"), pick(lang, "核实结论", "Verdict"), pick(lang, "说明", "Note")},
			widths: []float64{36, 28, 30, 10, 14, 12, 70, 40, 8, 8, 18, 12, 40},
			rows: func(yield func([]any) bool) {
				n := 1
				for r := range reports() {
					fr := r.Report
					for _, fd := range fr.Findings {
						if n++; n == xlsxMaxRows {
							yield([]any{"", "", "", "", "", "", "……问题过多，其余见 JSON Lines 输出 (more findings than Excel holds; see the JSON Lines output)"})
							return
						}
						line := ""
						if fd.Source != nil && fd.Source.Line > 0 {
							line = strconv.Itoa(fd.Source.Line)
						}
						waived := ""
						if fd.Waived {
							waived = pick(lang, "是", "yes")
						}
						if !yield([]any{fr.File, fr.Agency, fd.Rule, fd.Severity, fd.Status, fd.Category,
							fd.Message.Pick(lang), cellList(fd), line, waived, fd.ID, verdictLabel(fd.Review, lang), reviewNote(fd.Review)}) {
							return
						}
					}
				}
			}},
		{name: "规则统计", count: len(stats), header: []string{pick(lang, "规则", "Rule"), pick(lang, "名称", "Title"),
			pick(lang, "触发报告数", "Reports fired"), pick(lang, "触发率", "Fire rate"), pick(lang, "无法核验", "Cannot evaluate"),
			pick(lang, "执行出错", "Rule errors"), pick(lang, "检查报告数", "Reports checked")},
			widths: []float64{34, 50, 12, 10, 10, 10, 12},
			rows: func(yield func([]any) bool) {
				for _, s := range stats {
					if !yield([]any{s.Rule, s.Title.Pick(lang), s.Fired, s.FireRate(), s.CannotEvaluate, s.Errors, s.Reports}) {
						return
					}
				}
			}},
	}
	if cov != nil {
		sheets = append(sheets, coverageSheet(cov, lang))
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := writeSheet(f, s); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	// excelize zips the workbook into a bytes.Buffer before copying it out
	// (114 MB at 100,000 reports, twice that while the buffer grows), and
	// in map order. Its zip writer hook sends the archive straight to w,
	// entries sorted (see sortedZip); the buffer it hands over stays empty.
	// (That buffer is only patched afterwards for entries over 4 GB, which
	// a workbook of summaries does not have.)
	zw := &sortedZip{w: w}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	var rest bytes.Buffer
	if err := f.Write(&rest); err != nil {
		_ = zw.discard()
		return err
	}
	if rest.Len() != 0 {
		return fmt.Errorf("xlsx: the workbook was not written through the zip writer")
	}
	return nil
}

// writeSheet streams one sheet. The stream writer copies the sheet's
// settings when it is made, so the filter is set first, over the row count
// the cohort statistics already know.
func writeSheet(f *excelize.File, s xlsxSheet) error {
	last, err := excelize.CoordinatesToCellName(len(s.header), max(s.count, 1)+1)
	if err != nil {
		return err
	}
	if err := f.AutoFilter(s.name, "A1:"+last, nil); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	for c, wdt := range s.widths {
		if err := sw.SetColWidth(c+1, c+1, wdt); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(s.header))
	for i, h := range s.header {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := 2
	var werr error
	for vals := range s.rows {
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err == nil {
			err = sw.SetRow(cell, vals)
		}
		if err != nil {
			werr = err
			break
		}
		row++
	}
	if werr != nil {
		return werr
	}
	return sw.Flush()
}

var xlsxFormat = &Format{Name: "xlsx", Help: "Excel workbook: summary with ranks, every finding, rule statistics",
	Write: func(w io.Writer, src *Source) error {
		c, rank := src.ranked()
		return writeXLSX(w, func() iter.Seq[Ranked] { return rank(src.summaries()) },
			func() iter.Seq[Ranked] { return rank(src.reports(false)) }, c, src.Lang, src.Coverage)
	}}

// verdictLabel is how the 问题清单 shows a recorded decision, in the words
// an officer writes there (ogi assess --review reads them back).
func verdictLabel(r *engine.Review, lang string) string {
	if r == nil {
		return ""
	}
	switch r.Verdict {
	case engine.VerdictConfirmed:
		return pick(lang, "确认", "confirmed")
	case engine.VerdictDismissed:
		return pick(lang, "不成立", "dismissed")
	case engine.VerdictRectified:
		return pick(lang, "已整改", "rectified")
	case engine.VerdictReopened:
		return pick(lang, "需重新核实", "to review again")
	}
	return r.Verdict
}

// reviewNote is a decision's reason with who made it and when.
func reviewNote(r *engine.Review) string {
	if r == nil {
		return ""
	}
	note := r.Reason
	if r.By != "" || r.At != "" {
		note = strings.TrimSpace(note + "（" + strings.TrimSpace(r.By+" "+r.At) + "）")
	}
	return note
}
