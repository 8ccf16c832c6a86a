package jobs

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/report"
)

// exportFormats are the formats Export writes one of, with their file
// extensions; zip holds them all.
var exportFormats = []struct{ name, ext string }{
	{"xlsx", ".xlsx"}, {"csv", ".csv"}, {"json", ".json"}, {"jsonl", ".jsonl"}, {"circular", ".docx"}, {"dashboard", ".html"},
}

// ExportFormats lists what Export takes: xlsx, csv, json, jsonl,
// circular, dashboard and zip.
func ExportFormats() []string {
	out := make([]string, 0, len(exportFormats)+1)
	for _, f := range exportFormats {
		out = append(out, f.name)
	}
	return append(out, "zip")
}

// exportMaxDetails is the dashboard's cap on drill-downs, as ogi assess's
// default.
const exportMaxDetails = 5000

// zipTime is every zip entry's modification time, so that the same
// export gives the same bytes.
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Export writes the batch's results in a format (ExportFormats) to w and
// returns the file name to offer. It runs the batch's files again through
// assess with the store, which reuses every stored result, so that the
// export scores and shows the decisions in force now. The same results and
// decisions give the same bytes.
//
// With a shared queue the export is a job: whichever worker takes it
// writes the file into the data directory, and the same batch, run,
// settings and decisions are exported once (see exportJob).
func (r *Runner) Export(ctx context.Context, batch int64, format string, w io.Writer) (filename string, err error) {
	if !knownExport(format) {
		return "", fmt.Errorf("jobs: unknown export format %q (one of %s)", format, strings.Join(ExportFormats(), ", "))
	}
	if r.q != nil {
		return r.q.export(ctx, batch, format, w)
	}
	return r.export(ctx, batch, format, w)
}

// knownExport reports whether Export takes format.
func knownExport(format string) bool {
	for _, f := range ExportFormats() {
		if f == format {
			return true
		}
	}
	return false
}

// export writes the batch's export in this process.
func (r *Runner) export(ctx context.Context, batch int64, format string, w io.Writer) (filename string, err error) {
	var formats []struct{ name, ext string }
	for _, f := range exportFormats {
		if f.name == format || format == "zip" {
			formats = append(formats, f)
		}
	}
	if len(formats) == 0 {
		return "", fmt.Errorf("jobs: unknown export format %q (one of %s)", format, strings.Join(ExportFormats(), ", "))
	}
	b, ok, err := r.cfg.Store.Batch(ctx, batch)
	if err != nil {
		return "", fmt.Errorf("jobs: %w", err)
	}
	if !ok {
		return "", fmt.Errorf("jobs: no batch %d", batch)
	}
	res, err := r.load(batch)
	if err != nil {
		return "", err
	}
	if res == nil {
		return "", fmt.Errorf("jobs: batch %d has not run yet", batch)
	}
	base := safeFileName(b.Name)
	if b.Name == "" {
		base = "batch-" + strconv.FormatInt(batch, 10)
	}
	// Beside the batch's results, so that the originals can be hard links.
	tmp, err := os.MkdirTemp(r.batchDir(batch), "export-")
	if err != nil {
		return "", fmt.Errorf("jobs: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	inputs, err := r.materialise(filepath.Join(tmp, "in"), res.items)
	if err != nil {
		return "", err
	}
	var specs []report.Spec
	var entries []zipEntry
	for _, f := range formats {
		path := filepath.Join(tmp, "out", f.name+f.ext)
		specs = append(specs, report.FlagSpec(f.name, f.name, path))
		entries = append(entries, zipEntry{name: base + f.ext, path: path})
	}
	var problems []string
	var mu sync.Mutex
	opts, err := r.options(&b, specs, func(line string) {
		mu.Lock()
		problems = append(problems, line)
		mu.Unlock()
	})
	if err != nil {
		return "", err
	}
	opts.MaxDetails = exportMaxDetails
	out, err := assess.Run(ctx, inputs, opts)
	if err != nil {
		return "", fmt.Errorf("jobs: export: %w", err)
	}
	if len(problems) > 0 || out.Code == check.ExitOutput {
		return "", fmt.Errorf("jobs: export: %s", strings.Join(problems, "; "))
	}
	if format != "zip" {
		return entries[0].name, copyFile(w, entries[0].path)
	}
	entries = append(entries, originals(inputs)...)
	return base + ".zip", writeZip(w, entries)
}

// zipEntry is a file to put in a zip under name.
type zipEntry struct{ name, path string }

// originals are the uploaded files under originals/, by the names the
// office gave them (a name given twice gets its place in the batch).
func originals(inputs []check.Input) []zipEntry {
	seen := map[string]bool{}
	var out []zipEntry
	for _, in := range inputs {
		name := safeFileName(in.Name)
		if seen[name] {
			// The materialised file is <seq>-<name>: unique in the batch.
			name = filepath.Base(in.File)
		}
		seen[name] = true
		out = append(out, zipEntry{name: "originals/" + name, path: in.File})
	}
	return out
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("jobs: export: %w", err)
	}
	defer func() { _ = f.Close() }()
	if _, err := io.Copy(w, f); err != nil {
		return fmt.Errorf("jobs: export: %w", err)
	}
	return nil
}

// writeZip writes the entries in name order with a fixed time: the same
// files give the same bytes.
func writeZip(w io.Writer, entries []zipEntry) error {
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	zw := zip.NewWriter(w)
	for _, e := range entries {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return fmt.Errorf("jobs: export: %w", err)
		}
		if err := copyFile(fw, e.path); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("jobs: export: %w", err)
	}
	return nil
}
