package assess

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// Rule ids of the roster's parent-vs-children checks. They are not rules of
// a pack: they need the roster and the other bodies' reports, so the batch
// adds them to the aggregate report's findings after its rules ran.
const (
	// RuleAggregateTotal: a key figure of an aggregate (本行政区域) report's
	// table 3 is below the sum of its children's, or off it by more than the
	// roster's tolerance.
	RuleAggregateTotal = report.RuleAggregateTotal
	// RuleAggregateChildMissing: a body below an aggregate report has no
	// readable report for the year, so the sum leaves it out (a prompt).
	RuleAggregateChildMissing = report.RuleAggregateChildMissing
)

// aggregateFigures are the table-3 rows (总计 column) an aggregate report
// must cover: every one adds up over the bodies of a region.
var aggregateFigures = []struct{ row, zh, en string }{
	{"new_received", "本年新收申请", "new requests"},
	{"carried_over", "上年结转申请", "requests carried over"},
	{"total_handled", "办理结果总计", "requests handled"},
	{"carried_forward", "结转下年度继续办理", "requests carried forward"},
}

// rosterFacts is what the roster checks read of one report's document.
type rosterFacts struct {
	published, page string
	figures         []engine.CellRef // aggregateFigures' cells
}

// rosterRun is a batch's roster: which report is which body's, and the
// findings the parent-vs-children checks add to aggregate reports.
type rosterRun struct {
	ro       *Roster
	years    []int
	match    []int // entry → roster body, -1: none
	facts    []*rosterFacts
	groups   map[[2]int][]int // {body, year} → entries in batch order
	findings map[int][]engine.Finding
	entries  []entry
}

// deadlineFor is the last day of publication for a body type under the
// report's jurisdiction profile (its manifest row's, else the batch's; the
// statute without one: departments by 31 January, governments and
// townships by 31 March of the following year), as timeliness.deadline
// judges it.
func (b *batch) deadlineFor(e *entry, bodyType string, year int) string {
	p := e.in.Jurisdiction
	if p == nil {
		p = b.chk.Jurisdiction()
	}
	return p.DeadlineFor(bodyType).Date(year)
}

// prepareRoster matches the converted reports to the roster's bodies, reads
// their dates and table-3 figures, and works out the parent-vs-children
// findings, so that the check pass can add them to the aggregate reports.
func (b *batch) prepareRoster() {
	ro := b.opts.Roster
	rr := &rosterRun{ro: ro, match: make([]int, len(b.entries)), facts: make([]*rosterFacts, len(b.entries)),
		groups: map[[2]int][]int{}, findings: map[int][]engine.Finding{}, entries: b.entries}
	b.roster = rr
	keys := make([]string, len(ro.Bodies))
	ones := make([]int, len(ro.Bodies))
	for i, rb := range ro.Bodies {
		keys[i], ones[i] = rb.key, 1
	}
	x := newBodyIndex(keys, ones)
	years := map[int]bool{}
	for i := range b.entries {
		e := &b.entries[i]
		body, year := e.body, e.year
		if e.err != "" {
			// Nothing was read: the manifest is all that says whose it is.
			body, year = entryBody(e.in, e.in.Agency), e.in.Year
		}
		rr.match[i] = x.find(body, 1)
		if year != 0 {
			years[year] = true
		}
		if rr.match[i] >= 0 && year != 0 {
			k := [2]int{rr.match[i], year}
			rr.groups[k] = append(rr.groups[k], i)
		}
	}
	rr.years = b.opts.Years
	if len(rr.years) == 0 {
		for y := range years {
			rr.years = append(rr.years, y)
		}
	}
	rr.years = append([]int(nil), rr.years...)
	sort.Ints(rr.years)
	parallel(len(b.entries), b.jobs, func(i int) {
		if rr.match[i] < 0 || b.entries[i].err != "" {
			return
		}
		doc, err := b.docs.get(b.ctx, b.entries[i].key)
		if err != nil {
			return
		}
		f := &rosterFacts{}
		if doc.Meta.Published != nil {
			f.published = *doc.Meta.Published
		}
		if doc.Meta.PagePublished != nil {
			f.page = *doc.Meta.PagePublished
		}
		for _, fig := range aggregateFigures {
			f.figures = append(f.figures, requestCell(doc, fig.row))
		}
		rr.facts[i] = f
	})
	children := ro.children()
	for bi, rb := range ro.Bodies {
		if !rb.Aggregate {
			continue
		}
		for _, y := range rr.years {
			parent, ok := rr.usable(bi, y)
			if !ok {
				continue
			}
			fs := rr.aggregateFindings(bi, y, parent, children)
			for _, i := range rr.groups[[2]int{bi, y}] {
				rr.findings[i] = fs
			}
		}
	}
}

// requestCell is table 3's 总计 cell of a row as a finding cites it.
func requestCell(doc *schema.Document, row string) engine.CellRef {
	ref := engine.CellRef{Table: "requests", Row: row, Col: "total", Status: schema.StatusMissing,
		Pointer: "/tables/requests/" + row + "/total"}
	if c := doc.Tables.Requests[row]["total"]; c != nil {
		ref.Value, ref.Raw, ref.Status, ref.Confidence, ref.Candidates, ref.Source = c.Value, c.Raw, c.Status, c.Confidence, c.Candidates, c.Source
	}
	return ref
}

