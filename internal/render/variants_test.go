package render

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// tableCell is a cell with the table and column it is in.
type tableCell struct {
	table, col string
	c          *schema.Cell
}

// cellsOf lists every table cell of doc.
func cellsOf(doc *schema.Document) (out []tableCell) {
	add := func(table string, m map[string]map[string]*schema.Cell) {
		for _, cols := range m {
			for col, c := range cols {
				out = append(out, tableCell{table, col, c})
			}
		}
	}
	add("requests", doc.Tables.Requests)
	add("review_litigation", doc.Tables.ReviewLitigation)
	for _, st := range doc.Tables.Active {
		add("active", st)
	}
	return out
}

// TestApplyVariant: each option leaves the cells it promises, the same
// seed gives the same document, and the base document is not touched.
func TestApplyVariant(t *testing.T) {
	isLegal := map[string]bool{}
	for _, c := range legalPerson {
		isLegal[c] = true
	}
	tests := []struct {
		name  string
		v     Variant
		check func(t *testing.T, doc *schema.Document)
	}{
		{"blank legal-person columns", Variant{BlankLegalPerson: true}, func(t *testing.T, doc *schema.Document) {
			n := 0
			for _, x := range cellsOf(doc) {
				blank := x.c.Status == schema.StatusBlank
				if x.table == "requests" && isLegal[x.col] != blank {
					t.Errorf("requests %s: status %s", x.col, x.c.Status)
				}
				if blank {
					n++
				}
			}
			if n != 5*len(doc.Tables.Requests) {
				t.Errorf("%d blank cells, want the 5 legal-person cells of %d rows", n, len(doc.Tables.Requests))
			}
		}},
		{"sparse", Variant{Sparse: true}, func(t *testing.T, doc *schema.Document) {
			zeroOrBlank, big, all := 0, 0, cellsOf(doc)
			for _, x := range all {
				switch {
				case x.c.Status == schema.StatusBlank || x.c.Value != nil && *x.c.Value == 0:
					zeroOrBlank++
				case x.c.Value != nil && *x.c.Value >= 10:
					big++
				}
			}
			if 2*zeroOrBlank < len(all) || big == 0 {
				t.Errorf("%d of %d cells 0 or blank, %d multi-digit", zeroOrBlank, len(all), big)
			}
		}},
		{"〇 is the number 0 printed as 〇", Variant{CircleZero: true}, func(t *testing.T, doc *schema.Document) {
			n := 0
			for _, x := range cellsOf(doc) {
				if x.c.Raw == CircleZero {
					n++
					if x.c.Value == nil || *x.c.Value != 0 || x.c.Status != schema.StatusNumber || cellText(x.c) != CircleZero {
						t.Errorf("a 〇 cell is %+v, printed %q", x.c, cellText(x.c))
					}
				}
			}
			if n == 0 {
				t.Error("no 〇 cell")
			}
		}},
		{"见附件 once in each table", Variant{Attachment: true}, func(t *testing.T, doc *schema.Document) {
			per := map[string]int{}
			for _, x := range cellsOf(doc) {
				if x.c.Raw == Attachment && x.c.Status == schema.StatusText && x.c.Value == nil {
					per[x.table]++
				}
			}
			if per["active"] != 1 || per["requests"] != 1 || per["review_litigation"] != 1 {
				t.Errorf("见附件 cells per table: %v", per)
			}
		}},
	}
	for _, tmpl := range []string{schema.Template2019, schema.Template2021} {
		for _, tt := range tests {
			t.Run(tmpl+"/"+tt.name, func(t *testing.T) {
				base := engine.SampleDocument(tmpl)
				before, _ := json.Marshal(base)
				doc := ApplyVariant(base, tt.v, 9)
				tt.check(t, doc)
				again, _ := json.Marshal(ApplyVariant(base, tt.v, 9))
				if got, _ := json.Marshal(doc); !bytes.Equal(got, again) {
					t.Error("the same seed gave two documents")
				}
				if after, _ := json.Marshal(base); !bytes.Equal(before, after) {
					t.Error("the base document changed")
				}
			})
		}
	}
}

// TestStyle: the zero Style writes what HTML and DOCX write; the narrow
// style fixes the column widths in both, and a font is named in both.
func TestStyle(t *testing.T) {
	doc := engine.SampleDocument(schema.Template2021)
	plainDOCX, _ := DOCX(doc)
	tests := []struct {
		name       string
		st         Style
		html, docx []string
	}{
		{"plain", Style{}, nil, nil},
		{"narrow", Style{NarrowLabels: true}, []string{"table-layout:fixed", `<col style="width:7em">`}, []string{"w:tblGrid", `w:tblLayout w:type="fixed"`}},
		{"font", Style{Font: "Some Font"}, []string{`font-family:"Some Font"`}, []string{`w:eastAsia="Some Font"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := string(HTMLStyle(doc, tt.st))
			d, err := DOCXStyle(doc, tt.st)
			if err != nil {
				t.Fatal(err)
			}
			if (h == string(HTML(doc))) != (tt.html == nil) || bytes.Equal(d, plainDOCX) != (tt.docx == nil) {
				t.Errorf("the output equals the plain layout: %v, want %v", h == string(HTML(doc)), tt.html == nil)
			}
			for _, w := range tt.html {
				if !strings.Contains(h, w) {
					t.Errorf("HTML has no %s", w)
				}
			}
			xml := unzipDocument(t, d)
			for _, w := range tt.docx {
				if !strings.Contains(xml, w) {
					t.Errorf("DOCX has no %s", w)
				}
			}
		})
	}
}

func unzipDocument(t *testing.T, docx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = r.Close() }()
			data, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}
