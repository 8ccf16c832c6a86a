//go:build unix

package ingest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunCappedKillsGroup: what the program started in the background dies
// with it when the context ends (pdftotext forks nothing today; a wrapper
// script or a future poppler might).
func TestRunCappedKillsGroup(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := runCapped(ctx, "sh", []string{"-c", "sleep 30 & echo $! > " + pidFile + "; sleep 30"}, nil, 1<<20); err == nil {
		t.Fatal("no error from a program killed by its context")
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		if !alive(pid) {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL) // do not leave it behind
			t.Fatalf("the background child %d outlived the context", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive tells a running process; a zombie waiting for its new parent to
// reap it is dead.
func alive(pid int) bool {
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
			return b[i+2] != 'Z'
		}
		return true
	} else if _, serr := os.Stat("/proc/self"); serr == nil {
		return false // /proc is there and the process is not
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
