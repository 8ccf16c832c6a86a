package circular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"embed"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
)

// The package's parts are files so that they read as the WordprocessingML
// they are; document.xml and core.xml are templates, whose every value
// goes through x (XML escaping): text/template knows nothing of XML.
//
//go:embed templates/*.xml templates/*.rels
var partsFS embed.FS

var parts = sync.OnceValues(func() (*template.Template, error) {
	return template.New("").Funcs(template.FuncMap{"x": xmlText}).
		ParseFS(partsFS, "templates/*.xml", "templates/*.rels")
})

// archive lists the package's parts: the name in the archive and the
// template it is made from, in name order, so that the archive is the same
// bytes every time.
var archive = []struct{ name, part string }{
	{"[Content_Types].xml", "content_types.xml"},
	{"_rels/.rels", "rels.xml"},
	{"docProps/app.xml", "app.xml"},
	{"docProps/core.xml", "core.xml"},
	{"word/_rels/document.xml.rels", "document.xml.rels"},
	{"word/document.xml", "document.xml"},
	{"word/fontTable.xml", "fontTable.xml"},
	{"word/footer1.xml", "footer1.xml"},
	{"word/settings.xml", "settings.xml"},
	{"word/styles.xml", "styles.xml"},
}

// modified is the time every entry carries: a fixed one, so that the same
// document gives the same bytes (the earliest a zip header can hold).
var modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// writeDOCX writes the document as a Word package.
func writeDOCX(w io.Writer, d *document) error {
	t, err := parts()
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	var buf bytes.Buffer
	for _, a := range archive {
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, a.part, d); err != nil {
			return err
		}
		part := bytes.TrimSpace(buf.Bytes())
		var head, tail []byte
		if a.part == "document.xml" {
			// The blocks go after <w:body>: the template is the frame
			// around them, and they are written straight into the
			// archive. Building document.xml in memory first took a
			// quarter of the 通报's CPU over 10,000 reports (1.06 s
			// against 0.77 s now).
			at := bytes.Index(part, []byte(bodyStart))
			if at < 0 {
				return fmt.Errorf("templates/document.xml has no %s", bodyStart)
			}
			head, tail = part[:at+len(bodyStart)], part[at+len(bodyStart):]
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: a.name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if head == nil {
			if _, err := f.Write(part); err != nil {
				return err
			}
			continue
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		_, _ = bw.Write(head)
		for _, b := range d.Blocks {
			if b.Table != nil {
				err = writeTable(bw, b.Table)
			} else {
				writeParagraph(bw, b)
			}
			if err != nil {
				return err
			}
		}
		_, _ = bw.Write(tail)
		// A failed write is kept by bw and returned here.
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// bodyStart is where document.xml's blocks go.
const bodyStart = "<w:body>"

// xmlText escapes s for XML text and attributes, and drops the characters
// XML 1.0 cannot hold (a converted report's control characters): Word
// refuses a document with one.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// stringWriter is what the body is written to: the archive's buffered
// writer, or a strings.Builder in tests. A bufio.Writer keeps its first
// error for Flush, so the writes' results are not checked one by one.
type stringWriter interface {
	WriteString(s string) (int, error)
}

// writeParagraph writes a paragraph of the body and writeTable a table,
// in Go rather than by ranges in document.xml: the template's reflection
// over every run and cell was most of the 通报's CPU. Each starts on a
// line of its own.
func writeParagraph(w stringWriter, b block) {
	_, _ = w.WriteString("\n<w:p><w:pPr><w:pStyle w:val=\"")
	_, _ = w.WriteString(b.Style)
	_, _ = w.WriteString("\"/></w:pPr>")
	for _, r := range b.Runs {
		_, _ = w.WriteString("<w:r>")
		if r.Bold {
			_, _ = w.WriteString("<w:rPr><w:b/><w:bCs/></w:rPr>")
		}
		_, _ = w.WriteString(`<w:t xml:space="preserve">`)
		writeXMLText(w, r.Text)
		_, _ = w.WriteString("</w:t></w:r>")
	}
	_, _ = w.WriteString("</w:p>")
}

// writeTable writes a table: its column grid, the header row that Word
// repeats on every page, then the rows, none split across pages.
func writeTable(w stringWriter, t *table) error {
	widest := len(t.Header)
	for _, row := range t.Rows {
		widest = max(widest, len(row))
	}
	if widest > len(t.Widths) {
		return fmt.Errorf("table row of %d cells, %d widths", widest, len(t.Widths))
	}
	cell := func(i int, style, text string) {
		_, _ = w.WriteString(`<w:tc><w:tcPr><w:tcW w:w="`)
		_, _ = w.WriteString(strconv.Itoa(t.Widths[i]))
		_, _ = w.WriteString(`" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="`)
		_, _ = w.WriteString(style)
		_, _ = w.WriteString(`"/></w:pPr><w:r><w:t xml:space="preserve">`)
		writeXMLText(w, text)
		_, _ = w.WriteString("</w:t></w:r></w:p></w:tc>")
	}
	_, _ = w.WriteString("\n<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"")
	_, _ = w.WriteString(strconv.Itoa(sum(t.Widths)))
	_, _ = w.WriteString(`" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, n := range t.Widths {
		_, _ = w.WriteString(`<w:gridCol w:w="`)
		_, _ = w.WriteString(strconv.Itoa(n))
		_, _ = w.WriteString(`"/>`)
	}
	_, _ = w.WriteString("</w:tblGrid>\n<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>")
	for i, h := range t.Header {
		cell(i, "TableHeader", h)
	}
	_, _ = w.WriteString("</w:tr>")
	for _, row := range t.Rows {
		_, _ = w.WriteString("\n<w:tr><w:trPr><w:cantSplit/></w:trPr>")
		for i, c := range row {
			cell(i, "TableText", c)
		}
		_, _ = w.WriteString("</w:tr>")
	}
	_, _ = w.WriteString("\n</w:tbl>")
	return nil
}

// writeXMLText writes xmlText(s): s itself when there is nothing to drop
// or escape, as in most of a circular's texts.
func writeXMLText(sb stringWriter, s string) {
	for _, r := range s {
		// Escaped or dropped by xmlText (invalid UTF-8 is U+FFFD here).
		if r < 0x20 || r == '"' || r == '\'' || r == '&' || r == '<' || r == '>' || r >= 0xD800 && r <= 0xDFFF || r >= 0xFFFD && r <= 0xFFFF {
			_, _ = sb.WriteString(xmlText(s))
			return
		}
	}
	_, _ = sb.WriteString(s)
}

func sum(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}
