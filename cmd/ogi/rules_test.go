package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const authorRule = `rules:
  - id: my.granted_zero
    title: {zh: 予以公开为零时须说明, en: Zero granted needs a word}
    severity: warning
    category: consistency
    points: 1
    templates: ["2019", "2021"]
    reference: 示例
    remediation: Explain why nothing was granted.
    assert: num(req.granted.total) > 0.0 || doc.sections.exists(s, s.text.contains("未予公开"))
`

// TestRulesCommands: list, lint, doc and test on an author's pack; test
// fails on an unexpected finding and lint on a rule without fixtures.
func TestRulesCommands(t *testing.T) {
	dir := t.TempDir()
	must := func(name, s string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must("my.yaml", authorRule)
	if code, out, _ := runOgi(t, "rules", "lint", dir); code != 1 || !strings.Contains(out, "no fixture case") {
		t.Errorf("lint without fixtures: exit %d, %s", code, out)
	}
	must("testdata/my_test.yaml", `rule: my.granted_zero
cases:
  - name: something granted
    set: {requests.granted.total: 2}
    expect: []
  - name: nothing granted, nothing said
    expect:
      - {}
`)
	if code, out, stderr := runOgi(t, "rules", "lint", dir); code != 0 {
		t.Errorf("lint: exit %d, %s %s", code, out, stderr)
	}
	if code, out, _ := runOgi(t, "rules", "test", dir); code != 0 || !strings.Contains(out, "2 passed, 0 failed") {
		t.Errorf("test: exit %d, %s", code, out)
	}
	must("testdata/my_test.yaml", `rule: my.granted_zero
cases:
  - name: wrongly expected to pass
    expect: []
`)
	code, out, _ := runOgi(t, "rules", "test", dir)
	if code != 1 || !strings.Contains(out, "unexpected finding") || !strings.Contains(out, "0 passed, 1 failed") {
		t.Errorf("test with an unexpected finding: exit %d, %s", code, out)
	}
	if code, out, _ := runOgi(t, "rules", "test", dir, "--run", "^nothing$"); code != 0 || !strings.Contains(out, "0 passed, 0 failed") {
		t.Errorf("--run: exit %d, %s", code, out)
	}
	if code, out, _ := runOgi(t, "rules", "list", "--json", dir); code != 0 || !strings.Contains(out, `"id": "my.granted_zero"`) {
		t.Errorf("list --json: exit %d, %s", code, out)
	}
	if code, out, _ := runOgi(t, "rules", "doc", dir); code != 0 || !strings.Contains(out, "## my.granted_zero") || !strings.Contains(out, "wrongly expected to pass") {
		t.Errorf("doc: exit %d, %s", code, out)
	}
	must("bad.yaml", strings.Replace(authorRule, "my.granted_zero", "my.bad", 1)+"    when: req.granted.nope.value > 0.0\n")
	if code, _, stderr := runOgi(t, "rules", "test", dir); code != 4 || !strings.Contains(stderr, "bad.yaml:11") {
		t.Errorf("broken pack: exit %d, %s", code, stderr)
	}
}

// TestExplain shows the operands of the failing column of seed 002.
func TestExplain(t *testing.T) {
	code, out, stderr := runOgi(t, "explain", "requests.identity", seed("002_a141446f969544e3.txt"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"result: fail", "item total: FAILS", "requests.total_handled.total = 0", "line 81", "expected 1, actual 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runOgi(t, "explain", "no.such.rule", seed("002_a141446f969544e3.txt")); code != 2 {
		t.Errorf("unknown rule: exit %d, want 2", code)
	}
	if code, out, _ := runOgi(t, "explain", "content.processing_fee", seed("002_a141446f969544e3.txt")); code != 0 || !strings.Contains(out, "not applicable") {
		t.Errorf("2021-only rule on a 2019 report: exit %d, %s", code, out)
	}
}

// TestRuleOverrideNotice: a pack rule with a built-in id replaces it, and
// the run says so.
func TestRuleOverrideNotice(t *testing.T) {
	dir := t.TempDir()
	rule := strings.Replace(authorRule, "my.granted_zero", "content.problems", 1)
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runOgi(t, "check", "--rules", dir, seed("001_1dc63dd6a21548ca.txt"))
	if code != 0 || !strings.Contains(stderr, "notice: rule content.problems from "+dir) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestGenerateCommand writes reports and a manifest that check can read.
func TestGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runOgi(t, "generate", "--count", "12", "--out", dir, "--seed", "3")
	if code != 0 || !strings.Contains(out, "12 reports") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	m, err := os.ReadFile(filepath.Join(dir, "manifest.csv"))
	if err != nil || strings.Count(string(m), "\n") != 13 {
		t.Fatalf("manifest: %v\n%s", err, m)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "report-*"))
	args := append([]string{"check", "--fail-on", "never", "--format", "json"}, files...)
	if code, _, stderr := runOgi(t, args...); code != 0 {
		t.Errorf("check of generated reports: exit %d: %s", code, stderr)
	}
}

// TestBuiltinFixturesAnywhere: the built-in pack's fixtures carry the
// reports they convert, so `ogi rules test` passes outside a checkout.
func TestBuiltinFixturesAnywhere(t *testing.T) {
	t.Chdir(t.TempDir())
	code, out, stderr := runOgi(t, "rules", "test")
	if code != 0 || !strings.Contains(out, " 0 failed") {
		t.Errorf("rules test from a temp dir: exit %d\n%s%s", code, out, stderr)
	}
}

// TestRulesListFormat: --format json is a sorted array with the documented
// keys; text stays the default; an unknown format is a usage error.
func TestRulesListFormat(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		json bool
	}{
		{"default is text", []string{"rules", "list"}, 0, false},
		{"text", []string{"rules", "list", "--format", "text"}, 0, false},
		{"json", []string{"rules", "list", "--format", "json"}, 0, true},
		{"unknown format", []string{"rules", "list", "--format", "xml"}, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runOgi(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			if code != 0 {
				if !strings.Contains(stderr, "--format") {
					t.Errorf("usage error does not name --format: %q", stderr)
				}
				return
			}
			var list []map[string]any
			err := json.Unmarshal([]byte(out), &list)
			if !tt.json {
				if err == nil || !strings.Contains(out, "requests.identity") {
					t.Errorf("want a text list:\n%s", out)
				}
				return
			}
			if err != nil || len(list) < 10 {
				t.Fatalf("not a JSON list of rules (%v):\n%.300s", err, out)
			}
			for _, k := range []string{"id", "title", "severity", "category", "points", "templates", "language", "file"} {
				if _, ok := list[0][k]; !ok {
					t.Errorf("entry lacks %q: %v", k, list[0])
				}
			}
			if title, _ := list[0]["title"].(map[string]any); title["zh"] == "" || title["en"] == "" {
				t.Errorf("title lacks zh/en: %v", list[0]["title"])
			}
			for i := 1; i < len(list); i++ {
				if a, b := list[i-1]["id"].(string), list[i]["id"].(string); a >= b {
					t.Errorf("not sorted by id: %s before %s", a, b)
				}
			}
		})
	}
}
