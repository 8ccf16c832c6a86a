// Package render writes a canonical document back out in the layouts real
// reports are published in — tab-separated text, an HTML page with rowspan
// and colspan, a DOCX with merged cells — so that tests can prove that the
// same report reads the same in every format, and so that batches of
// realistic inputs can be generated.
package render

import (
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// cellText is what a renderer writes for a cell: the raw text when there is
// one (so 无 and blanks survive), the number otherwise, nothing when missing.
func cellText(c *schema.Cell) string {
	if c == nil || c.Status == schema.StatusMissing {
		return ""
	}
	if c.Value == nil {
		return c.Raw
	}
	v := strconv.FormatFloat(*c.Value, 'f', -1, 64)
	// A value cut out of a run of digits keeps the whole run as its raw
	// text: write the value, not the run.
	if c.Raw == "" || onlyDigits(c.Raw) && strings.ReplaceAll(c.Raw, " ", "") != v {
		return v
	}
	return c.Raw
}

func onlyDigits(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != ' ' {
			return false
		}
	}
	return s != ""
}

// grid is a table as rows of cells with spans, the common model of the
// three renderers.
type grid struct {
	caption string
	rows    [][]gcell
	// labels is the number of label columns on the left.
	labels int
}

type gcell struct {
	text             string
	colspan, rowspan int
	// covered marks a position covered by a span from above (DOCX needs a
	// continuation cell there; HTML and text skip or repeat it).
	covered bool
}

func tpl(doc *schema.Document) *schema.Template {
	if doc.Meta.Template != nil {
		if t, ok := schema.Templates[*doc.Meta.Template]; ok {
			return t
		}
	}
	return schema.Templates[schema.Template2021]
}

// activeGrid is one table-2 sub-table: caption row, header row, data rows.
func activeGrid(doc *schema.Document, st schema.SubTable) grid {
	n := len(st.Cols) + 1
	g := grid{caption: st.Caption, labels: 1}
	g.rows = append(g.rows, []gcell{{text: st.Caption, colspan: n, rowspan: 1}})
	hdr := []gcell{{text: "信息内容", colspan: 1, rowspan: 1}}
	for _, c := range st.Cols {
		hdr = append(hdr, gcell{text: c.Label, colspan: 1, rowspan: 1})
	}
	g.rows = append(g.rows, hdr)
	for _, r := range st.Rows {
		if !rowPresent(doc.Tables.Active[st.ID][r.ID]) {
			continue
		}
		row := []gcell{{text: r.Label, colspan: 1, rowspan: 1}}
		for _, c := range st.Cols {
			row = append(row, gcell{text: cellText(doc.Tables.Active[st.ID][r.ID][c.ID]), colspan: 1, rowspan: 1})
		}
		g.rows = append(g.rows, row)
	}
	return g
}

// requestsGrid is table 3 in the printed layout: three label columns with
// the 三、本年度办理结果 and （三）… group labels spanning rows.
func requestsGrid(doc *schema.Document, t *schema.Template) grid {
	g := grid{labels: 3}
	note := "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
	g.rows = append(g.rows,
		[]gcell{{text: note, colspan: 3, rowspan: 3}, {text: "申请人情况", colspan: 7, rowspan: 1}},
		[]gcell{{covered: true, colspan: 3}, {text: "自然人", colspan: 1, rowspan: 2}, {text: "法人或其他组织", colspan: 5, rowspan: 1}, {text: "总计", colspan: 1, rowspan: 2}},
		[]gcell{{covered: true, colspan: 3}, {covered: true, colspan: 1}, {text: "商业企业", colspan: 1, rowspan: 1}, {text: "科研机构", colspan: 1, rowspan: 1},
			{text: "社会公益组织", colspan: 1, rowspan: 1}, {text: "法律服务机构", colspan: 1, rowspan: 1}, {text: "其他", colspan: 1, rowspan: 1}, {covered: true, colspan: 1}},
	)
	// Rows the report lacks are not printed (a cut-off table stays cut off).
	// A row of the other template that the report mixed in is printed
	// where it stood, before （七）总计.
	var rows []schema.RowDef
	own := map[string]bool{}
	for _, r := range t.RequestRows {
		own[r.ID] = true
	}
	for _, r := range t.RequestRows {
		if r.ID == "total_handled" {
			for _, o := range otherTemplate(t).RequestRows {
				if !own[o.ID] && rowPresent(doc.Tables.Requests[o.ID]) {
					rows = append(rows, o)
				}
			}
		}
		if rowPresent(doc.Tables.Requests[r.ID]) {
			rows = append(rows, r)
		}
	}
	outcome := 0
	for _, r := range rows {
		if r.Group != "" {
			outcome++
		}
	}
	groupSize := map[string]int{}
	for _, r := range rows {
		if r.Group != "" && r.Group != "三、本年度办理结果" {
			groupSize[r.Group]++
		}
	}
	seenOutcome, seenGroup := false, map[string]bool{}
	for _, r := range rows {
		var row []gcell
		switch r.Group {
		case "":
			row = append(row, gcell{text: r.Label, colspan: 3, rowspan: 1})
		default:
			if !seenOutcome {
				row = append(row, gcell{text: "三、本年度办理结果", colspan: 1, rowspan: outcome})
				seenOutcome = true
			} else {
				row = append(row, gcell{covered: true, colspan: 1})
			}
			if r.Group == "三、本年度办理结果" {
				row = append(row, gcell{text: r.Label, colspan: 2, rowspan: 1})
			} else {
				if !seenGroup[r.Group] {
					row = append(row, gcell{text: r.Group, colspan: 1, rowspan: groupSize[r.Group]})
					seenGroup[r.Group] = true
				} else {
					row = append(row, gcell{covered: true, colspan: 1})
				}
				row = append(row, gcell{text: r.Label, colspan: 1, rowspan: 1})
			}
		}
		for _, c := range t.RequestCols {
			row = append(row, gcell{text: cellText(doc.Tables.Requests[r.ID][c.ID]), colspan: 1, rowspan: 1})
		}
		g.rows = append(g.rows, row)
	}
	return g
}

