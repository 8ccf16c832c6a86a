package engine

import (
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// labels maps "<kind>:<id>" to the official Chinese label, so that messages
// name rows and columns the way the printed table does.
var labels = func() map[string]string {
	m := map[string]string{}
	put := func(kind, id, label string) {
		k := kind + ":" + id
		if _, ok := m[k]; !ok {
			m[k] = strings.TrimSpace(label)
		}
	}
	for _, id := range []string{schema.Template2021, schema.Template2019} {
		t := schema.Templates[id]
		for _, r := range t.RequestRows {
			put("requests.row", r.ID, r.Label)
			full := r.Label
			if r.Group != "" && !strings.HasPrefix(r.Group, "三、") {
				full = r.Group + r.Label
			}
			put("requests.row.full", r.ID, full)
		}
		for _, c := range t.RequestCols {
			put("requests.col", c.ID, c.Label)
		}
		for _, g := range t.ReviewGroups {
			label := g.Label
			if g.Group != "" {
				label = g.Group + "（" + g.Label + "）"
			}
			put("review.group", g.ID, label)
		}
		for _, c := range t.ReviewCols {
			put("review.col", c.ID, c.Label)
		}
		for _, s := range t.Active {
			put("active.subtable", s.ID, s.Caption)
			for _, r := range s.Rows {
				put("active.row", r.ID, r.Label)
			}
			for _, c := range s.Cols {
				put("active.col", c.ID, c.Label)
			}
		}
	}
	for _, s := range schema.Sections {
		put("section", s.ID, s.Heading)
	}
	// Table ids as table_info and the diagnostics name them.
	for id, n := range tableNames {
		put("table", id, n[0])
	}
	for _, id := range []string{schema.Template2021, schema.Template2019} {
		for _, s := range schema.Templates[id].Active {
			put("table", "active."+s.ID, "表二“"+s.Caption+"”")
		}
	}
	return m
}()

// Label returns the official Chinese label of an id: kind is one of
// requests.row, requests.row.full (with its group), requests.col,
// review.group, review.col, active.subtable, active.row, active.col,
// section and table (表三, 表二“第二十条第（一）项”); row.<table> is a row
// of that table (RowLabel) and cell a cell address (CellName); table.en and
// section.en name a table and a section for English messages. Unknown ids come back unchanged.
func Label(kind, id string) string {
	switch {
	case strings.HasPrefix(kind, "row."):
		return RowLabel(strings.TrimPrefix(kind, "row."), id)
	case kind == "cell":
		return AddressName(id, "zh")
	case kind == "table.en":
		return TableName(id, "en")
	case kind == "section.en":
		return SectionName(id, "en")
	}
	if l, ok := labels[kind+":"+id]; ok {
		return l
	}
	return id
}

// Table names as the printed report numbers them. Table 1 (收到和处理…) is
// numbered 表三 in the template; active.<subtable> is one part of 表二.
var tableNames = map[string][2]string{
	"active_disclosure": {"表二", "table 2"},
	"requests":          {"表三", "table 3"},
	"review_litigation": {"表四", "table 4"},
}

// TableName names a table of the report in lang ("en", else Chinese):
// 表三, or 表二“第二十条第（一）项” for a table-2 sub-table.
func TableName(table, lang string) string {
	if t, ok := strings.CutPrefix(table, "previous."); ok {
		// The year before's tables, which the continuity rules compare.
		if lang == "en" {
			return "last year's " + TableName(t, lang)
		}
		return "上年度报告" + TableName(t, lang)
	}
	if sub, ok := strings.CutPrefix(table, "active."); ok {
		if lang == "en" {
			return "table 2 " + Label("active.subtable", sub)
		}
		return "表二“" + Label("active.subtable", sub) + "”"
	}
	if n, ok := tableNames[table]; ok {
		if lang == "en" {
			return n[1]
		}
		return n[0]
	}
	return table
}

// tableKinds maps a table (table 2's sub-tables as "active") to the label
// kinds of its rows and columns; table 3's rows carry their group.
var tableKinds = map[string][2]string{
	"requests":          {"requests.row.full", "requests.col"},
	"review_litigation": {"review.group", "review.col"},
	"active":            {"active.row", "active.col"},
}

// axisLabel is the label of a row (axis 0) or column (axis 1) of table.
func axisLabel(table, id string, axis int) string {
	table = strings.TrimPrefix(table, "previous.")
	if strings.HasPrefix(table, "active.") {
		table = "active"
	}
	if k, ok := tableKinds[table]; ok {
		return Label(k[axis], id)
	}
	return id
}

// RowLabel is a row's printed label: for table 3 with the group cell that
// spans it (（三）不予公开 1.属于国家秘密), so that the numbered rows of
// different groups are told apart.
func RowLabel(table, row string) string { return axisLabel(table, row, 0) }

// ColLabel is a column's printed label.
func ColLabel(table, col string) string { return axisLabel(table, col, 1) }

// CellName names a cell by the labels printed on the table, the one way
// every output names it: 表三“（七）总计”行“科研机构”列. English keeps the
// Chinese labels (they are what the report prints) after an English table
// name: table 3, row “（七）总计”, column “科研机构”.
func CellName(c CellRef, lang string) string {
	t := TableName(c.Table, lang)
	if lang == "en" {
		s := t
		if c.Row != "" {
			s += ", row “" + RowLabel(c.Table, c.Row) + "”"
		}
		if c.Col != "" {
			s += ", column “" + ColLabel(c.Table, c.Col) + "”"
		}
		return s
	}
	s := t
	if c.Row != "" {
		s += "“" + RowLabel(c.Table, c.Row) + "”行"
	}
	if c.Col != "" {
		s += "“" + ColLabel(c.Table, c.Col) + "”列"
	}
	return s
}

// SectionName is a section's official heading (一、总体情况), in English
// its number and the heading.
func SectionName(id, lang string) string {
	h := Label("section", id)
	if lang == "en" {
		for i, s := range schema.Sections {
			if s.ID == id {
				return "section " + strconv.Itoa(i+1) + " “" + h + "”"
			}
		}
	}
	return h
}

// AddressName names the cell at a canonical address (table.row.col; a
// table-2 table id has a dot of its own) as CellName does.
func AddressName(addr, lang string) string {
	i := strings.LastIndexByte(addr, '.')
	if i < 0 {
		return addr
	}
	j := strings.LastIndexByte(addr[:i], '.')
	if j < 0 {
		return addr
	}
	return CellName(CellRef{Table: addr[:j], Row: addr[j+1 : i], Col: addr[i+1:]}, lang)
}

// ItemName names a rule's for_each item for the reader, trying the label
// kinds in turn: a section's heading, a table's name, then a row or column
// label (a table-3 column before a table-2 row, as the rules of table 3 are
// the most). Items with no label (a rule's own keys) come back unchanged.
func ItemName(item, lang string) string {
	if item == "" {
		return ""
	}
	if s := SectionName(item, lang); s != item {
		return s
	}
	if _, ok := labels["table:"+item]; ok {
		return TableName(item, lang)
	}
	if rest, ok := strings.CutPrefix(item, "active."); ok {
		// A diagnostic's table and column (active.art20_1.made).
		if sub, col, ok := strings.Cut(rest, "."); ok {
			return CellName(CellRef{Table: "active." + sub, Col: col}, lang)
		}
	}
	if _, ok := labels["active.subtable:"+item]; ok {
		return TableName("active."+item, lang)
	}
	if a, b, ok := strings.Cut(item, "/"); ok {
		// sub-table/row, as the table-2 continuity rules key their items.
		return TableName("active."+a, lang) + "“" + Label("active.row", b) + "”"
	}
	for _, kind := range []string{"requests.col", "review.group", "review.col", "active.row", "active.col", "requests.row.full"} {
		if l := Label(kind, item); l != item {
			return l
		}
	}
	return item
}
