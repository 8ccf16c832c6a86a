package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestGoBuildID: the build ID read from the test binary's ELF note is the
// one `go tool buildid` prints; a file that is not an executable has none.
func TestGoBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	got, ok := goBuildID(exe)
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatalf("no Go build ID read from %s", exe) // the Go linker writes one into every ELF executable
		}
		t.Skip("no Go build ID note in", exe)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if want := strings.TrimSpace(string(out)); got != want {
		t.Errorf("build ID %q, want %q", got, want)
	}
	other := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(other, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if id, ok := goBuildID(other); ok {
		t.Errorf("build ID %q read from a shell script", id)
	}
}
