package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// Text renders the tab-separated layout of reports copied out of Word or a
// web page: a cell spanning columns is followed by empty fields, a cell
// covered from above is an empty field.
func Text(doc *schema.Document) []byte {
	var b strings.Builder
	for _, bl := range blocks(doc) {
		if bl.table == nil {
			b.WriteString(bl.para)
			b.WriteString("\n\n")
			continue
		}
		for _, row := range bl.table.rows {
			b.WriteString(strings.Join(rowFields(row), "\t"))
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}

// rowFields lays a row out as fields: a cell spanning columns is followed
// by empty fields, a cell covered from above is an empty field.
func rowFields(row []gcell) []string {
	var fields []string
	for _, c := range row {
		text := c.text
		if c.covered {
			text = ""
		}
		fields = append(fields, text)
		for i := 1; i < c.colspan; i++ {
			fields = append(fields, "")
		}
	}
	return fields
}

// HTML renders a complete web page with site navigation around the report,
// as government sites publish them.
func HTML(doc *schema.Document) []byte {
	return HTMLStyle(doc, Style{})
}

// HTMLStyle is HTML laid out for printing in the given style.
func HTMLStyle(doc *schema.Document, st Style) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	b.WriteString(html.EscapeString(doc.Meta.Title))
	b.WriteString("</title>\n<style>td{border:1px solid #999}")
	if st.NarrowLabels {
		b.WriteString("table{border-collapse:collapse;table-layout:fixed;width:100%}td{font-size:10pt}")
	}
	if st.Font != "" {
		fmt.Fprintf(&b, "body{font-family:%q}", st.Font)
	}
	b.WriteString("</style>\n</head>\n<body>\n")
	b.WriteString("<div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"/zwgk\">政务公开</a> &gt; 政府信息公开年报</div>\n")
	b.WriteString("<div class=\"article\">\n")
	for _, bl := range blocks(doc) {
		if bl.table == nil {
			b.WriteString("<p>")
			b.WriteString(html.EscapeString(bl.para))
			b.WriteString("</p>\n")
			continue
		}
		b.WriteString("<table>\n")
		if st.NarrowLabels {
			b.WriteString("<colgroup>")
			for _, w := range bl.table.widths() {
				fmt.Fprintf(&b, "<col style=\"width:%dem\">", w)
			}
			b.WriteString("</colgroup>\n")
		}
		for _, row := range bl.table.rows {
			b.WriteString("<tr>")
			for _, c := range row {
				if c.covered {
					continue
				}
				b.WriteString("<td")
				if c.colspan > 1 {
					fmt.Fprintf(&b, " colspan=\"%d\"", c.colspan)
				}
				if c.rowspan > 1 {
					fmt.Fprintf(&b, " rowspan=\"%d\"", c.rowspan)
				}
				b.WriteString(">")
				b.WriteString(html.EscapeString(c.text))
				b.WriteString("</td>")
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</table>\n")
	}
	b.WriteString("</div>\n<div class=\"footer\">主办单位：某市人民政府办公室 网站标识码：0000000000</div>\n</body>\n</html>\n")
	return []byte(b.String())
}

// DOCX renders a minimal valid Word document: paragraphs and tables with
// w:gridSpan and w:vMerge for the merged label cells.
func DOCX(doc *schema.Document) ([]byte, error) {
	return DOCXStyle(doc, Style{})
}

// twipsPerEm turns the em widths of the narrow layout into Word's twips
// (1/20 pt) at the 10.5 pt body size Word uses for 五号.
const twipsPerEm = 210

// DOCXStyle is DOCX laid out for printing in the given style. The narrow
// style states the column grid and borders, since a printed table shows
// them and LibreOffice needs the grid to keep the widths.
func DOCXStyle(doc *schema.Document, st Style) ([]byte, error) {
	var body strings.Builder
	run := "<w:r>"
	if st.Font != "" {
		f := xmlEscape(st.Font)
		run = "<w:r><w:rPr><w:rFonts w:ascii=\"" + f + "\" w:hAnsi=\"" + f + "\" w:eastAsia=\"" + f + "\" w:cs=\"" + f + "\"/></w:rPr>"
	}
	para := func(s string) {
		body.WriteString("<w:p>" + run + "<w:t xml:space=\"preserve\">")
		body.WriteString(xmlEscape(s))
		body.WriteString("</w:t></w:r></w:p>")
	}
	for _, bl := range blocks(doc) {
		if bl.table == nil {
			para(bl.para)
			continue
		}
		if st.NarrowLabels {
			ws := bl.table.widths()
			total := 0
			for _, w := range ws {
				total += w * twipsPerEm
			}
			fmt.Fprintf(&body, "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"%d\" w:type=\"dxa\"/>", total)
			body.WriteString("<w:tblBorders>")
			for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
				fmt.Fprintf(&body, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>", side)
			}
			body.WriteString("</w:tblBorders><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>")
			for _, w := range ws {
				fmt.Fprintf(&body, "<w:gridCol w:w=\"%d\"/>", w*twipsPerEm)
			}
			body.WriteString("</w:tblGrid>")
		} else {
			body.WriteString("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/></w:tblPr>")
		}
		for _, row := range bl.table.rows {
			body.WriteString("<w:tr>")
			for _, c := range row {
				body.WriteString("<w:tc><w:tcPr>")
				if c.colspan > 1 {
					fmt.Fprintf(&body, "<w:gridSpan w:val=\"%d\"/>", c.colspan)
				}
				switch {
				case c.covered:
					body.WriteString("<w:vMerge/>")
				case c.rowspan > 1:
					body.WriteString("<w:vMerge w:val=\"restart\"/>")
				}
				body.WriteString("</w:tcPr>")
				if c.covered {
					body.WriteString("<w:p/>")
				} else {
					para(c.text)
				}
				body.WriteString("</w:tc>")
			}
			body.WriteString("</w:tr>")
		}
		body.WriteString("</w:tbl>")
		para("")
	}
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `<w:sectPr/></w:body></w:document>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.data)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
