package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ogi-checker/ogi/internal/outfile"
)

// Spec is one output of a run, as -o FORMAT[=PATH] names it: the format and
// where it goes. Path "-" (or no path) is standard output; any other path is
// a file whatever its extension, replaced only once complete; for a format
// with a page per report (html) a directory when it ends in a separator,
// is an existing directory or has no extension.
type Spec struct {
	// Text is how messages name the output: "-o FORMAT=PATH", or the flag
	// it came from ("--xlsx r.xlsx").
	Text   string
	Format *Format
	Path   string
}

// ParseSpec reads one FORMAT[=PATH].
func ParseSpec(text string) (Spec, error) {
	name, path, toFile := strings.Cut(text, "=")
	f, ok := Lookup(name)
	if !ok {
		return Spec{}, fmt.Errorf("-o %s: unknown format %q (one of %s)", text, name, strings.Join(FormatNames(), ", "))
	}
	if !toFile {
		path = outfile.Stdout
	} else if path == "" {
		return Spec{}, fmt.Errorf("-o %s: no file after = (- for standard output)", text)
	}
	return Spec{Text: "-o " + text, Format: f, Path: path}, nil
}

// FlagSpec is an output named by a flag of its own (assess --xlsx FILE).
func FlagSpec(flag, format, path string) Spec {
	f, _ := Lookup(format)
	return Spec{Text: flag + " " + path, Format: f, Path: path}
}

// ParseSpecs reads every -o and refuses two outputs to one file: the second
// would replace the first without a word. Other names a run writes besides
// (the store, a profile) are given as "flag path" pairs in others.
func ParseSpecs(texts []string, others ...Spec) ([]Spec, error) {
	var names, paths []string
	for _, o := range others {
		names, paths = append(names, o.Text), append(paths, o.Path)
	}
	specs := make([]Spec, 0, len(texts))
	for _, t := range texts {
		s, err := ParseSpec(t)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
		names, paths = append(names, s.Text), append(paths, s.Path)
	}
	if a, b, ok := outfile.Distinct(names, paths); !ok {
		return nil, fmt.Errorf("%s and %s both write one file", a, b)
	}
	return specs, nil
}

// pagesDir tells whether a per-report output goes to a directory of pages.
func (s Spec) pagesDir() bool {
	if !s.Format.PerReport || !outfile.IsFile(s.Path) {
		return false
	}
	if strings.HasSuffix(s.Path, "/") || strings.HasSuffix(s.Path, string(filepath.Separator)) || filepath.Ext(s.Path) == "" {
		return true
	}
	st, err := os.Stat(s.Path)
	return err == nil && st.IsDir()
}

// Write writes the output from src: one file (or standard output), or for
// a per-report format to a directory one page per report, named by
// outfile.PageNames. Every file is replaced only once complete. A
// per-report format to one file takes one report: several would make one
// file of several pages, which no browser shows.
func (s Spec) Write(src *Source, stdout io.Writer) error { return s.WriteWhen(src, stdout, nil) }

// WriteWhen is Write for outputs written side by side: the output replaces
// its file only once ready is closed (nil: at once), holding what it wrote
// until then (outfile.WriteWhen), and a directory of pages is not begun
// before; so that a run's files are replaced in the order its outputs were
// given, as when they were written one after another.
func (s Spec) WriteWhen(src *Source, stdout io.Writer, ready <-chan struct{}) error {
	if src == nil {
		src = &Source{}
	}
	if !s.pagesDir() {
		if s.Format.PerReport && outfile.IsFile(s.Path) {
			n := 0
			for range src.summaries() {
				n++
			}
			if n > 1 {
				return fmt.Errorf("%d reports make %d pages: name a directory (%s/) instead of a file", n, n, strings.TrimSuffix(s.Path, s.Format.Ext))
			}
		}
		return outfile.WriteWhen(s.Path, stdout, ready, func(w io.Writer) error { return s.Format.Write(w, src) })
	}
	if ready != nil {
		<-ready
	}
	if err := os.MkdirAll(s.Path, 0o755); err != nil {
		return err
	}
	var files []string
	for r := range src.summaries() {
		files = append(files, r.Report.File)
	}
	names := outfile.PageNames(files, s.Format.Ext)
	i := 0
	for r := range src.reports(true) {
		if i >= len(names) {
			break
		}
		fr := r.Report
		if err := outfile.Write(filepath.Join(s.Path, names[i]), stdout, func(w io.Writer) error {
			return s.Format.WriteReport(w, fr, src)
		}); err != nil {
			return err
		}
		i++
	}
	return nil
}
