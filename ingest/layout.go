// Package ingest turns report files (text in its many layouts, HTML, DOCX,
// PDF, canonical JSON) into the canonical schema.Document.
//
// Every reader produces the same neutral form, a Layout: the document as a
// sequence of lines, each a list of cells. A paragraph is a line with one
// cell; a table row is a line with a cell per column. One mapper (mapper.go)
// turns a Layout into the canonical document, so the hard part — recognising
// sections, tables, rows and columns — is written once for all formats.
package ingest

import (
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// Input formats.
const (
	FormatText = "text"
	FormatHTML = "html"
	FormatDOCX = "docx"
	FormatPDF  = "pdf"
	FormatJSON = "json"
)

// Text layouts (Layout.Layout and schema.Source.Layout).
const (
	LayoutTab         = "tab-separated"
	LayoutPipe        = "pipe-separated"
	LayoutMarkdown    = "markdown"
	LayoutCellPerLine = "cell-per-line"
	LayoutPDFText     = "pdf-layout"
	// LayoutPDFBBox is a PDF read by word position (pdftotext -bbox-layout),
	// its tables laid out by the columns' geometry.
	LayoutPDFBBox   = "pdf-bbox"
	LayoutPlain     = "plain"
	LayoutHTMLTable = "html-table"
	LayoutDOCXTable = "docx-table"
	LayoutCanonical = "canonical-json"
)

// Layout is the neutral form every reader produces.
type Layout struct {
	Format   string
	Layout   string
	Encoding string
	Pages    int
	Lines    []Line
	// Diagnostics are problems the reader met (encoding guessed, images
	// where a table should be, …); the mapper adds its own.
	Diagnostics []schema.Diagnostic
	// Page is what a web page says about itself outside the report text
	// (head title, headings, meta tags, the date it was posted). The text
	// lines alone cannot tell a breadcrumb from a title; these can.
	Page PageHints

	layoutCounts map[string]int
}

// PageHints are a web page's own statements about the document. Every field
// is as the page has it (whitespace collapsed); empty when the page has none.
type PageHints struct {
	// HeadTitle is <title> with the site-name suffix removed
	// (…年度报告_XX市人民政府 → …年度报告).
	HeadTitle string
	// MetaTitle is the ArticleTitle (or similar) meta tag.
	MetaTitle string
	// Headings are the first h1–h3 texts of the page body, in order.
	Headings []string
	// Published is the page's own publication date (PubDate meta tag or a
	// 发布时间 line), YYYY-MM-DD, and PublishedLine the source line it was
	// read from (0 for a meta tag).
	Published     string
	PublishedLine int
	// Source is the publishing body the page names (ContentSource meta tag,
	// 来源/发布机构 line); Site and Column are the SiteName and ColumnName tags.
	Source string
	Site   string
	Column string
}

// Line is a paragraph (one cell, Table == 0) or a table row.
type Line struct {
	Cells []Cell
	// Line is the 1-based source line of the first cell (text formats, and
	// the line in pdftotext output for PDF); 0 when the format has none.
	Line int
	// Page is 1-based for PDF, 0 otherwise.
	Page int
	// Table is the 1-based index of the source table the row belongs to
	// (HTML/DOCX tables, or a block of delimited text rows); 0 for paragraphs.
	Table int
	// Row is the 1-based row within that table.
	Row int
	// BlankLast is set by readers that know an empty last field is a blank
	// cell (markdown, one cell per line, delimited blocks whose rows do not
	// end with their delimiter), so that it is not taken for a trailing
	// separator and the cells before it keep their columns.
	BlankLast bool
}

// Cell is one cell of a line.
type Cell struct {
	Text string
	// Col is the 0-based grid column (after expanding column spans), or the
	// field index for delimited text.
	Col     int
	ColSpan int
	RowSpan int
	// Spanned marks a copy of a cell that spans down from an earlier row
	// (HTML rowspan, DOCX vMerge continuation): its text repeats the origin.
	Spanned bool
	// Line is the source line of this cell when it differs from the line's.
	Line int
}

// Text joins the line's cells with single spaces.
func (l Line) Text() string {
	parts := make([]string, 0, len(l.Cells))
	for _, c := range l.Cells {
		if t := strings.TrimSpace(c.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, " ")
}

// Loc returns the source location of the line.
func (l Line) Loc() schema.Loc {
	return schema.Loc{Line: l.Line, Page: l.Page, Table: l.Table, Row: l.Row}
}
