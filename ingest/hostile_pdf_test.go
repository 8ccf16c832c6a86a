package ingest

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// TestHostilePDFOutput: a 30 KB PDF whose 190 pages all share one
// compressed content stream of 6,000 words makes pdftotext write 113 MB of
// word boxes. Its output is read through a cap, so conversion stops with an
// error that says so, in bounded memory.
func TestHostilePDFOutput(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("no pdftotext")
	}
	pdf := sharedContentPDF(t, 190, 100, 60)
	var err error
	peak := peakDuring(func() {
		_, err = Convert(context.Background(), "expands.pdf", pdf, Options{})
	})
	if err == nil || !strings.Contains(err.Error(), "expands.pdf") || !strings.Contains(err.Error(), "more than 16 MiB") {
		t.Fatalf("error %v; want the 16 MiB cap on pdftotext's output, naming the file", err)
	}
	t.Logf("%d bytes in: %v; peak %d MB", len(pdf), err, peak>>20)
	if peak > peakMemoryLimit {
		t.Errorf("peak memory %d MB, more than %d MB", peak>>20, peakMemoryLimit>>20)
	}
}

// sharedContentPDF is a PDF of pages pages that all draw one content
// stream of lines lines of words words each.
func sharedContentPDF(t *testing.T, pages, lines, words int) []byte {
	t.Helper()
	var content bytes.Buffer
	content.WriteString("BT /F1 6 Tf 20 780 Td 7 TL\n")
	line := "(" + strings.Repeat("AB ", words) + ") '\n"
	for i := 0; i < lines; i++ {
		content.WriteString(line)
	}
	content.WriteString("ET")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(content.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	var offsets []int
	obj := func(format string, args ...any) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, format, args...)
	}
	b.WriteString("%PDF-1.4\n")
	kids := make([]string, pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 5+i)
	}
	obj("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	obj("2 0 obj << /Type /Pages /Kids [%s] /Count %d >> endobj\n", strings.Join(kids, " "), pages)
	obj("3 0 obj << /Length %d /Filter /FlateDecode >> stream\n%s\nendstream endobj\n", z.Len(), z.Bytes())
	obj("4 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n")
	for i := 0; i < pages; i++ {
		obj("%d 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >> endobj\n", 5+i)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
