package report

import (
	"bytes"
	"net/url"
	"regexp"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/ogi-checker/ogi/engine"
)

// uriChars are the characters RFC 3986 allows in a URI; anything else
// (a space, a Chinese character) must be percent-encoded.
var uriChars = regexp.MustCompile(`^([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})*$`)

// TestSARIFFileURIs: every artifact and result location is a valid URI that
// decodes back to the report's file, whatever characters its name holds.
func TestSARIFFileURIs(t *testing.T) {
	cases := []struct {
		file, want string
	}{
		{"plain/report.txt", "plain/report.txt"},
		{"reports/a b.txt", "reports/a%20b.txt"},
		{"第1号#报告.txt", "%E7%AC%AC1%E5%8F%B7%23%E6%8A%A5%E5%91%8A.txt"},
		{"100% done?.txt", "100%25%20done%3F.txt"},
		{"c:report.txt", "c%3Areport.txt"},
		{"/srv/年报/x y.pdf", "file:///srv/%E5%B9%B4%E6%8A%A5/x%20y.pdf"},
		{"C:/年报/r.pdf", "file:///C:/%E5%B9%B4%E6%8A%A5/r.pdf"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			out := &CheckOutput{SchemaVersion: CheckSchemaVersion, Tool: Tool{Name: "ogi", Version: "test"}, Reports: []FileReport{
				{File: c.file, Status: StatusChecked, Findings: []engine.Finding{{Rule: "r.one", Severity: engine.SeverityError, Status: "fail",
					Message: engine.Text{Zh: "错", En: "wrong"}}}},
				NewUnreadableReport(c.file, UnreadableInput, engine.Text{Zh: "坏", En: "bad"}, "bad"),
			}}
			rules := []*engine.Rule{{ID: "r.one", Severity: engine.SeverityError, Category: "arithmetic", Lang: "cel", Title: engine.Text{Zh: "一", En: "one"}}}
			var buf bytes.Buffer
			if err := WriteSARIF(&buf, out, rules, "en"); err != nil {
				t.Fatal(err)
			}
			rep, err := sarif.FromBytes(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if err := rep.Validate(); err != nil {
				t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
			}
			run := rep.Runs[0]
			uris := []string{*run.Artifacts[0].Location.URI,
				*run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI,
				*run.Invocations[0].ToolExecutionNotifications[0].Locations[0].PhysicalLocation.ArtifactLocation.URI}
			for _, u := range uris {
				if u != c.want {
					t.Errorf("uri %q, want %q", u, c.want)
				}
				if !uriChars.MatchString(u) {
					t.Errorf("uri %q has characters a URI cannot hold", u)
				}
				parsed, err := url.Parse(u)
				if err != nil {
					t.Fatalf("uri %q: %v", u, err)
				}
				if parsed.Fragment != "" || parsed.RawQuery != "" {
					t.Errorf("uri %q reads as having a query or fragment", u)
				}
			}
		})
	}
}
