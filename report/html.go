package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

const htmlStyle = `body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
td,th{border:1px solid #bbb;padding:.25em .5em;text-align:right}
th,td.label{text-align:left;background:#f4f4f4;font-weight:normal}
td.bad{background:#f8c9c4;font-weight:bold}td.review{background:#fbe7a6}td.cannot{background:#e3e3e3}
.error{color:#b00020}.warning{color:#8a6d00}.info{color:#555}
.score{font-size:1.3em}small{color:#666}`

// WriteHTML writes one self-contained page for one report: score, ledger,
// findings, and the report's tables with the cells of failing checks
// highlighted (red: error, yellow: needs review, grey: cannot evaluate).
// No external assets: the page works offline.
func WriteHTML(w io.Writer, fr FileReport, lang string) error {
	ew := &errWriter{w: w}
	title := fr.File
	if fr.Document != nil && fr.Document.Meta.Title != "" {
		title = fr.Document.Meta.Title
	}
	ew.printf("<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n",
		pick(lang, "zh-CN", "en"), esc(title), htmlStyle)
	ew.printf("<h1>%s</h1>\n<p><small>%s</small></p>\n", esc(title), esc(fr.File))
	if fr.IsUnreadable() {
		ew.printf("<p class=\"error unreadable\">%s</p>\n</body>\n</html>\n", esc(unreadableText(fr, lang)))
		return ew.err
	}
	score := pick(lang, "无法评分", "no score")
	if fr.Score != nil {
		score = num(*fr.Score) + " " + esc(fr.Grade)
	} else if fr.ScoreReason != "" {
		score += ": " + esc(fr.ScoreReason)
	}
	ew.printf("<p class=\"score\">%s %s · %s %d · %s %d · %s %d</p>\n", pick(lang, "得分", "Score"), score,
		pick(lang, "错误", "errors"), fr.Counts.Error, pick(lang, "警告", "warnings"), fr.Counts.Warning,
		pick(lang, "待核对", "needs review"), fr.Counts.NeedsReview)

	ew.printf("<h2>%s</h2>\n<table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", pick(lang, "扣分明细", "Ledger"),
		pick(lang, "规则", "Rule"), pick(lang, "项", "Item"), pick(lang, "类别", "Category"), pick(lang, "扣分", "Points"))
	for _, l := range fr.Ledger {
		ew.printf("<tr><td class=\"label\">%s</td><td class=\"label\">%s</td><td class=\"label\">%s</td><td>%s</td></tr>\n",
			esc(l.Rule), esc(l.Item), esc(l.Category), num(l.Points))
	}
	ew.printf("</table>\n")

	ew.printf("<h2>%s</h2>\n<ul>\n", pick(lang, "问题", "Findings"))
	for _, f := range fr.Findings {
		waived := ""
		if f.Waived {
			waived = " <small>(" + pick(lang, "已豁免", "waived") + ")</small>"
		}
		loc := ""
		if f.Source != nil && f.Source.Line > 0 {
			loc = fmt.Sprintf(" <small>[%s %d]</small>", pick(lang, "行", "line"), f.Source.Line)
		}
		ew.printf("<li class=\"%s\"><code>%s</code> %s%s%s</li>\n", esc(f.Severity), esc(f.Rule), esc(f.Message.Pick(lang)), loc, waived)
	}
	ew.printf("</ul>\n")

	if doc := fr.Document; doc != nil {
		marks := cellMarks(fr.Findings)
		writeTables(ew, doc, marks, lang)
	}
	ew.printf("</body>\n</html>\n")
	return ew.err
}

// cellMarks maps a cell address to its highlight class; an error wins.
func cellMarks(fs []engine.Finding) map[string]string {
	rank := map[string]int{"cannot": 1, "review": 2, "bad": 3}
	m := map[string]string{}
	for _, f := range fs {
		if f.Waived {
			continue
		}
		class := ""
		switch {
		case f.Status == engine.StatusFail && f.Severity == engine.SeverityError:
			class = "bad"
		case f.Status == engine.StatusNeedsReview:
			class = "review"
		case f.Status == engine.StatusCannotEvaluate:
			class = "cannot"
		default:
			continue
		}
		for _, c := range f.Cells {
			k := c.Address()
			if rank[class] > rank[m[k]] {
				m[k] = class
			}
		}
	}
	return m
}

