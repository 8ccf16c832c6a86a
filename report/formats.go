package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/ogi-checker/ogi/engine"
)

// Formats lists the output formats of `ogi check -o`.
var Formats = []string{"text", "json", "jsonl", "sarif", "junit", "github", "markdown", "html"}

// WriteJSONL writes one line of JSON per report: streaming consumers read
// a report as soon as it is written.
func WriteJSONL(w io.Writer, out *CheckOutput) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range out.Reports {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

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

// JUnit types: a suite per document, a case per rule.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Name    string       `xml:"name,attr"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Errors  int          `xml:"errors,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Fails    int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Props    []junitProp `xml:"properties>property,omitempty"`
	Cases    []junitCase `xml:"testcase"`
	SystemOu string      `xml:"system-out,omitempty"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML: a failure for error-level findings, an
// error for a report that could not be read or a rule that broke, skipped
// for rules that do not apply, and warnings in the case's system-out so
// that they stay visible without failing the build.
func WriteJUnit(w io.Writer, out *CheckOutput, lang string) error {
	all := junitSuites{Name: "ogi"}
	for _, fr := range out.Reports {
		s := junitSuite{Name: fr.File}
		if fr.IsUnreadable() {
			s.Tests, s.Errors = 1, 1
			s.Props = append(s.Props, junitProp{"status", StatusUnreadable})
			if fr.Unreadable != nil {
				s.Props = append(s.Props, junitProp{"unreadable", fr.Unreadable.Code})
			}
			s.Cases = []junitCase{{Name: "convert", Classname: fr.File, Error: &junitMessage{Message: unreadableText(fr, lang), Type: "unreadable", Body: fr.Error}}}
		}
		if fr.Score != nil {
			s.Props = append(s.Props, junitProp{"score", strconv.FormatFloat(*fr.Score, 'f', -1, 64)}, junitProp{"grade", fr.Grade})
		} else if fr.ScoreReason != "" {
			s.Props = append(s.Props, junitProp{"score", "null"}, junitProp{"score_reason", fr.ScoreReason})
		}
		byRule := map[string][]engine.Finding{}
		for _, f := range fr.Findings {
			byRule[f.Rule] = append(byRule[f.Rule], f)
		}
		for _, rr := range fr.Rules {
			c := junitCase{Name: rr.Rule, Classname: fr.File}
			var errs, warns []string
			for _, f := range byRule[rr.Rule] {
				line := findingLine(f, lang)
				if f.Severity == engine.SeverityError && f.Status == engine.StatusFail && !f.Waived {
					errs = append(errs, line)
				} else {
					warns = append(warns, f.Severity+": "+line)
				}
			}
			switch {
			case rr.Status == engine.StatusError:
				c.Error = &junitMessage{Message: rr.Error, Type: "rule"}
				s.Errors++
			case len(errs) > 0:
				c.Failure = &junitMessage{Message: errs[0], Type: "error", Body: strings.Join(errs, "\n")}
				s.Fails++
			case rr.Status == engine.StatusNotApplicable:
				c.Skipped = &junitMessage{Message: "not applicable"}
				s.Skipped++
			}
			c.SystemOut = strings.Join(warns, "\n")
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		all.Suites = append(all.Suites, s)
		all.Tests += s.Tests
		all.Fails += s.Fails
		all.Errors += s.Errors
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func findingLine(f engine.Finding, lang string) string {
	s := f.Message.Pick(lang)
	if f.Source != nil && f.Source.Line > 0 {
		s += fmt.Sprintf(" (line %d)", f.Source.Line)
	}
	return s
}

// WriteGitHub writes GitHub Actions workflow commands: an annotation per
// finding at its file and line.
func WriteGitHub(w io.Writer, out *CheckOutput, lang string) error {
	ew := &errWriter{w: w}
	for _, fr := range out.Reports {
		if fr.IsUnreadable() {
			ew.printf("::error file=%s,title=%s::%s\n", ghProp(fr.File), ghProp(fr.UnreadableLabel(lang)), ghData(fr.UnreadableReason(lang)))
			continue
		}
		for _, f := range fr.Findings {
			if f.Waived {
				continue
			}
			kind := map[string]string{engine.SeverityError: "error", engine.SeverityWarning: "warning"}[f.Severity]
			if kind == "" {
				kind = "notice"
			}
			loc := "file=" + ghProp(fr.File)
			if f.Source != nil && f.Source.Line > 0 {
				loc += ",line=" + strconv.Itoa(f.Source.Line)
			}
			ew.printf("::%s %s,title=%s::%s\n", kind, loc, ghProp(f.Rule), ghData(f.Message.Pick(lang)))
		}
	}
	return ew.err
}

func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// WriteMarkdown writes a job summary: a table of reports, then the
// error-level findings of each.
func WriteMarkdown(w io.Writer, out *CheckOutput, lang string) error {
	ew := &errWriter{w: w}
	ew.printf("## %s\n\n", pick(lang, "政府信息公开年报检查结果", "Annual report check"))
	ew.printf("| %s | %s | %s | %s | %s |\n|---|---|---:|---:|---:|\n", pick(lang, "报告", "Report"),
		pick(lang, "得分", "Score"), pick(lang, "错误", "Errors"), pick(lang, "警告", "Warnings"), pick(lang, "待核对", "Review"))
	for _, fr := range out.Reports {
		if fr.IsUnreadable() {
			ew.printf("| %s | %s | — | — | — |\n", mdCell(fr.File), mdCell(unreadableText(fr, lang)))
			continue
		}
		score := "—"
		if fr.Score != nil {
			score = num(*fr.Score) + " " + fr.Grade
		}
		ew.printf("| %s | %s | %d | %d | %d |\n", mdCell(fr.File), score, fr.Counts.Error, fr.Counts.Warning, fr.Counts.NeedsReview)
	}
	for _, fr := range out.Reports {
		var lines []string
		for _, f := range fr.Findings {
			if f.Severity == engine.SeverityError && !f.Waived {
				lines = append(lines, "- `"+f.Rule+"` "+mdCell(findingLine(f, lang)))
			}
		}
		if len(lines) > 0 {
			ew.printf("\n### %s\n\n%s\n", mdCell(fr.File), strings.Join(lines, "\n"))
		}
	}
	return ew.err
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
