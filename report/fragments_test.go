package report_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// hongze2024 is a real report with a failing error on a cell
// (completeness.tables on 表三), checked once for the fragment tests.
var hongze2024 = sync.OnceValues(func() (check.Result, error) {
	c, err := check.New(check.Options{})
	if err != nil {
		return check.Result{}, err
	}
	return c.Check(context.Background(), check.Input{File: "../testdata/real/hongze-district-2024.pdf"})
})

func realReport(t *testing.T) check.Result {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	res, err := hongze2024()
	if err != nil || res.Document == nil {
		t.Fatalf("checking the real report: %v", err)
	}
	return res
}

// fragCell is a td of a fragment: its attributes and which year's side
// (cur, prev, or "" outside a comparison) it is on.
type fragCell struct {
	attrs map[string]string
	side  string
	text  string
}

func fragmentCells(t *testing.T, frag string) []fragCell {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(frag), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var out []fragCell
	var walk func(n *html.Node, side string)
	walk = func(n *html.Node, side string) {
		attrs := map[string]string{}
		for _, a := range n.Attr {
			attrs[a.Key] = a.Val
		}
		if n.Type == html.ElementNode && n.Data == "div" {
			switch attrs["class"] {
			case "year cur":
				side = "cur"
			case "year prev":
				side = "prev"
			}
		}
		if n.Type == html.ElementNode && n.Data == "td" && attrs["class"] != "label" {
			text := ""
			if n.FirstChild != nil {
				text = n.FirstChild.Data
			}
			out = append(out, fragCell{attrs, side, text})
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, side)
		}
	}
	for _, n := range nodes {
		walk(n, "")
	}
	return out
}

// TestTablesHTML: every cell of the real report's tables is addressed by
// id and data-addr, the failing cell has the error class, and the
// fragment has no page around it.
func TestTablesHTML(t *testing.T) {
	res := realReport(t)
	var bad string
	for _, f := range res.Report.Findings {
		if f.Status == engine.StatusFail && f.Severity == engine.SeverityError && !f.Waived && len(f.Cells) > 0 {
			bad = f.Cells[0].Address()
			break
		}
	}
	if bad == "" {
		t.Fatal("the real report has no failing error on a cell")
	}
	for _, lang := range []string{"zh", "en"} {
		frag, err := report.TablesHTML(res.Document, res.Report.Findings, lang)
		if err != nil {
			t.Fatal(err)
		}
		s := string(frag)
		if strings.Contains(s, "<html") || strings.Contains(s, "<body") || !strings.HasPrefix(s, `<div class="ogi-tables">`) {
			t.Errorf("%s: not a fragment: %.80q", lang, s)
		}
		cells := fragmentCells(t, s)
		if len(cells) < 100 {
			t.Fatalf("%s: %d cells, want tables 2, 3 and 4", lang, len(cells))
		}
		ids := map[string]bool{}
		found := false
		for _, c := range cells {
			id, addr := c.attrs["id"], c.attrs["data-addr"]
			if id != "cell-"+addr || addr == "" || ids[id] {
				t.Errorf("%s: cell %v: want a unique id cell-<data-addr>", lang, c.attrs)
			}
			ids[id] = true
			if addr == bad {
				found = true
				if c.attrs["class"] != "bad" {
					t.Errorf("%s: failing cell %s has class %q, want bad", lang, bad, c.attrs["class"])
				}
			}
		}
		if !found {
			t.Errorf("%s: no cell id=cell-%s", lang, bad)
		}
		if !strings.Contains(s, `id="cell-`+bad+`"`) {
			t.Errorf("%s: the markup has no id=\"cell-%s\"", lang, bad)
		}
	}
	if _, err := report.TablesHTML(nil, nil, "zh"); err == nil {
		t.Error("TablesHTML(nil) gave no error")
	}
}

// copyDoc is a deep copy to edit as another year's report.
func copyDoc(t *testing.T, d *schema.Document) *schema.Document {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var out schema.Document
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestCompareHTML: two years side by side; exactly the edited cell is
// marked on both sides with the other year's value; a table one year does
// not have is said so.
func TestCompareHTML(t *testing.T) {
	res := realReport(t)
	cur := res.Document
	const addr = "requests.new_received.total"
	if c := cur.Tables.Requests["new_received"]["total"]; c == nil || c.Value == nil {
		t.Fatalf("the real report has no %s", addr)
	}
	num := func(prev *schema.Document) {
		c := prev.Tables.Requests["new_received"]["total"]
		v := *c.Value + 7
		c.Value, c.Raw = &v, strconv.FormatFloat(v, 'f', -1, 64)
	}
	text := func(prev *schema.Document) {
		// Same number, other text: not a change.
		c := prev.Tables.Requests["new_received"]["total"]
		c.Raw += " "
	}
	var firstActive string
	for id := range cur.Tables.Active {
		if firstActive == "" || id < firstActive {
			firstActive = id
		}
	}
	drop := func(prev *schema.Document) { delete(prev.Tables.Active, firstActive) }
	cases := []struct {
		name    string
		edit    func(*schema.Document)
		changed []string // addresses marked
		missing int      // tables said missing
	}{
		{"the same report", func(*schema.Document) {}, nil, 0},
		{"one number differs", num, []string{addr}, 0},
		{"only spacing differs", text, nil, 0},
		{"last year lacks a table", drop, nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			prev := copyDoc(t, cur)
			y := 2023
			prev.Meta.Year = &y
			tc.edit(prev)
			frag, err := report.CompareHTML(cur, prev, "zh")
			if err != nil {
				t.Fatal(err)
			}
			s := string(frag)
			var got []string
			sides := map[string]int{}
			for _, c := range fragmentCells(t, s) {
				if c.attrs["id"] != "" || c.attrs["data-addr"] == "" {
					t.Fatalf("cell %v: want data-addr and no id", c.attrs)
				}
				if c.attrs["class"] != "changed" {
					continue
				}
				sides[c.side]++
				if c.side == "cur" {
					got = append(got, c.attrs["data-addr"])
					want := "上年：" + pageText(prev.Tables.Requests["new_received"]["total"])
					if c.attrs["title"] != want {
						t.Errorf("changed cell title %q, want %q", c.attrs["title"], want)
					}
				}
			}
			if !slices.Equal(got, tc.changed) || (len(got) > 0 && sides["prev"] != len(got)) {
				t.Errorf("changed %v (sides %v), want %v on both sides", got, sides, tc.changed)
			}
			if n := strings.Count(s, "上年报告没有此表"); n != tc.missing {
				t.Errorf("%d tables said missing last year, want %d", n, tc.missing)
			}
			if !strings.Contains(s, "本年报告（2024年）") || !strings.Contains(s, "上年报告（2023年）") {
				t.Errorf("the years are not named: %.300s", s)
			}
		})
	}
	en, err := report.CompareHTML(cur, nil, "en")
	if err != nil || !strings.Contains(string(en), "no previous year") || strings.Contains(string(en), "<td") {
		t.Errorf("no previous report: %q %v", en, err)
	}
	if _, err := report.CompareHTML(nil, cur, "zh"); err == nil {
		t.Error("CompareHTML(nil, …) gave no error")
	}
	if css := string(report.PageCSS()); !strings.Contains(css, ".ogi-tables td.bad") || !strings.Contains(css, "td.changed") {
		t.Errorf("PageCSS lacks the fragments' classes: %s", css)
	}
}

// pageText is how the tables show a number cell whose text is the number.
func pageText(c *schema.Cell) string { return strconv.FormatFloat(*c.Value, 'f', -1, 64) }
