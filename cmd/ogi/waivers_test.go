package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/report"
)

// TestWaivers: an active waiver moves findings out of the score and the
// gate; an expired or malformed one waives nothing and warns; --no-waivers
// ignores them all.
func TestWaivers(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "waivers.yaml")
	write := func(s string) {
		if err := os.WriteFile(w, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := seed("002_a141446f969544e3.txt")
	active := `waivers:
  - rule: requests.*
    match: {file: "002_*.txt", agency: 威海市科学技术局, year: 2019}
    reason: 科技局已发更正说明
    expires: 2999-12-31
  - rule: completeness.review_cells
    reason: 行政复议栏确无案件
`
	check := func(args ...string) (int, report.CheckOutput, string) {
		code, out, stderr := runOgi(t, append([]string{"check", "--format", "json"}, args...)...)
		var res report.CheckOutput
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return code, res, stderr
	}

	write(active)
	code, res, _ := check("--waivers", w, file)
	fr := res.Reports[0]
	if code != 0 || fr.Counts.Error != 0 || fr.Counts.Waived != 4 {
		t.Errorf("active waivers: exit %d, counts %+v", code, fr.Counts)
	}
	if fr.Score == nil || *fr.Score < 95 {
		t.Errorf("waived findings were scored: %v", fr.Score)
	}

	write(strings.Replace(active, "2999-12-31", "2020-01-01", 1))
	code, res, stderr := check("--waivers", w, file)
	if code != 1 || res.Reports[0].Counts.Waived != 1 || !strings.Contains(stderr, "expired on 2020-01-01") || len(res.Warnings) != 1 {
		t.Errorf("expired waiver: exit %d, counts %+v, stderr %q, warnings %v", code, res.Reports[0].Counts, stderr, res.Warnings)
	}

	write("waivers:\n  - rule: requests.identity\n  - rule: \"[\"\n    reason: x\n")
	code, res, stderr = check("--waivers", w, file)
	if code != 1 || res.Reports[0].Counts.Waived != 0 || !strings.Contains(stderr, "no reason") || !strings.Contains(stderr, "bad rule pattern") {
		t.Errorf("malformed waivers: exit %d, counts %+v, stderr %q", code, res.Reports[0].Counts, stderr)
	}

	write(active)
	code, res, _ = check("--waivers", w, "--no-waivers", file)
	if code != 1 || res.Reports[0].Counts.Waived != 0 {
		t.Errorf("--no-waivers: exit %d, counts %+v", code, res.Reports[0].Counts)
	}

	write("waivers: [unclosed")
	if code, _, _ := runOgi(t, "check", "--waivers", w, file); code != 2 {
		t.Errorf("unreadable waivers file: exit %d, want 2", code)
	}
}
