package render

import (
	"fmt"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// Text layouts TextLayout can write, named as ingest names them.
const (
	LayoutTab         = "tab-separated"
	LayoutPipe        = "pipe-separated"
	LayoutMarkdown    = "markdown"
	LayoutCellPerLine = "cell-per-line"
	LayoutAligned     = "pdf-layout"
	LayoutRunTogether = "run-together"
)

// TextLayout renders the report as text in one of the layouts reports are
// found in: fields separated by tabs or |, markdown rows, one cell per line
// (DOCX exported to text), columns aligned with spaces (pdftotext -layout),
// or everything run together (web-page crawls).
func TextLayout(doc *schema.Document, layout string) ([]byte, error) {
	if layout == LayoutTab {
		return Text(doc), nil
	}
	var b strings.Builder
	switch layout {
	case LayoutPipe, LayoutMarkdown, LayoutCellPerLine, LayoutAligned:
		for _, bl := range blocks(doc) {
			if bl.table == nil {
				b.WriteString(bl.para)
				b.WriteString("\n\n")
				continue
			}
			for _, row := range bl.table.rows {
				fields := rowFields(row)
				switch layout {
				case LayoutPipe:
					b.WriteString(strings.Join(fields, " | ") + " |\n")
				case LayoutMarkdown:
					b.WriteString("| " + strings.Join(fields, " | ") + " |\n")
				case LayoutCellPerLine:
					for _, f := range fields {
						b.WriteString("\t" + f + "\n")
					}
					b.WriteString("\n")
				case LayoutAligned:
					// Labels and numbers apart by wide gaps; empty label
					// fields vanish as they do in extracted PDF text.
					var kept []string
					for _, f := range fields {
						if f != "" {
							kept = append(kept, f)
						}
					}
					b.WriteString(strings.Join(kept, "    ") + "\n")
				}
			}
			b.WriteString("\n")
		}
	case LayoutRunTogether:
		// A crawl of a web page: the title on its own, then everything in
		// one paragraph with no separator between cells.
		var body []string
		for i, bl := range blocks(doc) {
			if bl.table == nil {
				if i == 0 {
					b.WriteString(bl.para + "\n")
					continue
				}
				body = append(body, bl.para)
				continue
			}
			for _, row := range bl.table.rows {
				body = append(body, strings.Join(rowFields(row), ""))
			}
		}
		b.WriteString(strings.Join(body, ""))
		b.WriteString("\n")
	default:
		return nil, fmt.Errorf("unknown text layout %q", layout)
	}
	return []byte(b.String()), nil
}
