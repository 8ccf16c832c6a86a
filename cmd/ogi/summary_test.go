package main

import (
	"strings"
	"testing"
)

// TestCheckClosingLines: a check of several files ends with one summary
// line, and a --min-score failure names each report below the bar with
// its score.
func TestCheckClosingLines(t *testing.T) {
	s002, s004, s001 := seed("002_a141446f969544e3.txt"), seed("004_cee81fd346254158.txt"), seed("001_1dc63dd6a21548ca.txt")
	tests := []struct {
		name    string
		args    []string
		code    int
		want    []string
		notWant []string
	}{
		{"several files, a bar", []string{"--fail-on", "never", "--min-score", "88", s002, s004, s001}, 1,
			[]string{"ogi: 3 files: 3 checked, 0 unreadable; ", " warnings; 2 below --min-score 88 (exit 1: 2 below --min-score 88)\n",
				"ogi: below --min-score 88: " + strings.ReplaceAll(s002, "\\", "/") + " 85, " + strings.ReplaceAll(s004, "\\", "/") + " 79\n"}, nil},
		{"an unreadable file among them", []string{"--fail-on", "never", s001, "/dev/null"}, 3,
			[]string{"ogi: 2 files: 1 checked, 1 unreadable; 0 errors, "}, []string{"below --min-score"}},
		{"one file below the bar", []string{"--fail-on", "never", "--min-score", "99", s004}, 1,
			[]string{"below --min-score 99: " + strings.ReplaceAll(s004, "\\", "/") + " 79\n"}, []string{" files: "}},
		{"one file, no bar", []string{s001}, 0, nil, []string{" files: ", "below --min-score"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runOgi(t, append([]string{"check", "--format", "json"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(stderr, w) {
					t.Errorf("stderr has %q:\n%s", w, stderr)
				}
			}
		})
	}
}
