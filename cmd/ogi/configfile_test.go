package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeFile writes body to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// inProject makes a temporary directory with .ogi.yaml holding body the
// working directory, with no user configuration in the way.
func inProject(t *testing.T, body string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, ".ogi.yaml", body)
	noUserConfig(t)
	t.Chdir(dir)
	return dir
}

// noUserConfig keeps the user configuration of whoever runs the tests out.
func noUserConfig(t *testing.T) {
	t.Helper()
	t.Setenv("OGI_CONFIG", "")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

// TestConfigFlag: --config FILE is the project configuration, instead of
// the .ogi.yaml found walking up; a missing FILE is exit 2 naming it.
func TestConfigFlag(t *testing.T) {
	report001 := absSeed(t, "001_1dc63dd6a21548ca.txt")
	other := writeFile(t, t.TempDir(), "ci.yaml", "fail_on: warning\n")
	dir := t.TempDir()
	walked := writeFile(t, dir, ".ogi.yaml", "fail_on: never\nlang: en\n")
	noUserConfig(t)
	t.Chdir(dir)

	// Seed 001 has warnings only: it fails at warning, passes at never.
	if code, _, stderr := runOgi(t, "check", report001); code != 0 {
		t.Fatalf("with the walked-up .ogi.yaml: exit %d, want 0: %s", code, stderr)
	}
	if code, _, stderr := runOgi(t, "check", "--config", other, report001); code != 1 {
		t.Errorf("check --config %s: exit %d, want 1 (fail_on: warning): %s", other, code, stderr)
	}
	code, out, stderr := runOgi(t, "config", "show", "--config", other)
	if code != 0 {
		t.Fatalf("config show --config: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "# file: "+other) || strings.Contains(out, walked) {
		t.Errorf("config show --config %s should read it and not %s:\n%s", other, walked, out)
	}
	if !strings.Contains(out, "lang                       zh") {
		t.Errorf("--config replaces the project file, so lang is the default:\n%s", out)
	}
	small := writeFile(t, t.TempDir(), "small.yaml", "max_file_size: 100\n")
	if code, _, stderr := runOgi(t, "parse", "--config", small, report001); code != 3 || !strings.Contains(stderr, "larger than the limit of 100 bytes") {
		t.Errorf("parse --config %s: exit %d, stderr %q", small, code, stderr)
	}
	if code, out, stderr := runOgi(t, "config", "show", "--config", ""); code != 0 || !strings.Contains(out, "# no configuration file found") {
		t.Errorf(`config show --config "": exit %d, %s; want no project file read:\n%s`, code, stderr, out)
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	for _, args := range [][]string{
		{"check", "--config", missing, report001},
		{"config", "show", "--config", missing},
		{"explain", "--config", missing, "requests.identity", report001},
		{"parse", "--config", missing, report001},
		{"version", "--config", missing},
	} {
		code, _, stderr := runOgi(t, args...)
		if code != 2 || !strings.Contains(stderr, missing) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", args[0], code, stderr, missing)
		}
	}
}

// TestConfigLimits: the limits are settings like any other, from
// .ogi.yaml and from OGI_* variables, for check, parse and explain.
func TestConfigLimits(t *testing.T) {
	report001 := absSeed(t, "001_1dc63dd6a21548ca.txt")
	inProject(t, "max_file_size: 100\n")
	for _, args := range [][]string{
		{"check", report001},
		{"parse", report001},
		{"parse", "--format", "auto", report001}, // the input's format, not the setting format
		{"explain", "requests.identity", report001},
	} {
		code, _, stderr := runOgi(t, args...)
		if code != 3 || !strings.Contains(stderr, "larger than the limit of 100 bytes") {
			t.Errorf("%s with max_file_size: 100 in .ogi.yaml: exit %d, stderr %q", args[0], code, stderr)
		}
	}
	// A flag still beats the file.
	if code, _, stderr := runOgi(t, "check", "--max-file-size", "100000000", report001); code != 0 {
		t.Errorf("--max-file-size over .ogi.yaml: exit %d: %s", code, stderr)
	}

	inProject(t, "")
	t.Setenv("OGI_MAX_LINES", "5")
	code, _, stderr := runOgi(t, "check", report001)
	if code != 3 || !strings.Contains(stderr, "more than 5 lines") {
		t.Errorf("OGI_MAX_LINES=5: exit %d, stderr %q", code, stderr)
	}
	code, out, _ := runOgi(t, "config", "show")
	if code != 0 || !strings.Contains(out, "max_lines                  5                        # env OGI_MAX_LINES") {
		t.Errorf("config show does not name OGI_MAX_LINES:\n%s", out)
	}
}

// TestConfigBadValue: a value of the wrong type is exit 2 naming the key,
// where it was set and the value.
func TestConfigBadValue(t *testing.T) {
	report001 := absSeed(t, "001_1dc63dd6a21548ca.txt")
	dir := inProject(t, "max_file_size: big\n")
	code, _, stderr := runOgi(t, "check", report001)
	if code != 2 || !strings.Contains(stderr, "max_file_size") || !strings.Contains(stderr, filepath.Join(dir, ".ogi.yaml")) || !strings.Contains(stderr, `"big"`) {
		t.Errorf("max_file_size: big: exit %d, stderr %q", code, stderr)
	}
	inProject(t, "lang: fr\n")
	code, _, stderr = runOgi(t, "check", report001)
	if code != 2 || !strings.Contains(stderr, "lang") || !strings.Contains(stderr, ".ogi.yaml") || !strings.Contains(stderr, `"fr"`) {
		t.Errorf("lang: fr: exit %d, stderr %q", code, stderr)
	}
	inProject(t, "")
	t.Setenv("OGI_NO_WAIVERS", "perhaps")
	code, _, stderr = runOgi(t, "check", report001)
	if code != 2 || !strings.Contains(stderr, "no_waivers (from env OGI_NO_WAIVERS)") || !strings.Contains(stderr, `"perhaps"`) {
		t.Errorf("OGI_NO_WAIVERS=perhaps: exit %d, stderr %q", code, stderr)
	}
}

// TestConfigStore: db in .ogi.yaml names the store ogi assess keeps.
func TestConfigStore(t *testing.T) {
	report001 := absSeed(t, "001_1dc63dd6a21548ca.txt")
	dir := inProject(t, "db: state/results.db\nmemory_limit: 0\nhtml_details: 1\nsimilarity_threshold: 0.9\n")
	code, _, stderr := runOgi(t, "assess", report001)
	if code != 0 {
		t.Fatalf("assess: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "results.db")); err != nil {
		t.Errorf("db: state/results.db in .ogi.yaml not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ogi.db")); err == nil {
		t.Error("assess wrote ogi.db although .ogi.yaml names another store")
	}
	inProject(t, "similarity_threshold: 2\n")
	if code, _, stderr := runOgi(t, "assess", report001); code != 2 || !strings.Contains(stderr, "similarity") {
		t.Errorf("similarity_threshold: 2: exit %d, %s", code, stderr)
	}
}

// TestExplainReadsConfig: explain sees the rules check runs, with their
// overrides, so that the two cannot disagree.
func TestExplainReadsConfig(t *testing.T) {
	report002 := absSeed(t, "002_a141446f969544e3.txt")
	inProject(t, "overrides:\n  requests.identity: {severity: info}\n")
	code, out, stderr := runOgi(t, "explain", "requests.identity", report002)
	if code != 0 || !strings.Contains(out, "severity info") {
		t.Errorf("explain with an override to info: exit %d, %s\n%s", code, stderr, out)
	}
	dir := inProject(t, "disable: [requests.identity]\n")
	code, _, stderr = runOgi(t, "explain", "requests.identity", report002)
	if code != 2 || !strings.Contains(stderr, "requests.identity") || !strings.Contains(stderr, "disable") || !strings.Contains(stderr, filepath.Join(dir, ".ogi.yaml")) {
		t.Errorf("explain of a rule disabled in .ogi.yaml: exit %d, stderr %q", code, stderr)
	}
	// The check flags that select rules are explain's too.
	code, _, stderr = runOgi(t, "explain", "--no-builtin", "requests.identity", report002)
	if code != 2 || !strings.Contains(stderr, "requests.identity") {
		t.Errorf("explain --no-builtin: exit %d, stderr %q", code, stderr)
	}
}

// TestEvalReadsConfig: eval measures the configuration check would run.
func TestEvalReadsConfig(t *testing.T) {
	manifest := mustAbs(t, filepath.Join("..", "..", "testdata", "gold", "manifest.yaml"))
	inProject(t, "disable: [review.group_total]\n")
	code, out, stderr := runOgi(t, "eval", "--verbose", manifest)
	if code != 1 || !strings.Contains(out, "review.group_total") {
		t.Errorf("eval with review.group_total disabled: exit %d, want 1 naming the missed findings: %s\n%s", code, stderr, out)
	}
	code, _, stderr = runOgi(t, "eval", "--max-file-size", "abc", manifest)
	if code != 2 {
		t.Errorf("eval --max-file-size abc: exit %d, %s", code, stderr)
	}
}
