package circular

import (
	"regexp"
	"slices"
	"testing"

	"github.com/ogi-checker/ogi/engine"
)

// idPattern is what lowerIDs scans for, as the expression it replaced.
var idPattern = regexp.MustCompile(`\b[a-z][a-z0-9_]*\b`)

func collectIDs(s string) [][]int {
	var out [][]int
	for start, end := range lowerIDs(s) {
		out = append(out, []int{start, end})
	}
	return out
}

// TestLowerIDs: lowerIDs finds exactly the matches of the expression.
func TestLowerIDs(t *testing.T) {
	for _, s := range []string{
		"",
		"缺少3行：other_no_fee",
		"“granted”与“total”",
		"report-000002.html 雷同",
		"abC other Abc _x x_ 9a a9 a__b",
		"natural_person,legal_other;total.",
		"中文中文",
		"x",
		"Ab",
		"a1b2_c3 ÿa é",
	} {
		if got, want := collectIDs(s), idPattern.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("lowerIDs(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzLowerIDs(f *testing.F) {
	f.Add("缺少3行：other_no_fee")
	f.Add("abC other Abc _x x_ 9a")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collectIDs(s), idPattern.FindAllStringIndex(s, -1); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("lowerIDs(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestProblems: Problems keeps the findings the circular lists, with the
// message it prints in either language, and drops what it does not print.
func TestProblems(t *testing.T) {
	fs := []engine.Finding{
		{Rule: "a", Status: engine.StatusFail, Message: engine.Text{Zh: "甲", En: "a"}, Item: "map[passages:…]", ID: "x", Pointer: "/p"},
		{Rule: "b", Status: engine.StatusPass, Message: engine.Text{Zh: "乙"}},
		{Rule: "c", Status: engine.StatusFail, Waived: true, WaiverReason: "r"},
		{Rule: "d", Status: engine.StatusNeedsReview, Message: engine.Text{En: "only English"}},
		{Rule: "e", Status: engine.StatusFail},
	}
	for _, lang := range []string{"zh", "en"} {
		got := Problems(fs, lang)
		var rules []string
		for i, f := range got {
			rules = append(rules, f.Rule)
			if f.Item != "" || f.ID != "" || f.Pointer != "" || f.WaiverReason != "" {
				t.Errorf("%s: %s keeps what the circular does not print: %+v", lang, f.Rule, f)
			}
			src := fs[slices.IndexFunc(fs, func(g engine.Finding) bool { return g.Rule == f.Rule })]
			if f.Message.Pick(lang) != src.Message.Pick(lang) {
				t.Errorf("%s: finding %d reads %q, want %q", lang, i, f.Message.Pick(lang), src.Message.Pick(lang))
			}
		}
		if !slices.Equal(rules, []string{"a", "d", "e"}) {
			t.Errorf("%s: Problems kept %v, want [a d e]", lang, rules)
		}
	}
	if got := Problems(fs, "zh")[0].Message; got.En != "" {
		t.Errorf("zh keeps the English message %q", got.En)
	}
	if fs[0].Item == "" {
		t.Error("Problems changed the findings it was given")
	}
}
