package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/ogi-checker/ogi/engine"
)

var sarifLevel = map[string]string{engine.SeverityError: "error", engine.SeverityWarning: "warning", engine.SeverityInfo: "note"}

// SARIF builds a SARIF 2.1.0 log: one run, one reportingDescriptor per rule
// with its metadata and help, one result per finding located at the source
// file and line of its first cell. Waived findings are suppressed, not left out.
// An unreadable input is an execution notification, not a result.
func SARIF(out *CheckOutput, rules []*engine.Rule, lang string) *sarif.Report {
	rep := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("ogi", "https://github.com/ogi-checker/ogi")
	run.Tool.Driver.WithVersion(out.Tool.Version)
	for _, r := range rules {
		help := fmt.Sprintf("**%s** / %s\n\n%s\n\nReference: %s\n\nRemediation: %s", r.Title.Zh, r.Title.En, r.Description, r.Reference, r.Remediation)
		d := run.AddRule(r.ID).
			WithName(ruleName(r.ID)).
			WithDescription(r.Title.Pick(lang)).
			WithMarkdownHelp(help).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel[r.Severity]))
		d.WithFullDescription(sarif.NewMultiformatMessageString().WithText(orDash(r.Description)))
		d.WithProperties(sarif.NewPropertyBag().
			Add("category", r.Category).Add("points", r.Points).Add("templates", r.Templates).
			Add("title_zh", r.Title.Zh).Add("title_en", r.Title.En).Add("lang", r.Lang).
			Add("tags", []string{r.Category, r.Lang}))
	}
	var inv *sarif.Invocation
	for _, fr := range out.Reports {
		if fr.IsUnreadable() {
			// Not a result: no rule was checked. An execution notification
			// says which input gave nothing to check and why.
			if inv == nil {
				inv = sarif.NewInvocation().WithExecutionSuccessful(false)
				run.AddInvocation(inv)
			}
			uri := FileURI(fr.File)
			run.AddDistinctArtifact(uri)
			props := sarif.NewPropertyBag().Add("status", StatusUnreadable)
			if fr.Unreadable != nil {
				props.Add("unreadable", fr.Unreadable.Code)
			}
			inv.AddToolExecutionNotification(sarif.NewNotification().WithLevel("error").
				WithMessage(sarif.NewTextMessage(UnreadableLine(fr, lang))).
				AddLocation(sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)))).
				WithProperties(props))
			continue
		}
		uri := FileURI(fr.File)
		run.AddDistinctArtifact(uri)
		for _, f := range fr.Findings {
			if f.Status == engine.StatusError {
				continue
			}
			res := run.CreateResultForRule(f.Rule).
				WithLevel(sarifLevel[f.Severity]).
				WithMessage(sarif.NewTextMessage(f.Message.Pick(lang)))
			loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
			if f.Source != nil && f.Source.Line > 0 {
				loc.WithRegion(sarif.NewRegion().WithStartLine(f.Source.Line))
			}
			res.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
			props := sarif.NewPropertyBag().Add("status", f.Status).Add("category", f.Category)
			if f.Item != "" {
				props.Add("item", f.Item)
			}
			if len(f.Cells) > 0 {
				var cells []string
				for _, c := range f.Cells {
					cells = append(cells, c.Address())
				}
				props.Add("cells", cells)
			}
			if f.Expected != nil {
				props.Add("expected", *f.Expected)
			}
			if f.Actual != nil {
				props.Add("actual", *f.Actual)
			}
			res.WithProperties(props)
			if f.Waived {
				res.AddSuppression(sarif.NewSuppression().WithKind("external").WithJustification(f.WaiverReason))
			}
		}
	}
	rep.AddRun(run)
	return rep
}

// FileURI turns a report's path (slash-separated) into the URI SARIF's
// artifactLocation.uri must be: a relative path stays a relative reference
// and an absolute one becomes a file:// URI, every byte outside the
// unreserved characters and "/" percent-encoded. A space, '#', '%', '?' or
// a Chinese file name would otherwise give a URI that viewers cut short or
// cannot open, and a ':' in the first segment would read as a scheme.
func FileURI(path string) string {
	prefix := ""
	switch {
	case strings.HasPrefix(path, "/"):
		prefix = "file://"
	case len(path) >= 3 && path[1] == ':' && path[2] == '/' && isASCIILetter(path[0]):
		// A Windows drive: file:///C:/dir/file.
		prefix, path = "file:///"+path[:2], path[2:]
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < len(path); i++ {
		c := path[i]
		if isASCIILetter(c) || c >= '0' && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '.' || r == '_' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// WriteSARIF writes the SARIF log as indented JSON.
func WriteSARIF(w io.Writer, out *CheckOutput, rules []*engine.Rule, lang string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(SARIF(out, rules, lang)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

var sarifFormat = checkFormat("sarif", "SARIF 2.1.0 log for code scanning, one result per finding",
	func(w io.Writer, out *CheckOutput, src *Source) error { return WriteSARIF(w, out, src.Rules, src.Lang) })
