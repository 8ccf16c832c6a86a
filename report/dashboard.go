package report

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"iter"
	"math"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// Grid is a report's tables flattened in template order, with the highlight
// of each failing cell. A batch keeps a Grid instead of the document, so the
// dashboard can draw any report's tables while memory stays per-report small.
type Grid struct {
	Template string   `json:"t"`
	Cells    []string `json:"c"`
	// Marks maps a cell address (requests.granted.total) to bad, review or
	// cannot.
	Marks map[string]string `json:"m,omitempty"`
}

// NewGrid flattens doc's tables in the order gridLayout walks them, and
// marks the cells of the findings.
func NewGrid(doc *schema.Document, findings []engine.Finding, lang string) *Grid {
	g := GridOf(doc, lang)
	if g == nil {
		return nil
	}
	return g.Marked(findings)
}

// Marked is the grid with the cells of the findings marked: a batch
// flattens the tables while the document is in memory, and marks them
// once the findings are complete.
func (g *Grid) Marked(findings []engine.Finding) *Grid {
	m := *g
	m.Marks = cellMarks(findings)
	return &m
}

// GridOf flattens doc's tables in the order gridLayout walks them, with no
// cell marked.
func GridOf(doc *schema.Document, lang string) *Grid {
	if doc == nil {
		return nil
	}
	tpl := schema.Template2021
	if doc.Meta.Template != nil {
		if _, ok := schema.Templates[*doc.Meta.Template]; ok {
			tpl = *doc.Meta.Template
		}
	}
	g := &Grid{Template: tpl}
	text := func(c *schema.Cell) string {
		if c == nil {
			return ""
		}
		if c.Status == schema.StatusNumber && c.Value != nil {
			return num(*c.Value)
		}
		if c.Status == schema.StatusMissing {
			return ""
		}
		return cellValue(engine.CellRef{Value: c.Value, Raw: c.Raw, Status: c.Status, Candidates: c.Candidates}, lang)
	}
	t := schema.Templates[tpl]
	for _, st := range t.Active {
		for _, r := range st.Rows {
			for _, c := range st.Cols {
				g.Cells = append(g.Cells, text(doc.Tables.Active[st.ID][r.ID][c.ID]))
			}
		}
	}
	for _, r := range t.RequestRows {
		for _, c := range t.RequestCols {
			g.Cells = append(g.Cells, text(doc.Tables.Requests[r.ID][c.ID]))
		}
	}
	for _, gr := range t.ReviewGroups {
		for _, c := range t.ReviewCols {
			g.Cells = append(g.Cells, text(doc.Tables.ReviewLitigation[gr.ID][c.ID]))
		}
	}
	return g
}

// layoutTable is one table of a template as the dashboard script draws it.
type layoutTable struct {
	Caption string      `json:"caption"`
	Prefix  string      `json:"prefix"` // address prefix: active.art20_1, requests, review_litigation
	Cols    [][2]string `json:"cols"`   // id, label
	Rows    [][2]string `json:"rows"`
}

// gridLayout describes, per template, the tables in Grid order.
func gridLayout(lang string) map[string][]layoutTable {
	out := map[string][]layoutTable{}
	for id, t := range schema.Templates {
		var ts []layoutTable
		pairs := func(cs []schema.ColDef) [][2]string {
			var p [][2]string
			for _, c := range cs {
				p = append(p, [2]string{c.ID, c.Label})
			}
			return p
		}
		for _, st := range t.Active {
			lt := layoutTable{Caption: st.Caption, Prefix: "active." + st.ID, Cols: pairs(st.Cols)}
			for _, r := range st.Rows {
				lt.Rows = append(lt.Rows, [2]string{r.ID, r.Label})
			}
			ts = append(ts, lt)
		}
		req := layoutTable{Caption: pick(lang, "表三 收到和处理政府信息公开申请情况", "Table 3: requests"), Prefix: "requests", Cols: pairs(t.RequestCols)}
		for _, r := range t.RequestRows {
			label := r.Label
			if r.Group != "" && !strings.HasPrefix(r.Group, "三、") {
				label = r.Group + " " + r.Label
			}
			req.Rows = append(req.Rows, [2]string{r.ID, label})
		}
		rev := layoutTable{Caption: pick(lang, "表四 行政复议、行政诉讼情况", "Table 4: reconsideration and litigation"), Prefix: "review_litigation", Cols: pairs(t.ReviewCols)}
		for _, g := range t.ReviewGroups {
			rev.Rows = append(rev.Rows, [2]string{g.ID, engine.Label("review.group", g.ID)})
		}
		out[id] = append(ts, req, rev)
	}
	return out
}

