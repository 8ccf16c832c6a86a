package circular

import (
	"regexp"
	"slices"
	"testing"
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
