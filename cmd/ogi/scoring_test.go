package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestScoringSetting: `scoring` picks the profile for check and assess (a
// built-in name or a file, from a flag or .ogi.yaml), config show lists it,
// a bad profile is exit 2 naming its file and line, and the text report
// shows coverage and the 扣分明细 by indicator.
func TestScoringSetting(t *testing.T) {
	s000 := absSeed(t, "000_80384ef52a1d3930.txt")
	s002 := absSeed(t, "002_a141446f969544e3.txt")
	dir := inProject(t, "scoring: jinzhou-example\n")
	bad := writeFile(t, dir, "bad.yaml", "grades: [{name: A, min: 0}]\nindicators:\n  - id: all\n    weight: 100\n    rules: [requests.nope]\n")

	code, out, stderr := runOgi(t, "config", "show")
	if code != 0 || !strings.Contains(out, "scoring") || !strings.Contains(out, "jinzhou-example") {
		t.Errorf("config show: exit %d, no scoring line:\n%s%s", code, out, stderr)
	}
	code, out, _ = runOgi(t, "check", "--format", "json", s002)
	var res struct {
		Reports []struct {
			Profile string `json:"scoring_profile"`
			Rubric  string `json:"rubric"`
			Ledger  []struct {
				Indicator string `json:"indicator"`
			} `json:"ledger"`
		} `json:"reports"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || len(res.Reports) != 1 {
		t.Fatalf("check: exit %d, %v", code, err)
	}
	if r := res.Reports[0]; r.Profile != "jinzhou-example" || r.Rubric != "department" || len(r.Ledger) == 0 || r.Ledger[0].Indicator == "" {
		t.Errorf("the project's profile did not apply: %+v", r)
	}
	for _, cmd := range [][]string{{"check", "--scoring", bad, s002}, {"assess", "--db", "", "--scoring", bad, s002}} {
		code, _, stderr = runOgi(t, cmd...)
		if code != 2 || !strings.Contains(stderr, bad+":5: rule \"requests.nope\" is not a rule id") {
			t.Errorf("%s with a bad profile: exit %d, want 2 naming %s:5: %s", cmd[0], code, bad, stderr)
		}
	}
	code, out, stderr = runOgi(t, "check", "--scoring", "default", "--fail-on", "never", s000)
	for _, want := range []string{"得分 59（不合格）", "可核验单元格 11.1%（表二 100%，表三 0%，表四 0%），低于 50%，得分上限 59",
		"【扣分明细】\n  -3  内容完整  表三每个单元格填写数字\n  -2  内容完整  表四每个单元格填写数字\n  -36  覆盖率  可核验单元格不足，得分上限 59\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q (exit %d):\n%s%s", want, code, out, stderr)
		}
	}
}
