package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// inDir runs the test in dir (the project configuration is found from the
// working directory).
func inDir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
}

func absSeed(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(seed(name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConfigPrecedence: flags > OGI_* env > profile > .ogi.yaml (found by
// walking up) > user config > defaults, each shown with its source.
func TestConfigPrecedence(t *testing.T) {
	root := t.TempDir()
	user := filepath.Join(root, "user.yaml")
	if err := os.WriteFile(user, []byte("lang: en\njobs: 3\nfail_on: warning\nmin_score: 10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(root, "proj")
	sub := filepath.Join(project, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(project, ".ogi.yaml"), []byte(`jobs: 2
fail_on: info
profiles:
  strict:
    min_score: 90
    disable: [content.*]
    overrides:
      requests.identity: {severity: warning, points: 9}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OGI_CONFIG", user)
	t.Setenv("OGI_FAIL_ON", "never")
	report002 := absSeed(t, "002_a141446f969544e3.txt")
	inDir(t, sub)

	code, out, stderr := runOgi(t, "config", "show", "--profile", "strict")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := map[string]string{
		"lang":      "en   # " + user,
		"jobs":      "2   # " + filepath.Join(project, ".ogi.yaml"),
		"fail_on":   "never   # env OGI_FAIL_ON",
		"min_score": "90   # profile strict",
		"profile":   "strict   # flag --profile",
		"format":    "text   # default",
	}
	for key, w := range want {
		found := false
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) >= 3 && f[0] == key && strings.Join(f[1:], " ") == strings.Join(strings.Fields(w), " ") {
				found = true
			}
		}
		if !found {
			t.Errorf("config show: %s should be %q\n%s", key, w, out)
		}
	}
	if !strings.Contains(out, "overrides.requests.identity severity=warning points=9") {
		t.Errorf("overrides not shown:\n%s", out)
	}

	// The profile's disable and override take effect on a check; a flag
	// beats the environment.
	code, out, _ = runOgi(t, "check", "--profile", "strict", "--fail-on", "error", "--min-score", "0", "--format", "json", report002)
	if strings.Contains(out, `"rule": "content.`) {
		t.Error("disabled content.* rules still ran")
	}
	if !strings.Contains(out, `"rule": "requests.identity",
          "severity": "warning"`) {
		t.Errorf("override of requests.identity to warning not applied")
	}
	if code != 1 {
		t.Errorf("exit %d, want 1 (row totals still fail at --fail-on error)", code)
	}
}

// TestConfigErrors: unknown keys and bad values are exit 2, naming the key.
func TestConfigErrors(t *testing.T) {
	cases := map[string]string{
		"jobz: 3\n":                                 `unknown configuration key "jobz"`,
		"jobs: many\n":                              "jobs",
		"profiles:\n  x:\n    colour: red\n":        `"profiles.x.colour"`,
		"overrides:\n  no.such.rule: {points: 1}\n": "overrides.no.such.rule",
		"timeout: soon\n":                           "timeout",
	}
	report001 := absSeed(t, "001_1dc63dd6a21548ca.txt")
	for body, want := range cases {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".ogi.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run(want, func(t *testing.T) {
			t.Chdir(dir)
			code, _, stderr := runOgi(t, "check", report001)
			if code != 2 || !strings.Contains(stderr, want) {
				t.Errorf("%q: exit %d, stderr %q; want 2 naming %s", body, code, stderr, want)
			}
		})
	}
	inDir(t, t.TempDir())
	t.Setenv("OGI_JOBS", "lots")
	if code, _, stderr := runOgi(t, "config", "show"); code != 2 || !strings.Contains(stderr, "jobs (from env OGI_JOBS)") {
		t.Errorf("bad env value: exit %d, %s", code, stderr)
	}
}
