package outfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	var stdout bytes.Buffer
	if err := Write(Stdout, &stdout, func(w io.Writer) error { _, err := io.WriteString(w, "to stdout"); return err }); err != nil || stdout.String() != "to stdout" {
		t.Errorf("stdout: %q %v", stdout.String(), err)
	}
	// Any extension or none is a file; the directory is made.
	p := filepath.Join(dir, "sub", "summary")
	if err := Write(p, nil, func(w io.Writer) error { _, err := io.WriteString(w, "v1"); return err }); err != nil {
		t.Fatal(err)
	}
	// A failed write leaves the previous file as it was.
	if err := Write(p, nil, func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return errors.New("boom") }); err == nil {
		t.Error("the failure was not returned")
	}
	if b, _ := os.ReadFile(p); string(b) != "v1" {
		t.Errorf("after a failed write the file holds %q, want v1", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "sub", ".*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

func TestDistinct(t *testing.T) {
	cases := []struct {
		paths []string
		ok    bool
	}{
		{[]string{"a.json", "b.json", "-", "-"}, true},
		{[]string{"a.json", "./a.json"}, false},
		{[]string{"", "", "/dev/null", "/dev/null"}, true},
	}
	for _, c := range cases {
		names := make([]string, len(c.paths))
		for i := range names {
			names[i] = string(rune('A' + i))
		}
		if _, _, ok := Distinct(names, c.paths); ok != c.ok {
			t.Errorf("Distinct(%v) = %v, want %v", c.paths, ok, c.ok)
		}
	}
}

// TestWriteWhen: an output waiting for its turn holds its bytes (in memory,
// past heldMem in an unlinked file) and creates no file beside it until
// ready is closed, whenever that comes; then the file is replaced whole,
// and a failure before it leaves the old file and no temporary file.
func TestWriteWhen(t *testing.T) {
	small := []byte("small output\n")
	large := bytes.Repeat([]byte("0123456789abcdef"), heldMem/16*2+3)
	const chunk = 1000
	cases := []struct {
		name string
		data []byte
		// readyAt closes ready before writing this chunk; -1 once fn has
		// returned.
		readyAt int
		fail    bool
	}{
		{"small, ready at once", small, 0, false},
		{"small, ready after", small, -1, false},
		{"large, ready after", large, -1, false},
		{"large, ready half way", large, len(large) / chunk / 2, false},
		{"large, ready at once", large, 0, false},
		{"large, fails while held", large, -1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "out.html")
			if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			// held checks that nothing but the old file is there yet.
			held := func(when string) {
				if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
					t.Errorf("%s: files beside the output before its turn: %v", when, m)
				}
				if b, err := os.ReadFile(p); err != nil || string(b) != "old" {
					t.Errorf("%s: the file was replaced before its turn (%d bytes, %v)", when, len(b), err)
				}
			}
			ready, returned, checked := make(chan struct{}), make(chan struct{}), make(chan struct{})
			// The subtest waits for this check: a failing fn makes WriteWhen
			// return at once, and the check, run after the directory was
			// removed, read nothing (a race detector run failed so, once).
			go func() {
				defer close(checked)
				<-returned
				if tc.readyAt < 0 {
					held("after fn")
					close(ready)
				}
			}()
			defer func() { <-checked }()
			err := WriteWhen(p, nil, ready, func(w io.Writer) error {
				defer close(returned)
				for i, off := 0, 0; off < len(tc.data); i, off = i+1, off+chunk {
					if i == tc.readyAt {
						held("before its turn")
						close(ready)
					}
					if _, err := w.Write(tc.data[off:min(off+chunk, len(tc.data))]); err != nil {
						return err
					}
				}
				if tc.fail {
					return errors.New("boom")
				}
				return nil
			})
			want := tc.data
			if tc.fail {
				want = []byte("old")
				if err == nil {
					t.Error("the failure was not returned")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(p); !bytes.Equal(b, want) {
				t.Errorf("the file holds %d bytes, want %d", len(b), len(want))
			}
			if m, _ := filepath.Glob(filepath.Join(dir, ".*")); len(m) != 0 {
				t.Errorf("temporary files left: %v", m)
			}
		})
	}
}
