package ingest

import (
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

func TestMatchKey(t *testing.T) {
	c21, c19 := canonFor(schema.Template2021), canonFor(schema.Template2019)
	cases := []struct {
		written, label string
		c              *canon
		kind           matchKind
		min            float64
	}{
		{"行政规范性文件", "行政规范性文件", c21, matchExact, 1},
		{"规范性文件", "行政规范性文件", c21, matchSynonym, 1},
		{"规范性文件", "行政规范性文件", c19, matchFuzzy, 0.7},
		{"行政规范性文件", "规范性文件", c19, matchSynonym, 1},
		{"先行有效件数", "现行有效件数", c21, matchSynonym, 1},
		{"本列数据的钩稽关系为", "本列数据的勾稽关系为", c21, matchSynonym, 1},
		{"规草", "规章", c21, matchFuzzy, 0.5},
		{"自然人", "总计", c21, matchNone, 0},
	}
	for _, tc := range cases {
		kind, score := matchKey(tc.written, tc.label, tc.c)
		if kind != tc.kind || score < tc.min {
			t.Errorf("matchKey(%q, %q) = %v %.2f, want %v ≥ %.2f", tc.written, tc.label, kind, score, tc.kind, tc.min)
		}
	}
}

func TestEditSimilarity(t *testing.T) {
	cases := []struct {
		a, b string
		want float64
	}{
		{"规章", "规章", 1},
		{"规草", "规章", 0.5},
		{"行政强治", "行政强制", 0.75},
		{"", "规章", 0},
		{strings.Repeat("长", maxEditRunes+1), strings.Repeat("长", maxEditRunes+1), 0}, // beyond the bound: not compared
	}
	for _, tc := range cases {
		if got := editSimilarity([]rune(tc.a), []rune(tc.b)); got != tc.want {
			t.Errorf("editSimilarity(%q, %q) = %.2f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestAlignScores: order is kept, and ties go to the latest items (rows, as
// always) or to the earliest (headings repeated in a table of contents).
func TestAlignScores(t *testing.T) {
	cases := []struct {
		name  string
		score [][]float64
		early bool
		want  []int
	}{
		{"in order", [][]float64{{1, 0}, {0, 1}}, false, []int{0, 1}},
		{"crossing pairs: only one is kept", [][]float64{{0, 1}, {1, 0}}, false, []int{0, -1}},
		{"tie to the latest", [][]float64{{1}, {1}}, false, []int{-1, 0}},
		{"tie to the earliest", [][]float64{{1}, {1}}, true, []int{0, -1}},
		{"a table of contents above the headings", [][]float64{{3, 0}, {0, 3}, {3, 0}, {0, 3}}, true, []int{0, 1, -1, -1}},
		{"below threshold", [][]float64{{0.4, 0}, {0, 1}}, true, []int{-1, 1}},
	}
	for _, tc := range cases {
		got := alignScores(tc.score, len(tc.score[0]), 0.5, tc.early)
		if tc.name == "crossing pairs: only one is kept" {
			n := 0
			for _, j := range got {
				if j >= 0 {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: %v, want one pair", tc.name, got)
			}
			continue
		}
		if !equalInts(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
