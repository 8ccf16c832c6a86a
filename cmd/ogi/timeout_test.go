package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loopPack is a rule pack whose one Rego rule iterates 10^10 times.
const loopPack = `# METADATA
# title: loop
# custom:
#   id: hostile.loop
#   title_zh: 循环
#   severity: error
#   category: content
#   points: 1
#   templates: ["2019", "2021"]
package ogi.rules.hostile_loop

import rego.v1

deny contains f if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	i + j < 0
	f := {"msg": {"zh": "x", "en": "x"}}
}
`

// TestTimedOutReport: a rule that runs past --timeout is stopped, and the
// report is a row of its own that says it timed out and which rule was
// running, in check's text and in assess's workbook table — never
// 无法读取, which would send the officer looking for a broken file.
func TestTimedOutReport(t *testing.T) {
	pack := t.TempDir()
	if err := os.WriteFile(filepath.Join(pack, "loop.rego"), []byte(loopPack), 0o644); err != nil {
		t.Fatal(err)
	}
	report := seed("001_1dc63dd6a21548ca.txt")
	start := time.Now()
	code, stdout, stderr := runOgi(t, "check", "--timeout", "1s", "--rules", pack, report)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("check took %v under --timeout 1s", d)
	}
	if code != exitInput || !strings.Contains(stdout, "检查超时：") || strings.Contains(stdout, "无法读取") ||
		!strings.Contains(stderr, "time limit hit while rule hostile.loop") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "r.csv")
	code, _, stderr = runOgi(t, "assess", "--db", "", "--timeout", "1s", "--rules", pack, "--csv", csv, report)
	if code != exitInput {
		t.Fatalf("assess exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(rows) != 2 || !strings.HasSuffix(rows[1], ",检查超时,转换或检查超过时间限制,,,,,,unreadable,timeout") {
		t.Errorf("CSV:\n%s", b)
	}
}
