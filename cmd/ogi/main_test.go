package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

func runOgi(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func seed(name string) string { return filepath.Join("..", "..", "testdata", "seeds", name) }

// TestExitCodes covers every documented exit code of ogi check.
func TestExitCodes(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "bad.yaml"), []byte("rules:\n  - id: bad\n    title: {zh: 坏, en: bad}\n    severity: error\n    category: arithmetic\n    templates: [\"2021\"]\n    assert: req.granted.total.value ==\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(t.TempDir(), "random.bin")
	if err := os.WriteFile(unreadable, []byte{0, 1, 2, 3, 0, 0, 0xff, 0x00}, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		code    int
		stderr  string
		notText string
	}{
		{"clean report", []string{"check", seed("001_1dc63dd6a21548ca.txt")}, 0, "", ""},
		{"seed 000", []string{"check", seed("000_80384ef52a1d3930.txt")}, 1, "", ""},
		{"seed 002", []string{"check", seed("002_a141446f969544e3.txt")}, 1, "", ""},
		{"seed 003", []string{"check", seed("003_c95910d04a7fd181.txt")}, 1, "", ""},
		{"seed 004", []string{"check", seed("004_cee81fd346254158.txt")}, 1, "", ""},
		{"warnings fail with --fail-on warning", []string{"check", "--fail-on", "warning", seed("001_1dc63dd6a21548ca.txt")}, 1, "", ""},
		{"never fails", []string{"check", "--fail-on", "never", seed("002_a141446f969544e3.txt")}, 0, "", ""},
		{"min score", []string{"check", "--min-score", "99", seed("001_1dc63dd6a21548ca.txt")}, 1, "", ""},
		{"unknown flag", []string{"check", "--bogus", seed("001_1dc63dd6a21548ca.txt")}, 2, "unknown flag", ""},
		{"bad --fail-on", []string{"check", "--fail-on", "sometimes", seed("001_1dc63dd6a21548ca.txt")}, 2, "--fail-on", ""},
		{"no files", []string{"check"}, 2, "at least one file", ""},
		{"missing file", []string{"check", "nope.txt"}, 3, "nope.txt: cannot open", ""},
		{"binary file", []string{"check", unreadable}, 3, "unrecognised input", ""},
		{"rule syntax error", []string{"check", "--rules", bad, seed("001_1dc63dd6a21548ca.txt")}, 4, "bad.yaml:7:39", ""},
		{"worst wins: 3 over 1", []string{"check", seed("002_a141446f969544e3.txt"), "nope.txt"}, 3, "", ""},
		{"worst wins: 4 over 3", []string{"check", "--rules", bad, "nope.txt"}, 4, "", ""},
		{"parse missing file", []string{"parse", "nope.txt"}, 3, "nope.txt", ""},
		{"time limit", []string{"check", "--timeout", "1ns", seed("001_1dc63dd6a21548ca.txt")}, 3, "took too long", ""},
		{"size limit", []string{"check", "--max-file-size", "100", seed("001_1dc63dd6a21548ca.txt")}, 3, "larger than the limit of 100 bytes", ""},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command", ""},
		{"eval the gold set", []string{"eval", filepath.Join("..", "..", "testdata", "gold", "manifest.yaml")}, 0, "", ""},
		{"eval a missing manifest", []string{"eval", "nope.yaml"}, 3, "nope.yaml", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runOgi(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderr)
			}
		})
	}
}

// TestParseValidates: ogi parse prints documents the schema accepts.
func TestParseValidates(t *testing.T) {
	code, out, stderr := runOgi(t, "parse", "--compact", seed("002_a141446f969544e3.txt"), seed("004_cee81fd346254158.txt"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d documents, want 2", len(lines))
	}
	for _, l := range lines {
		if err := schema.Validate([]byte(l)); err != nil {
			t.Error(err)
		}
	}
	dir := t.TempDir()
	if code, _, stderr := runOgi(t, "parse", "--out", dir, seed("001_1dc63dd6a21548ca.txt")); code != 0 {
		t.Fatalf("--out: exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "001_1dc63dd6a21548ca.txt.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(data); err != nil {
		t.Error(err)
	}
}

// TestSchemaCommand prints valid JSON schemas.
func TestSchemaCommand(t *testing.T) {
	for _, args := range [][]string{{"schema"}, {"schema", "--check"}} {
		code, out, _ := runOgi(t, args...)
		var v map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["$schema"] == nil {
			t.Errorf("%v: exit %d, not a schema", args, code)
		}
	}
}

// TestCheckJSON validates the JSON output against its published schema and
// checks the fields CI consumers read.
func TestCheckJSON(t *testing.T) {
	code, out, stderr := runOgi(t, "check", "--format", "json", seed("002_a141446f969544e3.txt"), seed("001_1dc63dd6a21548ca.txt"))
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sch, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.CheckSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("check.json", sch); err != nil {
		t.Fatal(err)
	}
	compiled, err := c.Compile("check.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled.Validate(inst); err != nil {
		t.Fatalf("output does not match check.schema.json: %v", err)
	}
	var res report.CheckOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Reports) != 2 || res.Reports[0].Score == nil || res.Reports[0].Grade == "" {
		t.Fatalf("reports %+v", res.Reports)
	}
	var rules []string
	for _, f := range res.Reports[0].Findings {
		if f.Severity == "error" && f.Status == "fail" {
			for _, c := range f.Cells {
				rules = append(rules, f.Rule+":"+c.Row+"."+c.Col)
			}
		}
	}
	joined := strings.Join(rules, " ")
	for _, want := range []string{"requests.row_total:granted.total", "requests.row_total:total_handled.total",
		"requests.identity:total_handled.total", "completeness.review_cells:reconsideration.upheld"} {
		if !strings.Contains(joined, want) {
			t.Errorf("seed 002: no error finding %s in %s", want, joined)
		}
	}
	for _, f := range res.Reports[1].Findings {
		if f.Severity == "error" {
			t.Errorf("seed 001: unexpected error finding %s: %s", f.Rule, f.Message.En)
		}
	}
}
