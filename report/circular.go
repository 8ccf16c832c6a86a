package report

import (
	"context"
	"io"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report/circular"
)

// circularFormat is the 通报 as a Word document; circularPDFFormat the
// same converted by LibreOffice, for an office that sends PDF.
var (
	circularFormat = &Format{Name: "circular", Help: "the circular (通报) an office sends: Word document, problems per body",
		Write: func(w io.Writer, src *Source) error {
			return circular.Write(w, circularInput(src), circular.Options{})
		}}
	circularPDFFormat = &Format{Name: "circular-pdf", Help: "the circular (通报) as PDF (needs LibreOffice)",
		Write: func(w io.Writer, src *Source) error {
			return circular.WritePDF(context.Background(), w, circularInput(src), circular.Options{})
		}}
)

// circularInput is the run as the circular takes it: every report with
// its rank, the rules' titles, and cells named as text output names them.
func circularInput(src *Source) circular.Input {
	in := circular.Input{Lang: src.Lang, CellName: cellName, RuleTitles: map[string]engine.Text{}}
	for _, r := range src.Rules {
		in.RuleTitles[r.ID] = r.Title
	}
	_, rank := src.ranked()
	keep := circular.NewKeeper(src.Lang)
	for r := range rank(src.reports(false)) {
		fr := r.Report
		cr := circular.Report{Body: fr.Agency, File: fr.File, Score: fr.Score, Grade: fr.Grade, ScoreReason: fr.ScoreReason,
			Rank: r.Rank, Findings: keep.Problems(fr.Findings)}
		if fr.Year != nil {
			cr.Year = *fr.Year
		}
		if fr.IsUnreadable() {
			cr.Unreadable = fr.UnreadableReason(src.Lang)
		}
		for _, rr := range fr.Rules {
			if rr.Rule == circular.DeadlineRule {
				cr.Timeliness = rr.Status
			}
		}
		in.Reports = append(in.Reports, cr)
	}
	return in
}
