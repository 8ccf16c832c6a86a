package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/internal/outfile"
)

// TestOutputDestinations: - and /dev/stdout are standard output for every
// output flag, and a file is written whatever its extension. ogi runs as a
// child process so that /dev/stdout is a real one.
func TestOutputDestinations(t *testing.T) {
	in := t.TempDir()
	copySeeds(t, in, allSeeds[1], allSeeds[2])
	a, b := filepath.Join(in, allSeeds[1]), filepath.Join(in, allSeeds[2])
	assess := func(flags ...string) []string { return append(append([]string{"assess", "--db", ""}, flags...), in) }
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // prefix of standard output
		file   string // a file that must exist, with this prefix
		prefix string
	}{
		{name: "check -o json=-", args: []string{"check", "-o", "json=-", a}, code: 0, stdout: "{\n  \"schema_version\""},
		{name: "check -o sarif=/dev/stdout", args: []string{"check", "-o", "sarif=/dev/stdout", a}, code: 0, stdout: "{\n  \"$schema\":"},
		{name: "check -o html=- with two reports", args: []string{"check", "-o", "html=-", a, b}, code: 1, stdout: "<!DOCTYPE html>"},
		{name: "check -o json=summary", args: []string{"check", "-o", "json=summary", a}, code: 0, file: "summary", prefix: "{"},
		{name: "assess --csv -", args: assess("--csv", "-"), code: 1, stdout: "\ufeff报告文件,机关,年度"},
		{name: "assess --csv /dev/stdout", args: assess("--csv", "/dev/stdout"), code: 1, stdout: "\ufeff报告文件,机关,年度"},
		{name: "assess --jsonl -", args: assess("--jsonl", "-"), code: 1, stdout: "{\"file\":"},
		{name: "assess --jsonl /dev/stdout", args: assess("--jsonl", "/dev/stdout"), code: 1, stdout: "{\"file\":"},
		{name: "assess --xlsx -", args: assess("--xlsx", "-"), code: 1, stdout: "PK\x03\x04"},
		{name: "assess --html -", args: assess("--html", "-"), code: 1, stdout: "<!DOCTYPE html>"},
		{name: "assess --xlsx summary", args: assess("--xlsx", "summary"), code: 1, file: "summary", prefix: "PK\x03\x04"},
		{name: "assess --csv out/summary", args: assess("--csv", "out/summary"), code: 1, file: "out/summary", prefix: "\ufeff报告文件,机关,年度"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runChild(t, dir, nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			if strings.Contains(stderr, "panic") {
				t.Fatalf("panicked:\n%s", stderr)
			}
			if !strings.HasPrefix(stdout, c.stdout) {
				t.Errorf("standard output starts %q, want %q", stdout[:min(len(stdout), 40)], c.stdout)
			}
			if c.file != "" {
				got, err := os.ReadFile(filepath.Join(dir, c.file))
				if err != nil || !bytes.HasPrefix(got, []byte(c.prefix)) {
					t.Errorf("%s: %q %v, want it to start %q", c.file, got[:min(len(got), 20)], err, c.prefix)
				}
			}
		})
	}
	// Streamed to standard output, the lines are not written a second time.
	_, stdout, _ := runChild(t, t.TempDir(), nil, assess("--jsonl", "/dev/stdout")...)
	if n := strings.Count(stdout, "\n"); n != 2 {
		t.Errorf("--jsonl /dev/stdout wrote %d lines for 2 reports", n)
	}
}

// TestPageNames: inputs with one base name get distinct, deterministic
// names in one directory.
func TestPageNames(t *testing.T) {
	cases := []struct {
		files []string
		want  []string
	}{
		{[]string{"a/report.txt", "b/report.txt"}, []string{"report.txt.html", "report.txt-2.html"}},
		{[]string{"a/r.txt", "b/r.txt", "c/r.txt"}, []string{"r.txt.html", "r.txt-2.html", "r.txt-3.html"}},
		// A real name that a suffix would give is not given twice.
		{[]string{"a/r.txt", "b/r.txt", "c/r.txt-2"}, []string{"r.txt.html", "r.txt-2.html", "r.txt-2-2.html"}},
		{[]string{"a/R.txt", "b/r.txt"}, []string{"R.txt.html", "r.txt-2.html"}},
		{[]string{"x.txt", "y.txt"}, []string{"x.txt.html", "y.txt.html"}},
	}
	for _, c := range cases {
		if got := outfile.PageNames(c.files, ".html"); !slices.Equal(got, c.want) {
			t.Errorf("PageNames(%v) = %v, want %v", c.files, got, c.want)
		}
	}
}

