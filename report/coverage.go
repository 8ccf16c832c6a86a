package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/engine"
)

// Coverage statuses (CoverageRow.Status): each body and year of a roster
// is in exactly one, so the counts add up to the rows.
const (
	// CoveragePublished: one report, readable, not dated after the deadline.
	CoveragePublished = "published"
	// CoverageMissing: no report of the body for the year in the batch.
	CoverageMissing = "missing"
	// CoverageUnreadable: the body's report gave nothing to check (a scan,
	// an empty file, a text that is not a report, a file that would not open).
	CoverageUnreadable = "unreadable"
	// CoverageLate: dated (落款) or posted (the page's 发布时间) after the
	// deadline.
	CoverageLate = "late"
	// CoverageVersions: two or more different inputs (their bytes differ)
	// for one body and year: a report changed after publication, or
	// different on two platforms.
	CoverageVersions = "versions"
	// CoverageOffRoster: a report of the batch that matches no body of the
	// roster (a name the roster spells otherwise, or a body it lacks).
	CoverageOffRoster = "off_roster"
)

// CoverageStatuses lists the statuses in the order counts are shown.
var CoverageStatuses = []string{CoveragePublished, CoverageMissing, CoverageUnreadable, CoverageLate, CoverageVersions, CoverageOffRoster}

var coverageNames = map[string][2]string{
	CoveragePublished: {"已公开", "published"}, CoverageMissing: {"未公开", "missing"}, CoverageUnreadable: {"无法读取", "unreadable"},
	CoverageLate: {"逾期", "late"}, CoverageVersions: {"多个版本", "several versions"}, CoverageOffRoster: {"不在名册", "not on the roster"},
}

// CoverageStatusLabel is the word an officer reads for a coverage status.
func CoverageStatusLabel(status, lang string) string {
	if n, ok := coverageNames[status]; ok {
		return pick(lang, n[0], n[1])
	}
	return status
}

var bodyTypeNames = map[string][2]string{
	"government": {"人民政府", "people's government"}, "department": {"政府部门", "department"}, "township": {"乡镇（街道）", "township"},
}

// BodyTypeLabel names a roster body type (government, department,
// township) in lang.
func BodyTypeLabel(t, lang string) string {
	if n, ok := bodyTypeNames[t]; ok {
		return pick(lang, n[0], n[1])
	}
	return t
}

// Coverage is what a roster run found: for every body of the roster and
// every year covered, whether its report is there, readable, on time and
// one version; then the batch's reports that match no body.
type Coverage struct {
	// Roster is the roster file.
	Roster string `json:"roster"`
	// Bodies is the number of bodies on the roster; Years the years covered.
	Bodies int   `json:"bodies"`
	Years  []int `json:"years"`
	// Rows are in roster order, a body's years ascending, then the reports
	// not on the roster in batch order.
	Rows []CoverageRow `json:"rows"`
}

// CoverageRow is one body and year.
type CoverageRow struct {
	Body   string `json:"body"`
	Parent string `json:"parent,omitempty"`
	// Type is government, department or township ("" off the roster).
	Type   string `json:"type,omitempty"`
	Year   int    `json:"year"`
	Status string `json:"status"`
	// Files are the body's reports for the year, in batch order.
	Files []string `json:"files"`
	// Note says why: the dates against the deadline, the reason a file
	// could not be read, the versions, the roster's address of the body.
	Note engine.Text `json:"note"`
}

// Count is the number of rows with the status.
func (c *Coverage) Count(status string) int {
	n := 0
	for _, r := range c.Rows {
		if r.Status == status {
			n++
		}
	}
	return n
}

// Summary is the run summary's coverage part, in English as the rest of
// the line: "12 bodies: 9 published, 1 missing, 1 late", the other statuses
// only when some rows have them. The counts are of body-years and add up.
func (c *Coverage) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bodies", c.Bodies)
	if len(c.Years) > 1 {
		fmt.Fprintf(&b, " × %d years", len(c.Years))
	}
	fmt.Fprintf(&b, ": %d published, %d missing, %d late", c.Count(CoveragePublished), c.Count(CoverageMissing), c.Count(CoverageLate))
	if n := c.Count(CoverageUnreadable); n > 0 {
		fmt.Fprintf(&b, ", %d unreadable", n)
	}
	if n := c.Count(CoverageVersions); n > 0 {
		fmt.Fprintf(&b, ", %d with several versions", n)
	}
	if n := c.Count(CoverageOffRoster); n > 0 {
		fmt.Fprintf(&b, "; %d reports not on the roster", n)
	}
	return b.String()
}

// coverageSheet is the workbook's 覆盖情况 sheet: one row per body and year.
func coverageSheet(c *Coverage, lang string) xlsxSheet {
	return xlsxSheet{name: "覆盖情况", count: len(c.Rows),
		cols: []xlsxCol{{"单位", "Body", 30, colText}, {"上级", "Parent", 26, colText}, {"类型", "Type", 12, colText},
			{"年度", "Year", 8, colInt}, {"状态", "Status", 10, colText}, {"报告文件", "Files", 40, colWrap}, {"说明", "Note", 70, colWrap}},
		rows: func(yield func([]any) bool) {
			for _, r := range c.Rows {
				if !yield([]any{r.Body, r.Parent, BodyTypeLabel(r.Type, lang), r.Year, CoverageStatusLabel(r.Status, lang),
					strings.Join(r.Files, "\n"), r.Note.Pick(lang)}) {
					return
				}
			}
		}}
}

// coveragePanel is the dashboard's 覆盖情况 panel: a tile per status and
// the rows that are not 已公开, missing bodies first.
type coveragePanel struct {
	// Legend says what the tiles' colours mean.
	Title, Roster, Legend string
	Tiles                 []dashTile
	Header                []string
	Rows                  []coverageLine
}

// coverageLine is a row of the panel's table; Status is its class.
type coverageLine struct {
	Status, Body, Year, Label, Note string
}

func newCoveragePanel(c *Coverage, lang string) *coveragePanel {
	if c == nil {
		return nil
	}
	p := &coveragePanel{Title: pick(lang, "覆盖情况", "Coverage"), Roster: c.Roster,
		Legend: pick(lang, "图例：红色为未公开或无法读取，橙色为逾期、多个版本或不在名册，其余为已公开。",
			"Legend: red, not published or unreadable; orange, late, several versions or not on the roster; the rest published."),
		Header: []string{pick(lang, "单位", "Body"), pick(lang, "年度", "Year"), pick(lang, "状态", "Status"), pick(lang, "说明", "Note")}}
	for _, s := range CoverageStatuses {
		n := c.Count(s)
		if n == 0 && (s == CoverageOffRoster || s == CoverageVersions) {
			continue
		}
		cls := "tile cov-" + s
		if n > 0 && s != CoveragePublished {
			cls += " some"
		}
		p.Tiles = append(p.Tiles, dashTile{Class: cls, Value: fmt.Sprint(n), Label: CoverageStatusLabel(s, lang)})
	}
	order := map[string]int{}
	for i, s := range CoverageStatuses {
		order[s] = i
	}
	var rows []CoverageRow
	for _, r := range c.Rows {
		if r.Status != CoveragePublished {
			rows = append(rows, r)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return order[rows[i].Status] < order[rows[j].Status] })
	for _, r := range rows {
		p.Rows = append(p.Rows, coverageLine{Status: r.Status, Body: r.Body, Year: fmt.Sprint(r.Year),
			Label: CoverageStatusLabel(r.Status, lang), Note: r.Note.Pick(lang)})
	}
	return p
}
