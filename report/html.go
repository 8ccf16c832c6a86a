package report

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// WriteHTML writes one self-contained page for one report: score, ledger,
// findings, and the report's tables with the cells of failing checks
// highlighted (red: error, yellow: needs review, grey: cannot evaluate).
// No external assets: the page works offline.
func WriteHTML(w io.Writer, fr FileReport, lang string) error { return writeHTML(w, fr, lang, nil) }

// writeHTML names rules by their titles in tt.
func writeHTML(w io.Writer, fr FileReport, lang string, tt titles) error {
	t, err := pageTemplates()
	if err != nil {
		return err
	}
	return t.ExecuteTemplate(w, "check", newCheckPage(fr, lang, tt))
}

// checkPage is what templates/check.tmpl draws, every word in the page's
// language.
type checkPage struct {
	HTMLLang, Title, File string
	Style                 template.CSS
	// Unreadable, when set, stands in for everything below the heading.
	Unreadable string
	Score      string
	Counts     Counts
	Ledger     []pageLedger
	Findings   []pageFinding
	Sections   []pageSection
	// Legend says what the highlights of the table cells mean.
	Legend []legendItem
	L      checkLabels
}

type checkLabels struct {
	Score, Errors, Warnings, Review, Ledger, Rule, Item, Category, Points, Findings, Line, Waived string
}

// pageLedger is one deduction, named for the reader.
type pageLedger struct {
	Rule, Item, Category string
	Points               float64
}

type pageFinding struct {
	// Severity is the class (error, warning, info); SeverityName the word.
	Severity, SeverityName, Rule, Message string
	Line                                  int
	Waived                                bool
}

// pageSection is a heading and the tables under it.
type pageSection struct {
	Heading string
	Tables  []pageTable
}

// pageTable is one table: an optional caption row spanning it, a header
// row whose first cell is Corner, and rows that each start with a label.
type pageTable struct {
	Caption string
	Span    int
	Corner  string
	Cols    []string
	Rows    []pageRow
	// key names the table across templates and years (active.<sub-table>,
	// requests, review_litigation); present is whether the document has
	// any of its cells.
	key     string
	present bool
}

type pageRow struct {
	Label string
	Cells []pageCell
}

// pageCell is one cell: Title names it (or says last year's value), ID
// and Data, when set, give it id="cell-<ID>" and data-addr="<Data>" for a
// page's script; addr is its address in any case.
type pageCell struct {
	Class, Title, Text string
	ID, Data           string
	addr               string
	cell               *schema.Cell
}

