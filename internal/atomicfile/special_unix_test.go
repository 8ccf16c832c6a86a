//go:build unix

package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestCreateSpecial: a FIFO or device is written in place (a rename would
// replace /dev/stdout by a regular file), and a directory is refused. A FIFO
// of its own stands in for /dev/stdout, so that a broken Create replaces
// nothing of the system's.
func TestCreateSpecial(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		r, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(r)
		_ = r.Close()
		got <- b
	}()
	f, err := Create(fifo)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name() != fifo {
		t.Errorf("writing %s through %s", fifo, f.Name())
	}
	if _, err := f.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if string(b) != "x" {
			t.Errorf("the FIFO's reader got %q", b)
		}
	case <-time.After(5 * time.Second):
		t.Error("nothing reached the FIFO's reader")
	}
	if st, err := os.Stat(fifo); err != nil || st.Mode().IsRegular() {
		t.Errorf("%s became a regular file", fifo)
	}
	if _, err := Create(t.TempDir()); err == nil {
		t.Error("a directory was accepted as an output file")
	}
}
