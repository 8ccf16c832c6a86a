package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"time"
)

// PageWord is one word of a PDF page, in points from the page's top left
// corner.
type PageWord struct {
	X0, Y0, X1, Y1 float64
	Text           string
}

// PDFPage is one page's size and words, for showing where on the page a
// cell was read.
type PDFPage struct {
	Width, Height float64
	Words         []PageWord
}

// maxPagePNG bounds one rendered page: an A4 page at 110 dpi is a few
// hundred KB.
const maxPagePNG = 16 << 20

// pageTimeout bounds poppler on one page.
const pageTimeout = 30 * time.Second

// ReadPDFPage reads the words of page (1-based) of a PDF with
// `pdftotext -bbox-layout`, run as a program and bounded like the reader.
func ReadPDFPage(ctx context.Context, data []byte, page int) (*PDFPage, error) {
	if page < 1 {
		return nil, fmt.Errorf("page %d: pages count from 1", page)
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPdftotext
	}
	ctx, cancel := context.WithTimeout(ctx, pageTimeout)
	defer cancel()
	p := strconv.Itoa(page)
	out, err := runCapped(ctx, bin, []string{"-bbox-layout", "-enc", "UTF-8", "-f", p, "-l", p, "-", "-"}, data, maxPdftotextOutput)
	if err != nil {
		return nil, fmt.Errorf("page %d: pdftotext: %s", page, firstLine(err))
	}
	pages, err := parseBBox(bytes.NewReader(out), 1, 0)
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", page, err)
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("the PDF has no page %d", page)
	}
	pg := &PDFPage{Width: pages[0].width, Height: pages[0].height}
	for _, w := range pages[0].words {
		pg.Words = append(pg.Words, PageWord{X0: w.x0, Y0: w.y0, X1: w.x1, Y1: w.y1, Text: w.text})
	}
	return pg, nil
}

// ErrNoPdftoppm is returned when poppler's pdftoppm is not installed.
var ErrNoPdftoppm = errors.New("pdftoppm not found: install poppler-utils")

// RenderPDFPage renders page (1-based) of a PDF as a PNG at dpi with
// poppler's pdftoppm, run as a program, bounded in time and size.
func RenderPDFPage(ctx context.Context, data []byte, page, dpi int) ([]byte, error) {
	if page < 1 {
		return nil, fmt.Errorf("page %d: pages count from 1", page)
	}
	if dpi < 30 || dpi > 300 {
		return nil, fmt.Errorf("resolution %d dpi: between 30 and 300", dpi)
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoPdftoppm
	}
	ctx, cancel := context.WithTimeout(ctx, pageTimeout)
	defer cancel()
	p := strconv.Itoa(page)
	out, err := runCapped(ctx, bin, []string{"-png", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-"}, data, maxPagePNG)
	if err != nil {
		return nil, fmt.Errorf("page %d: pdftoppm: %s", page, firstLine(err))
	}
	if !bytes.HasPrefix(out, []byte("\x89PNG")) {
		return nil, fmt.Errorf("page %d: pdftoppm wrote no image", page)
	}
	return out, nil
}
