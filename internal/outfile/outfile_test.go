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
