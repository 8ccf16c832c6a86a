package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/gold"
	"github.com/ogi-checker/ogi/internal/printpdf"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// Formats of the rendered corpus, as the manifest names them.
const (
	FormatChromium    = "chromium-pdf"
	FormatLibreOffice = "libreoffice-pdf"
)

// entry is one report of the corpus: the document that is the truth and
// the style it is printed in.
type entry struct {
	name  string
	doc   *schema.Document
	style render.Style
	// from says where the document came from, for the README.
	from string
	// marks: the document has 〇 or 见附件 cells.
	marks bool
}

// goldenSources are the testdata reports rendered again. The 平潭 crawls
// and the Shanghai extract are left out: they are kept for independent
// evaluation, and their ambiguous cells have no single value to print.
var goldenSources = []string{
	"000_80384ef52a1d3930.txt", // blank tables 3/4 with 无 totals
	"001_1dc63dd6a21548ca.txt", // 2019, identities hold
	"004_cee81fd346254158.txt", // 2019, table 3 cut off
	"huaian-city-2024.pdf",     // 2021, identities hold
	"hongze-district-2023.pdf", // 2021, rows missing
	"template-2021-blank.docx", // 2021, every cell blank
}

// variants are the generated reports: the complete sample documents with
// the cell kinds printed PDFs have. Seeds are fixed so that the corpus is
// the same on every run.
var variants = []struct {
	template string
	v        render.Variant
	style    render.Style
	seed     int64
}{
	{schema.Template2021, render.Variant{BlankLegalPerson: true}, render.Style{}, 1},
	{schema.Template2019, render.Variant{BlankLegalPerson: true, CircleZero: true}, render.Style{NarrowLabels: true}, 2},
	{schema.Template2019, render.Variant{Sparse: true}, render.Style{}, 3},
	{schema.Template2021, render.Variant{Sparse: true, CircleZero: true, Attachment: true}, render.Style{NarrowLabels: true}, 4},
	{schema.Template2021, render.Variant{Sparse: true, BlankLegalPerson: true, Attachment: true}, render.Style{NarrowLabels: true}, 5},
}

// entries lists the corpus in a fixed order.
func entries(goldenDir string) ([]entry, error) {
	var out []entry
	for _, src := range goldenSources {
		data, err := os.ReadFile(filepath.Join(goldenDir, src+".json"))
		if err != nil {
			return nil, err
		}
		var doc schema.Document
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", src, err)
		}
		stem := strings.TrimSuffix(src, filepath.Ext(src))
		out = append(out, entry{name: "golden-" + stem, doc: &doc, style: render.Style{Font: printpdf.Font}, from: "testdata/golden/" + src + ".json"})
	}
	for _, x := range variants {
		doc := render.ApplyVariant(engine.SampleDocument(x.template), x.v, x.seed)
		x.style.Font = printpdf.Font
		name := fmt.Sprintf("gen-%s-%s-%s", x.template, x.v, x.style)
		out = append(out, entry{name: name, doc: doc, style: x.style, marks: x.v.CircleZero || x.v.Attachment,
			from: fmt.Sprintf("engine.SampleDocument(%q), render.Variant %s, seed %d", x.template, x.v, x.seed)})
	}
	return out, nil
}

// truth is what every cell of the document should read as once printed:
// the cell as the manifest encodes it (〇 is the number 0, 见附件 text).
func truth(doc *schema.Document) map[string]any {
	cells := map[string]any{}
	for row, cols := range doc.Tables.Requests {
		for col, c := range cols {
			cells["requests."+row+"."+col] = gold.Encode(c)
		}
	}
	for g, cols := range doc.Tables.ReviewLitigation {
		for col, c := range cols {
			cells["review_litigation."+g+"."+col] = gold.Encode(c)
		}
	}
	for st, rows := range doc.Tables.Active {
		for row, cols := range rows {
			for col, c := range cols {
				cells["active."+st+"."+row+"."+col] = gold.Encode(c)
			}
		}
	}
	return cells
}

// file names of an entry's sources and renderings, relative to the corpus.
func (e entry) htmlFile() string { return "html/" + e.name + ".html" }
func (e entry) docxFile() string { return "docx/" + e.name + ".docx" }
func (e entry) pdfFile(format string) string {
	if format == FormatChromium {
		return "chromium/" + e.name + ".pdf"
	}
	return "libreoffice/" + e.name + ".pdf"
}

// manifest is the gold manifest of the corpus: one report per rendering.
func manifest(es []entry) ([]byte, error) {
	var m gold.Manifest
	for _, e := range es {
		for _, f := range []string{FormatChromium, FormatLibreOffice} {
			m.Reports = append(m.Reports, gold.Report{File: e.pdfFile(f), Format: f, Cells: truth(e.doc)})
		}
	}
	sort.SliceStable(m.Reports, func(i, j int) bool { return m.Reports[i].File < m.Reports[j].File })
	data, err := yaml.Marshal(&m)
	if err != nil {
		return nil, err
	}
	head := "# Rendered corpus: each report printed to PDF by Chromium (from html/) and by\n" +
		"# LibreOffice (from docx/), with every table cell as it was written. Made by\n" +
		"# go run ./internal/rendercorpus -out testdata/rendered; do not edit by hand.\n" +
		"# Only cells are graded: no finding must fire or must not.\n"
	return append([]byte(head), data...), nil
}

// sources are the HTML and DOCX files of an entry.
func sources(e entry) (html, docx []byte, err error) {
	docx, err = render.DOCXStyle(e.doc, e.style)
	return render.HTMLStyle(e.doc, e.style), docx, err
}
