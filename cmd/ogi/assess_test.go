package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAssess runs a batch over the whole corpus and reads the workbook back.
func TestAssess(t *testing.T) {
	dir := t.TempDir()
	x, c, j := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.jsonl")
	code, _, stderr := runOgi(t, "assess", filepath.Join("..", "..", "testdata", "seeds"), filepath.Join("..", "..", "testdata", "real"),
		"--xlsx", x, "--csv", c, "--jsonl", j)
	if code != 1 || !strings.Contains(stderr, "14 reports, 14 scored") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got := f.GetSheetList(); strings.Join(got, ",") != "汇总,问题清单,规则统计" {
		t.Errorf("sheets %v", got)
	}
	rows, err := f.GetRows("汇总")
	if err != nil || len(rows) != 15 || rows[0][0] != "报告文件" {
		t.Fatalf("汇总: %v rows, err %v", len(rows), err)
	}
	ranks := map[string]bool{}
	for _, r := range rows[1:] {
		if len(r) < 7 || r[6] == "" {
			t.Errorf("汇总 row without rank: %v", r)
			continue
		}
		ranks[r[6]] = true
	}
	if !ranks["1"] {
		t.Error("no report ranked 1")
	}
	issues, _ := f.GetRows("问题清单")
	stats, _ := f.GetRows("规则统计")
	if len(issues) < 50 || len(stats) < 31 {
		t.Errorf("问题清单 %d rows, 规则统计 %d rows", len(issues), len(stats))
	}
	panes, err := f.GetPanes("汇总")
	if err != nil || !panes.Freeze {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
	csvData, _ := os.ReadFile(c)
	if n := strings.Count(string(csvData), "\n"); n != 15 {
		t.Errorf("CSV has %d lines", n)
	}
	jl, _ := os.ReadFile(j)
	if n := strings.Count(string(jl), "\n"); n != 14 {
		t.Errorf("JSONL has %d lines", n)
	}
}

// TestAssessManifest: a CSV manifest names the files and corrects the body.
func TestAssessManifest(t *testing.T) {
	dir := t.TempDir()
	seeds, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "seeds"))
	m := filepath.Join(dir, "m.csv")
	body := "file,agency,year,level\n" + filepath.Join(seeds, "001_1dc63dd6a21548ca.txt") + ",静海区政府办,2019,department\n"
	if err := os.WriteFile(m, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	// Manifest paths are relative to the manifest; an absolute one stays as it is.
	body = "file,agency,year,level\n" + mustRel(t, dir, filepath.Join(seeds, "001_1dc63dd6a21548ca.txt")) + ",静海区政府办,2019,department\n"
	if err := os.WriteFile(m, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(dir, "r.csv")
	code, _, stderr := runOgi(t, "assess", m, "--csv", c)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(c)
	if !strings.Contains(string(data), ",静海区政府办,2019,") {
		t.Errorf("manifest agency not applied:\n%s", data)
	}
	if err := os.WriteFile(m, []byte("file,level\nx.txt,ministry\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runOgi(t, "assess", m); code != 2 || !strings.Contains(stderr, "level") {
		t.Errorf("bad level: exit %d, %s", code, stderr)
	}
}

func mustRel(t *testing.T, base, target string) string {
	t.Helper()
	r, err := filepath.Rel(base, target)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAssessContinuity: the batch pairs each report with the same body's
// report for the year before (洪泽区人民政府 / 淮安市洪泽区人民政府 count as one
// body), and the carried-over numbers agree with last year's carried forward.
func TestAssessContinuity(t *testing.T) {
	realDir := filepath.Join("..", "..", "testdata", "real")
	code, out, stderr := runOgi(t, "assess", "--jsonl", "-",
		filepath.Join(realDir, "pingtan-2021.txt"), filepath.Join(realDir, "pingtan-2022.txt"),
		filepath.Join(realDir, "hongze-district-2023.pdf"), filepath.Join(realDir, "hongze-district-2024.pdf"))
	if code > 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	status := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var fr struct {
			File  string `json:"file"`
			Rules []struct{ Rule, Status string }
		}
		if err := json.Unmarshal([]byte(line), &fr); err != nil {
			t.Fatal(err)
		}
		for _, r := range fr.Rules {
			if r.Rule == "continuity.carried_over" {
				status[filepath.Base(fr.File)] = r.Status
			}
		}
	}
	want := map[string]string{"pingtan-2021.txt": "not_applicable", "pingtan-2022.txt": "pass",
		"hongze-district-2023.pdf": "not_applicable", "hongze-district-2024.pdf": "pass"}
	for f, w := range want {
		if status[f] != w {
			t.Errorf("%s: continuity.carried_over %s, want %s", f, status[f], w)
		}
	}
}
