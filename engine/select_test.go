package engine

import (
	"errors"
	"testing"
	"testing/fstest"
)

// twoRules is a pack of two rules in two categories.
func twoRules() []Pack {
	rule := func(id, cat string) string {
		return "  - id: " + id + "\n    title: {zh: 规则, en: rule}\n    severity: error\n    category: " + cat +
			"\n    points: 2\n    templates: [\"2021\"]\n    assert: \"true\"\n"
	}
	return []Pack{{Name: "p", FS: fstest.MapFS{"r.yaml": {Data: []byte("rules:\n" + rule("a.one", "structure") + rule("b.two", "arithmetic"))}}}}
}

// TestSelectionFixedAtNew: selection and overrides are options of New, so
// two engines from one pack do not see each other's settings, and an entry
// that names no rule is a typed error naming the key.
func TestSelectionFixedAtNew(t *testing.T) {
	five := 5.0
	a, err := New(twoRules(), Options{Disable: []string{"arithmetic"}, Overrides: map[string]Override{"a.one": {Severity: SeverityInfo, Points: &five}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(twoRules(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rules()) != 1 || a.Rules()[0].ID != "a.one" || len(a.Loaded()) != 2 {
		t.Errorf("a: rules %d, loaded %d", len(a.Rules()), len(a.Loaded()))
	}
	if r := a.Rules()[0]; r.Severity != SeverityInfo || r.Points != 5 {
		t.Errorf("override not applied: %s %g", r.Severity, r.Points)
	}
	if len(b.Rules()) != 2 || b.Rules()[0].Severity != SeverityError || b.Rules()[0].Points != 2 {
		t.Errorf("b changed by a's options: %d rules, %s %g", len(b.Rules()), b.Rules()[0].Severity, b.Rules()[0].Points)
	}
	res := evalDoc(a, SampleDocument("2021"))
	if len(res.Rules) != 1 {
		t.Errorf("a evaluated %d rules, want 1", len(res.Rules))
	}
	only := evalDoc(b, SampleDocument("2021"), WithRules(b.Rules()[1]))
	if len(only.Rules) != 1 || only.Rules[0].Rule != "b.two" {
		t.Errorf("WithRules: %+v", only.Rules)
	}

	for _, tc := range []struct {
		opts Options
		want PatternError
	}{
		{Options{Enable: []string{"nope.*"}}, PatternError{Key: "enable", Pattern: "nope.*"}},
		{Options{Disable: []string{"[bad"}}, PatternError{Key: "disable", Pattern: "[bad", Bad: true}},
	} {
		_, err := New(twoRules(), tc.opts)
		var pe *PatternError
		if !errors.As(err, &pe) || *pe != tc.want {
			t.Errorf("%+v: error %v, want %+v", tc.opts, err, tc.want)
		}
	}
	// An override for a disabled rule is not a mistake.
	if _, err := New(twoRules(), Options{Disable: []string{"b.two"}, Overrides: map[string]Override{"b.two": {Severity: SeverityInfo}}}); err != nil {
		t.Errorf("override for a disabled rule: %v", err)
	}
	_, err = New(twoRules(), Options{Overrides: map[string]Override{"c.three": {Severity: SeverityInfo}}})
	var oe *OverrideError
	if !errors.As(err, &oe) || oe.Rule != "c.three" {
		t.Errorf("override for no rule: %v", err)
	}
}
