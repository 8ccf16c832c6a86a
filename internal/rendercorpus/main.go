// Command rendercorpus makes the rendered corpus in testdata/rendered:
// testdata golden documents and generated variant reports (blank
// legal-person columns, sparse rows, wrapped labels, 〇 and 见附件 cells)
// written as HTML and DOCX, printed to PDF by headless Chromium and
// converted to PDF by LibreOffice, with a gold manifest of every cell.
//
//	go run ./internal/rendercorpus -out testdata/rendered
//
// The same programs give the same bytes: the dates and file identifiers
// that differ between two printings are fixed (see printpdf.Stable).
package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ogi-checker/ogi/internal/printpdf"
)

func main() {
	out := flag.String("out", "testdata/rendered", "corpus directory")
	golden := flag.String("golden", "testdata/golden", "directory of the canonical JSON documents rendered again")
	flag.Parse()
	if err := run(context.Background(), *out, *golden); err != nil {
		fmt.Fprintln(os.Stderr, "rendercorpus:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out, goldenDir string) error {
	es, err := entries(goldenDir)
	if err != nil {
		return err
	}
	b, err := printpdf.NewBrowser(ctx)
	if err != nil {
		return err
	}
	defer b.Close()
	for _, e := range es {
		files, err := renderEntry(ctx, b, e)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		for _, f := range slices.Sorted(maps.Keys(files)) {
			if err := writeFile(filepath.Join(out, f), files[f]); err != nil {
				return err
			}
		}
		fmt.Printf("%s: chromium %d bytes, libreoffice %d bytes\n", e.name,
			len(files[e.pdfFile(FormatChromium)]), len(files[e.pdfFile(FormatLibreOffice)]))
	}
	m, err := manifest(es)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(out, "manifest.yaml"), m); err != nil {
		return err
	}
	return writeFile(filepath.Join(out, "README.md"), readme(es))
}

// renderEntry makes the files of one report, by name in the corpus: its
// HTML and DOCX and their two PDFs.
func renderEntry(ctx context.Context, b *printpdf.Browser, e entry) (map[string][]byte, error) {
	html, docx, err := sources(e)
	if err != nil {
		return nil, err
	}
	pdf, err := b.PrintHTML(html)
	if err != nil {
		return nil, err
	}
	lo, err := printpdf.ConvertDOCX(ctx, docx)
	if err != nil {
		return nil, err
	}
	return map[string][]byte{e.htmlFile(): html, e.docxFile(): docx,
		e.pdfFile(FormatChromium): pdf, e.pdfFile(FormatLibreOffice): lo}, nil
}

// writeFile writes through a temporary file and a rename, so that an
// interrupted run leaves the old file or the new one, never half of one.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readme says what the corpus is and where each report came from.
func readme(es []entry) []byte {
	var b strings.Builder
	b.WriteString(`# rendered/ — reports printed to PDF, with gold cells

Made by ` + "`go run ./internal/rendercorpus -out testdata/rendered`" + ` (needs chromium,
LibreOffice and a CJK font: ` + "`.ci/run`" + ` installs them). Do not edit by hand: rerun the tool.

Each report is written by ogi's own renderer as an HTML page (` + "`render.HTMLStyle`" + `, in html/)
and a Word document (` + "`render.DOCXStyle`" + `, in docx/); the page is printed to A4 PDF by
headless Chromium through the DevTools protocol (` + "`Page.printToPDF`" + `, no header or footer,
in chromium/) and the document converted by ` + "`soffice --headless --convert-to pdf`" + ` (in
libreoffice/). Creation dates and file identifiers are fixed so that the same programs
give the same bytes.

manifest.yaml is the gold: every table cell as the document that was rendered holds it
(` + "`blank`" + ` for an empty cell, ` + "`text:见附件`" + `, 0 for a cell printed as 〇), per PDF, with the
PDF's format. ` + "`go test ./internal/gold -run Rendered`" + ` requires every cell of every PDF; ` + "`ogi eval\ntestdata/rendered/manifest.yaml`" + ` gives the figures per format. Only cells are graded.

| report | from | printed |
|---|---|---|
`)
	for _, e := range es {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", e.name, e.from, e.style)
	}
	b.WriteString(`
Golden documents are the canonical JSON of testdata reports (see ../README.md for their
sources); the 平潭 crawls and the Shanghai extract are not rendered. Generated reports
start from ogi's complete sample documents (` + "`engine.SampleDocument`" + `) with
` + "`render.ApplyVariant`" + `: blank-legal leaves the five 法人或其他组织 columns of table 3
empty; sparse makes most cells 0 or blank and a few multi-digit; circle-zero writes some
zeros as 〇; attachment puts 见附件 in one cell of each of tables 2, 3 and 4. narrow-labels
prints label columns narrow enough that long row labels wrap, with a fixed column grid
and borders in the DOCX; plain DOCX tables have no borders and equal columns, as some
published Word files. Everything is set in ` + printpdf.Font + ` (Debian fonts-wqy-microhei),
embedded as a TrueType subset in both kinds of PDF.
`)
	return []byte(b.String())
}
