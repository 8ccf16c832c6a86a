package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// TablesHTML is the check page's tables of one report (tables 2, 3 and 4
// under their headings, after the legend of the highlights) as a fragment
// for another page: failing cells are highlighted as on the check page,
// and every cell is <td id="cell-<addr>" data-addr="<addr>"> with addr its
// engine.CellRef.Address(), so that a page can link a finding to its
// cells. PageCSS styles it.
func TablesHTML(doc *schema.Document, fs []engine.Finding, lang string) (template.HTML, error) {
	if doc == nil {
		return "", errors.New("report: tables: no document")
	}
	sections := pageTables(doc, cellMarks(fs), lang)
	for _, s := range sections {
		for _, t := range s.Tables {
			for _, r := range t.Rows {
				for i := range r.Cells {
					r.Cells[i].ID, r.Cells[i].Data = r.Cells[i].addr, r.Cells[i].addr
				}
			}
		}
	}
	return executeFragment("fragment-tables", struct {
		Legend   []legendItem
		Sections []pageSection
	}{cellLegend(lang), sections})
}

// compareView is what the fragment-compare template draws.
type compareView struct {
	Legend              []legendItem
	CurLabel, PrevLabel string
	// NoPrevious, when set, says there is no previous report to compare.
	NoPrevious string
	Sections   []compareSection
}

type compareSection struct {
	Heading string
	Pairs   []comparePair
}

// comparePair is one table in both years; a nil side is a table that
// year's report does not have, said in words.
type comparePair struct {
	Cur, Prev               *pageTable
	CurMissing, PrevMissing string
}

// CompareHTML sets each table of the current report beside the same
// table of the previous year's, as a fragment for another page: a cell
// whose value differs from the other year's (its number, or its text when
// either is not a number) has class "changed" and says the other year's
// value in its title (上年：…). A table one year's report does not have
// (another template, or none of its cells there) is said so in words.
// Cells carry data-addr="<addr>" but no id, so that the fragment can sit
// on a page beside TablesHTML. prev nil gives a sentence saying there is
// nothing to compare.
func CompareHTML(cur, prev *schema.Document, lang string) (template.HTML, error) {
	if cur == nil {
		return "", errors.New("report: compare: no current document")
	}
	v := compareView{Legend: []legendItem{{"changed", pick(lang, "与上年不同", "differs from the previous year")}},
		CurLabel: yearLabel(cur, pick(lang, "本年报告", "This year's report"), lang), PrevLabel: pick(lang, "上年报告", "Previous year's report")}
	if prev == nil {
		return executeFragment("fragment-compare", compareView{
			NoPrevious: pick(lang, "没有上年报告，无法比较。", "There is no previous year's report to compare with.")})
	}
	curS := pageTables(cur, nil, lang)
	v.PrevLabel = yearLabel(prev, v.PrevLabel, lang)
	prevS := pageTables(prev, nil, lang)
	for si, s := range curS {
		cs := compareSection{Heading: s.Heading}
		prevTables := map[string]*pageTable{}
		var prevOrder []string
		if si < len(prevS) {
			for i := range prevS[si].Tables {
				t := &prevS[si].Tables[i]
				prevTables[t.key] = t
				prevOrder = append(prevOrder, t.key)
			}
		}
		seen := map[string]bool{}
		for i := range s.Tables {
			t := &s.Tables[i]
			seen[t.key] = true
			cs.Pairs = append(cs.Pairs, present(comparePair{Cur: t, Prev: prevTables[t.key]}, lang))
		}
		// Last year's tables this year's template no longer has.
		for _, k := range prevOrder {
			if !seen[k] {
				cs.Pairs = append(cs.Pairs, present(comparePair{Prev: prevTables[k]}, lang))
			}
		}
		v.Sections = append(v.Sections, cs)
	}
	for _, s := range v.Sections {
		for _, p := range s.Pairs {
			if p.Cur != nil && p.Prev != nil {
				markChanged(p.Cur, p.Prev, lang)
			}
		}
	}
	return executeFragment("fragment-compare", v)
}

// present drops a side whose report has none of the table's cells and
// says why each missing side is missing.
func present(p comparePair, lang string) comparePair {
	if p.Cur != nil && !p.Cur.present {
		p.Cur = nil
	}
	if p.Prev != nil && !p.Prev.present {
		p.Prev = nil
	}
	for _, t := range []*pageTable{p.Cur, p.Prev} {
		if t != nil {
			for _, r := range t.Rows {
				for i := range r.Cells {
					r.Cells[i].Data = r.Cells[i].addr
				}
			}
		}
	}
	if p.Cur == nil {
		p.CurMissing = pick(lang, "本年报告没有此表。", "This year's report does not have this table.")
	}
	if p.Prev == nil {
		p.PrevMissing = pick(lang, "上年报告没有此表。", "The previous year's report does not have this table.")
	}
	return p
}

// markChanged marks the cells of cur and prev at the same address whose
// values differ, each titled with the other year's value.
func markChanged(cur, prev *pageTable, lang string) {
	prevCells := map[string]*pageCell{}
	for _, r := range prev.Rows {
		for i := range r.Cells {
			prevCells[r.Cells[i].addr] = &r.Cells[i]
		}
	}
	for _, r := range cur.Rows {
		for i := range r.Cells {
			c := &r.Cells[i]
			p, ok := prevCells[c.addr]
			if !ok {
				// Last year's template has no such cell: nothing to compare.
				continue
			}
			if !cellsDiffer(c.cell, p.cell) {
				continue
			}
			c.Class, c.Title = "changed", pick(lang, "上年：", "previous year: ")+p.Text
			p.Class, p.Title = "changed", pick(lang, "本年：", "this year: ")+c.Text
		}
	}
}

// cellsDiffer compares two years' cells: by number when both are numbers,
// else by text; a cell a report does not have equals an empty one.
func cellsDiffer(a, b *schema.Cell) bool {
	if a != nil && b != nil && a.Value != nil && b.Value != nil {
		return *a.Value != *b.Value
	}
	if (a != nil && a.Value != nil) != (b != nil && b.Value != nil) {
		return true
	}
	raw := func(c *schema.Cell) string {
		if c == nil {
			return ""
		}
		return strings.TrimSpace(c.Raw)
	}
	return raw(a) != raw(b)
}

// yearLabel adds the report's year to label when it has one.
func yearLabel(doc *schema.Document, label, lang string) string {
	if doc.Meta.Year == nil {
		return label
	}
	return label + pick(lang, fmt.Sprintf("（%d年）", *doc.Meta.Year), fmt.Sprintf(" (%d)", *doc.Meta.Year))
}

func executeFragment(name string, data any) (template.HTML, error) {
	t, err := pageTemplates()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("report: %s: %w", name, err)
	}
	// The template escaped every value for where it lands.
	return template.HTML(b.String()), nil
}

// PageCSS is the style TablesHTML and CompareHTML need, scoped to their
// wrappers (.ogi-tables, .ogi-compare) so that it sits in the server's
// page beside its own style. It is not the check page's style, which is a
// whole page's (body, headings) and stays as it is.
func PageCSS() template.CSS { return template.CSS(asset(fragmentsCSS)) }
