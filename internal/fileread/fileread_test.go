package fileread

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.txt")
	if err := os.WriteFile(small, []byte("一、总体情况"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	linkZero := filepath.Join(dir, "zero.txt")
	if err := os.Symlink("/dev/zero", linkZero); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling.txt")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	linkSmall := filepath.Join(dir, "link.txt")
	if err := os.Symlink(small, linkSmall); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		max     int64
		want    string // contents, when no error
		err     error  // errors.Is target
		message string // part of the message
	}{
		{name: "regular", path: small, max: 1024, want: "一、总体情况"},
		{name: "symlink to a regular file", path: linkSmall, max: 1024, want: "一、总体情况"},
		{name: "no limit", path: big, max: 0, want: string(make([]byte, 2048))},
		{name: "exactly the limit", path: big, max: 2048, want: string(make([]byte, 2048))},
		{name: "over the limit", path: big, max: 2047, err: ErrTooLarge, message: "file is 2048 bytes, larger than the limit of 2047 bytes"},
		{name: "device", path: "/dev/zero", max: 1 << 20, err: ErrNotRegular, message: "is a device"},
		{name: "symlink to a device", path: linkZero, max: 1 << 20, err: ErrNotRegular, message: "zero.txt: is a device"},
		{name: "FIFO", path: fifo, max: 1 << 20, err: ErrNotRegular, message: "named pipe"},
		{name: "directory", path: dir, max: 1 << 20, err: ErrNotRegular, message: "is a directory"},
		{name: "missing", path: filepath.Join(dir, "none.txt"), max: 10, err: fs.ErrNotExist, message: "none.txt: cannot open"},
		{name: "dangling symlink", path: dangling, max: 10, err: fs.ErrNotExist, message: "dangling.txt: cannot open"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan struct{})
			var got []byte
			var err error
			go func() {
				got, err = Read(tc.path, tc.max)
				close(done)
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Read blocked")
			}
			if tc.err == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				if string(got) != tc.want {
					t.Fatalf("got %q", got)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, want %v", err, tc.err)
			}
			if !strings.Contains(err.Error(), tc.message) {
				t.Fatalf("message %q lacks %q", err, tc.message)
			}
		})
	}
}

// TestReadGrowing stands for /proc-like files whose stat size is 0 but which
// read longer: the limit still holds, because the read goes through max+1.
func TestReadGrowing(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	_, err := Read("/proc/self/status", 16)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 16 bytes") {
		t.Fatalf("error %v", err)
	}
}

func TestDirFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.rego"), []byte("package a"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "b.rego"), 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "c.yaml")); err != nil {
		t.Fatal(err)
	}
	fsys := DirFS(dir, 1024)
	got, err := fs.ReadFile(fsys, "a.rego")
	if err != nil || string(got) != "package a" {
		t.Fatalf("a.rego: %q %v", got, err)
	}
	for _, name := range []string{"b.rego", "c.yaml"} {
		done := make(chan error, 2)
		go func() {
			_, err := fs.ReadFile(fsys, name)
			done <- err
			_, err = fsys.Open(name)
			done <- err
		}()
		for i := 0; i < 2; i++ {
			select {
			case err := <-done:
				if !errors.Is(err, ErrNotRegular) {
					t.Fatalf("%s: error %v", name, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: blocked", name)
			}
		}
	}
	var seen []string
	if err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		seen = append(seen, p)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(seen, " ") != ". a.rego b.rego c.yaml" {
		t.Fatalf("walk %v", seen)
	}
}
