// Package circular writes the 通报 an oversight office (政务公开办) sends
// after checking the annual reports of the bodies it supervises: a Word
// document in the shape of a Chinese official circular — title, 主送,
// opening, 一、总体情况, 二、存在的主要问题 grouped by problem type,
// 三、各单位问题清单 with the cells by their printed labels and the figures,
// 四、整改要求 and a 落款 the office fills in — and, when LibreOffice is
// installed, the same document as PDF.
//
// The package knows nothing of the report formats' registry: it takes the
// run's reports as plain data (Input), so that package report can offer it
// as an output format without an import cycle.
package circular

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/printpdf"
)

// Input is one run's reports and how to name what they contain.
type Input struct {
	// Lang is "zh" or "en".
	Lang string
	// Reports are the run's reports in run order.
	Reports []Report
	// RuleTitles are the rules' titles by id: a finding whose message is
	// empty is named by its rule's title, never by the id.
	RuleTitles map[string]engine.Text
	// CellName names a cell the way the printed table does
	// (表三“（七）总计”行“科研机构”列); nil names it by its address.
	CellName func(c engine.CellRef, lang string) string
}

// Report is what the circular says about one report.
type Report struct {
	// Body is the body that published the report; empty when it could not
	// be identified (the circular names the file instead).
	Body string
	File string
	// Year is the report's year, 0 when unknown.
	Year int
	// Score is nil when the report got no score (ScoreReason says why) or
	// could not be read (Unreadable says why).
	Score       *float64
	Grade       string
	ScoreReason string
	// Rank is the report's place by score, 1 the best; 0 without a score.
	Rank int
	// Unreadable is why the input gave no report to check; empty for a
	// checked report.
	Unreadable string
	Findings   []engine.Finding
	// Timeliness is the status of the deadline rule (engine.StatusPass,
	// StatusFail, …), empty when it did not run.
	Timeliness string
}

// Options are what the office decides rather than the run.
type Options struct {
	// RectifyDays is the time given to rectify, in days from the
	// circular's issue (DefaultRectifyDays when 0).
	RectifyDays int
	// Addressee is 主送 without the closing colon (各有关单位 when empty).
	Addressee string
	// Issuer and Date are the 落款; empty leaves a marked field for the
	// office to fill (【单位名称】, 【年 月 日】): the run knows neither
	// who sends the circular nor when, and a date taken from the clock
	// would make the same run give different bytes.
	Issuer string
	Date   string
}

// DefaultRectifyDays is the time to rectify when Options leave it out;
// the office sets its own through Options.RectifyDays.
const DefaultRectifyDays = 15

// DeadlineRule is the rule whose outcome says whether a report was
// published on time.
const DeadlineRule = "timeliness.deadline"

// Write writes the circular as a Word document (OOXML). The same input
// gives the same bytes.
func Write(w io.Writer, in Input, opt Options) error {
	return writeDOCX(w, compose(in, opt))
}

// ErrNoLibreOffice is returned by WritePDF on a machine without
// LibreOffice; it names the package to install.
var ErrNoLibreOffice = fmt.Errorf("the circular as PDF needs LibreOffice (%w); -o circular=FILE.docx writes the Word document without it", printpdf.ErrNoSoffice)

// WritePDF writes the circular as PDF, converting the Word document with
// LibreOffice (printpdf.ConvertDOCX), which must be installed.
func WritePDF(ctx context.Context, w io.Writer, in Input, opt Options) error {
	if printpdf.Soffice() == "" {
		return ErrNoLibreOffice
	}
	var docx bytes.Buffer
	if err := Write(&docx, in, opt); err != nil {
		return err
	}
	pdf, err := printpdf.ConvertDOCX(ctx, docx.Bytes())
	if errors.Is(err, printpdf.ErrNoSoffice) {
		return ErrNoLibreOffice
	}
	if err != nil {
		return err
	}
	_, err = w.Write(pdf)
	return err
}