// DashboardOptions shape the dashboard.
type DashboardOptions struct {
	Lang string
	// MaxDetails caps the reports whose findings and tables are embedded
	// (0: all): past it, the lowest-scored reports keep their drill-down,
	// as those are the ones an office reviews, and a page of 100,000
	// drill-downs would be too large for a browser.
	MaxDetails int
	// Coverage, when set, adds the roster's 覆盖情况 panel.
	Coverage *Coverage
	// Rules name the rules in the drill-downs by their titles.
	Rules []*engine.Rule
}

// dashReport is one report in the dashboard's embedded data.
type dashReport struct {
	File     string   `json:"f"`
	Agency   string   `json:"a"`
	Year     *int     `json:"y"`
	Score    *float64 `json:"s"`
	Grade    string   `json:"g"`
	Rank     int      `json:"r"`
	Errors   int      `json:"e"`
	Warnings int      `json:"w"`
	Review   int      `json:"n"`
	// Error is set for an unreadable report: 无法读取 and the reason.
	Error string `json:"x,omitempty"`
	// Findings are, each: the rule's title, the severity (the item's
	// class), the status, the message, the cells and the word shown for
	// the severity or status (错误, 无法核验, 已豁免…).
	Findings [][6]string `json:"fs"`
	// Reviews are the office's decisions on the findings that have one,
	// by their index in Findings.
	Reviews []dashReview `json:"rv,omitempty"`
	Grid    *Grid        `json:"grid,omitempty"`
	// Omitted is set when the drill-down was left out (MaxDetails).
	Omitted bool `json:"o,omitempty"`
}

// dashReview is a finding's decision as the drill-down shows it: the
// verdict (its code, for the colour, and its words) and what came with it
// (reason, owner, due date, who decided and when).
type dashReview struct {
	Index   int    `json:"i"`
	Verdict string `json:"v"`
	Label   string `json:"l"`
	Note    string `json:"n,omitempty"`
}

// WriteDashboard writes one self-contained HTML page for a batch: score
// distribution, findings by category, the rules that fail most, and a table
// of reports whose rows open a drill-down with the findings and the tables,
// failing cells highlighted. Charts are inline SVG and the script is inline,
// so it works offline. Reports stream into the page: memory does not grow
// with the batch. #r=N in the address opens report N (counted from 1, in the batch's order) on load; #unreadable
// lists only the unreadable reports.
func WriteDashboard(w io.Writer, reports func() iter.Seq[Ranked], c *CohortStats, opt DashboardOptions) error {
	t, err := pageTemplates()
	if err != nil {
		return err
	}
	if c == nil {
		c = NewCohortStats(nil)
	}
	if reports == nil {
		reports = Slice(nil)
	}
	page := newDashboardPage(c, opt.Lang)
	page.Coverage = newCoveragePanel(opt.Coverage, opt.Lang)
	tt := newTitles(opt.Rules)
	// The reports are marshalled here, one at a time as the template
	// reaches them, so that an error (a NaN score) stops the page instead
	// of being written into it. They reach the template as JS: what its
	// escaper would make of the JSON is the JSON itself (json.Marshal has
	// already escaped <, >, &, U+2028 and U+2029 and compacted it, and an
	// object needs no padding), and having it marshal each report a second
	// time to find that out was a third of the dashboard's CPU.
	detailBelow := math.Inf(1) // scores up to this keep their drill-down
	if all, _ := c.Reports(); opt.MaxDetails > 0 && all > opt.MaxDetails {
		if scores := c.Scores(); len(scores) > 0 {
			detailBelow = scores[min(opt.MaxDetails, len(scores))-1]
		}
	}
	var dataErr error
	page.Data = func(yield func(int, template.JS) bool) {
		i := 0
		for r := range reports() {
			b, err := json.Marshal(newDashReport(r, detailBelow, opt.Lang, tt))
			if err != nil {
				dataErr = err
				return
			}
			if !yield(i, template.JS(b)) {
				return
			}
			i++
		}
	}
	if err := t.ExecuteTemplate(w, "dashboard", page); err != nil {
		return err
	}
	return dataErr
}

