package report

import (
	"io"
	"strings"

	"github.com/ogi-checker/ogi/engine"
)

// WriteMarkdown writes a job summary: a table of reports, then the
// error-level findings of each.
func WriteMarkdown(w io.Writer, out *CheckOutput, lang string) error {
	return writeMarkdown(w, out, lang, nil)
}

// writeMarkdown names rules by their titles in tt.
func writeMarkdown(w io.Writer, out *CheckOutput, lang string, tt titles) error {
	ew := &errWriter{w: w}
	ew.printf("## %s\n\n", pick(lang, "政府信息公开年报检查结果", "Annual report check"))
	ew.printf("| %s | %s | %s | %s | %s |\n|---|---|---:|---:|---:|\n", pick(lang, "报告", "Report"),
		pick(lang, "得分", "Score"), pick(lang, "错误", "Errors"), pick(lang, "警告", "Warnings"), StatusName(engine.StatusNeedsReview, lang))
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
				lines = append(lines, "- **"+mdCell(tt.of(f.Rule, lang))+"** "+mdCell(findingLine(f, lang)))
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

var markdownFormat = checkFormat("markdown", "job summary: a table of reports, then each report's errors",
	func(w io.Writer, out *CheckOutput, src *Source) error {
		return writeMarkdown(w, out, src.Lang, newTitles(src.Rules))
	})
