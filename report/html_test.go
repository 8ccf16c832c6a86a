package report_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/ogi-checker/ogi/internal/browsertest"
	"github.com/ogi-checker/ogi/report"
)

// scriptBreakers are texts that end or confuse a script element when
// written into one as they are: a closing tag in any case, a comment
// opening that turns the parser's escape states on, and the two line
// separators JavaScript strings cannot hold.
var scriptBreakers = []string{"</script>", "</SCRIPT >", "<!--<script>", "-->", "\u2028\u2029", hostile}

// parse parses a page as a browser would and fails the test if it is not
// well-formed enough to parse.
func parse(t *testing.T, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// elements lists the elements named tag in document order.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// TestDashboardScriptData parses the dashboard the way a browser does:
// whatever a report's agency or file name holds, the page has its four
// script elements and no other, each JSON element's text is the JSON the
// script reads, and the names come back from it unchanged.
func TestDashboardScriptData(t *testing.T) {
	reports, eng := dashboardFixture(t)
	for i, s := range scriptBreakers {
		r := reports[i%2]
		r.Agency, r.File = "机关"+s, "f"+s+".txt"
		reports = append(reports, r)
	}
	page := parse(t, writeDashboard(t, reports, eng))
	scripts := elements(page, "script")
	if len(scripts) != 4 {
		t.Fatalf("%d script elements, want 4 (a name ended one)", len(scripts))
	}
	for _, s := range scripts[:3] {
		if attr(s, "type") != "application/json" {
			t.Errorf("script %s has type %q", attr(s, "id"), attr(s, "type"))
		}
		if !json.Valid([]byte(text(s))) {
			t.Errorf("script %s does not hold JSON: %.200s", attr(s, "id"), text(s))
		}
	}
	var data []struct {
		File   string `json:"f"`
		Agency string `json:"a"`
	}
	if err := json.Unmarshal([]byte(text(scripts[2])), &data); err != nil {
		t.Fatal(err)
	}
	if len(data) != len(reports) {
		t.Fatalf("%d reports in the data, want %d", len(data), len(reports))
	}
	for i, s := range scriptBreakers {
		d := data[3+i]
		if d.Agency != "机关"+s || d.File != "f"+s+".txt" {
			t.Errorf("names came back as %q, %q", d.Agency, d.File)
		}
	}
	// The six tiles have one <b> each; a name written as markup adds more.
	if n := len(elements(page, "b")); n != 6 {
		t.Errorf("%d <b> elements, want the tiles' 6", n)
	}
}

// TestHTMLEscapesNames: the check page shows a report's title, file and
// findings as text, whatever characters they hold.
func TestHTMLEscapesNames(t *testing.T) {
	reports, _ := goldenFixture(t)
	fr := reports[1] // its title, agency and file hold hostile text
	var buf bytes.Buffer
	if err := report.WriteHTML(&buf, fr, "zh"); err != nil {
		t.Fatal(err)
	}
	page := parse(t, buf.Bytes())
	if got := text(elements(page, "title")[0]); got != fr.Document.Meta.Title {
		t.Errorf("title %q, want %q", got, fr.Document.Meta.Title)
	}
	if got := text(elements(page, "small")[0]); got != fr.File {
		t.Errorf("file %q, want %q", got, fr.File)
	}
	if n := len(elements(page, "script")); n != 0 {
		t.Errorf("%d script elements in a page that has none", n)
	}
	if n := len(elements(page, "b")); n != 0 {
		t.Errorf("%d <b> elements: a name was written as markup", n)
	}
}

// TestDashboardBadScore: a score that JSON cannot hold is an error, not a
// page with a hole in its data.
func TestDashboardBadScore(t *testing.T) {
	reports, eng := dashboardFixture(t)
	nan := math.NaN()
	reports[0].Score = &nan
	ranked, c := cohort(reports, eng)
	var buf bytes.Buffer
	if err := report.WriteDashboard(&buf, report.Slice(ranked), c, report.DashboardOptions{Lang: "zh"}); err == nil {
		t.Error("a NaN score was written")
	}
}

// TestDashboardHostileInChromium: with names that would break a script
// element, the dashboard's script still runs to the end and lists every
// report, the names shown as text.
func TestDashboardHostileInChromium(t *testing.T) {
	reports, eng := dashboardFixture(t)
	for _, s := range scriptBreakers {
		r := reports[1]
		r.Agency = "机关" + s
		reports = append(reports, r)
	}
	page := filepath.Join(t.TempDir(), "dashboard.html")
	if err := os.WriteFile(page, writeDashboard(t, reports, eng), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := browsertest.Load(t, page, "#r=4")
	if n, want := strings.Count(dom, "<tr data-i="), len(reports); n != want {
		t.Errorf("report table has %d rows, want %d", n, want)
	}
	if !strings.Contains(dom, "<h2>机关&lt;/script&gt;") {
		t.Error("the drill-down does not show the name </script> as text")
	}
}