// dashboardPage is what templates/dashboard.tmpl draws.
type dashboardPage struct {
	HTMLLang, Title string
	Style           template.CSS
	Script          template.JS
	Tiles           []dashTile
	Histogram       histogram
	Categories      bars
	TopRules        bars
	Columns         []string
	Layout          map[string][]layoutTable
	Labels          map[string]string
	Data            iter.Seq2[int, template.JS]
	L               dashLabels
	Coverage        *coveragePanel
}

type dashLabels struct {
	Distribution, Categories, TopRules, Reports, Filter, OnlyUnreadable string
}

// dashTile is one figure at the top; the unreadable one is a button that
// lists those reports alone.
type dashTile struct {
	Class, Tip, Value, Label string
	Button                   bool
}

func newDashboardPage(c *CohortStats, lang string) *dashboardPage {
	all, unreadable := c.Reports()
	scores := c.Scores()
	p := &dashboardPage{HTMLLang: pick(lang, "zh-CN", "en"),
		Title:  pick(lang, "政府信息公开工作年度报告评估", "Government information disclosure annual reports: assessment"),
		Style:  template.CSS(asset(checkCSS) + "\n" + asset(dashboardCSS)),
		Script: template.JS(dashboardJS),
		L: dashLabels{Distribution: pick(lang, "得分分布", "Score distribution"), Categories: pick(lang, "问题类别", "Findings by category"),
			TopRules: pick(lang, "触发最多的规则（触发率）", "Rules that fail most (fire rate)"), Reports: pick(lang, "报告", "Reports"),
			Filter: pick(lang, "按机关或文件筛选", "filter by body or file"), OnlyUnreadable: pick(lang, "只看无法读取的报告", "only unreadable reports")},
		Layout: gridLayout(lang),
		Labels: map[string]string{
			"findings": pick(lang, "问题", "Findings"), "none": pick(lang, "未发现问题", "No findings"),
			"score": pick(lang, "得分", "Score"), "rank": pick(lang, "排名", "rank"), "close": pick(lang, "关闭", "close"),
			"unreadable": pick(lang, "无法读取", "Unreadable"), "shown": pick(lang, "显示", "shown"),
			"legend": pick(lang, "图例：", "Legend: "), "legend_bad": cellLegend(lang)[0].Label,
			"legend_review": cellLegend(lang)[1].Label, "legend_cannot": cellLegend(lang)[2].Label,
			"omitted": pick(lang, "本报告的详情未收入本页（--html-details）", "This report's details are not in this page (--html-details)"),
		},
		Columns: []string{pick(lang, "排名", "Rank"), pick(lang, "机关", "Body"), pick(lang, "年度", "Year"), pick(lang, "得分", "Score"),
			pick(lang, "等级", "Grade"), pick(lang, "错误", "Errors"), pick(lang, "警告", "Warnings"), StatusName(engine.StatusNeedsReview, lang), pick(lang, "文件", "File")},
		Histogram: newHistogram(scores, lang),
	}
	mean, median := 0.0, 0.0
	if n := len(scores); n > 0 {
		for _, s := range scores {
			mean += s
		}
		mean /= float64(n)
		median = scores[n/2]
		if n%2 == 0 {
			median = (scores[n/2-1] + scores[n/2]) / 2
		}
	}
	dash := func(v float64) string {
		if len(scores) == 0 {
			return "—"
		}
		return num(v)
	}
	// The tiles say how much of the batch the statistics below cover:
	// unreadable reports are counted apart and left out of every score.
	uclass := "tile unreadable"
	if unreadable > 0 {
		uclass += " some"
	}
	p.Tiles = []dashTile{
		{Class: "tile", Value: fmt.Sprint(all), Label: pick(lang, "报告", "reports"), Tip: pick(lang, "本批次的报告数", "reports in this batch")},
		{Class: "tile", Value: fmt.Sprint(len(scores)), Label: pick(lang, "已评分", "scored"), Tip: pick(lang, "已检查并评分的报告", "reports checked and scored")},
		{Class: uclass, Value: fmt.Sprint(unreadable), Label: pick(lang, "无法读取", "unreadable"), Button: true,
			Tip: pick(lang, "扫描件、空文件、非年报或无法打开的文件：未检查、不评分、不排名；点击只看这些报告",
				"scans, empty files, texts that are not annual reports and files that could not be opened: not checked, scored or ranked; click to list only these")},
		{Class: "tile", Value: dash(math.Round(mean*10) / 10), Label: pick(lang, "平均分", "mean"), Tip: pick(lang, "已评分报告的平均分", "mean of the scored reports")},
		{Class: "tile", Value: dash(median), Label: pick(lang, "中位数", "median"), Tip: pick(lang, "已评分报告的中位数", "median of the scored reports")},
	}
	p.Tiles = append(p.Tiles, reviewTile(c.Reviews(), lang))
	var cats []bar
	for _, cc := range c.Categories() {
		cats = append(cats, bar{label: CategoryName(cc.Category, lang), value: float64(cc.Findings), text: fmt.Sprint(cc.Findings)})
	}
	p.Categories = newBars(cats, 320, 120)
	var top []bar
	for _, s := range c.Rules() {
		if s.Fired == 0 || len(top) == 15 {
			break
		}
		label := s.Title.Pick(lang)
		if label == "" {
			label = s.Rule
		}
		top = append(top, bar{label: label, value: s.FireRate(), text: fmt.Sprintf("%.0f%%", 100*s.FireRate())})
	}
	p.TopRules = newBars(top, 860, 560)
	return p
}

