package circular

import (
	"io"
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

// TestWriteTableWidths: a row with more cells than the table has columns
// is an error, not a cell without a width, in the header as in a row.
func TestWriteTableWidths(t *testing.T) {
	for _, tb := range []*table{
		{Widths: []int{100, 200}, Header: []string{"名次", "单位"}, Rows: [][]string{{"1", "甲县", "多余"}}},
		{Widths: []int{100, 200}, Header: []string{"名次", "单位", "得分"}},
	} {
		err := writeDOCX(io.Discard, &document{Blocks: []block{{Table: tb}}})
		if err == nil || !strings.Contains(err.Error(), "table row of 3 cells, 2 widths") {
			t.Errorf("%v: err = %v", tb, err)
		}
	}
	if err := writeDOCX(io.Discard, &document{Blocks: []block{{Table: &table{Widths: []int{100}, Header: []string{"名次"}, Rows: [][]string{{"1"}}}}}}); err != nil {
		t.Error(err)
	}
}
