package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
)

// WriteCSV writes the summary table (one row per report). status is checked
// or unreadable; an unreadable report has its reason code in unreadable and
// the error in error, and no score, rank, percentile or counts.
func WriteCSV(w io.Writer, reports iter.Seq[Ranked]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"file", "agency", "year", "template", "score", "grade", "rank", "percentile", "errors", "warnings", "needs_review", "status", "unreadable", "error"}); err != nil {
		return err
	}
	for r := range reports {
		fr := r.Report
		if fr.IsUnreadable() {
			code := UnreadableInput
			if fr.Unreadable != nil {
				code = fr.Unreadable.Code
			}
			if err := cw.Write([]string{fr.File, fr.Agency, yearString(fr.Year), "", "", "", "", "", "", "", "", StatusUnreadable, code, fr.Error}); err != nil {
				return err
			}
			continue
		}
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
			strconv.Itoa(fr.Counts.NeedsReview), StatusChecked, "", ""}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var csvFormat = &Format{Name: "csv", Help: "summary table, one row per report with its score and rank",
	Write: func(w io.Writer, src *Source) error {
		_, rank := src.ranked()
		return WriteCSV(w, rank(src.summaries()))
	}}