func newCheckPage(fr FileReport, lang string, tt titles) *checkPage {
	p := &checkPage{HTMLLang: pick(lang, "zh-CN", "en"), Title: fr.File, File: fr.File, Style: template.CSS(asset(checkCSS))}
	if fr.Document != nil && fr.Document.Meta.Title != "" {
		p.Title = fr.Document.Meta.Title
	}
	if fr.IsUnreadable() {
		p.Unreadable = unreadableText(fr, lang)
		return p
	}
	p.L = checkLabels{Score: pick(lang, "得分", "Score"), Errors: pick(lang, "错误", "errors"), Warnings: pick(lang, "警告", "warnings"),
		Review: StatusName(engine.StatusNeedsReview, lang), Ledger: pick(lang, "扣分明细", "Ledger"), Rule: pick(lang, "规则", "Rule"),
		Item: pick(lang, "项", "Item"), Category: pick(lang, "指标", "Indicator"), Points: pick(lang, "扣分", "Points"),
		Findings: pick(lang, "问题", "Findings"), Line: pick(lang, "行", "line"), Waived: pick(lang, "已豁免", "waived")}
	p.Score = pick(lang, "无法评分", "no score")
	if fr.Score != nil {
		p.Score = num(*fr.Score) + " " + fr.Grade
	} else if fr.ScoreReason != "" {
		p.Score += ": " + fr.ScoreReason
	}
	p.Counts = fr.Counts
	// Each deduction under the indicator it is charged to, as the text
	// report's 扣分明细 does; the coverage cap is said in words.
	indicators := map[string]string{engine.CoverageIndicator: pick(lang, "覆盖率", "coverage")}
	for _, in := range fr.Indicators {
		indicators[in.ID] = in.Title.Pick(lang)
	}
	for _, e := range fr.Ledger {
		ind := indicators[e.Indicator]
		if ind == "" {
			ind = CategoryName(e.Category, lang)
		}
		rule := tt.of(e.Rule, lang)
		if e.Capped == engine.CoverageIndicator {
			rule = pick(lang, fmt.Sprintf("可核验单元格不足，得分上限 %g", e.Limit), fmt.Sprintf("too few cells could be evaluated: score at most %g", e.Limit))
		}
		p.Ledger = append(p.Ledger, pageLedger{Rule: rule, Item: itemName(e.Item, lang), Category: ind, Points: e.Points})
	}
	for _, f := range fr.Findings {
		pf := pageFinding{Severity: f.Severity, SeverityName: SeverityName(f.Severity, lang), Rule: tt.of(f.Rule, lang),
			Message: f.Message.Pick(lang), Waived: f.Waived}
		if f.Source != nil && f.Source.Line > 0 {
			pf.Line = f.Source.Line
		}
		p.Findings = append(p.Findings, pf)
	}
	if fr.Document != nil {
		p.Sections = pageTables(fr.Document, cellMarks(fr.Findings), lang)
		p.Legend = cellLegend(lang)
	}
	return p
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

// pageTables lays out tables 2, 3 and 4 of doc's template, each cell
// with its address and its highlight.
func pageTables(doc *schema.Document, marks map[string]string, lang string) []pageSection {
	t := schema.Templates[schema.Template2021]
	if doc.Meta.Template != nil {
		if x, ok := schema.Templates[*doc.Meta.Template]; ok {
			t = x
		}
	}
	present := false
	cell := func(addr string, c *schema.Cell) pageCell {
		present = present || c != nil
		return pageCell{Class: marks[addr], Title: cellNameOf(addr, lang), Text: pageCellText(c, lang), addr: addr, cell: c}
	}
	// done closes a table: whether any of its cells was there.
	done := func(pt *pageTable) {
		pt.present, present = present, false
	}
	labels := func(cs []schema.ColDef) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Label
		}
		return out
	}
	active := pageSection{Heading: pick(lang, "表二 主动公开政府信息情况", "Table 2: active disclosure")}
	for _, st := range t.Active {
		pt := pageTable{Caption: st.Caption, Span: len(st.Cols) + 1, Corner: pick(lang, "信息内容", "item"), Cols: labels(st.Cols), key: "active." + st.ID}
		for _, r := range st.Rows {
			row := pageRow{Label: r.Label}
			for _, c := range st.Cols {
				row.Cells = append(row.Cells, cell("active."+st.ID+"."+r.ID+"."+c.ID, doc.Tables.Active[st.ID][r.ID][c.ID]))
			}
			pt.Rows = append(pt.Rows, row)
		}
		done(&pt)
		active.Tables = append(active.Tables, pt)
	}
	req := pageTable{Cols: labels(t.RequestCols), key: "requests"}
	for _, r := range t.RequestRows {
		label := r.Label
		if r.Group != "" && !strings.HasPrefix(r.Group, "三、") {
			label = r.Group + " " + r.Label
		}
		row := pageRow{Label: label}
		for _, c := range t.RequestCols {
			row.Cells = append(row.Cells, cell("requests."+r.ID+"."+c.ID, doc.Tables.Requests[r.ID][c.ID]))
		}
		req.Rows = append(req.Rows, row)
	}
	done(&req)
	rev := pageTable{Cols: labels(t.ReviewCols), key: "review_litigation"}
	for _, g := range t.ReviewGroups {
		row := pageRow{Label: engine.Label("review.group", g.ID)}
		for _, c := range t.ReviewCols {
			row.Cells = append(row.Cells, cell("review_litigation."+g.ID+"."+c.ID, doc.Tables.ReviewLitigation[g.ID][c.ID]))
		}
		rev.Rows = append(rev.Rows, row)
	}
	done(&rev)
	return []pageSection{active,
		{Heading: pick(lang, "表三 收到和处理政府信息公开申请情况", "Table 3: requests"), Tables: []pageTable{req}},
		{Heading: pick(lang, "表四 行政复议、行政诉讼情况", "Table 4: reconsideration and litigation"), Tables: []pageTable{rev}}}
}

// pageCellText is how a table shows a cell; "—" for one the report does
// not have.
func pageCellText(c *schema.Cell, lang string) string {
	if c == nil {
		return "—"
	}
	return cellValue(engine.CellRef{Value: c.Value, Raw: c.Raw, Status: c.Status, Candidates: c.Candidates}, lang)
}

var htmlFormat = &Format{Name: "html", Help: "a self-contained page per report with its tables, failing cells marked",
	PerReport: true, Ext: ".html",
	WriteReport: func(w io.Writer, fr FileReport, src *Source) error {
		return writeHTML(w, fr, src.Lang, newTitles(src.Rules))
	},
	Write: func(w io.Writer, src *Source) error {
		tt := newTitles(src.Rules)
		for r := range src.reports(false) {
			if err := writeHTML(w, r.Report, src.Lang, tt); err != nil {
				return err
			}
		}
		return nil
	}}
