package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func realReport(name string) string { return filepath.Join("..", "..", "testdata", "real", name) }

// TestBriefDirectoryPairs: ogi brief DIR pairs each report with the same
// body's report for the year before as assess does — 洪泽区人民政府 (2023)
// with 淮安市洪泽区人民政府 (2024) by the place prefix, 平潭 2021 with 2022 —
// and lists the reports without one (平潭 2024: the corpus has no 2023).
func TestBriefDirectoryPairs(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	dir := t.TempDir()
	for _, f := range []string{"hongze-district-2023.pdf", "hongze-district-2024.pdf", "pingtan-2021.txt", "pingtan-2022.txt", "pingtan-2024.txt"} {
		data, err := os.ReadFile(realReport(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runOgi(t, "brief", "--format", "json", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var set struct {
		Briefs []struct {
			This, Last struct{ File string }
		}
		Unpaired []struct{ File string }
	}
	if err := json.Unmarshal([]byte(out), &set); err != nil {
		t.Fatal(err)
	}
	var pairs, unpaired []string
	for _, b := range set.Briefs {
		pairs = append(pairs, filepath.Base(b.This.File)+" ← "+filepath.Base(b.Last.File))
	}
	for _, u := range set.Unpaired {
		unpaired = append(unpaired, filepath.Base(u.File))
	}
	if want := []string{"hongze-district-2024.pdf ← hongze-district-2023.pdf", "pingtan-2022.txt ← pingtan-2021.txt"}; !reflect.DeepEqual(pairs, want) {
		t.Errorf("pairs = %q, want %q", pairs, want)
	}
	if want := []string{"hongze-district-2023.pdf", "pingtan-2021.txt", "pingtan-2024.txt"}; !reflect.DeepEqual(unpaired, want) {
		t.Errorf("unpaired = %q, want %q", unpaired, want)
	}
}

func TestBriefPairArguments(t *testing.T) {
	this, last := realReport("pingtan-2022.txt"), realReport("pingtan-2021.txt")
	cases := []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"zh text", []string{this, last}, exitOK, "同比简报：平潭综合实验区 2022年度（对比2021年度）", ""},
		{"en markdown", []string{"--lang", "en", "--format", "markdown", this, last}, exitOK, "## Year-on-year brief: 平潭综合实验区, 2022 against 2021", ""},
		{"older first", []string{last, this}, exitUsage, "", "give this year's report first"},
		{"bad format", []string{"--format", "xlsx", this, last}, exitUsage, "", "--format must be text, markdown or json"},
		{"bad min count", []string{"--min-count", "0", this, last}, exitUsage, "", "--min-count must be at least 1"},
		{"unreadable", []string{this, filepath.Join("..", "..", "testdata", "unreadable", "missing.txt")}, exitInput, "", "missing.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runOgi(t, append([]string{"brief"}, c.args...)...)
			if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errOut, c.err) {
				t.Errorf("exit %d (want %d)\nstdout %.300q (want %q)\nstderr %q (want %q)", code, c.code, out, c.out, errOut, c.err)
			}
		})
	}
}
