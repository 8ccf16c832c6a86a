package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostileInputFiles: a report, rule file, waivers file, manifest or
// configuration that is a device, a symlink to one or a FIFO nobody writes
// to must end at once with an error naming the file, never an out-of-memory
// abort or an open that blocks.
func TestHostileInputFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	zero := filepath.Join(dir, "zero.txt")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	rulesDir := filepath.Join(dir, "rules")
	if err := os.Mkdir(rulesDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(rulesDir, "pack.rego"), 0o644); err != nil {
		t.Fatal(err)
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	if err := os.Symlink("/dev/zero", waivers); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "list.csv")
	if err := syscall.Mkfifo(manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	good := seed("001_1dc63dd6a21548ca.txt")
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"FIFO report", []string{"check", fifo}, 3, "report.txt: is a named pipe (FIFO)"},
		{"symlink to /dev/zero", []string{"check", zero}, 3, "zero.txt: is a device"},
		{"/dev/zero", []string{"check", "--format", "json", "/dev/zero"}, 3, "/dev/zero: is a device"},
		{"parse a FIFO", []string{"parse", fifo}, 3, "report.txt: is a named pipe"},
		{"parse with a forced format", []string{"parse", "--format", "text", zero}, 3, "zero.txt: is a device"},
		{"assess a FIFO", []string{"assess", "--db", "", fifo}, 3, "report.txt: is a named pipe"},
		{"FIFO in a rule pack", []string{"check", "--rules", rulesDir, good}, 4, "pack.rego: is a named pipe"},
		{"waivers on /dev/zero", []string{"check", "--waivers", waivers, good}, 2, "waivers.yaml: is a device"},
		{"FIFO manifest", []string{"assess", "--db", "", manifest}, 2, "list.csv: is a named pipe"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, out, errs := runOgi(t, tc.args...)
				done <- result{code, out, errs}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("ogi blocked")
			}
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}
}