// reviewTile is the batch's review progress: the findings decided on out
// of all those to decide on, the ones still open in the tip.
func reviewTile(r ReviewCounts, lang string) dashTile {
	decided := r.Verified() + r.Dismissed
	tip := pick(lang, fmt.Sprintf("已作出核实结论的问题 / 需核实的问题：核实成立%d处（其中整改中%d处、已整改%d处），不成立%d处，待核实%d处",
		r.Verified(), r.Rectify, r.Rectified, r.Dismissed, r.Open()),
		fmt.Sprintf("findings decided on / findings to decide on: %d confirmed (%d being rectified, %d rectified), %d dismissed, %d to review",
			r.Verified(), r.Rectify, r.Rectified, r.Dismissed, r.Open()))
	if r.Reopened > 0 {
		tip += pick(lang, fmt.Sprintf("（含单元格已变化、需重新核实的%d处）", r.Reopened), fmt.Sprintf(" (%d of them reopened: their cells changed)", r.Reopened))
	}
	class := "tile reviews"
	if r.Open() > 0 {
		class += " open"
	}
	return dashTile{Class: class, Value: fmt.Sprintf("%d / %d", decided, decided+r.Open()), Label: pick(lang, "问题已核实", "findings reviewed"), Tip: tip}
}

// reviewDetail is what came with a decision, for an officer: the reason,
// the 整改's owner and due date, the verdict a reopened one had, and who
// decided when.
func reviewDetail(r *engine.Review, lang string) string {
	var parts []string
	if r.Verdict == engine.VerdictReopened && r.Was != "" {
		parts = append(parts, pick(lang, "单元格已变化，原结论“"+verdictLabel(&engine.Review{Verdict: r.Was}, lang)+"”失效",
			"the cells changed: the earlier verdict ("+verdictLabel(&engine.Review{Verdict: r.Was}, lang)+") no longer holds"))
	}
	if r.Reason != "" {
		parts = append(parts, pick(lang, "说明：", "reason: ")+r.Reason)
	}
	if r.Owner != "" {
		parts = append(parts, pick(lang, "整改责任人：", "responsible: ")+r.Owner)
	}
	if r.Due != "" {
		parts = append(parts, pick(lang, "整改期限：", "due: ")+r.Due)
	}
	if who := strings.TrimSpace(r.By + " " + r.At); who != "" {
		parts = append(parts, pick(lang, "核实：", "decided by ")+who)
	}
	return strings.Join(parts, pick(lang, "；", "; "))
}