func writeTables(ew *errWriter, doc *schema.Document, marks map[string]string, lang string) {
	t := schema.Templates[schema.Template2021]
	if doc.Meta.Template != nil {
		if x, ok := schema.Templates[*doc.Meta.Template]; ok {
			t = x
		}
	}
	cell := func(addr string, c *schema.Cell) string {
		class := marks[addr]
		text := "—"
		if c != nil {
			text = cellValue(engine.CellRef{Value: c.Value, Raw: c.Raw, Status: c.Status, Candidates: c.Candidates}, lang)
		}
		if class != "" {
			return fmt.Sprintf("<td class=\"%s\" title=\"%s\">%s</td>", class, esc(addr), esc(text))
		}
		return fmt.Sprintf("<td title=\"%s\">%s</td>", esc(addr), esc(text))
	}
	ew.printf("<h2>%s</h2>\n", pick(lang, "表二 主动公开政府信息情况", "Table 2: active disclosure"))
	for _, st := range t.Active {
		ew.printf("<table>\n<tr><th colspan=\"%d\">%s</th></tr>\n<tr><th>信息内容</th>", len(st.Cols)+1, esc(st.Caption))
		for _, c := range st.Cols {
			ew.printf("<th>%s</th>", esc(c.Label))
		}
		ew.printf("</tr>\n")
		for _, r := range st.Rows {
			ew.printf("<tr><td class=\"label\">%s</td>", esc(r.Label))
			for _, c := range st.Cols {
				ew.printf("%s", cell("active."+st.ID+"."+r.ID+"."+c.ID, doc.Tables.Active[st.ID][r.ID][c.ID]))
			}
			ew.printf("</tr>\n")
		}
		ew.printf("</table>\n")
	}
	ew.printf("<h2>%s</h2>\n<table>\n<tr><th></th>", pick(lang, "表三 收到和处理政府信息公开申请情况", "Table 3: requests"))
	for _, c := range t.RequestCols {
		ew.printf("<th>%s</th>", esc(c.Label))
	}
	ew.printf("</tr>\n")
	for _, r := range t.RequestRows {
		label := r.Label
		if r.Group != "" && !strings.HasPrefix(r.Group, "三、") {
			label = r.Group + " " + r.Label
		}
		ew.printf("<tr><td class=\"label\">%s</td>", esc(label))
		for _, c := range t.RequestCols {
			ew.printf("%s", cell("requests."+r.ID+"."+c.ID, doc.Tables.Requests[r.ID][c.ID]))
		}
		ew.printf("</tr>\n")
	}
	ew.printf("</table>\n<h2>%s</h2>\n<table>\n<tr><th></th>", pick(lang, "表四 行政复议、行政诉讼情况", "Table 4: reconsideration and litigation"))
	for _, c := range t.ReviewCols {
		ew.printf("<th>%s</th>", esc(c.Label))
	}
	ew.printf("</tr>\n")
	for _, g := range t.ReviewGroups {
		ew.printf("<tr><td class=\"label\">%s</td>", esc(engine.Label("review.group", g.ID)))
		for _, c := range t.ReviewCols {
			ew.printf("%s", cell("review_litigation."+g.ID+"."+c.ID, doc.Tables.ReviewLitigation[g.ID][c.ID]))
		}
		ew.printf("</tr>\n")
	}
	ew.printf("</table>\n")
}

// esc escapes text for HTML as html/template does: besides &, <, >, " and
// ', it writes + as &#43; (against UTF-7 sniffing in old browsers) and
// NUL as U+FFFD. The pages move to html/template next; escaping the same
// way first keeps that move a change of code with the same bytes out.
func esc(s string) string { return htmlEscaper.Replace(s) }

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "\x00", "\uFFFD")

var htmlFormat = &Format{Name: "html", Help: "a self-contained page per report with its tables, failing cells marked",
	PerReport: true, Ext: ".html", WriteReport: WriteHTML,
	Write: func(w io.Writer, src *Source) error {
		for r := range src.reports(false) {
			if err := WriteHTML(w, r.Report, src.Lang); err != nil {
				return err
			}
		}
		return nil
	}}
