package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// The Chinese headers of the CSV's code columns.
const (
	csvStatusCode = "状态代码"
	csvReasonCode = "原因代码"
)

// CSVEncodings are the encodings the csv format writes: UTF-8, and
// GB18030 for the spreadsheet programs of offices that open a CSV in the
// system's code page.
var CSVEncodings = []string{"utf-8", "gb18030"}

// csvHeaders are the summary's columns. The English ones are the
// machine-readable names (codes in status and unreadable, the error as
// raised); the Chinese ones head the same table an officer reads, with
// the status and the reason in words, then the two codes (状态代码:
// checked or unreadable, 原因代码: no_text, empty, not_a_report, input or
// timeout) for a program that filters the table. Five columns count the
// report's findings by the office's decisions (csvReviewHeaders): at the
// end of the English table, before the two codes of the Chinese one, whose
// codes stay last.
var csvHeaders = [2][]string{
	append(append([]string{"报告文件", "机关", "年度", "格式", "得分", "等级", "排名", "百分位", "错误", "警告", TermNeedsReview, "状态", "无法读取原因"},
		csvReviewHeaders[0]...), csvStatusCode, csvReasonCode),
	append([]string{"file", "agency", "year", "template", "score", "grade", "rank", "percentile", "errors", "warnings", "needs_review", "status", "unreadable", "error"}, csvReviewHeaders[1]...),
}

// csvReviewHeaders head the review columns: 已核实 (confirmed, sent for
// 整改 or rectified), 不成立, 整改中, 已整改, and 待核实 (no decision yet,
// or reopened because the cells changed since).
var csvReviewHeaders = [2][]string{
	{"已核实", "不成立", "整改中", "已整改", "待核实"},
	{"confirmed", "dismissed", "being_rectified", "rectified", "to_review"},
}

// csvReviewCells are a checked report's review columns.
func csvReviewCells(r ReviewCounts) []string {
	return []string{strconv.Itoa(r.Verified()), strconv.Itoa(r.Dismissed), strconv.Itoa(r.Rectify), strconv.Itoa(r.Rectified), strconv.Itoa(r.Open())}
}

// WriteCSV writes the summary table (one row per report) with English
// headers in UTF-8. status is checked or unreadable; an unreadable report
// has its reason code in unreadable and the error in error, and no score,
// rank, percentile or counts. The last columns count the findings by the
// office's decisions (confirmed counts those sent for rectification and
// rectified too; to_review those without a decision and those reopened).
func WriteCSV(w io.Writer, reports iter.Seq[Ranked]) error { return writeCSV(w, reports, "en", "") }

// writeCSV writes the summary in lang and encoding (CSVEncodings; ""
// is UTF-8). A Chinese table in UTF-8 starts with a byte-order mark: Excel
// reads a CSV without one in the system's code page, and the Chinese comes
// out garbled.
func writeCSV(w io.Writer, reports iter.Seq[Ranked], lang, encoding string) error {
	switch encoding {
	case "", "utf-8":
		if lang != "en" {
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return err
			}
		}
	case "gb18030":
		tw := transform.NewWriter(w, simplifiedchinese.GB18030.NewEncoder())
		if err := writeCSVRows(tw, reports, lang); err != nil {
			return err
		}
		// The encoder holds back an incomplete rune until closed.
		return tw.Close()
	default:
		return fmt.Errorf("csv: unknown encoding %q (want one of %v)", encoding, CSVEncodings)
	}
	return writeCSVRows(w, reports, lang)
}

func writeCSVRows(w io.Writer, reports iter.Seq[Ranked], lang string) error {
	en := lang == "en"
	cw := csv.NewWriter(w)
	header := csvHeaders[0]
	if en {
		header = csvHeaders[1]
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for r := range reports {
		fr := r.Report
		var row []string
		if fr.IsUnreadable() {
			code := UnreadableInput
			if fr.Unreadable != nil {
				code = fr.Unreadable.Code
			}
			row = []string{fr.File, fr.Agency, yearString(fr.Year), "", "", "", "", "", "", "", "", StatusUnreadable, code, fr.Error}
			if !en {
				// Nothing was checked: nothing to decide on.
				row = append(slices.Clone(row[:11]), fr.UnreadableLabel(lang), fr.UnreadableReason(lang), "", "", "", "", "", StatusUnreadable, code)
			} else {
				row = append(row, "", "", "", "", "")
			}
		} else {
			tpl := ""
			if fr.Template != nil {
				tpl = *fr.Template
			}
			rank := ""
			if r.Rank > 0 {
				rank = strconv.Itoa(r.Rank)
			}
			row = []string{fr.File, fr.Agency, yearString(fr.Year), tpl, scoreString(fr.Score), fr.Grade, rank,
				fmt.Sprintf("%.3f", r.Percentile), strconv.Itoa(fr.Counts.Error), strconv.Itoa(fr.Counts.Warning),
				strconv.Itoa(fr.Counts.NeedsReview), StatusChecked, "", ""}
			if !en {
				row = append(append(slices.Clone(row[:11]), "已检查", ""), csvReviewCells(fr.Counts.Reviews)...)
				row = append(row, StatusChecked, "")
			} else {
				row = append(row, csvReviewCells(fr.Counts.Reviews)...)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var csvFormat = &Format{Name: "csv", Help: "summary table, one row per report with its score and rank",
	Write: func(w io.Writer, src *Source) error {
		_, rank := src.ranked()
		return writeCSV(w, rank(src.summaries()), src.Lang, src.CSVEncoding)
	}}