// newDashReport is one report as the page's script reads it; one scored
// above detailBelow is listed without its drill-down.
func newDashReport(r Ranked, detailBelow float64, lang string, tt titles) dashReport {
	fr := r.Report
	d := dashReport{File: fr.File, Agency: fr.Agency, Year: fr.Year, Score: fr.Score, Grade: fr.Grade, Rank: r.Rank,
		Errors: fr.Counts.Error, Warnings: fr.Counts.Warning, Review: fr.Counts.NeedsReview, Grid: fr.Grid,
		Findings: [][6]string{}}
	if fr.IsUnreadable() {
		// Nothing was checked: the reason stands in for the findings.
		d.Error, d.Grid, d.Score, d.Rank = unreadableText(fr, lang), nil, nil, 0
		fr.Findings = nil
	}
	if fr.Score != nil && *fr.Score > detailBelow {
		d.Grid, d.Omitted = nil, true
		fr.Findings = nil
	}
	for _, f := range fr.Findings {
		if f.Status == engine.StatusPass {
			continue
		}
		status := findingStatus(f)
		shown := SeverityName(f.Severity, lang)
		if status != engine.StatusFail {
			shown = StatusName(status, lang)
		}
		if f.Review != nil {
			d.Reviews = append(d.Reviews, dashReview{Index: len(d.Findings), Verdict: f.Review.Verdict,
				Label: verdictLabel(f.Review, lang), Note: reviewDetail(f.Review, lang)})
		}
		d.Findings = append(d.Findings, [6]string{tt.of(f.Rule, lang), f.Severity, status, f.Message.Pick(lang), cellList(f, lang), shown})
	}
	return d
}

type bar struct {
	label, title, text string
	value              float64
}

// bars is a chart of horizontal bars scaled to the largest value, laid
// out for templates/dashboard.tmpl.
type bars struct {
	Width, Height int
	Bars          []barShape
}

type barShape struct {
	Tip, Label, Text       string
	LabelX, TextY, X, Y, H int
	W, ValueX              string
}

// newBars lays the bars out in width pixels, labelW of them for the labels
// (about 12 pixels a Chinese character).
func newBars(bs []bar, width, labelW int) bars {
	const rowH = 22
	out := bars{Width: width, Height: rowH*len(bs) + 4}
	maxV := 0.0
	for _, b := range bs {
		maxV = math.Max(maxV, b.value)
	}
	for i, b := range bs {
		y := i*rowH + 2
		bw := 0.0
		if maxV > 0 {
			bw = float64(width-labelW-50) * b.value / maxV
		}
		tip := b.label
		if b.title != "" {
			tip += " " + b.title
		}
		out.Bars = append(out.Bars, barShape{Tip: tip, Label: truncate(b.label, labelW/12), Text: b.text,
			LabelX: labelW - 6, TextY: y + 15, X: labelW, Y: y + 3, H: rowH - 6,
			W: fmt.Sprintf("%.1f", bw), ValueX: fmt.Sprintf("%.1f", float64(labelW)+bw+4)})
	}
	return out
}

// histogram is the score distribution in ten-point bins (100 joins the
// 90–100 bin), laid out for templates/dashboard.tmpl.
type histogram struct {
	Width, Height, Base, AxisEnd int
	Bins                         []histBin
	// Legend says what the bins' colours stand for.
	Legend []legendItem
}

type histBin struct {
	From, To, N, X, MidX, LabelY int
	Y, H, ValueY                 string
	// Class colours the bin by the grade its scores get.
	Class string
}

// legendItem is one colour of a legend: its CSS class and what it means.
type legendItem struct{ Class, Label string }

// gradeBands colour the score distribution by the default grade bands
// (engine.DefaultScoreConfig), worst first.
var gradeBands = []struct {
	min   int
	class string
	name  bilingual
}{
	{0, "g-fail", bilingual{"不合格", "fail"}}, {60, "g-pass", bilingual{"合格", "pass"}},
	{80, "g-good", bilingual{"良好", "good"}}, {90, "g-excellent", bilingual{"优秀", "excellent"}},
}

// binClass is the class of the bin that starts at from.
func binClass(from int) string {
	class := gradeBands[0].class
	for _, b := range gradeBands {
		if from >= b.min {
			class = b.class
		}
	}
	return class
}

// cellLegend says what the highlights of the table cells mean.
func cellLegend(lang string) []legendItem {
	return []legendItem{{"bad", pick(lang, "错误（数据不符）", "error (figures do not agree)")},
		{"review", StatusName(engine.StatusNeedsReview, lang)}, {"cannot", StatusName(engine.StatusCannotEvaluate, lang)}}
}

