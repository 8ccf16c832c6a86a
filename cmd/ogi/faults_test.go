package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/outfile"
)

// childEnv makes the test binary run ogi instead of the tests, so that the
// fault tests can kill a real process and watch its real standard output.
const childEnv = "OGI_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		tuneGC(os.Args[1:])
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// ogiChild is ogi as a child process in dir, with extra environment.
func ogiChild(t *testing.T, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(exe, args...)
	c.Dir = dir
	c.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	return c
}

// runChild runs ogi to completion and returns its exit code and output.
func runChild(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	c := ogiChild(t, dir, env, args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// copySeeds copies the named seeds into dir.
func copySeeds(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := os.ReadFile(seed(n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readAll(t *testing.T, paths ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = b
	}
	return out
}

var allSeeds = []string{"000_80384ef52a1d3930.txt", "001_1dc63dd6a21548ca.txt", "002_a141446f969544e3.txt",
	"003_c95910d04a7fd181.txt", "004_cee81fd346254158.txt"}

// TestKillDuringOutputs kills ogi assess in its output pass, after the
// JSON Lines file is replaced and while the workbook waits to be renamed:
// the file replaced is the new run's, whole; the others are the previous
// run's, byte for byte; and the store opens again for the next run.
func TestKillDuringOutputs(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, filepath.Join(dir, "in"), allSeeds[:3]...)
	args := []string{"assess", "in", "--db", "out/ogi.db", "--jsonl", "out/r.jsonl", "--xlsx", "out/r.xlsx",
		"--csv", "out/r.csv", "--html", "out/r.html"}
	if code, _, stderr := runChild(t, dir, nil, args...); code != 1 {
		t.Fatalf("first run: exit %d\n%s", code, stderr)
	}
	p := func(n string) string { return filepath.Join(dir, "out", n) }
	before := readAll(t, p("r.xlsx"), p("r.csv"), p("r.html"))

	copySeeds(t, filepath.Join(dir, "in"), allSeeds[3:]...)
	c := ogiChild(t, dir, []string{outfile.PauseEnv + "=2s"}, args...)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m, _ := filepath.Glob(p(".r.xlsx.*.tmp")); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			_ = c.Process.Kill()
			t.Fatal("the second run never reached its workbook")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.Wait()

	after := readAll(t, p("r.xlsx"), p("r.csv"), p("r.html"))
	for name, b := range before {
		if !bytes.Equal(after[name], b) {
			t.Errorf("%s changed (%d bytes, was %d) by a run killed before replacing it", filepath.Base(name), len(after[name]), len(b))
		}
	}
	jl := readAll(t, p("r.jsonl"))[p("r.jsonl")]
	if n := bytes.Count(jl, []byte("\n")); n != 5 || !bytes.HasSuffix(jl, []byte("}\n")) {
		t.Errorf("r.jsonl has %d lines, want the second run's 5, whole", n)
	}
	if code, _, stderr := runChild(t, dir, nil, args...); code != 1 || !strings.Contains(stderr, "5 reports") {
		t.Errorf("the run after the kill: exit %d\n%s", code, stderr)
	}
}

// mountTmpfs mounts a small tmpfs, or skips the test where mounting is not
// allowed (not root, no mount namespace).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root): %v %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fillDisk writes a file until the file system is full.
func fillDisk(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// errorLines are stderr's lines other than the run summary (assess's
// "N reports, …", check's "N files: …").
func errorLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.Contains(l, " reports, ") && !strings.Contains(l, " files: ") {
			out = append(out, l)
		}
	}
	return out
}

// TestFullDisk: outputs and a store on a full disk exit 5 with one line per
// cause, leave no temporary file, and keep the previous outputs intact:
// with the disk full before the run, and with a store that fills it in the
// middle of a batch of 300 reports (which used to print a line per report
// and exit 1).
func TestFullDisk(t *testing.T) {
	repo := mustAbs(t, "../..")
	s := func(n string) string { return filepath.Join(repo, "testdata", "seeds", n) }
	gen := filepath.Join(t.TempDir(), "gen")
	if code, _, stderr := runOgi(t, "generate", "--count", "300", "--out", gen); code != 0 {
		t.Fatalf("generate: exit %d %s", code, stderr)
	}
	full := []string{"no space left on device", "disk is full", "disk I/O error"}
	cases := []struct {
		name  string
		size  string
		first []string // run before (M is the mount point)
		fill  bool     // fill the disk after the first run
		args  []string // the run that meets the full disk
		keep  []string // outputs of the first run that must be unchanged
		lines int      // error lines wanted, one per cause (0: at most 6)
	}{
		{name: "check outputs", size: "4m", fill: true,
			first: []string{"check", "-o", "json=M/out.json", "-o", "sarif=M/out.sarif", s(allSeeds[1])},
			args:  []string{"check", "-o", "json=M/out.json", "-o", "sarif=M/out.sarif", "-o", "html=M/pages", s(allSeeds[1]), s(allSeeds[2])},
			keep:  []string{"M/out.json", "M/out.sarif"}, lines: 3},
		{name: "assess store, full before", size: "4m", fill: true,
			first: []string{"assess", "--db", "M/ogi.db", "--csv", "M/r.csv", s(allSeeds[0])},
			args:  []string{"assess", "--db", "M/ogi.db", "--csv", "M/r.csv", s(allSeeds[0]), s(allSeeds[1]), s(allSeeds[2])},
			keep:  []string{"M/r.csv"}, lines: 1},
		{name: "assess store fills the disk", size: "1m",
			first: []string{"assess", "--db", "M/ogi.db", "--csv", "M/r.csv", "--xlsx", "M/r.xlsx", s(allSeeds[0])},
			args:  []string{"assess", "--db", "M/ogi.db", "--csv", "M/r.csv", "--xlsx", "M/r.xlsx", gen},
			keep:  []string{"M/r.csv", "M/r.xlsx"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mnt := mountTmpfs(t, c.size)
			at := func(args []string) []string {
				out := make([]string, len(args))
				for i, a := range args {
					out[i] = strings.ReplaceAll(a, "M/", mnt+"/")
				}
				return out
			}
			if code, _, stderr := runChild(t, repo, nil, at(c.first)...); code > 1 {
				t.Fatalf("first run: exit %d\n%s", code, stderr)
			}
			before := readAll(t, at(c.keep)...)
			if c.fill {
				fillDisk(t, mnt)
			}
			code, _, stderr := runChild(t, repo, nil, at(c.args)...)
			if code != exitOutput {
				t.Errorf("exit %d, want %d\n%s", code, exitOutput, stderr)
			}
			lines := errorLines(stderr)
			seen := map[string]bool{}
			for _, l := range lines {
				if seen[l] {
					t.Errorf("said twice: %s", l)
				}
				seen[l] = true
				if !slices.ContainsFunc(full, func(w string) bool { return strings.Contains(l, w) }) {
					t.Errorf("a line that does not say the disk is full: %s", l)
				}
			}
			if len(lines) == 0 || c.lines > 0 && len(lines) != c.lines || len(lines) > 6 {
				t.Errorf("%d error lines, want one per cause (%d)\n%s", len(lines), c.lines, stderr)
			}
			for name, b := range before {
				if after, err := os.ReadFile(name); err != nil || !bytes.Equal(after, b) {
					t.Errorf("%s changed on a full disk (%d bytes, was %d, %v)", filepath.Base(name), len(after), len(b), err)
				}
			}
			var tmps []string
			_ = filepath.WalkDir(mnt, func(p string, d fs.DirEntry, err error) error {
				if err == nil && (strings.HasSuffix(p, ".tmp") || strings.Contains(filepath.Base(p), "ogi-spool-")) {
					tmps = append(tmps, p)
				}
				return nil
			})
			if len(tmps) > 0 {
				t.Errorf("temporary files left behind: %v", tmps)
			}
		})
	}
}
