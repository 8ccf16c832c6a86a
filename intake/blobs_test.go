package intake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBlobsPut(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	b, err := OpenBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir: %v %v, want 0700", st.Mode(), err)
	}
	data := []byte("2023年度政府信息公开工作报告")
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	for i := range 2 { // the second Put finds the blob already there
		hash, size, err := b.Put(bytes.NewReader(data), 1000)
		if err != nil || hash != want || size != int64(len(data)) {
			t.Fatalf("Put %d = %s, %d, %v; want %s, %d", i, hash, size, err, want, len(data))
		}
	}
	p, err := b.Path(want)
	if err != nil || p != filepath.Join(dir, want[:2], want) {
		t.Fatalf("Path = %s, %v", p, err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("blob mode %v, want 0600", st.Mode().Perm())
	}
	f, err := b.Open(want)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	_ = f.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("Open read %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != want[:2] {
		t.Errorf("store holds %v, want only %s/ (no temporary files)", entries, want[:2])
	}
}

// countReader counts what is read from an endless source.
type countReader struct{ n int64 }

func (c *countReader) Read(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func TestBlobsPutTooLarge(t *testing.T) {
	dir := t.TempDir()
	b, err := OpenBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := &countReader{}
	_, _, err = b.Put(src, 1000)
	if want := (&TooLargeError{Limit: 1000}); !reflect.DeepEqual(err, want) {
		t.Fatalf("err = %#v, want %#v", err, want)
	}
	if src.n != 1001 {
		t.Errorf("read %d bytes, want 1001 (limit+1)", src.n)
	}
	if zh := err.(*TooLargeError).Zh(); zh != "文件超过 1000 字节 的大小上限，已拒绝" {
		t.Errorf("Zh = %q", zh)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}

func TestBlobsPath(t *testing.T) {
	b, err := OpenBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	absent := strings.Repeat("ab", 32)
	tests := []struct {
		hash     string
		invalid  bool
		notExist bool
	}{
		{"", true, false},
		{"../../../../etc/passwd", true, false},
		{strings.Repeat("a", 63), true, false},
		{strings.Repeat("a", 65), true, false},
		{strings.Repeat("A", 64), true, false},
		{strings.Repeat("g", 64), true, false},
		{"ab/" + strings.Repeat("a", 61), true, false},
		{absent, false, true},
	}
	for _, tt := range tests {
		_, err := b.Path(tt.hash)
		var ih *InvalidHashError
		if got := errors.As(err, &ih); got != tt.invalid {
			t.Errorf("Path(%q): %v, want invalid=%v", tt.hash, err, tt.invalid)
		}
		if got := errors.Is(err, fs.ErrNotExist); got != tt.notExist {
			t.Errorf("Path(%q): %v, want not-exist=%v", tt.hash, err, tt.notExist)
		}
		if _, err := b.Open(tt.hash); err == nil {
			t.Errorf("Open(%q) succeeded", tt.hash)
		}
	}
}
