package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnknownRuleIDs: a waiver or an enable/disable entry that names no
// loaded rule is a usage error (exit 2) naming the file and line, not a
// silent no-op; real ids, globs and categories still work.
func TestUnknownRuleIDs(t *testing.T) {
	tests := []struct {
		name    string
		config  string // .ogi.yaml, when given
		waivers string // waivers.yaml, when given
		env     string // OGI_ENABLE
		code    int
		want    string // in stderr
	}{
		{name: "waiver with a typo", waivers: "waivers:\n  - rule: completeness.review_cels\n    reason: r\n",
			code: 2, want: "waivers.yaml:2: rule \"completeness.review_cels\""},
		{name: "waiver glob naming nothing", waivers: "waivers:\n  - rule: requests.identity\n    reason: r\n  - rule: nosuch.*\n    reason: r\n",
			code: 2, want: "waivers.yaml:4:"},
		{name: "waiver glob that matches", waivers: "waivers:\n  - rule: requests.*\n    reason: r\n", code: 1},
		{name: "enable typo in config", config: "enable:\n  - requests.*\n  - completness\n",
			code: 2, want: ".ogi.yaml:3: enable: \"completness\""},
		{name: "disable typo in a profile", config: "profile: p\nprofiles:\n  p:\n    disable: [content.problemz]\n",
			code: 2, want: ".ogi.yaml:4: disable: \"content.problemz\""},
		{name: "category and id are known", config: "disable:\n  - completeness\n  - content.problems\n", code: 1},
		{name: "environment typo", env: "requests.identiy", code: 2, want: "env OGI_ENABLE: enable: \"requests.identiy\""},
	}
	file := absSeed(t, "002_a141446f969544e3.txt")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range map[string]string{".ogi.yaml": tt.config, "waivers.yaml": tt.waivers} {
				if body == "" {
					continue
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inDir(t, dir)
			if tt.env != "" {
				t.Setenv("OGI_ENABLE", tt.env)
			}
			code, _, stderr := runOgi(t, "check", file)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q, want it to contain %q", code, tt.code, stderr, tt.want)
			}
		})
	}
}
