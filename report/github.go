package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
)

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

var githubFormat = checkFormat("github", "GitHub Actions annotations, one per finding at its file and line",
	func(w io.Writer, out *CheckOutput, src *Source) error { return WriteGitHub(w, out, src.Lang) })
