package ingest

import (
	"strings"
	"testing"
	"unicode"
)

// TestIsKeyRuneFastPath: the fast paths agree with the Unicode tables.
func TestIsKeyRuneFastPath(t *testing.T) {
	for r := rune(0); r <= 0x10FFFF; r++ {
		want := unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r)
		if got := isKeyRune(r); got != want {
			t.Fatalf("isKeyRune(%U) = %v, want %v", r, got, want)
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "收到 申请", "收到　申请", "收到\u00a0申请",
		"  行政许可 \n 0 ", "商业企 业", "x\u3000", "\u3000", "a b c", "ab\r\ncd"} {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCollapseSpace(f *testing.F) {
	f.Add("  行政许可 \n 0 ")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