// TestOneBaseNameTwoInputs: check -o html=DIR and parse --out DIR write a
// page per input, never one over another.
func TestOneBaseNameTwoInputs(t *testing.T) {
	in := t.TempDir()
	for i, s := range []string{allSeeds[1], allSeeds[2]} {
		data, err := os.ReadFile(seed(s))
		if err != nil {
			t.Fatal(err)
		}
		d := filepath.Join(in, string(rune('a'+i)))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "report.txt"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(in, "a", "report.txt"), filepath.Join(in, "b", "report.txt")
	cases := []struct {
		name  string
		args  func(out string) []string
		names []string
		// tell says which input a page is of
		tell string
	}{
		{"check -o html=DIR", func(out string) []string { return []string{"check", "-o", "html=" + out, a, b} },
			[]string{"report.txt.html", "report.txt-2.html"}, "a/report.txt"},
		{"parse --out DIR", func(out string) []string { return []string{"parse", "--out", out, a, b} },
			[]string{"report.txt.json", "report.txt-2.json"}, "静海区"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			if code, _, stderr := runOgi(t, c.args(out)...); code > 1 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			ents, _ := os.ReadDir(out)
			var got []string
			for _, e := range ents {
				got = append(got, e.Name())
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.names))
			if !slices.Equal(got, want) {
				t.Fatalf("pages %v, want %v", got, want)
			}
			first, _ := os.ReadFile(filepath.Join(out, c.names[0]))
			second, _ := os.ReadFile(filepath.Join(out, c.names[1]))
			if !strings.Contains(string(first), c.tell) || strings.Contains(string(second), c.tell) {
				t.Errorf("%s is not the first input's page, or %s is", c.names[0], c.names[1])
			}
		})
	}
}

// TestOutputsToOneFile: two outputs naming one file are refused before
// anything is checked.
func TestOutputsToOneFile(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "x")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"check", "-o", "json=" + x, "-o", "sarif=" + x, seed(allSeeds[1])}, "write one file"},
		{[]string{"check", "-o", "json=", seed(allSeeds[1])}, "no file after ="},
		{[]string{"assess", "--db", "", "--csv", x, "--xlsx", x, seed(allSeeds[1])}, "both write"},
		{[]string{"assess", "--db", x, "--html", x, seed(allSeeds[1])}, "both write"},
	}
	for _, c := range cases {
		code, _, stderr := runOgi(t, c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %s", c.args, code, stderr)
		}
		if _, err := os.Stat(x); err == nil {
			t.Errorf("%v: wrote %s", c.args, x)
		}
	}
}

// TestDevStdoutToAFile: /dev/stdout redirected to a regular file (a shell's
// > out.csv) is written through, not replaced by a rename.
func TestDevStdoutToAFile(t *testing.T) {
	dir := t.TempDir()
	copySeeds(t, filepath.Join(dir, "in"), allSeeds[1])
	outPath := filepath.Join(dir, "redirected.csv")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	c := ogiChild(t, dir, nil, "assess", "--db", "", "--csv", "/dev/stdout", "in")
	var errb bytes.Buffer
	c.Stdout, c.Stderr = out, &errb
	if err := c.Run(); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	// Read through the descriptor the child was given: a rename over the
	// path would leave it empty.
	if _, err := out.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out)
	if !bytes.HasPrefix(got, []byte("\ufeff报告文件,机关,年度")) || bytes.Count(got, []byte("\n")) != 2 {
		t.Errorf("the redirected file holds %q", got)
	}
	if st, err := os.Lstat("/dev/stdout"); err == nil && st.Mode().IsRegular() {
		t.Errorf("/dev/stdout became a regular file")
	}
}

// TestExitPrecedence: an output failure outranks every result, and a usage
// error outranks it, as the help and the README say (2 > 5 > 4 > 3 > 1 > 0).
func TestExitPrecedence(t *testing.T) {
	order := []int{exitUsage, exitOutput, exitRules, exitInput, exitCompliance, exitOK}
	for i, a := range order {
		for _, b := range order[i:] {
			if got := worse(a, b); got != a {
				t.Errorf("worse(%d, %d) = %d, want %d", a, b, got, a)
			}
			if got := worse(b, a); got != a {
				t.Errorf("worse(%d, %d) = %d, want %d", b, a, got, a)
			}
		}
	}
	if !strings.Contains(exitCodesHelp, "2 > 5 > 4 > 3 > 1 > 0") {
		t.Error("the help does not give the precedence")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "2 > 5 > 4 > 3 > 1 > 0") || !strings.Contains(string(readme), "| 5 | output failed") {
		t.Error("the README's exit codes lack 5 or its precedence")
	}
}
