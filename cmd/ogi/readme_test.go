package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeWalkthrough runs the README's rule-author walkthrough verbatim:
// it writes every `file=` block and runs every ogi command of the
// section, checking the exit code each states.
func TestReadmeWalkthrough(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## Writing a rule (walkthrough)")
	end := strings.Index(text, "## CI")
	if start < 0 || end < start {
		t.Fatal("README has no walkthrough section")
	}
	section := text[start:end]
	root := t.TempDir()
	// The commands name testdata/… from the repository root.
	if err := os.Symlink(mustAbs(t, "../../testdata"), filepath.Join(root, "testdata")); err != nil {
		t.Fatal(err)
	}
	fence := regexp.MustCompile("(?s)```(\\w+)( file=(\\S+))?\n(.*?)```")
	var commands []string
	files := 0
	for _, m := range fence.FindAllStringSubmatch(section, -1) {
		switch {
		case m[3] != "":
			p := filepath.Join(root, m[3])
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(m[4]), 0o644); err != nil {
				t.Fatal(err)
			}
			files++
		case m[1] == "sh":
			for _, line := range strings.Split(m[4], "\n") {
				if strings.HasPrefix(line, "ogi ") {
					commands = append(commands, line)
				}
			}
		}
	}
	if files != 4 || len(commands) != 4 {
		t.Fatalf("walkthrough has %d files and %d commands, want 4 and 4", files, len(commands))
	}
	inDir(t, root)
	exitRe := regexp.MustCompile(`# exit (\d)(: (.*))?`)
	for _, c := range commands {
		cmdline, comment, _ := strings.Cut(c, "#")
		args := strings.Fields(cmdline)[1:]
		code, out, stderr := runOgi(t, args...)
		want := 0
		if m := exitRe.FindStringSubmatch("#" + comment); m != nil {
			want, _ = strconv.Atoi(m[1])
			if m[3] != "" && !strings.Contains(out, strings.TrimSpace(m[3])) {
				t.Errorf("%s: output lacks %q:\n%s", cmdline, m[3], out)
			}
		}
		if code != want {
			t.Errorf("%s: exit %d, want %d\n%s%s", cmdline, code, want, out, stderr)
		}
	}
	catalog, err := os.ReadFile(filepath.Join(root, "my-rules", "CATALOG.md"))
	if err != nil || !strings.Contains(string(catalog), "## my.granted_zero_explained") || !strings.Contains(string(catalog), "## my.agency_named") {
		t.Errorf("generated catalog: %v\n%s", err, catalog)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestReadmeLayout: the README's layout table lists every package of the
// module, and nothing that is not one.
func TestReadmeLayout(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## Layout")
	end := strings.Index(text, "## Development")
	if start < 0 || end < start {
		t.Fatal("README has no layout section")
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+?)/?` \\|").FindAllStringSubmatch(text[start:end], -1) {
		listed[m[1]] = true
	}
	var pkgs []string
	err = filepath.WalkDir("../..", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && p != "../..") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			rel, _ := filepath.Rel("../..", filepath.Dir(p))
			pkgs = append(pkgs, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		if !seen[p] && !listed[p] {
			t.Errorf("package %s is not in the README's layout table", p)
		}
		seen[p] = true
	}
	for p := range listed {
		if !seen[p] && p != "testdata" {
			t.Errorf("the layout table lists %s, which is not a package", p)
		}
	}
}
