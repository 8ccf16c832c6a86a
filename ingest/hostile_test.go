package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// TestHostileInputs: oversized, random and bomb inputs end quickly with an
// error that says what is wrong.
func TestHostileInputs(t *testing.T) {
	random := make([]byte, 50<<20)
	rand.New(rand.NewSource(1)).Read(random)

	bomb := zipBomb(t, 200<<20, "\x00") // 200 MB of zeros in a small zip
	markup := zipBomb(t, 200<<20, "<w:p/>")
	many := manyEntries(t, 3000)

	cases := []struct {
		name string
		file string
		data []byte
		lim  func(*Limits)
		want string
	}{
		{"50 MB random file", "random.bin", random, nil, "larger than the limit"},
		{"50 MB random file under a raised limit", "random.bin", random, func(l *Limits) { l.MaxFileBytes = 64 << 20 }, "unrecognised input"},
		{"DOCX zip bomb", "bomb.docx", bomb, nil, "text without markup longer than the 1048576 bytes"},
		{"DOCX zip bomb of markup", "bomb.docx", markup, nil, "expands beyond 33554432 bytes"},
		{"DOCX with too many entries", "many.docx", many, nil, "zip entries"},
		{"not a zip", "broken.docx", []byte("PK\x03\x04 not really"), nil, "not a DOCX"},
		{"DOCX without document.xml", "empty.docx", emptyZip(t), nil, "word/document.xml missing"},
		{"deeply nested HTML", "deep.html", []byte(strings.Repeat("<div>", 5000) + "x"), nil, "nested deeper"},
		{"PDF that is not one", "fake.pdf", []byte("%PDF-1.4 garbage"), nil, "pdf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lim := DefaultLimits()
			if tc.lim != nil {
				tc.lim(&lim)
			}
			start := time.Now()
			_, err := Convert(context.Background(), tc.file, tc.data, Options{Limits: lim})
			elapsed := time.Since(start)
			if err == nil {
				t.Fatal("converted without error")
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.want)) || !strings.Contains(err.Error(), tc.file) {
				t.Errorf("error %q should name %s and say %q", err, tc.file, tc.want)
			}
			t.Logf("%s: %v in %v", tc.name, err, elapsed)
		})
	}
}

// TestTimeLimit: a conversion past its deadline ends with an error.
func TestTimeLimit(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Convert(ctx, "late.txt", []byte("一、总体情况\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("error %v, want a deadline error", err)
	}
}

func zipBomb(t *testing.T, size int64, unit string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat(unit, 1<<20/len(unit)))
	for written := int64(0); written < size; written += int64(len(chunk)) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func manyEntries(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		if _, err := zw.Create("x/" + strings.Repeat("a", 1+i%7) + string(rune('a'+i%26)) + "/" + itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func emptyZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if _, err := zw.Create("hello.txt"); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
