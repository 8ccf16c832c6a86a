package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// TestPackedGrid: a grid packed between a batch's passes is the same grid
// again, whatever its cells hold (empty, long, multi-byte, bytes a length
// could be mistaken for), and marking it afterwards is NewGrid's marking.
func TestPackedGrid(t *testing.T) {
	long := strings.Repeat("无", 200) // longer than one byte of length
	g := &Grid{Template: schema.Template2019, Cells: []string{"", "0", "12", long, "\x00\x80\xff", "", "表三（总计）"}}
	back := g.Pack().Grid()
	if gb, _ := json.Marshal(back); string(gb) != mustMarshal(t, g) {
		t.Errorf("packed and back:\n%s\nwant\n%s", gb, mustMarshal(t, g))
	}
	written, err := ReadPackedGrid(g.Pack().AppendBinary([]byte("x"))[1:])
	if gb, _ := json.Marshal(written.Grid()); err != nil || string(gb) != mustMarshal(t, g) {
		t.Errorf("written and read back (%v):\n%s\nwant\n%s", err, gb, mustMarshal(t, g))
	}
	if _, err := ReadPackedGrid([]byte{9, 'a'}); err == nil {
		t.Error("a grid cut short was read")
	}
	if empty := (&Grid{Template: "2021"}).Pack().Grid(); empty.Template != "2021" || empty.Cells != nil {
		t.Errorf("empty grid: %+v", empty)
	}
	doc := engine.SampleDocument(schema.Template2021)
	v := 7.0
	doc.Tables.Requests["granted"]["natural_person"] = &schema.Cell{Value: &v, Raw: "7", Status: schema.StatusNumber, Confidence: 1}
	fs := []engine.Finding{{Rule: "requests.outcome_total", Status: engine.StatusFail, Severity: engine.SeverityError,
		Cells: []engine.CellRef{{Table: "requests", Row: "granted", Col: "natural_person"}}}}
	want := mustMarshal(t, NewGrid(doc, fs, "zh"))
	if got := mustMarshal(t, GridOf(doc, "zh").Pack().Grid().Marked(fs)); got != want {
		t.Errorf("packed, then marked:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(want, `"m":{`) {
		t.Errorf("no cell marked: %s", want)
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