// usable is the entry of a body's one readable report for a year: not
// missing, not unreadable, not in two versions.
func (rr *rosterRun) usable(body, year int) (int, bool) {
	g := rr.groups[[2]int{body, year}]
	if len(g) == 0 || rr.facts[g[0]] == nil {
		return -1, false
	}
	return g[0], len(rr.distinct(g, rr.entries)) == 1
}

// part is a child's figure in a parent's sum.
type part struct {
	name  string
	value float64
}

// aggregateFindings compares an aggregate report's figures with the sum of
// the bodies below it. A child with its own aggregate report stands for
// everything below it; one without is counted and so are its children.
// Children without a usable report are left out of the sums and named in
// one prompt.
func (rr *rosterRun) aggregateFindings(bi, year, parent int, children [][]int) []engine.Finding {
	var counted []int
	var absent []string
	var walk func(c int)
	walk = func(c int) {
		i, ok := rr.usable(c, year)
		switch {
		case ok:
			counted = append(counted, i)
		case len(rr.groups[[2]int{c, year}]) == 0:
			absent = append(absent, rr.ro.Bodies[c].Name+"（未公开）")
		case i >= 0 && rr.facts[i] != nil:
			absent = append(absent, rr.ro.Bodies[c].Name+"（多个版本）")
		default:
			absent = append(absent, rr.ro.Bodies[c].Name+"（无法读取）")
		}
		if !ok || !rr.ro.Bodies[c].Aggregate {
			for _, g := range children[c] {
				walk(g)
			}
		}
	}
	for _, c := range children[bi] {
		walk(c)
	}
	var out []engine.Finding
	pf := rr.facts[parent]
	tol := rr.ro.Bodies[bi].Tolerance
	for k, fig := range aggregateFigures {
		cell := pf.figures[k]
		if len(counted) == 0 || cell.Value == nil {
			continue
		}
		var parts []part
		sum := 0.0
		for _, i := range counted {
			if v := rr.facts[i].figures[k].Value; v != nil {
				parts = append(parts, part{rr.ro.Bodies[rr.match[i]].Name, *v})
				sum += *v
			}
		}
		if len(parts) == 0 {
			continue
		}
		have := *cell.Value
		bad := have < sum
		if tol != nil {
			bad = have-sum > *tol || sum-have > *tol
		}
		if !bad {
			continue
		}
		var zhParts, enParts []string
		for _, p := range parts {
			zhParts = append(zhParts, p.name+" "+num(p.value)+"件")
			enParts = append(enParts, p.name+" "+num(p.value))
		}
		zh := fmt.Sprintf("本行政区域报告表三“%s”总计%s件，少于下级单位合计%s件（%s）", fig.zh, num(have), num(sum), strings.Join(zhParts, "、"))
		en := fmt.Sprintf("the region's report gives %s %s in table 3, fewer than the %s of the bodies below it (%s)", fig.en, num(have), num(sum), strings.Join(enParts, ", "))
		if tol != nil {
			zh = fmt.Sprintf("本行政区域报告表三“%s”总计%s件，与下级单位合计%s件相差超过允许误差%s件（%s）", fig.zh, num(have), num(sum), num(*tol), strings.Join(zhParts, "、"))
			en = fmt.Sprintf("the region's report gives %s %s in table 3, more than %s off the %s of the bodies below it (%s)", fig.en, num(have), num(*tol), num(sum), strings.Join(enParts, ", "))
		}
		exp, act := sum, have
		out = append(out, engine.Finding{Rule: RuleAggregateTotal, Severity: engine.SeverityError, Category: "consistency",
			Status: engine.StatusFail, Message: engine.Text{Zh: zh, En: en}, Cells: []engine.CellRef{cell},
			Expected: &exp, Actual: &act, Item: fig.row, Pointer: cell.Pointer, Source: cell.Source})
	}
	if len(absent) > 0 {
		en := make([]string, len(absent))
		for i, a := range absent {
			en[i] = strings.NewReplacer("（未公开）", " (missing)", "（多个版本）", " (several versions)", "（无法读取）", " (unreadable)").Replace(a)
		}
		out = append(out, engine.Finding{Rule: RuleAggregateChildMissing, Severity: engine.SeverityInfo, Category: "completeness",
			Status: engine.StatusFail, Item: strconv.Itoa(year),
			Message: engine.Text{Zh: fmt.Sprintf("提示：下级单位%d年度报告缺少或无法核对，未计入本行政区域汇总核对：%s", year, strings.Join(absent, "、")),
				En: fmt.Sprintf("note: the %d reports of these bodies below are missing or cannot be used, and are left out of the region's sums: %s", year, strings.Join(en, ", "))}})
	}
	return out
}

