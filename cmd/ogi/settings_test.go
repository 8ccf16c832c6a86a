package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// perRunFlags are the flags that are deliberately not settings: they name
// this run's inputs, outputs or diagnostics, which a configuration file
// shared by every run must not fix (README, Configuration).
var perRunFlags = map[string]bool{
	"output": true, "review": true, "xlsx": true, "csv": true, "jsonl": true, "html": true, "cpuprofile": true,
	"compact": true, "out": true, "verbose": true, "config": true, "help": true,
	// parse --format is the input's format, not check's output format.
	"parse --format": true,
	// assess --year picks the years of this run's roster coverage.
	"assess --year": true,
}

// TestSettingsAreFlags: the settings table is the single source: every flag
// of the commands that read the configuration is a setting or a per-run
// flag, with the setting's default, and every setting has a flag.
func TestSettingsAreFlags(t *testing.T) {
	root, _ := newRoot(os.Stdout, os.Stderr)
	flagged := map[string]bool{}
	for _, name := range []string{"check", "assess", "explain", "eval", "parse"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if perRunFlags[f.Name] || perRunFlags[name+" --"+f.Name] {
				return
			}
			s, ok := settingByFlag(f.Name)
			if !ok {
				t.Errorf("ogi %s --%s is neither a setting nor a per-run flag", name, f.Name)
				return
			}
			flagged[s.key] = true
			if want := fmtValue(s.def); f.DefValue != want {
				t.Errorf("ogi %s --%s defaults to %q, the setting %s to %q", name, f.Name, f.DefValue, s.key, want)
			}
		})
	}
	for _, s := range settings {
		if s.key == "profile" {
			continue // chosen on every command; config show has it too
		}
		if s.flag == "" || !flagged[s.key] {
			t.Errorf("setting %s has no flag on any command", s.key)
		}
	}
}

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's table of settings from the settings table")

// groupCommands are the commands that have the flags of a group.
var groupCommands = map[string]string{
	groupRules:  "check, assess, explain, eval",
	groupLimits: "check, assess, explain, eval, parse",
	groupCheck:  "check, assess",
	groupAssess: "assess",
	groupOutput: "check",
}

// settingsMarkdown is the README's table of settings, generated from the
// settings table.
func settingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| key | flag | variable | default | commands | meaning |\n|---|---|---|---|---|---|\n")
	for _, s := range settings {
		def := fmtValue(s.def)
		if def == "" {
			def = `""`
		}
		fmt.Fprintf(&b, "| `%s` | `--%s` | `OGI_%s` | `%s` | %s | %s |\n",
			s.key, s.flag, strings.ToUpper(s.key), def, groupCommands[s.group], strings.ReplaceAll(s.help, "|", "\\|"))
	}
	return b.String()
}

// TestReadmeListsSettings: the README's configuration section lists every
// setting with its flag, variable, default and commands, as generated from
// the table (go test ./cmd/ogi -run TestReadmeListsSettings -update-readme).
func TestReadmeListsSettings(t *testing.T) {
	const begin, end = "<!-- settings: begin (generated, see TestReadmeListsSettings) -->\n", "<!-- settings: end -->"
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README has no block %q … %q", begin, end)
	}
	want := settingsMarkdown()
	if got := text[i+len(begin) : j]; got != want {
		if *updateReadme {
			if err := os.WriteFile("../../README.md", []byte(text[:i+len(begin)]+want+text[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README's table of settings is not the settings table's (-update-readme rewrites it); want:\n%s", want)
	}
}
