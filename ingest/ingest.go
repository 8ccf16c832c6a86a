package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/schema"
)

// Limits bound the work one input may cause. Bad input is normal input here:
// a 50 MB random file or a zip bomb must end quickly with a clear error.
type Limits struct {
	MaxFileBytes        int64         // size of the input file
	MaxDOCXUncompressed int64         // sum of uncompressed sizes read from a DOCX
	MaxZipEntries       int           // entries in a DOCX zip
	MaxXMLDepth         int           // element nesting in DOCX XML / HTML
	MaxPDFPages         int           // pages converted from a PDF
	MaxCells            int           // table cells in one document
	MaxRowCells         int           // cells in one table row (a template row has at most 16)
	MaxLines            int           // lines of text in one document
	MaxTextBytes        int           // bytes of one cell, paragraph or line of text
	Timeout             time.Duration // conversion of one document
}

// DefaultLimits are generous for real reports (a few hundred KB, a few
// thousand cells) and small enough that hostile input fails fast.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:        32 << 20,
		MaxDOCXUncompressed: 32 << 20,
		MaxZipEntries:       2000,
		MaxXMLDepth:         256,
		MaxPDFPages:         200,
		MaxCells:            200000,
		MaxRowCells:         1000,
		MaxLines:            200000,
		MaxTextBytes:        1 << 20,
		Timeout:             30 * time.Second,
	}
}

// Options control a conversion.
type Options struct {
	Limits Limits
	// Format forces an input format ("text", "html", "docx", "pdf", "json");
	// empty means detect from content and file name.
	Format string
	// Aligned reads text as pdftotext -layout output (columns aligned with
	// spaces), e.g. text someone extracted from a PDF beforehand.
	Aligned bool
}

// ErrUnsupported is returned for inputs ogi cannot read at all.
var ErrUnsupported = errors.New("unsupported input format")

// InputError is a conversion failure that names the file and the reason.
type InputError struct {
	File   string
	Reason string
	Err    error
}

func (e *InputError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.File, e.Reason, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

func (e *InputError) Unwrap() error { return e.Err }

// Convert reads one report and returns its canonical document. name is used
// for the source metadata, for format detection and in error messages.
//
// A file that cannot be read or converted gives an *InputError; one that is
// read but holds no report (empty, a scan without a text layer, a text that
// is not an annual report) gives an *UnreadableError. Neither is a document
// to check.
func Convert(ctx context.Context, name string, data []byte, opts Options) (*schema.Document, error) {
	lim := opts.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits()
	}
	if lim.MaxFileBytes > 0 && int64(len(data)) > lim.MaxFileBytes {
		return nil, &InputError{File: name, Reason: fmt.Sprintf("file is %d bytes, larger than the limit of %d bytes", len(data), lim.MaxFileBytes)}
	}
	if lim.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		defer cancel()
	}
	if blankInput(data) {
		return nil, &UnreadableError{File: name, Code: UnreadableEmpty}
	}
	format := opts.Format
	if format == "" {
		format = DetectFormat(name, data)
	}
	src := sourceFor(name, data)
	src.Format = format

	if format == FormatJSON {
		doc, err := readCanonical(data)
		if err != nil {
			return nil, &InputError{File: name, Reason: "not a valid canonical ogi document", Err: err}
		}
		doc.Meta.Source.File = src.File
		return doc, nil
	}

	var (
		lay *Layout
		err error
	)
	switch format {
	case FormatText:
		if opts.Aligned {
			lay, err = readAlignedText(data, lim)
		} else {
			lay, err = readText(data, lim)
		}
	case FormatHTML:
		lay, err = readHTML(data, lim)
	case FormatDOCX:
		lay, err = readDOCX(data, lim)
	case FormatPDF:
		lay, err = readPDF(ctx, data, lim)
	default:
		return nil, &InputError{File: name, Reason: "unrecognised input (not text, HTML, DOCX, PDF or canonical JSON)", Err: ErrUnsupported}
	}
	if err != nil {
		return nil, &InputError{File: name, Reason: "cannot read " + format, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, &InputError{File: name, Reason: "conversion took too long", Err: err}
	}
	if err := checkLayoutLimits(lay, lim); err != nil {
		return nil, &InputError{File: name, Reason: "input too large", Err: err}
	}
	src.Layout = lay.Layout
	src.Encoding = lay.Encoding
	src.Pages = lay.Pages
	doc := Map(lay, src)
	if err := ctx.Err(); err != nil {
		return nil, &InputError{File: name, Reason: "conversion took too long", Err: err}
	}
	if code := unreadable(lay, doc); code != "" {
		return nil, &UnreadableError{File: name, Code: code}
	}
	return doc, nil
}

func checkLayoutLimits(lay *Layout, lim Limits) error {
	if lim.MaxLines > 0 && len(lay.Lines) > lim.MaxLines {
		return fmt.Errorf("%d lines, more than the limit of %d", len(lay.Lines), lim.MaxLines)
	}
	cells := 0
	for _, l := range lay.Lines {
		cells += len(l.Cells)
	}
	if lim.MaxCells > 0 && cells > lim.MaxCells {
		return fmt.Errorf("%d cells, more than the limit of %d", cells, lim.MaxCells)
	}
	return nil
}

// DetectFormat guesses the input format from the content first (magic bytes)
// and the file extension second.
func DetectFormat(name string, data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return FormatPDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return FormatDOCX
	}
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("{")) && bytes.Contains(head, []byte(`"schema_version"`)) {
		return FormatJSON
	}
	if bytes.IndexByte(trimmed, '<') >= 0 {
		lower := strings.ToLower(string(trimmed))
		if strings.HasPrefix(lower, "<!doctype html") || strings.HasPrefix(lower, "<html") ||
			strings.Contains(lower, "<table") || strings.Contains(lower, "<body") {
			return FormatHTML
		}
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return FormatPDF
	case ".docx":
		return FormatDOCX
	case ".html", ".htm", ".xhtml":
		return FormatHTML
	case ".json":
		return FormatJSON
	}
	if looksBinary(data) {
		return ""
	}
	return FormatText
}

// looksBinary reports whether data is unlikely to be text in any encoding we
// read: NUL bytes outside a UTF-16 BOM, or many control bytes.
func looksBinary(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return false
	}
	n := len(data)
	if n > 8192 {
		n = 8192
	}
	ctrl := 0
	for _, b := range data[:n] {
		if b == 0 {
			return true
		}
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			ctrl++
		}
	}
	return n > 0 && ctrl*20 > n
}

// sourceFor describes an input file for the document's metadata.
func sourceFor(name string, data []byte) schema.Source {
	sum := sha256.Sum256(data)
	return schema.Source{File: filepath.Base(name), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}
