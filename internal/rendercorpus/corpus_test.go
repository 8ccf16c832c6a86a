package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/browsertest"
	"github.com/ogi-checker/ogi/internal/printpdf"
)

const (
	corpusDir = "../../testdata/rendered"
	goldenDir = "../../testdata/golden"
)

// TestCorpusUpToDate: the checked-in manifest, README, HTML and DOCX are
// what the tool makes now, and every PDF the manifest names is there, so
// that a change to the renderer or the variants cannot leave a stale gold.
func TestCorpusUpToDate(t *testing.T) {
	es, err := entries(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest(es)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"manifest.yaml": m, "README.md": readme(es)}
	for _, e := range es {
		html, docx, err := sources(e)
		if err != nil {
			t.Fatal(err)
		}
		want[e.htmlFile()], want[e.docxFile()] = html, docx
	}
	for f, data := range want {
		got, err := os.ReadFile(filepath.Join(corpusDir, f))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s is not what the tool makes now (%v): go run ./internal/rendercorpus -out testdata/rendered", f, err)
		}
	}
	for _, e := range es {
		for _, f := range []string{FormatChromium, FormatLibreOffice} {
			if _, err := os.Stat(filepath.Join(corpusDir, e.pdfFile(f))); err != nil {
				t.Error(err)
			}
		}
	}
	if len(es) < 10 {
		t.Errorf("%d reports; the corpus is meant to have at least 10", len(es))
	}
}

// TestGoldReadsFromSources: reading each report's own HTML and DOCX (no
// printing involved) gives the gold of every cell, which shows the gold
// says what the renderer wrote. Reports with 〇 or 见附件 cells are left
// out: today's table reader takes those cells for labels and loses the
// row, a reader fault the PDF test reports too.
func TestGoldReadsFromSources(t *testing.T) {
	es, err := entries(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range es {
		if e.marks {
			continue
		}
		html, docx, err := sources(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range []struct {
			name string
			data []byte
		}{{e.name + ".html", html}, {e.name + ".docx", docx}} {
			doc, err := ingest.Convert(context.Background(), src.name, src.data, ingest.Options{})
			if err != nil {
				t.Fatalf("%s: %v", src.name, err)
			}
			read := truth(doc)
			for k, v := range truth(e.doc) {
				if fmt.Sprint(read[k]) != fmt.Sprint(v) {
					t.Errorf("%s: %s reads %v, gold says %v", src.name, k, read[k], v)
				}
			}
			checked++
		}
	}
	if checked < 10 {
		t.Errorf("only %d sources checked", checked)
	}
}

// TestPrintReadsBack runs the tool's printing on one report: both PDFs
// carry their text in the embedded CJK font (real glyphs, not boxes or a
// fallback), hold the title and table labels as text, convert, and print
// to the same bytes twice.
func TestPrintReadsBack(t *testing.T) {
	b := browsertest.Printers(t)
	if _, err := exec.LookPath("pdffonts"); err != nil {
		t.Skip("no pdffonts (poppler-utils)")
	}
	es, err := entries(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	e := es[len(es)-1]
	files, err := renderEntry(context.Background(), b, e)
	if err != nil {
		t.Fatal(err)
	}
	again, err := renderEntry(context.Background(), b, e)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{FormatChromium, FormatLibreOffice} {
		name := e.pdfFile(f)
		pdf := files[name]
		if !bytes.Equal(pdf, again[name]) {
			t.Errorf("%s: two printings differ", name)
		}
		tmp := filepath.Join(t.TempDir(), "r.pdf")
		if err := os.WriteFile(tmp, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		fonts, err := exec.Command("pdffonts", tmp).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: pdffonts: %v: %s", name, err, fonts)
		}
		if want := strings.ReplaceAll(printpdf.Font, " ", ""); !strings.Contains(string(fonts), want) {
			t.Errorf("%s does not embed %s (install fonts-wqy-microhei):\n%s", name, want, fonts)
		}
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", tmp, "-").Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", name, err)
		}
		flat := strings.Join(strings.Fields(string(text)), "")
		for _, want := range []string{e.doc.Meta.Title, "三、收到和处理政府信息公开申请情况", "（七）总计"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: the text has no %q:\n%.600s", name, want, text)
			}
		}
		// How well the cells read is the gold tests' business; here the
		// PDF must only be one ogi accepts.
		if _, err := ingest.Convert(context.Background(), "r.pdf", pdf, ingest.Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
