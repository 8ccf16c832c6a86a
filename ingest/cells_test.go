package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// renderAs writes doc in one of the layouts reports arrive in, named as the
// file the converter will be given.
func renderAs(t *testing.T, doc *schema.Document, layout string) (string, []byte) {
	t.Helper()
	switch layout {
	case "html":
		// The renderer escapes the text it writes; a real page has the
		// entity itself.
		return "report.html", bytes.ReplaceAll(render.HTML(doc), []byte("&amp;nbsp;"), []byte("&nbsp;"))
	case "docx":
		b, err := render.DOCX(doc)
		if err != nil {
			t.Fatal(err)
		}
		return "report.docx", b
	}
	b, err := render.TextLayout(doc, layout)
	if err != nil {
		t.Fatal(err)
	}
	return "report.txt", b
}

var cellLayouts = []string{render.LayoutTab, render.LayoutPipe, render.LayoutMarkdown, render.LayoutCellPerLine, "html", "docx"}

// tokenBase is a real report whose table-3 and table-4 cells are all
// numbers, many of them different, so that a shifted cell shows; each call
// returns a fresh copy.
func tokenBase(t *testing.T) *schema.Document {
	t.Helper()
	baseOnce.Do(func() {
		doc := convertFile(t, realFile("huaian-city-2024.pdf"))
		for _, cols := range doc.Tables.Requests {
			for _, c := range cols {
				if c.Status != schema.StatusNumber {
					t.Fatalf("base document has a %s cell in table 3", c.Status)
				}
			}
		}
		baseJSON = marshalDoc(t, doc)
	})
	var doc schema.Document
	if err := json.Unmarshal(baseJSON, &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

var (
	baseOnce sync.Once
	baseJSON []byte
)

// tableCells are cellValues of tables 3 and 4, the tables whose rows shift.
func tableCells(doc *schema.Document) map[string]string {
	out := map[string]string{}
	for k, v := range cellValues(doc) {
		if strings.HasPrefix(k, "requests.") || strings.HasPrefix(k, "review_litigation.") {
			out[k] = v
		}
	}
	return out
}

// TestTokensKeepTheirColumns writes a non-numeric token (or a number padded
// with &nbsp;) into one cell of a real report, renders the report in every
// layout, converts it back and requires that cell to read as the token says
// and every other table cell to read as before: nothing moves.
func TestTokensKeepTheirColumns(t *testing.T) {
	zero, one := 0.0, 1.0
	tokens := []struct {
		raw    string
		status string
		value  *float64
		diag   string // the diagnostic naming the cell, if any
	}{
		{"〇", schema.StatusNumber, &zero, "numeral_read"},
		{"壹", schema.StatusNumber, &one, "numeral_read"},
		{"见附件", schema.StatusText, nil, "text_in_number_cell"},
		{"约1", schema.StatusText, nil, "text_in_number_cell"},
		{"&nbsp; 1", schema.StatusNumber, &one, ""},
		{"0&nbsp;&nbsp;", schema.StatusNumber, &zero, ""},
		// A word no list names, placed by position: after the row's label
		// or after a number. (Table 4's row has no label, so a word first
		// in it is not told from one; see below.)
		{"不详", schema.StatusText, nil, "text_in_number_cell"},
	}
	// The first, a middle and the last value column of table 3, and the
	// first cell of table 4 (a row without a label).
	places := []struct{ table, row, col string }{
		{"requests", "new_received", "natural_person"},
		{"requests", "granted", "research"},
		{"requests", "unable_not_held", "total"},
		{"review_litigation", "reconsideration", "upheld"},
	}
	want := tableCells(tokenBase(t))
	for _, layout := range cellLayouts {
		for _, tok := range tokens {
			for _, p := range places {
				if tok.raw == "不详" && p.table == "review_litigation" {
					continue
				}
				name := fmt.Sprintf("%s/%s/%s.%s.%s", layout, tok.raw, p.table, p.row, p.col)
				t.Run(name, func(t *testing.T) {
					doc := tokenBase(t)
					cell := &schema.Cell{Raw: tok.raw, Status: schema.StatusText, Confidence: 1}
					if p.table == "requests" {
						doc.Tables.Requests[p.row][p.col] = cell
					} else {
						doc.Tables.ReviewLitigation[p.row][p.col] = cell
					}
					file, data := renderAs(t, doc, layout)
					got, err := Convert(context.Background(), file, data, Options{})
					if err != nil {
						t.Fatal(err)
					}
					addr := p.table + "." + p.row + "." + p.col
					c := cellAt(t, got, addr)
					if c.Status != tok.status || (tok.value == nil) != (c.Value == nil) || tok.value != nil && *c.Value != *tok.value {
						t.Errorf("%s = %s %v (raw %q), want %s %v", addr, c.Status, c.Value, c.Raw, tok.status, tok.value)
					}
					if tok.status == schema.StatusText && c.Raw != tok.raw {
						t.Errorf("%s: raw %q, want %q kept", addr, c.Raw, tok.raw)
					}
					if tok.diag != "" && !hasCellDiag(got, tok.diag, p.table, p.row, p.col, tok.raw) {
						t.Errorf("no diagnostic %s naming %s with raw %q: %v", tok.diag, addr, tok.raw, got.Diagnostics)
					}
					for k, v := range tableCells(got) {
						if k != addr && v != want[k] {
							t.Errorf("%s = %s, want %s (a cell moved)", k, v, want[k])
						}
					}
				})
			}
		}
	}
}

// TestBlankLastCellStaysBlank: a row whose last cell (总计) is blank keeps
// the blank in its own column in every layout; 自然人 is not blanked and 总计
// not filled with its neighbour.
func TestBlankLastCellStaysBlank(t *testing.T) {
	want := tableCells(tokenBase(t))
	for _, layout := range cellLayouts {
		for _, row := range []string{"new_received", "partially_granted", "total_handled", "carried_forward"} {
			t.Run(layout+"/"+row, func(t *testing.T) {
				doc := tokenBase(t)
				doc.Tables.Requests[row]["total"] = &schema.Cell{Status: schema.StatusBlank, Confidence: 1}
				file, data := renderAs(t, doc, layout)
				got, err := Convert(context.Background(), file, data, Options{})
				if err != nil {
					t.Fatal(err)
				}
				addr := "requests." + row + ".total"
				for k, v := range tableCells(got) {
					w := want[k]
					if k == addr {
						w = "blank:-"
					}
					if v != w {
						t.Errorf("%s = %s, want %s", k, v, w)
					}
				}
				// Placed by position, not guessed: what the row breaks
				// stays an error, not a review item.
				for col, c := range got.Tables.Requests[row] {
					if c.Confidence < 1 {
						t.Errorf("requests.%s.%s has confidence %v, want 1", row, col, c.Confidence)
					}
				}
			})
		}
	}
}

func hasCellDiag(doc *schema.Document, code, table, row, col, raw string) bool {
	for _, d := range doc.Diagnostics {
		if d.Code == code && d.Table == table && d.Row == row && d.Col == col && d.Raw == raw {
			return true
		}
	}
	return false
}

// TestFewestBrokenReading reads the testdata/digits reports (pingtan-2021
// with one number changed) and checks what each cut row becomes: the only
// reading breaking the fewest identities gives values at confidence 0.95
// with the reading on every cell; rows whose readings tie keep the cells
// they disagree on ambiguous, with exactly the tied values as candidates;
// a row with one possible cut is certain.
func TestFewestBrokenReading(t *testing.T) {
	type want struct {
		path   string
		status string
		value  float64
		cands  []float64
		conf   float64
		digits string // the cell's readings joined by " / "
	}
	cases := []struct {
		file  string
		cells []want
	}{
		{"pingtan-2021-granted-28.txt", []want{
			{"requests.granted.natural_person", schema.StatusNumber, 28, nil, 0.95, "28|0|0|2|0|1|30"},
			{"requests.granted.total", schema.StatusNumber, 30, nil, 0.95, "28|0|0|2|0|1|30"},
			{"requests.total_handled.natural_person", schema.StatusNumber, 63, nil, 0.95, "63|0|0|2|0|4|69"},
			{"requests.denied_internal_affairs.total", schema.StatusNumber, 1, nil, 1, "1|0|0|0|0|0|1"},
		}},
		{"pingtan-2021-granted-47.txt", []want{
			{"requests.granted.natural_person", schema.StatusNumber, 47, nil, 0.95, "47|0|0|2|0|1|30"},
			{"requests.unable_not_held.natural_person", schema.StatusAmbiguous, 0, []float64{2, 22}, 0, "2|20|0|0|0|3|25 / 22|0|0|0|0|3|25"},
			{"requests.unable_not_held.commercial", schema.StatusAmbiguous, 0, []float64{0, 20}, 0, "2|20|0|0|0|3|25 / 22|0|0|0|0|3|25"},
			{"requests.unable_not_held.total", schema.StatusNumber, 25, nil, 0.6, "2|20|0|0|0|3|25 / 22|0|0|0|0|3|25"},
		}},
		{"pingtan-2021-internal-2.txt", []want{
			{"requests.denied_internal_affairs.natural_person", schema.StatusNumber, 1, nil, 1, "1|0|0|0|0|0|2"},
			{"requests.denied_internal_affairs.total", schema.StatusNumber, 2, nil, 1, "1|0|0|0|0|0|2"},
		}},
		{"pingtan-2021-review-2.txt", []want{
			{"review_litigation.reconsideration.upheld", schema.StatusNumber, 2, nil, 0.95, "2|0|2|0|3|12|0|0|0|12|0|0|0|0|0"},
			{"review_litigation.reconsideration.total", schema.StatusNumber, 3, nil, 0.95, "2|0|2|0|3|12|0|0|0|12|0|0|0|0|0"},
		}},
	}
	for _, tc := range cases {
		doc := convertFile(t, filepath.Join("..", "testdata", "digits", tc.file))
		for _, w := range tc.cells {
			c := cellAt(t, doc, w.path)
			ok := c.Status == w.status && c.Confidence == w.conf && strings.Join(c.Digits, " / ") == w.digits &&
				reflect.DeepEqual(c.Candidates, w.cands)
			if w.status == schema.StatusNumber {
				ok = ok && c.Value != nil && *c.Value == w.value
			} else {
				ok = ok && c.Value == nil
			}
			if !ok {
				var v any
				if c.Value != nil {
					v = *c.Value
				}
				t.Errorf("%s %s = %s %v candidates %v confidence %v digits %q; want %s %v %v %v %q",
					tc.file, w.path, c.Status, v, c.Candidates, c.Confidence, c.Digits, w.status, w.value, w.cands, w.conf, w.digits)
			}
		}
	}
}

// TestDigitSearchBounded: a table whose rows can be cut in too many ways to
// compare every reading (every 0000000 row of pingtan-2021 made 112233445)
// is converted quickly, and no cell claims the confidence of a reading
// that was singled out: the search was cut off, so none was.
func TestDigitSearchBounded(t *testing.T) {
	data, err := os.ReadFile(realFile("pingtan-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte("0000000"), []byte("112233445"))
	start := time.Now()
	doc, err := Convert(context.Background(), "report.txt", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("conversion took %v", d)
	}
	cutOff := false
	for _, d := range doc.Diagnostics {
		cutOff = cutOff || strings.Contains(d.Message, "too many readings")
	}
	if !cutOff {
		t.Fatal("the search was not cut off: the input does not test the bound")
	}
	for row, cols := range doc.Tables.Requests {
		for col, c := range cols {
			if c.Confidence > tiedConfidence && c.Confidence < 1 {
				t.Errorf("requests.%s.%s has confidence %v after a cut-off search", row, col, c.Confidence)
			}
		}
	}
}
