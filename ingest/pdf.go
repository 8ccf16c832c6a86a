package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrNoPdftotext is returned when PDF input meets a machine without poppler.
var ErrNoPdftotext = errors.New("PDF input needs poppler's pdftotext: install poppler-utils (apt-get install -y poppler-utils)")

var rePDFPages = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// maxPdftotextOutput caps what is read from pdftotext: a 200-page report
// is a few MiB of bbox XHTML; more is a hostile or broken file.
const maxPdftotextOutput = 16 << 20

// readPDF reads a text PDF by word position (`pdftotext -bbox-layout`, run
// as a program: poppler is GPL) and lays its tables out by their columns'
// geometry. When no table header is found, or the positions cannot be read,
// it falls back to `pdftotext -layout` text split on runs of spaces.
func readPDF(ctx context.Context, data []byte, lim Limits) (*Layout, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPdftotext
	}
	// The PDF goes to poppler on standard input ("-"): no temporary copy
	// that a killed ogi could leave behind.
	if info, err := exec.LookPath("pdfinfo"); err == nil && lim.MaxPDFPages > 0 {
		out, err := runCapped(ctx, info, []string{"-"}, data, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("not a readable PDF (pdfinfo: %v)", firstLine(err))
		}
		if m := rePDFPages.FindSubmatch(out); m != nil {
			if n, _ := strconv.Atoi(string(m[1])); n > lim.MaxPDFPages {
				return nil, fmt.Errorf("the PDF has %d pages, more than the limit of %d", n, lim.MaxPDFPages)
			}
		}
	}
	var pageArgs []string
	if lim.MaxPDFPages > 0 {
		pageArgs = []string{"-l", strconv.Itoa(lim.MaxPDFPages)}
	}

	var fallback string
	args := append(append([]string{"-bbox-layout", "-enc", "UTF-8"}, pageArgs...), "-", "-")
	out, err := runCapped(ctx, bin, args, data, maxPdftotextOutput)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdftotext did not finish in time: %w", ctx.Err())
		}
		return nil, fmt.Errorf("pdftotext could not read the file: %s", firstLine(err))
	}
	maxWords := 0
	if lim.MaxCells > 0 || lim.MaxLines > 0 {
		maxWords = lim.MaxCells + lim.MaxLines
	}
	pages, perr := parseBBox(bytes.NewReader(out), lim.MaxPDFPages, maxWords)
	var lay *Layout
	switch {
	case perr != nil:
		fallback = "the word positions pdftotext gave could not be read (" + perr.Error() + ")"
	default:
		lay, err = layoutBBox(pages, lim)
		switch {
		case err != nil:
			lay, fallback = nil, "the PDF could not be laid out by position ("+err.Error()+")"
		case lay == nil && countWords(pages) > 0:
			fallback = "no table header was found by position"
		}
	}
	if lay == nil {
		if lay, err = readPDFLayout(ctx, bin, pageArgs, data, lim); err != nil {
			return nil, err
		}
		if fallback != "" {
			lay.Diagnostics = append(lay.Diagnostics, schemaDiag("pdf_layout_fallback", "info",
				fallback+"; the PDF was read as aligned text"))
		}
	}
	lay.Encoding = "utf-8"
	if len(compact(layoutText(lay))) < 20 {
		lay.Diagnostics = append(lay.Diagnostics, schemaDiag("no_text", "error",
			"the PDF has no extractable text (scanned or image-only); ogi does not OCR"))
	}
	return lay, nil
}

// readPDFLayout is the aligned-text path: `pdftotext -layout`, pages
// separated by form feeds, which give each line its page number.
func readPDFLayout(ctx context.Context, bin string, pageArgs []string, data []byte, lim Limits) (*Layout, error) {
	args := append(append([]string{"-layout", "-enc", "UTF-8"}, pageArgs...), "-", "-")
	out, err := runCapped(ctx, bin, args, data, maxPdftotextOutput)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdftotext did not finish in time: %w", ctx.Err())
		}
		return nil, fmt.Errorf("pdftotext could not read the file: %s", firstLine(err))
	}
	text := strings.ReplaceAll(string(out), "\r\n", "\n")
	return splitText(strings.TrimSuffix(text, "\f"), FormatPDF, lim)
}

// runCapped runs a program with in as its standard input and returns its
// standard output, at most limit bytes: past that the program is killed and
// an error says so. The program (and its process group) dies with ctx, and
// on Linux with ogi itself.
func runCapped(ctx context.Context, bin string, args []string, in []byte, limit int64) ([]byte, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	ownGroup(cmd)
	cmd.WaitDelay = 2 * time.Second
	cmd.Stderr = &limitedWriter{w: &stderr, left: 4096}
	if in != nil {
		cmd.Stdin = bytes.NewReader(in)
	}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	out, rerr := io.ReadAll(io.LimitReader(pipe, limit+1))
	if int64(len(out)) > limit {
		cancel()
		_ = cmd.Wait()
		return nil, fmt.Errorf("%s wrote more than %d MiB", bin, limit>>20)
	}
	werr := cmd.Wait()
	if werr == nil {
		werr = rerr
	}
	if werr != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg != "" {
			return nil, fmt.Errorf("%s (%v)", msg, werr)
		}
		return nil, werr
	}
	return out, nil
}

// limitedWriter keeps the first bytes of a stream and drops the rest, so
// that a program writing endless warnings cannot fill memory.
type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	n := len(p)
	if l.left > 0 {
		k := n
		if k > l.left {
			k = l.left
		}
		_, _ = l.w.Write(p[:k])
		l.left -= k
	}
	return n, nil
}

func countWords(pages []pdfPage) int {
	n := 0
	for _, p := range pages {
		n += len(p.words)
	}
	return n
}

func layoutText(lay *Layout) string {
	var b strings.Builder
	for _, l := range lay.Lines {
		b.WriteString(l.Text())
	}
	return b.String()
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
