package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/internal/browsertest"
)

// TestAssess runs a batch over the whole corpus and reads the workbook back.
func TestAssess(t *testing.T) {
	dir := t.TempDir()
	x, c, j := filepath.Join(dir, "r.xlsx"), filepath.Join(dir, "r.csv"), filepath.Join(dir, "r.jsonl")
	db, h := filepath.Join(dir, "ogi.db"), filepath.Join(dir, "r.html")
	args := []string{"assess", filepath.Join("..", "..", "testdata", "seeds"), filepath.Join("..", "..", "testdata", "real"),
		"--xlsx", x, "--csv", c, "--jsonl", j, "--html", h, "--db", db}
	code, _, stderr := runOgi(t, args...)
	if code != 1 || !strings.Contains(stderr, "14 reports, 14 scored") || !strings.Contains(stderr, "converted 14, reused 0 documents; checked 14, reused 0 results") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	first := map[string][]byte{}
	for _, p := range []string{x, c, j, h} {
		first[p], _ = os.ReadFile(p)
	}
	// A re-run over the unchanged corpus converts and checks nothing, and
	// writes the same bytes, the workbook included.
	code, _, stderr = runOgi(t, args...)
	if code != 1 || !strings.Contains(stderr, "converted 0, reused 14 documents; checked 0, reused 14 results") {
		t.Fatalf("re-run: exit %d: %s", code, stderr)
	}
	for _, p := range []string{x, c, j, h} {
		if b, _ := os.ReadFile(p); !bytes.Equal(b, first[p]) {
			t.Errorf("%s differs between runs", filepath.Base(p))
		}
	}
	// Another configuration reuses the documents but checks again.
	code, _, stderr = runOgi(t, append(args, "--lang", "en", "--html", filepath.Join(dir, "en.html"), "--xlsx", filepath.Join(dir, "en.xlsx"))...)
	if code != 1 || !strings.Contains(stderr, "converted 0, reused 14 documents; checked 14, reused 0 results") {
		t.Fatalf("other rules: exit %d: %s", code, stderr)
	}
	page, _ := os.ReadFile(h)
	for _, want := range []string{"<svg", "得分分布", "问题类别", "触发最多的规则", `id="ogi-data"`, `"grid":{"t":"2021"`, `"m":{`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	// The corpus dashboard in a browser, the first report's drill-down open.
	t.Run("chromium", func(t *testing.T) {
		dom := browsertest.Load(t, h, "#r=0")
		if n := strings.Count(dom, "<tr data-i="); n != 14 {
			t.Errorf("dashboard lists %d reports, want 14", n)
		}
	})
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
	code, _, stderr := runOgi(t, "assess", m, "--csv", c, "--db", "")
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
	if code, _, stderr := runOgi(t, "assess", m, "--db", ""); code != 2 || !strings.Contains(stderr, "level") {
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
	code, out, stderr := runOgi(t, "assess", "--jsonl", "-", "--db", "",
		filepath.Join(realDir, "pingtan-2019.txt"), filepath.Join(realDir, "pingtan-2021.txt"),
		filepath.Join(realDir, "pingtan-2022.txt"), filepath.Join(realDir, "pingtan-2024.txt"),
		filepath.Join(realDir, "hongze-district-2023.pdf"), filepath.Join(realDir, "hongze-district-2024.pdf"))
	if code > 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	status := ruleStatus(t, out, "continuity.carried_over")
	// The 平潭 series has no 2020 and no 2023 report: only 2022 has a
	// previous year, and its carried-over row matches 2021's carried forward.
	want := map[string]string{"pingtan-2019.txt": "not_applicable", "pingtan-2021.txt": "not_applicable",
		"pingtan-2022.txt": "pass", "pingtan-2024.txt": "not_applicable",
		"hongze-district-2023.pdf": "not_applicable", "hongze-district-2024.pdf": "pass"}
	for f, w := range want {
		if status[f] != w {
			t.Errorf("%s: continuity.carried_over %s, want %s", f, status[f], w)
		}
	}
}

// TestAssessSimilarPeers: two bodies that published the same text are
// flagged (内容雷同) with the shared passages; a third, different report is
// not.
func TestAssessSimilarPeers(t *testing.T) {
	dir := t.TempDir()
	seeds, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "seeds"))
	same := filepath.Join(seeds, "002_a141446f969544e3.txt")
	other := filepath.Join(seeds, "000_80384ef52a1d3930.txt")
	m := filepath.Join(dir, "m.csv")
	// One file listed twice is assessed once: the second body gets a copy.
	copyPath := filepath.Join(dir, "copy.txt")
	data, _ := os.ReadFile(same)
	if err := os.WriteFile(copyPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	body := "file,agency,year\n" + same + ",甲县人民政府,2020\n" + copyPath + ",乙县人民政府,2020\n" + other + ",丙县人民政府,2020\n"
	if err := os.WriteFile(m, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runOgi(t, "assess", m, "--jsonl", "-", "--db", "")
	if code > 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fired := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var fr struct {
			Agency   string `json:"agency"`
			Findings []struct {
				Rule    string
				Message struct{ Zh string }
			}
		}
		if err := json.Unmarshal([]byte(line), &fr); err != nil {
			t.Fatal(err)
		}
		for _, f := range fr.Findings {
			if f.Rule == "continuity.narrative_shared_with_peer" {
				fired[fr.Agency] = f.Message.Zh
			}
		}
	}
	if len(fired) != 2 || !strings.Contains(fired["甲县人民政府"], "乙县人民政府") || !strings.Contains(fired["乙县人民政府"], "甲县人民政府") {
		t.Fatalf("peers: %v", fired)
	}
	if !strings.Contains(fired["甲县人民政府"], "相似度100%") || !strings.Contains(fired["甲县人民政府"], "相同段落：“") {
		t.Errorf("message lacks the score or the passages: %s", fired["甲县人民政府"])
	}
}

// TestAssessBadStore: a --db that is not an ogi store is refused with its
// name, before any work.
func TestAssessBadStore(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("hello, this is not a database at all, just some words"), 0o644); err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join("..", "..", "testdata", "seeds", "001_1dc63dd6a21548ca.txt")
	code, _, stderr := runOgi(t, "assess", seed, "--db", notDB)
	if code != 2 || !strings.Contains(stderr, notDB) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := runOgi(t, "assess", seed, "--db", "", "--similarity-threshold", "1.5"); code != 2 || !strings.Contains(stderr, "similarity-threshold") {
		t.Errorf("bad threshold: exit %d: %s", code, stderr)
	}
}

