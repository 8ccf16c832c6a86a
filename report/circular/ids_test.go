package circular

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
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

// TestKeeperShares: a Keeper keeps the cells' addresses, values and
// statuses of the problems, not their sources and pointers, and one copy
// of the strings that repeat; the findings it is given are not changed.
func TestKeeperShares(t *testing.T) {
	v := 3.0
	mk := func() []engine.Finding {
		// Strings of their own, as each decoded result has.
		rule, table := strings.Clone("requests.outcome_total"), strings.Clone("requests")
		return []engine.Finding{{Rule: rule, Status: engine.StatusFail, Message: engine.Text{Zh: "不等"},
			Cells: []engine.CellRef{{Table: table, Row: "granted", Col: "total", Value: &v, Raw: "3", Status: "number",
				Source: &schema.Loc{Page: 2}, Pointer: "/tables/requests/granted/total"}}}}
	}
	k := NewKeeper("zh")
	a, b := mk(), mk()
	ka, kb := k.Problems(a), k.Problems(b)
	if unsafe.StringData(ka[0].Rule) != unsafe.StringData(kb[0].Rule) || unsafe.StringData(ka[0].Cells[0].Table) != unsafe.StringData(kb[0].Cells[0].Table) {
		t.Error("the rule and table of two reports are kept twice")
	}
	if unsafe.StringData(kb[0].Rule) == unsafe.StringData(b[0].Rule) {
		t.Error("a kept string is the given one, not the shared copy")
	}
	c := kb[0].Cells[0]
	if c.Source != nil || c.Pointer != "" || c.Address() != "requests.granted.total" || *c.Value != 3 || c.Raw != "3" || c.Status != "number" {
		t.Errorf("kept cell %+v", c)
	}
	if b[0].Cells[0].Pointer == "" || b[0].Cells[0].Source == nil {
		t.Error("Problems changed the cells it was given")
	}
}
