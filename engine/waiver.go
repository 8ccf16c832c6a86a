package engine

import (
	"fmt"
	"path"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/schema"
)

// Waiver accepts a known finding for a while, with a reason: waived
// findings are listed apart, neither scored nor gated on.
type Waiver struct {
	// Rule is a rule id or a glob (requests.*).
	Rule  string     `yaml:"rule"`
	Match WaiverWhen `yaml:"match"`
	// Reason is required: a waiver nobody can explain is not accepted.
	Reason string `yaml:"reason"`
	// Expires (YYYY-MM-DD) ends the waiver; an expired one waives nothing.
	Expires string `yaml:"expires"`
	// Line is where the waiver stands in its file.
	Line int `yaml:"-"`

	expires time.Time
}

// WaiverWhen narrows a waiver to some reports; empty fields match all.
type WaiverWhen struct {
	File   string `yaml:"file"` // glob on the path as given
	Agency string `yaml:"agency"`
	Year   int    `yaml:"year"`
	Item   string `yaml:"item"`
}

type waiverFile struct {
	Waivers []Waiver `yaml:"waivers"`
}

// LoadWaivers reads a waivers file. It returns the waivers in force and a
// warning for every waiver that is expired or invalid (which waives
// nothing); an unreadable file is an error.
func LoadWaivers(file string, today time.Time) ([]Waiver, []string, error) {
	// A waivers file is a few KB; the bound stops a device or a runaway file.
	data, err := fileread.Read(file, 16<<20)
	if err != nil {
		return nil, nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		pos, msg := yamlError(file, data, err)
		return nil, nil, fmt.Errorf("%s: %s", pos, msg)
	}
	var wf waiverFile
	if err := root.Decode(&wf); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	lines := waiverLines(&root)
	var active []Waiver
	var warnings []string
	for i, w := range wf.Waivers {
		if i < len(lines) {
			w.Line = lines[i]
		}
		where := fmt.Sprintf("%s:%d", file, w.Line)
		switch {
		case strings.TrimSpace(w.Rule) == "":
			warnings = append(warnings, where+": waiver without a rule is ignored")
			continue
		case strings.TrimSpace(w.Reason) == "":
			warnings = append(warnings, fmt.Sprintf("%s: waiver for %s has no reason and is ignored", where, w.Rule))
			continue
		case w.Match.File != "":
			if _, err := path.Match(w.Match.File, ""); err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: waiver for %s has a bad file pattern %q and is ignored", where, w.Rule, w.Match.File))
				continue
			}
		}
		if _, err := path.Match(w.Rule, ""); err != nil {
			warnings = append(warnings, fmt.Sprintf("%s: waiver has a bad rule pattern %q and is ignored", where, w.Rule))
			continue
		}
		if w.Expires != "" {
			t, err := time.Parse("2006-01-02", w.Expires)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: waiver for %s has an unreadable expiry %q (YYYY-MM-DD) and is ignored", where, w.Rule, w.Expires))
				continue
			}
			if today.After(t) {
				warnings = append(warnings, fmt.Sprintf("%s: waiver for %s expired on %s and waives nothing", where, w.Rule, w.Expires))
				continue
			}
			w.expires = t
		}
		active = append(active, w)
	}
	return active, warnings, nil
}

func waiverLines(root *yaml.Node) []int {
	if len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "waivers" {
			var out []int
			for _, n := range m.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

// ApplyWaivers marks the findings a waiver in force covers.
func ApplyWaivers(fs []Finding, file string, doc *schema.Document, ws []Waiver) {
	for i := range fs {
		f := &fs[i]
		for _, w := range ws {
			if w.covers(f, file, doc) {
				f.Waived = true
				f.WaiverReason = w.Reason
				break
			}
		}
	}
}

func (w Waiver) covers(f *Finding, file string, doc *schema.Document) bool {
	if ok, _ := path.Match(w.Rule, f.Rule); !ok {
		return false
	}
	m := w.Match
	if m.File != "" {
		okPath, _ := path.Match(m.File, file)
		okBase, _ := path.Match(m.File, path.Base(file))
		if !okPath && !okBase {
			return false
		}
	}
	if m.Agency != "" && (doc == nil || doc.Meta.Agency != m.Agency) {
		return false
	}
	if m.Year != 0 && (doc == nil || doc.Meta.Year == nil || *doc.Meta.Year != m.Year) {
		return false
	}
	if m.Item != "" && m.Item != f.Item {
		return false
	}
	return true
}
