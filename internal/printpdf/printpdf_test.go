package printpdf

import (
	"bytes"
	"testing"
)

// TestStable: what differs between two printings of one page is fixed,
// every length is kept (the xref offsets stay right), and different pages
// keep different identifiers.
func TestStable(t *testing.T) {
	pdf := func(body, date, id, sum string) []byte {
		return []byte("%PDF-1.4\n1 0 obj<</CreationDate (D:" + date + "+08'00') /ModDate (D:" + date + ")>>endobj\n" +
			"<xmp:CreateDate>2026-12-01T20:13:00+08:00</xmp:CreateDate>" + body +
			"\ntrailer<</ID [ <" + id + ">\n<" + id + "> ]\n/DocChecksum /" + sum + "\n>>\n%%EOF\n")
	}
	tests := []struct {
		name string
		a, b []byte
		same bool
	}{
		{"dates, ids and checksums differ", pdf("page", "20261201201300", "0e52ec7394df6de6", "4EFF9694FADF050A"),
			pdf("page", "20250101000059", "ffffec7394df6de6", "1234567890ABCDEF"), true},
		{"content differs", pdf("page one", "20261201201300", "0e52ec7394df6de6", "4EFF9694FADF050A"),
			pdf("page two", "20261201201300", "0e52ec7394df6de6", "4EFF9694FADF050A"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := Stable(tt.a), Stable(tt.b)
			if len(a) != len(tt.a) || len(b) != len(tt.b) {
				t.Errorf("lengths changed: %d→%d, %d→%d", len(tt.a), len(a), len(tt.b), len(b))
			}
			if bytes.Equal(a, b) != tt.same {
				t.Errorf("same = %v, want %v:\n%s\n%s", bytes.Equal(a, b), tt.same, a, b)
			}
			if !tt.same && bytes.Equal(rePDFID.Find(a), rePDFID.Find(b)) {
				t.Errorf("different pages got the same identifier %s", rePDFID.Find(a))
			}
		})
	}
}
