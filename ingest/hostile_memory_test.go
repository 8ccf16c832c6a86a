package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// peakMemoryLimit is the bar for any one hostile input.
const peakMemoryLimit = 256 << 20

// TestHostileInputsBoundedMemory: inputs that are small on disk but expand
// into millions of cells, paragraphs or fields must hit a limit while they
// are read, before the memory is spent. Peak memory is sampled from the Go
// runtime (all memory it has mapped) during each conversion.
func TestHostileInputsBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds inputs of tens of MB")
	}
	cases := []struct {
		name string
		file string
		data func(t *testing.T) []byte
		lim  func(*Limits)
		want string
	}{
		{"DOCX: one row of 4.5 million empty cells", "cells.docx",
			func(t *testing.T) []byte {
				return docxBody(t, "<w:tbl><w:tr>", "<w:tc/>", 4_500_000, "</w:tr></w:tbl>")
			},
			nil, "more than 1000 cells in one row"},
		{"DOCX: the same with --max-cells 1000 and a wide row limit", "cells.docx",
			func(t *testing.T) []byte {
				return docxBody(t, "<w:tbl><w:tr>", "<w:tc/>", 4_500_000, "</w:tr></w:tbl>")
			},
			func(l *Limits) { l.MaxCells, l.MaxRowCells = 1000, 0 }, "more than 1000 table cells"},
		{"DOCX: 900,000 paragraphs", "paras.docx",
			func(t *testing.T) []byte {
				return docxBody(t, "", "<w:p><w:r><w:t>x</w:t></w:r></w:p>", 900_000, "")
			},
			nil, "more than 200000 lines"},
		{"DOCX: one cell of 30 MB", "longcell.docx",
			func(t *testing.T) []byte {
				return docxBody(t, "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>", "一二三四五六七八九十", 1_000_000, "</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
			},
			nil, "longer than the 1048576 bytes a cell or paragraph may hold"},
		{"HTML: 31 MB of open <td> on one line", "open.html",
			func(t *testing.T) []byte {
				return []byte("<html><body><table><tr>" + strings.Repeat("<td>", 31<<20/4))
			},
			nil, "more than 1000 cells in one table row"},
		{"HTML: 31 MB of text in one cell", "text.html",
			func(t *testing.T) []byte {
				return []byte("<html><body><table><tr><td>" + strings.Repeat("零", 31<<20/3))
			},
			nil, "a table cell longer than"},
		{"HTML: a tag of 31 MB", "tag.html",
			func(t *testing.T) []byte {
				return []byte(`<html><body><img src="data:image/png;base64,` + strings.Repeat("A", 31<<20) + `">`)
			},
			nil, "line 1: a piece of text or a tag longer than 16777216 bytes"},
		{"text: 32 MB of tabs on one line", "tabs.txt",
			func(t *testing.T) []byte { return []byte("一、总体情况\n" + strings.Repeat("\t", 32<<20-100)) },
			nil, "line 2: longer than 1048576 bytes"},
		{"text: 1 MB of pipes on one line", "pipes.txt",
			func(t *testing.T) []byte { return []byte("一、总体情况\n" + strings.Repeat("|", 1<<20-10)) },
			nil, "line 2: more than 1000 cells in one row"},
		{"text: 32 MB of short lines", "lines.txt",
			func(t *testing.T) []byte { return []byte(strings.Repeat("1\n", 16<<20-100)) },
			nil, "more than 200000 lines"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data(t)
			lim := DefaultLimits()
			if tc.lim != nil {
				tc.lim(&lim)
			}
			var err error
			peak := peakDuring(func() {
				_, err = Convert(context.Background(), tc.file, data, Options{Limits: lim})
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("error %v; want it to name %s and say %q", err, tc.file, tc.want)
			}
			t.Logf("%d bytes in: %v; peak %d MB", len(data), err, peak>>20)
			if peak > peakMemoryLimit {
				t.Errorf("peak memory %d MB, more than %d MB", peak>>20, peakMemoryLimit>>20)
			}
		})
	}
}

// peakDuring runs f and returns the most heap its objects took while it ran
// (live and not yet swept, sampled every millisecond, after a collection
// beforehand so earlier tests' garbage does not count; the input itself is
// included).
func peakDuring(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	if v := read(); v > peak {
		peak = v
	}
	return peak
}

// docxBody zips word/document.xml made of head, n copies of unit and tail.
func docxBody(t *testing.T, head, unit string, n int, tail string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat(unit, 4096))
	write := func(s string) {
		if _, err := io.WriteString(w, s); err != nil {
			t.Fatal(err)
		}
	}
	write(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + head)
	for i := 0; i < n; i += 4096 {
		k := min(4096, n-i)
		if _, err := w.Write(chunk[:k*len(unit)]); err != nil {
			t.Fatal(err)
		}
	}
	write(tail + "</w:body></w:document>")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
