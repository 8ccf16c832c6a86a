package circular

import (
	"strings"
	"testing"
)

// xmlTextCases are texts writeXMLText must write as xmlText does: escapes,
// characters XML cannot hold, invalid UTF-8 and the edges of the ranges.
var xmlTextCases = []string{"", "甲县人民政府", "a<b>&\"'", "R&D", "it's", `say "hi"`, "a>b", "a<b", "tab\there\nline\rret", "\x00\x01\x1f", "\xff\xfe", "\ufffd", "\ufffe\uffff",
	"\ud7ff\ue000", "𝔘 U+1D518", "\u2028", "\x7f\u0085", "mixed 表<三>\x0b"}

func TestWriteXMLText(t *testing.T) {
	for _, s := range xmlTextCases {
		var sb strings.Builder
		writeXMLText(&sb, s)
		if got, want := sb.String(), xmlText(s); got != want {
			t.Errorf("%q: wrote %q, xmlText gives %q", s, got, want)
		}
	}
}

func FuzzWriteXMLText(f *testing.F) {
	for _, s := range xmlTextCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var sb strings.Builder
		writeXMLText(&sb, s)
		if got, want := sb.String(), xmlText(s); got != want {
			t.Errorf("%q: wrote %q, xmlText gives %q", s, got, want)
		}
	})
}