func newHistogram(scores []float64, lang string) histogram {
	var bins [10]int
	for _, s := range scores {
		i := int(s / 10)
		bins[min(max(i, 0), 9)]++
	}
	maxN := 0
	for _, n := range bins {
		maxN = max(maxN, n)
	}
	const w, h, base = 360, 200, 170
	out := histogram{Width: w, Height: h, Base: base, AxisEnd: w - 10}
	for i := len(gradeBands) - 1; i >= 0; i-- {
		b := gradeBands[i]
		label := b.name.in(lang) + pick(lang, fmt.Sprintf("（≥%d）", b.min), fmt.Sprintf(" (≥ %d)", b.min))
		if b.min == 0 {
			label = b.name.in(lang) + pick(lang, fmt.Sprintf("（<%d）", gradeBands[1].min), fmt.Sprintf(" (< %d)", gradeBands[1].min))
		}
		out.Legend = append(out.Legend, legendItem{Class: b.class, Label: label})
	}
	for i, n := range bins {
		bh := 0.0
		if maxN > 0 {
			bh = 150 * float64(n) / float64(maxN)
		}
		x := 12 + i*34
		out.Bins = append(out.Bins, histBin{Class: binClass(i * 10), From: i * 10, To: i*10 + 10, N: n, X: x, MidX: x + 15, LabelY: base + 16,
			Y: fmt.Sprintf("%.1f", float64(base)-bh), H: fmt.Sprintf("%.1f", bh), ValueY: fmt.Sprintf("%.1f", float64(base)-bh-3)})
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

var dashboardFormat = &Format{Name: "dashboard", Help: "a self-contained HTML dashboard of the batch with drill-downs",
	Write: func(w io.Writer, src *Source) error {
		c, rank := src.ranked()
		return WriteDashboard(w, func() iter.Seq[Ranked] { return rank(src.reports(true)) }, c,
			DashboardOptions{Lang: src.Lang, MaxDetails: src.MaxDetails, Coverage: src.Coverage, Rules: src.Rules})
	}}

// PackedGrid is a grid without marks in one string: a batch keeps one per
// report between its passes, where the grid's cells as strings would be
// two hundred allocations each.
type PackedGrid struct {
	template string
	cells    string // each cell's length as a uvarint, then its bytes
}

// Pack keeps g's template and cells (not its marks) as a PackedGrid.
func (g *Grid) Pack() PackedGrid {
	n := 0
	for _, c := range g.Cells {
		n += len(c) + 1
	}
	b := make([]byte, 0, n)
	for _, c := range g.Cells {
		b = binary.AppendUvarint(b, uint64(len(c)))
		b = append(b, c...)
	}
	return PackedGrid{template: g.Template, cells: string(b)}
}

// Size is about how many bytes p holds on the heap.
func (p PackedGrid) Size() int { return 32 + len(p.cells) }

// AppendBinary appends p to b as ReadPackedGrid reads it: a batch writes
// the grids its memory has no room for to a file.
func (p PackedGrid) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(p.template)))
	return append(append(b, p.template...), p.cells...)
}

// ReadPackedGrid is the PackedGrid AppendBinary wrote to b.
func ReadPackedGrid(b []byte) (PackedGrid, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return PackedGrid{}, errors.New("a kept grid is cut short")
	}
	return PackedGrid{template: string(b[k : k+int(n)]), cells: string(b[k+int(n):])}, nil
}

// Grid is the packed grid again, its cells sharing the packed string.
func (p PackedGrid) Grid() *Grid {
	g := &Grid{Template: p.template}
	s := p.cells
	for len(s) > 0 {
		n, k := uvarint(s)
		if k <= 0 || n > uint64(len(s)-k) {
			break // not made by Pack
		}
		g.Cells = append(g.Cells, s[k:k+int(n)])
		s = s[k+int(n):]
	}
	return g
}

// uvarint is binary.Uvarint over a string, without copying it.
func uvarint(s string) (uint64, int) {
	var x uint64
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<(7*i), i + 1
		}
		x |= uint64(b&0x7f) << (7 * i)
	}
	return 0, 0
}
