package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestOneContract: check and assess take the same inputs (files,
// directories, globs, manifests) and the same -o FORMAT[=PATH], for every
// format; a page per report needs a directory; a failing exit says why.
func TestOneContract(t *testing.T) {
	dir := t.TempDir()
	seeds := filepath.Join("..", "..", "testdata", "seeds")
	manifest := filepath.Join(dir, "m.csv")
	abs, _ := filepath.Abs(seed("002_a141446f969544e3.txt"))
	if err := os.WriteFile(manifest, []byte("file,agency,year\n"+abs+",某市某局,2019\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	reportsIn := func(out string) int {
		var v struct{ Reports []json.RawMessage }
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("json: %v", err)
		}
		return len(v.Reports)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		check  func(t *testing.T, stdout, stderr string)
		stderr string
	}{
		{name: "check takes a directory", args: []string{"check", "--format", "json", seeds}, code: 1,
			check: func(t *testing.T, stdout, _ string) {
				if n := reportsIn(stdout); n != 5 {
					t.Errorf("%d reports, want the 5 seeds", n)
				}
			}, stderr: "5 files: 5 checked"},
		{name: "check takes a glob", args: []string{"check", "--format", "json", filepath.Join(seeds, "00[12]*.txt")}, code: 1,
			check: func(t *testing.T, stdout, _ string) {
				if n := reportsIn(stdout); n != 2 {
					t.Errorf("%d reports, want 2", n)
				}
			}},
		{name: "check takes a manifest", args: []string{"check", "--format", "json", manifest}, code: 1,
			check: func(t *testing.T, stdout, _ string) {
				if !strings.Contains(stdout, `"agency": "某市某局"`) {
					t.Errorf("the manifest's agency is not used")
				}
			}},
		{name: "check writes the workbook, the CSV and the dashboard",
			args: []string{"check", "-o", "xlsx=" + out("c.xlsx"), "-o", "csv=-", "-o", "dashboard=" + out("c-dash"), seeds}, code: 1,
			check: func(t *testing.T, stdout, _ string) {
				if !strings.HasPrefix(stdout, "\ufeff报告文件,") || strings.Count(stdout, "\n") != 6 {
					t.Errorf("csv on stdout: %q", stdout)
				}
				workbookRows(t, out("c.xlsx"), 6)
				if b, err := os.ReadFile(out("c-dash")); err != nil || !bytes.Contains(b, []byte("<!DOCTYPE html>")) {
					t.Errorf("dashboard: %v", err)
				}
			}},
		{name: "assess takes -o for every format",
			args: []string{"assess", "--db", "", "-o", "xlsx=" + out("a-book"), "-o", "sarif=" + out("a.sarif"), "-o", "junit=-",
				"-o", "html=" + out("pages") + "/", "-o", "jsonl=" + out("a.jsonl"), seeds}, code: 1,
			check: func(t *testing.T, stdout, _ string) {
				if !strings.Contains(stdout, "<testsuites") {
					t.Errorf("junit on stdout: %.80q", stdout)
				}
				workbookRows(t, out("a-book"), 6)
				if b, err := os.ReadFile(out("a.sarif")); err != nil || !bytes.Contains(b, []byte(`"version": "2.1.0"`)) {
					t.Errorf("sarif: %v", err)
				}
				pages, _ := filepath.Glob(filepath.Join(out("pages"), "*.html"))
				if len(pages) != 5 {
					t.Errorf("%d pages, want 5", len(pages))
				}
				if b, err := os.ReadFile(out("a.jsonl")); err != nil || bytes.Count(b, []byte("\n")) != 5 {
					t.Errorf("jsonl: %v", err)
				}
			}},
		{name: "assess's --xlsx is -o xlsx", args: []string{"assess", "--db", "", "--xlsx", out("x.xlsx"), "-o", "xlsx=" + out("x.xlsx"), seeds},
			code: 2, stderr: "both write one file"},
		{name: "a page per report to one file is refused", args: []string{"check", "-o", "html=" + out("all.html"), seeds}, code: 2,
			stderr: "5 reports make 5 pages: name a directory"},
		{name: "one failing report says why", args: []string{"check", "--format", "json", seed("002_a141446f969544e3.txt")}, code: 1,
			stderr: "exit 1: 4 findings at or above --fail-on error"},
		{name: "a review workbook that is not there", args: []string{"assess", "--db", "", "--review", out("nope.xlsx"), seeds}, code: 2,
			stderr: "--review: " + out("nope.xlsx")},
		{name: "unknown format", args: []string{"assess", "-o", "pdf=x.pdf", seeds}, code: 2, stderr: `unknown format "pdf"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runOgi(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.check != nil {
				tc.check(t, stdout, stderr)
			}
		})
	}
	if _, err := os.Stat(out("all.html")); !os.IsNotExist(err) {
		t.Errorf("the refused html=all.html left %s behind (%v)", out("all.html"), err)
	}
}

// workbookRows opens a workbook and wants rows rows in its first sheet.
func workbookRows(t *testing.T, path string, rows int) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	got, err := f.GetRows(sheets[0])
	if err != nil || len(got) != rows {
		t.Errorf("%s: sheet %s has %d rows (%v), want %d; sheets %v", path, sheets[0], len(got), err, rows, sheets)
	}
	if !slices.Contains(sheets, "汇总") {
		t.Errorf("%s: no 汇总 sheet in %v", path, sheets)
	}
}
