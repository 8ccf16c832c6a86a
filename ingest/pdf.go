package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// ErrNoPdftotext is returned when PDF input meets a machine without poppler.
var ErrNoPdftotext = errors.New("PDF input needs poppler's pdftotext: install poppler-utils (apt-get install -y poppler-utils)")

var rePDFPages = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// readPDF extracts the text of a text PDF with `pdftotext -layout` (run as a
// program: poppler is GPL) and splits it like any aligned text. Pages are
// separated by form feeds, which give each line its page number.
func readPDF(ctx context.Context, data []byte, lim Limits) (*Layout, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPdftotext
	}
	f, err := os.CreateTemp("", "ogi-*.pdf")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if info, err := exec.LookPath("pdfinfo"); err == nil && lim.MaxPDFPages > 0 {
		out, err := exec.CommandContext(ctx, info, f.Name()).Output()
		if err != nil {
			return nil, fmt.Errorf("not a readable PDF (pdfinfo: %v)", firstLine(err))
		}
		if m := rePDFPages.FindSubmatch(out); m != nil {
			if n, _ := strconv.Atoi(string(m[1])); n > lim.MaxPDFPages {
				return nil, fmt.Errorf("the PDF has %d pages, more than the limit of %d", n, lim.MaxPDFPages)
			}
		}
	}
	args := []string{"-layout", "-enc", "UTF-8"}
	if lim.MaxPDFPages > 0 {
		args = append(args, "-l", strconv.Itoa(lim.MaxPDFPages))
	}
	args = append(args, f.Name(), "-")
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdftotext did not finish in time: %w", ctx.Err())
		}
		return nil, fmt.Errorf("pdftotext could not read the file: %s", firstLine(errors.New(strings.TrimSpace(stderr.String()+" "+err.Error()))))
	}
	text := strings.ReplaceAll(string(out), "\r\n", "\n")
	lay, err := splitText(strings.TrimSuffix(text, "\f"), FormatPDF, lim)
	if err != nil {
		return nil, err
	}
	lay.Encoding = "utf-8"
	if len(strings.TrimSpace(strings.ReplaceAll(text, "\f", ""))) < 20 {
		lay.Diagnostics = append(lay.Diagnostics, schemaDiag("no_text", "error",
			"the PDF has no extractable text (scanned or image-only); ogi does not OCR"))
	}
	return lay, nil
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
