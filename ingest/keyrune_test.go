package ingest

import (
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
