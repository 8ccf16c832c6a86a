package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// cellValues lists every table cell as "path=status:value" for comparison.
func cellValues(doc *schema.Document) map[string]string {
	out := map[string]string{}
	put := func(path string, c *schema.Cell) {
		v := "-"
		if c.Value != nil {
			v = fmt.Sprint(*c.Value)
		}
		out[path] = c.Status + ":" + v
	}
	for r, cols := range doc.Tables.Requests {
		for c, cell := range cols {
			put("requests."+r+"."+c, cell)
		}
	}
	for g, cols := range doc.Tables.ReviewLitigation {
		for c, cell := range cols {
			put("review_litigation."+g+"."+c, cell)
		}
	}
	for st, rows := range doc.Tables.Active {
		for r, cols := range rows {
			for c, cell := range cols {
				put("active."+st+"."+r+"."+c, cell)
			}
		}
	}
	return out
}

// TestRoundTrip renders reports as tab-separated text, an HTML page and a
// DOCX, converts each back, and requires every table cell to read the same
// (status and value) as in the original conversion.
func TestRoundTrip(t *testing.T) {
	files := []string{
		seed("000_80384ef52a1d3930.txt"), seed("001_1dc63dd6a21548ca.txt"), seed("002_a141446f969544e3.txt"),
		seed("003_c95910d04a7fd181.txt"), seed("004_cee81fd346254158.txt"),
		realFile("huaian-city-2024.pdf"), realFile("hongze-district-2024.pdf"), realFile("template-2021-blank.docx"),
	}
	for _, f := range files {
		orig := convertFile(t, f)
		want := cellValues(orig)
		docx, err := render.DOCX(orig)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			name string
			data []byte
		}{{"report.txt", render.Text(orig)}, {"report.html", render.HTML(orig)}, {"report.docx", docx}} {
			t.Run(filepath.Base(f)+"/"+r.name, func(t *testing.T) {
				doc, err := Convert(context.Background(), r.name, r.data, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if doc.Meta.Template == nil || orig.Meta.Template == nil || *doc.Meta.Template != *orig.Meta.Template {
					t.Errorf("template %v, want %v", doc.Meta.Template, orig.Meta.Template)
				}
				got := cellValues(doc)
				for k, w := range want {
					if got[k] != w {
						t.Errorf("%s = %s, want %s", k, got[k], w)
					}
				}
				if len(doc.Sections) != len(orig.Sections) {
					t.Errorf("%d sections, want %d", len(doc.Sections), len(orig.Sections))
				}
			})
		}
	}
}