// TestAssessPreviousFromStore: last year's report assessed in an earlier
// run is found in the store, so a run over this year's report alone still
// checks continuity against it.
func TestAssessPreviousFromStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ogi.db")
	realDir := filepath.Join("..", "..", "testdata", "real")
	if code, _, stderr := runOgi(t, "assess", "--db", db, filepath.Join(realDir, "pingtan-2021.txt")); code > 1 {
		t.Fatalf("2021: exit %d: %s", code, stderr)
	}
	status := func(out string) string { return ruleStatus(t, out, "continuity.carried_over")["pingtan-2022.txt"] }
	code, out, stderr := runOgi(t, "assess", "--db", db, "--jsonl", "-", filepath.Join(realDir, "pingtan-2022.txt"))
	if code > 1 {
		t.Fatalf("2022: exit %d: %s", code, stderr)
	}
	if got := status(out); got != "pass" {
		t.Errorf("2022 with 2021 in the store: continuity.carried_over %s, want pass", got)
	}
	// Without the store the same run has no previous year.
	_, out, _ = runOgi(t, "assess", "--db", "", "--jsonl", "-", filepath.Join(realDir, "pingtan-2022.txt"))
	if got := status(out); got != "not_applicable" {
		t.Errorf("2022 alone: continuity.carried_over %s, want not_applicable", got)
	}
}

// ruleStatus reads JSON Lines output: one rule's status by file base name.
func ruleStatus(t *testing.T, out, rule string) map[string]string {
	t.Helper()
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
			if r.Rule == rule {
				status[filepath.Base(fr.File)] = r.Status
			}
		}
	}
	return status
}