// distinct is a group's entries with their inputs' keys told apart: one
// entry per different input (the same bytes in two folders are one).
func (rr *rosterRun) distinct(g []int, entries []entry) []int {
	var out []int
	seen := map[string]bool{}
	for _, i := range g {
		k := entries[i].key
		if k == "" {
			k = "\x00" + entries[i].in.File // unreadable before it was hashed
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, i)
		}
	}
	return out
}

// num prints a figure as the outputs do.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// withRosterFindings adds the parent-vs-children findings to an aggregate
// report's result; they are not scored (the score is the report's own, and
// these depend on the other reports and the roster), but they count and can
// fail the run as any finding.
func (b *batch) withRosterFindings(i int, sr *storedResult) {
	if b.roster == nil || len(b.roster.findings[i]) == 0 || sr.Report.IsUnreadable() {
		return
	}
	fs := append([]engine.Finding(nil), b.roster.findings[i]...)
	sr.Report.Findings = append(sr.Report.Findings, fs...)
	report.SortFindings(sr.Report.Findings)
	sr.Report.Counts = report.CountFindings(sr.Report.Findings)
	for _, f := range fs {
		if b.chk.Fails(f) {
			sr.Code = sr.Code.Worse(check.ExitCompliance)
		}
	}
}

// coverage is the roster's coverage once every report is checked.
func (b *batch) coverage() *report.Coverage {
	rr := b.roster
	if rr == nil {
		return nil
	}
	cov := &report.Coverage{Roster: filepath.ToSlash(rr.ro.File), Bodies: len(rr.ro.Bodies), Years: rr.years, Rows: []report.CoverageRow{}}
	inYears := map[int]bool{}
	for _, y := range rr.years {
		inYears[y] = true
	}
	for bi, rb := range rr.ro.Bodies {
		for _, y := range rr.years {
			row := report.CoverageRow{Body: rb.Name, Parent: rb.Parent, Type: rb.Type, Year: y, Files: []string{}}
			b.coverageStatus(&row, rb, rr.groups[[2]int{bi, y}])
			cov.Rows = append(cov.Rows, row)
		}
	}
	for i := range b.entries {
		e := &b.entries[i]
		year := e.year
		if e.err != "" {
			year = e.in.Year
		}
		if rr.match[i] >= 0 || !inYears[year] {
			continue
		}
		name := e.agency
		if e.err != "" {
			name = e.in.Agency
		}
		cov.Rows = append(cov.Rows, report.CoverageRow{Body: name, Year: year, Status: report.CoverageOffRoster,
			Files: []string{filepath.ToSlash(e.in.OutputName())},
			Note:  engine.Text{Zh: "名册中没有与报告机关对应的单位", En: "no body of the roster matches the report's body"}})
	}
	return cov
}

// coverageStatus fills a body-year's status, files and note from its
// reports.
func (b *batch) coverageStatus(row *report.CoverageRow, rb RosterBody, g []int) {
	rr := b.roster
	for _, i := range g {
		row.Files = append(row.Files, filepath.ToSlash(b.entries[i].in.OutputName()))
	}
	if len(g) == 0 {
		row.Status = report.CoverageMissing
		row.Note = engine.Text{Zh: "批次中没有该单位本年度的报告", En: "the batch has no report of this body for the year"}
		if rb.URL != "" {
			row.Note.Zh += "；名册网址：" + rb.URL
			row.Note.En += "; roster address: " + rb.URL
		}
		return
	}
	if d := rr.distinct(g, b.entries); len(d) > 1 {
		row.Status = report.CoverageVersions
		row.Note = engine.Text{Zh: fmt.Sprintf("同一单位同一年度有%d个内容不同的版本", len(d)),
			En: fmt.Sprintf("%d different versions of one body's report for the year", len(d))}
		return
	}
	e := &b.entries[g[0]]
	if e.err != "" {
		fr := e.unreadableReport()
		row.Status = report.CoverageUnreadable
		row.Note = engine.Text{Zh: fr.UnreadableReason("zh"), En: fr.UnreadableReason("en")}
		return
	}
	deadline := b.deadlineFor(e, rb.Type, row.Year)
	f := rr.facts[g[0]]
	if f == nil {
		f = &rosterFacts{}
	}
	var zh, en []string
	if f.published != "" && f.published > deadline {
		zh = append(zh, "落款日期"+f.published)
		en = append(en, "dated "+f.published)
	}
	if f.page != "" && f.page > deadline {
		zh = append(zh, "网页发布日期"+f.page)
		en = append(en, "posted "+f.page)
	}
	switch {
	case len(zh) > 0:
		row.Status = report.CoverageLate
		row.Note = engine.Text{Zh: strings.Join(zh, "，") + "，晚于规定期限" + deadline,
			En: strings.Join(en, ", ") + ", after the deadline " + deadline}
	case f.published == "" && f.page == "":
		row.Status = report.CoveragePublished
		row.Note = engine.Text{Zh: "报告未注明落款日期，无法判断是否按期发布", En: "the report is not dated: whether it was on time cannot be told"}
	default:
		row.Status = report.CoveragePublished
	}
}
