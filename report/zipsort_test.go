package report

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// TestSortedZip: entries come out in name order with their contents, a
// large entry goes through a temp file, and the temp files are removed.
func TestSortedZip(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	z := &sortedZip{w: &out, tmpDir: dir}
	// Past the memory bound even deflated: bytes that do not compress.
	noise := make([]byte, 3*spillMem/2)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	big := string(noise)
	contents := map[string]string{
		"xl/worksheets/sheet2.xml": big,
		"[Content_Types].xml":      "<Types/>",
		"xl/workbook.xml":          "<workbook/>",
	}
	for _, name := range []string{"xl/worksheets/sheet2.xml", "xl/workbook.xml", "[Content_Types].xml"} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		// Written in pieces, as a stream writer does.
		s := contents[name]
		for len(s) > 0 {
			n := min(len(s), 4096)
			if _, err := io.WriteString(w, s[:n]); err != nil {
				t.Fatal(err)
			}
			s = s[n:]
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Fatalf("%d temp files before Close, want the large entry's one", len(left))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if string(got) != contents[f.Name] {
			t.Errorf("%s: %d bytes back, want %d", f.Name, len(got), len(contents[f.Name]))
		}
	}
	if want := "[Content_Types].xml xl/workbook.xml xl/worksheets/sheet2.xml"; strings.Join(names, " ") != want {
		t.Errorf("entries %q, want %q", names, want)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Errorf("temp files left behind: %v", left)
	}
}

// TestSortedZipSpills: an entry past the memory bound goes to a temp file
// and reads back whole.
func TestSortedZipSpills(t *testing.T) {
	dir := t.TempDir()
	b := &spillBuffer{dir: dir}
	chunk := bytes.Repeat([]byte{7}, 64<<10)
	for i := 0; i < 2*spillMem/len(chunk)+1; i++ {
		if _, err := b.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if b.file == nil {
		t.Fatal("no temp file past the memory bound")
	}
	r, err := b.reader()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, r)
	if n != b.n || n != int64((2*spillMem/len(chunk)+1)*len(chunk)) {
		t.Fatalf("read back %d bytes, wrote %d", n, b.n)
	}
	if err := b.close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("temp file left behind: %v", left)
	}
}
