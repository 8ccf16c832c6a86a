package circular

import (
	"archive/zip"
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
	return template.New("").Funcs(template.FuncMap{"x": xmlText, "sum": sum, "paragraph": paragraphXML, "rows": rowsXML}).
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
		f, err := zw.CreateHeader(&zip.FileHeader{Name: a.name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if _, err := f.Write(bytes.TrimSpace(buf.Bytes())); err != nil {
			return err
		}
	}
	return zw.Close()
}

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

// paragraphXML is a paragraph of the body and rowsXML a table's rows,
// written here rather than by ranges in document.xml: the template's
// reflection over every run and cell was most of the 通报's CPU. Each is
// the WordprocessingML the template wrote, byte for byte; a paragraph or
// row starts on a line of its own.
func paragraphXML(b block) string {
	var sb strings.Builder
	sb.WriteString("\n<w:p><w:pPr><w:pStyle w:val=\"")
	sb.WriteString(b.Style)
	sb.WriteString("\"/></w:pPr>")
	for _, r := range b.Runs {
		sb.WriteString("<w:r>")
		if r.Bold {
			sb.WriteString("<w:rPr><w:b/><w:bCs/></w:rPr>")
		}
		sb.WriteString(`<w:t xml:space="preserve">`)
		writeXMLText(&sb, r.Text)
		sb.WriteString("</w:t></w:r>")
	}
	sb.WriteString("</w:p>")
	return sb.String()
}

func rowsXML(t *table) (string, error) {
	var sb strings.Builder
	for _, row := range t.Rows {
		sb.WriteString("\n<w:tr><w:trPr><w:cantSplit/></w:trPr>")
		for i, c := range row {
			if i >= len(t.Widths) {
				return "", fmt.Errorf("table row of %d cells, %d widths", len(row), len(t.Widths))
			}
			sb.WriteString(`<w:tc><w:tcPr><w:tcW w:w="`)
			sb.WriteString(strconv.Itoa(t.Widths[i]))
			sb.WriteString(`" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr><w:r><w:t xml:space="preserve">`)
			writeXMLText(&sb, c)
			sb.WriteString("</w:t></w:r></w:p></w:tc>")
		}
		sb.WriteString("</w:tr>")
	}
	return sb.String(), nil
}

// writeXMLText writes xmlText(s): s itself when there is nothing to drop
// or escape, as in most of a circular's texts.
func writeXMLText(sb *strings.Builder, s string) {
	for _, r := range s {
		// Escaped or dropped by xmlText (invalid UTF-8 is U+FFFD here).
		if r < 0x20 || r == '"' || r == '\'' || r == '&' || r == '<' || r == '>' || r >= 0xD800 && r <= 0xDFFF || r >= 0xFFFD && r <= 0xFFFF {
			sb.WriteString(xmlText(s))
			return
		}
	}
	sb.WriteString(s)
}

func sum(ns []int) int {
	t := 0
	for _, n := range ns {
		t += n
	}
	return t
}
