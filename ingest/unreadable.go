package ingest

import (
	"bytes"
	"errors"
	"strings"
	"unicode"

	"github.com/ogi-checker/ogi/schema"
)

// Reasons an input is unreadable (UnreadableError.Code). They are stable:
// the JSON outputs and the store carry them.
const (
	// UnreadableNoText is a PDF without a text layer: a scan, which ogi
	// does not OCR.
	UnreadableNoText = "no_text"
	// UnreadableEmpty is a file with no text at all: 0 bytes, only
	// whitespace, markup around nothing, or a DOCX holding only pictures.
	UnreadableEmpty = "empty"
	// UnreadableNotReport is a text with nothing of an annual report in it.
	UnreadableNotReport = "not_a_report"
)

// ErrUnreadable is what every UnreadableError unwraps to, for callers that
// only need to know that an input held no report to check.
var ErrUnreadable = errors.New("unreadable input")

// UnreadableError says that a file was read but holds no report ogi can
// check. It is an input error like InputError, kept apart so that callers
// report it as "unreadable" rather than score it as a report with every
// cell missing.
type UnreadableError struct {
	File string
	// Code is one of UnreadableNoText, UnreadableEmpty, UnreadableNotReport.
	Code string
}

func (e *UnreadableError) Error() string {
	return e.File + ": unreadable: " + e.Reason("en")
}

// Unwrap makes errors.Is(err, ErrUnreadable) hold.
func (e *UnreadableError) Unwrap() error { return ErrUnreadable }

// Reason is the reason in an officer's words, in lang ("zh" or "en").
func (e *UnreadableError) Reason(lang string) string {
	zh, en := UnreadableReason(e.Code)
	if lang == "en" {
		return en
	}
	return zh
}

var unreadableReasons = map[string][2]string{
	UnreadableNoText:    {"没有文字层（扫描件）；ogi 不做文字识别", "no text layer — scanned PDF; ogi does not OCR"},
	UnreadableEmpty:     {"文件没有任何文字（空文件，或只有图片）", "the file has no text at all (empty, or only pictures)"},
	UnreadableNotReport: {"不是政府信息公开工作年度报告（未找到年度报告标题、六个部分的标题或年报表格）", "not an annual report (no annual-report title, section heading or report table found)"},
}

// UnreadableReason gives the zh and en reason for a code, e.g. to rebuild
// the message of an unreadable report kept in a store. An unknown code gets
// a generic reason rather than an empty one.
func UnreadableReason(code string) (zh, en string) {
	if r, ok := unreadableReasons[code]; ok {
		return r[0], r[1]
	}
	return "无法读取", "unreadable"
}

// blankInput reports whether data holds nothing but whitespace (after a
// UTF-8 BOM): such a file is empty whatever its name says it is.
func blankInput(data []byte) bool {
	return len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0
}

// minPDFTextPerPage is the text (non-space runes) a PDF page must average
// before its lack of report structure is put down to content rather than to
// a missing text layer: a scan often carries a page number or a scanner's
// watermark, nothing more.
const minPDFTextPerPage = 20

// unreadable decides, from what the reader and the mapper found, whether a
// converted document holds a report; it returns the reason code, or "" for a
// readable report.
//
// The criterion is deliberately conservative: a truncated or badly mangled
// report still has a title, a section heading, a table label or at least
// the words 政府信息公开 / 年度报告 somewhere, and any of them keeps it
// readable, so that it is checked and its gaps reported. Only a text with
// none of them is "not a report".
func unreadable(lay *Layout, doc *schema.Document) string {
	runes := 0
	for _, l := range lay.Lines {
		for _, c := range l.Cells {
			for _, r := range c.Text {
				if !unicode.IsSpace(r) {
					runes++
				}
			}
		}
	}
	if runes == 0 {
		if lay.Format == FormatPDF {
			return UnreadableNoText
		}
		return UnreadableEmpty
	}
	if hasReportStructure(lay, doc) {
		return ""
	}
	if lay.Format == FormatPDF && (runes < minPDFTextPerPage*max(lay.Pages, 1) || hasDiagnostic(doc, UnreadableNoText)) {
		return UnreadableNoText
	}
	return UnreadableNotReport
}

// reportWords are words only an annual report (or a text about one) uses;
// any of them anywhere keeps a document readable.
var reportWords = []string{"政府信息公开", "信息公开工作", "年度报告", "年报"}

func hasReportStructure(lay *Layout, doc *schema.Document) bool {
	if len(doc.Sections) > 0 || doc.Meta.Title != "" || doc.Meta.Template != nil {
		return true
	}
	for _, ti := range doc.TableInfo {
		if ti.Status != "missing" {
			return true
		}
	}
	for _, l := range lay.Lines {
		t := compactLine(l)
		for _, w := range reportWords {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	return false
}

func hasDiagnostic(doc *schema.Document, code string) bool {
	for _, d := range doc.Diagnostics {
		if d.Code == code {
			return true
		}
	}
	return false
}
