package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAssessRoster: --roster adds the coverage to the run summary, --year
// chooses the years, and a bad roster is a usage error naming its line.
func TestAssessRoster(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("body,type\n甲市人民政府,government\n乙局,agency\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	roster := filepath.Join("..", "..", "assess", "testdata", "roster")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"coverage", []string{"--roster", filepath.Join(roster, "corpus.csv"), "--year", "2019", filepath.Join("..", "..", "testdata", "seeds"),
			filepath.Join("..", "..", "testdata", "real", "pingtan-2019.txt"), filepath.Join(roster, "late")}, 1,
			"ogi: roster " + filepath.ToSlash(filepath.Join(roster, "corpus.csv")) + ": 6 bodies: 4 published, 1 missing, 1 late\n"},
		{"bad roster", []string{"--roster", bad, filepath.Join("..", "..", "testdata", "seeds")}, 2,
			"ogi: roster: " + bad + `:3: type "agency" must be government, department or township` + "\n"},
		{"year without roster", []string{"--year", "2019", filepath.Join("..", "..", "testdata", "seeds")}, 2,
			"--year needs --roster"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runOgi(t, append([]string{"assess", "--db", ""}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
		})
	}
}

// TestRosterFindingsInChinese: the parent-vs-children findings a roster
// adds are named by their titles in the workbook, not by their ids.
func TestRosterFindingsInChinese(t *testing.T) {
	dir := filepath.Join("..", "..", "assess", "testdata", "roster", "aggregate")
	book := filepath.Join(t.TempDir(), "r.xlsx")
	code, _, stderr := runOgi(t, "assess", "--db", "", "--roster", filepath.Join(dir, "roster.csv"), "-o", "xlsx="+book, filepath.Join(dir, "manifest.csv"))
	if code > 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := f.GetRows("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		line := strings.Join(r, " ")
		if strings.Contains(line, "coverage.") {
			t.Errorf("an id in the 问题清单: %s", line)
		}
		found = found || strings.Contains(line, "汇总报告数据不小于下级合计")
	}
	if !found {
		t.Error("the aggregate finding is not in the 问题清单 by its title")
	}
}
