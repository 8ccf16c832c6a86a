package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJurisdictionSetting: --jurisdiction (or the config key) chooses the
// profile whose deadlines apply; a bad profile is exit 2 naming where the
// setting came from and the profile's file and line.
func TestJurisdictionSetting(t *testing.T) {
	dir := t.TempDir()
	early := "name: early\ntitle: {zh: 某地}\ndeadlines:\n  department:\n    by: \"01-10\"\n    bodies: {zh: 市直部门}\n    source: {zh: 某地规定第三条}\n"
	bad := "name: bad\ntitle: {zh: 某地}\ndeadlines:\n  department:\n    by: \"1-10\"\n"
	cfg := filepath.Join(dir, "ogi.yaml")
	for name, text := range map[string]string{"early.yaml": early, "bad.yaml": bad, "ogi.yaml": "jurisdiction: " + filepath.Join(dir, "early.yaml") + "\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Seed 002 is a department's 2019 report dated 2020-01-19.
	const late = "按某地规定第三条，市直部门应于2020年1月10日前公布年度报告，本报告落款为2020年1月19日"
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		out, err string
	}{
		{"statute", []string{"check", "--config", "", seed("002_a141446f969544e3.txt")}, 1, "", ""},
		{"flag", []string{"check", "--config", "", "--jurisdiction", filepath.Join(dir, "early.yaml"), seed("002_a141446f969544e3.txt")}, 1, late, ""},
		{"config file", []string{"check", "--config", cfg, seed("002_a141446f969544e3.txt")}, 1, late, ""},
		{"built-in example", []string{"check", "--config", "", "--jurisdiction", "yueyang", seed("002_a141446f969544e3.txt")}, 1, "报告中未写明已报送备案", ""},
		{"bad profile", []string{"check", "--config", "", "--jurisdiction", filepath.Join(dir, "bad.yaml"), seed("002_a141446f969544e3.txt")}, 2, "",
			"ogi: configuration: jurisdiction (from flag --jurisdiction): " + filepath.Join(dir, "bad.yaml") + `:5: deadlines.department.by "1-10" must be MM-DD or MM-last`},
		{"unknown name", []string{"assess", "--config", "", "--db", "", "--jurisdiction", "atlantis", seed("002_a141446f969544e3.txt")}, 2, "",
			`jurisdiction "atlantis" is not a built-in profile (huaihua, statute, suqian, yueyang) or a .yaml file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runOgi(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %s", code, tc.code, errs)
			}
			if tc.out != "" && !strings.Contains(out, tc.out) {
				t.Errorf("stdout lacks %q:\n%s", tc.out, out)
			}
			if tc.out == "" && strings.Contains(out, "应于2020年1月10日前") {
				t.Errorf("the local date applied without the setting:\n%s", out)
			}
			if tc.err != "" && !strings.Contains(errs, tc.err) {
				t.Errorf("stderr lacks %q:\n%s", tc.err, errs)
			}
		})
	}
}