// reviewGrid is table 4: three header rows and one row of 15 values.
func reviewGrid(doc *schema.Document, t *schema.Template) grid {
	var g grid
	parts := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	row1 := []gcell{{text: "行政复议", colspan: 5, rowspan: 1}, {text: "行政诉讼", colspan: 10, rowspan: 1}}
	row2 := []gcell{}
	for _, p := range parts {
		row2 = append(row2, gcell{text: p, colspan: 1, rowspan: 2})
	}
	row2 = append(row2, gcell{text: "未经复议直接起诉", colspan: 5, rowspan: 1}, gcell{text: "复议后起诉", colspan: 5, rowspan: 1})
	row3 := []gcell{}
	for range parts {
		row3 = append(row3, gcell{covered: true, colspan: 1})
	}
	for i := 0; i < 2; i++ {
		for _, p := range parts {
			row3 = append(row3, gcell{text: p, colspan: 1, rowspan: 1})
		}
	}
	var data []gcell
	for _, gr := range t.ReviewGroups {
		for _, c := range t.ReviewCols {
			data = append(data, gcell{text: cellText(doc.Tables.ReviewLitigation[gr.ID][c.ID]), colspan: 1, rowspan: 1})
		}
	}
	g.rows = append(g.rows, row1, row2, row3, data)
	return g
}

// sectionText returns the text of a section, or "" when absent.
func section(doc *schema.Document, id string) (schema.Section, bool) {
	for _, s := range doc.Sections {
		if s.ID == id {
			return s, true
		}
	}
	return schema.Section{}, false
}

// block is one piece of the rendered report in order: a paragraph or a table.
type block struct {
	para  string
	table *grid
}

// blocks lays the report out: title, sections with their tables, 落款.
func blocks(doc *schema.Document) []block {
	t := tpl(doc)
	var out []block
	if doc.Meta.Title != "" {
		out = append(out, block{para: doc.Meta.Title})
	}
	for _, def := range schema.Sections {
		s, ok := section(doc, def.ID)
		if !ok {
			continue
		}
		out = append(out, block{para: s.Heading})
		for _, p := range strings.Split(s.Text, "\n") {
			if strings.TrimSpace(p) != "" {
				out = append(out, block{para: p})
			}
		}
		switch def.ID {
		case "active_disclosure":
			for _, st := range t.Active {
				g := activeGrid(doc, st)
				out = append(out, block{table: &g})
			}
		case "requests":
			g := requestsGrid(doc, t)
			out = append(out, block{table: &g})
		case "review_litigation":
			g := reviewGrid(doc, t)
			out = append(out, block{table: &g})
		}
	}
	if doc.Meta.Agency != "" {
		out = append(out, block{para: doc.Meta.Agency})
	}
	if doc.Meta.Published != nil {
		p := *doc.Meta.Published
		if len(p) == 10 {
			y, _ := strconv.Atoi(p[:4])
			m, _ := strconv.Atoi(p[5:7])
			d, _ := strconv.Atoi(p[8:])
			p = strconv.Itoa(y) + "年" + strconv.Itoa(m) + "月" + strconv.Itoa(d) + "日"
		}
		out = append(out, block{para: p})
	}
	return out
}

func rowPresent(row map[string]*schema.Cell) bool {
	for _, c := range row {
		if c != nil && c.Status != schema.StatusMissing {
			return true
		}
	}
	return false
}

func otherTemplate(t *schema.Template) *schema.Template {
	if t.ID == schema.Template2019 {
		return schema.Templates[schema.Template2021]
	}
	return schema.Templates[schema.Template2019]
}

// widths are the column widths, in em, of the narrow printed layout: label
// columns narrow enough that the template's long labels wrap, number
// columns as wide as a short number with a margin.
func (g grid) widths() []int {
	n := 0
	for _, c := range g.rows[len(g.rows)-1] {
		n += c.colspan
	}
	w := make([]int, n)
	for i := range w {
		w[i] = 3
		if i < g.labels {
			w[i] = 4
		}
	}
	if g.labels > 0 {
		w[g.labels-1] = 7
	}
	return w
}
