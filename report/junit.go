package report

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
)

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

var junitFormat = checkFormat("junit", "JUnit XML: a suite per report, a case per rule, error findings fail",
	func(w io.Writer, out *CheckOutput, src *Source) error { return WriteJUnit(w, out, src.Lang) })
