package circular

import (
	"cmp"
	"fmt"
	"iter"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// document is the circular as the Word writer lays it out: a title, then
// blocks of paragraphs and tables in order.
type document struct {
	Title  string
	Lang   string
	Blocks []block
}

// Paragraph styles, defined in templates/styles.xml.
const (
	styleTitle     = "CircularTitle"
	styleAddressee = "Addressee"
	styleBody      = "BodyText"
	styleHeading1  = "Heading1"
	styleHeading2  = "Heading2"
	styleIssuer    = "Issuer"
	styleSignature = "Signature"
	styleCaption   = "TableCaption"
)

// block is a paragraph or, when Table is set, a table.
type block struct {
	Style string
	Runs  []run
	Table *table
}

// run is a stretch of text in one weight.
type run struct {
	Text string
	Bold bool
}

// table is a grid with a repeated header row.
type table struct {
	// Widths are the columns in twips; they add up to the text width.
	Widths []int
	Header []string
	Rows   [][]string
}

func para(style string, text string) block { return block{Style: style, Runs: []run{{Text: text}}} }

// problemType is a kind of problem as an office names it; a finding gets
// its type from its rule, or else from its rule's category.
type problemType struct {
	id     string
	zh, en string
	// what says what the problem is, after the type's name in 二.
	whatZh, whatEn string
}

// problemTypes are in the order 二、存在的主要问题 gives them: what an
// office deducts most for first.
var problemTypes = []problemType{
	{"late", "未按时公开", "Not published on time",
		"年度报告发布时间晚于规定期限", "the report was published after the deadline"},
	{"undated", "落款未注明日期", "Report not dated",
		"报告末尾未注明成文日期，无法核实是否按时公开", "the report gives no date, so whether it was on time cannot be established"},
	{"arithmetic", "表格数据不一致", "Table figures do not add up",
		"表格中合计数与分项数之和不符、勾稽关系不成立或数值不规范", "totals differ from the sum of their parts, or values are not valid counts"},
	{"consistency", "数据前后不一致", "Figures inconsistent",
		"文字表述与表格数据不符，或与上年度报告数据不衔接", "the text contradicts the tables, or the figures do not carry over from last year"},
	{"missing", "内容缺项", "Missing content",
		"报告缺少规定的部分、表格、行或数据，或应报告的事项未报告", "a prescribed part, table, row or figure is missing, or a required matter is not reported"},
	{"copied", "内容雷同", "Copied content",
		"叙述部分与上年度报告或其他单位报告雷同", "the narrative repeats last year's report or another body's"},
	{"format", "格式不规范", "Format not as prescribed",
		"未使用规定格式、标题与格式不一致或存在格式转换残留", "the prescribed template or headings are not followed, or conversion debris remains"},
	{"other", "其他问题", "Other problems", "", ""},
}

// typeOfRule assigns the rules whose category alone would misplace them.
var typeOfRule = map[string]string{
	DeadlineRule:                            "late",
	"timeliness.published_present":          "undated",
	"continuity.narrative_repeated":         "copied",
	"continuity.narrative_shared_with_peer": "copied",
	"content.regulation_name":               "format",
	"conversion.debris":                     "format",
	"conversion.header_truncated":           "format",
}

var typeOfCategory = map[string]string{
	"timeliness":   "late",
	"arithmetic":   "arithmetic",
	"consistency":  "consistency",
	"completeness": "missing",
	"content":      "missing",
	"structure":    "format",
}

func typeOf(f engine.Finding) int {
	id, ok := typeOfRule[f.Rule]
	if !ok {
		id, ok = typeOfCategory[f.Category]
	}
	if !ok {
		id = "other"
	}
	return slices.IndexFunc(problemTypes, func(t problemType) bool { return t.id == id })
}

// isProblem tells whether a finding goes into the circular: a failure, or
// one a person should confirm. What could not be checked is already a
// problem of its own (the blank cells are a 内容缺项), waived findings are
// settled, and a rule that broke is the program's fault, not the body's.
func isProblem(f engine.Finding) bool {
	return !f.Waived && (f.Status == engine.StatusFail || f.Status == engine.StatusNeedsReview)
}

// Problems are the findings of fs that the circular lists, in order, each
// with only what the circular prints of it (Keeper.Problems).
func Problems(fs []engine.Finding, lang string) []engine.Finding {
	return NewKeeper(lang).Problems(fs)
}

// Keeper keeps the problems of a batch's reports for its circular, which
// holds them all at once: over 100,000 generated reports they were most of
// the heap while it was written (650 MB live of a 290 MiB limit, the
// collector running without pause). It keeps only what the circular
// prints, and one copy of the strings that repeat from finding to finding
// (rule ids, statuses, cell addresses). A Keeper is not safe for
// concurrent use.
type Keeper struct {
	lang string
	strs map[string]string
}

// maxKept bounds the strings a Keeper shares: past it, strings are kept as
// they come (a rule pack's ids and the tables' labels are a few hundred).
const maxKept = 1 << 14

// NewKeeper is a Keeper for a circular in lang.
func NewKeeper(lang string) *Keeper { return &Keeper{lang: lang, strs: map[string]string{}} }

// share is s, or the equal string the Keeper holds.
func (k *Keeper) share(s string) string {
	if len(s) > 64 {
		return s
	}
	if t, ok := k.strs[s]; ok {
		return t
	}
	if len(k.strs) < maxKept {
		s = strings.Clone(s) // not the decoded buffer it may be part of
		k.strs[s] = s
	}
	return s
}

// Problems are the findings of fs that the circular lists, in order, each
// with only what the circular prints of it: its message in the Keeper's
// language (the other language only when that is empty, as Text.Pick
// falls back), its cells' addresses, values and statuses, not its item,
// pointer, identity or waiver, nor its cells' sources and pointers. fs is
// not changed. Over 100,000 generated reports, leaving out the rest (the
// 雷同 findings' items and second messages quote whole paragraphs) took the
// run's peak from 1.62 to 1.20 GB resident, and sharing the strings and
// keeping one list (entries) from 1.13 GB to 810 MB.
func (k *Keeper) Problems(fs []engine.Finding) []engine.Finding {
	n := 0
	for _, f := range fs {
		if isProblem(f) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]engine.Finding, 0, n)
	for _, f := range fs {
		if !isProblem(f) {
			continue
		}
		f.Item, f.Pointer, f.ID, f.WaiverReason = "", "", "", ""
		switch m := f.Message.Pick(k.lang); m {
		case "":
		case f.Message.Zh:
			f.Message.En = ""
		default:
			f.Message.Zh = ""
		}
		f.Rule, f.Severity, f.Category, f.Status = k.share(f.Rule), k.share(f.Severity), k.share(f.Category), k.share(f.Status)
		if f.Cells != nil {
			cells := make([]engine.CellRef, len(f.Cells))
			for i, c := range f.Cells {
				cells[i] = engine.CellRef{Table: k.share(c.Table), Row: k.share(c.Row), Col: k.share(c.Col), Value: c.Value,
					Raw: k.share(c.Raw), Status: k.share(c.Status), Confidence: c.Confidence, Candidates: c.Candidates}
			}
			f.Cells = cells
		}
		out = append(out, f)
	}
	return out
}

// entry is one report with its problems in circular order.
type entry struct {
	Report
	name     string
	problems []engine.Finding
}

// composer holds what every paragraph needs.
type composer struct {
	lang string
	in   Input
	opt  Options
}

func (c *composer) pick(zh, en string) string {
	if c.lang == "en" {
		return en
	}
	return zh
}

// compose lays the circular out from the run.
func compose(in Input, opt Options) *document {
	if opt.RectifyDays <= 0 {
		opt.RectifyDays = DefaultRectifyDays
	}
	c := &composer{lang: in.Lang, in: in, opt: opt}
	entries := c.entries()
	d := &document{Title: c.title(entries), Lang: c.lang}
	add := func(b ...block) { d.Blocks = append(d.Blocks, b...) }
	add(para(styleTitle, d.Title))
	addressee := cmp.Or(opt.Addressee, c.pick("各有关单位", "All bodies concerned"))
	add(para(styleAddressee, addressee+c.pick("：", ":")))
	add(para(styleBody, c.opening(entries)))
	add(para(styleHeading1, c.pick("一、总体情况", "1. Overview")))
	add(c.overview(entries)...)
	add(para(styleHeading1, c.pick("二、存在的主要问题", "2. Main problems")))
	add(c.problemsByType(entries)...)
	add(para(styleHeading1, c.pick("三、各单位问题清单", "3. Problems of each body")))
	add(c.perBody(entries)...)
	add(para(styleHeading1, c.pick("四、整改要求", "4. Rectification")))
	add(c.rectification()...)
	return d
}

// entries are the reports with their names and problems, in run order.
// A body that reports for several years in one run is named with the year,
// so that its reports can be told apart.
func (c *composer) entries() []entry {
	years := map[string]map[int]bool{}
	for _, r := range c.in.Reports {
		if years[r.Body] == nil {
			years[r.Body] = map[int]bool{}
		}
		years[r.Body][r.Year] = true
	}
	out := make([]entry, 0, len(c.in.Reports))
	for _, r := range c.in.Reports {
		e := entry{Report: r, name: r.Body}
		if e.name == "" {
			e.name = c.pick("未能识别单位名称（文件"+filepath.Base(r.File)+"）", "body not identified (file "+filepath.Base(r.File)+")")
		} else if len(years[r.Body]) > 1 && r.Year != 0 {
			e.name += c.pick(fmt.Sprintf("（%d年度）", r.Year), fmt.Sprintf(" (%d)", r.Year))
		}
		e.problems = r.Findings
		if slices.ContainsFunc(r.Findings, func(f engine.Finding) bool { return !isProblem(f) }) {
			// Given findings that are not all problems (Problems keeps only
			// those): its own list, so that the reports' stay shared.
			e.problems = nil
			for _, f := range r.Findings {
				if isProblem(f) {
					e.problems = append(e.problems, f)
				}
			}
		}
		out = append(out, e)
	}
	return out
}

// title names the year (or years) of the reports checked.
func (c *composer) title(es []entry) string {
	lo, hi := 0, 0
	for _, e := range es {
		if e.Year == 0 {
			continue
		}
		if lo == 0 || e.Year < lo {
			lo = e.Year
		}
		hi = max(hi, e.Year)
	}
	switch lo {
	case 0:
		return c.pick("关于政府信息公开工作年度报告检查情况的通报", "Circular on the review of the annual reports on government information disclosure")
	case hi:
		return c.pick(fmt.Sprintf("关于%d年度政府信息公开工作年度报告检查情况的通报", lo),
			fmt.Sprintf("Circular on the review of the %d annual reports on government information disclosure", lo))
	}
	return c.pick(fmt.Sprintf("关于%d—%d年度政府信息公开工作年度报告检查情况的通报", lo, hi),
		fmt.Sprintf("Circular on the review of the %d–%d annual reports on government information disclosure", lo, hi))
}

func (c *composer) opening(es []entry) string {
	return c.pick(fmt.Sprintf("根据《中华人民共和国政府信息公开条例》和政府信息公开工作年度报告格式的有关要求，近期对%d份政府信息公开工作年度报告进行了检查。现将检查情况通报如下。", len(es)),
		fmt.Sprintf("Under the Regulations on the Disclosure of Government Information and the prescribed format of the annual reports, %d annual reports were reviewed. The findings are as follows.", len(es)))
}

// gradeOrder is the order grades are counted in; others follow by name.
var gradeOrder = []string{"优秀", "良好", "合格", "不合格"}

var gradesEn = map[string]string{"优秀": "excellent", "良好": "good", "合格": "pass", "不合格": "fail"}

func (c *composer) grade(g string) string {
	if c.lang == "en" {
		return cmp.Or(gradesEn[g], g)
	}
	return g
}

// overview is 一、总体情况: counts, timeliness, scores, grades, and the
// table of scores by rank.
func (c *composer) overview(es []entry) []block {
	var checked, unreadable, onTime, late, undated int
	var scores []float64
	grades := map[string]int{}
	for _, e := range es {
		if e.Unreadable != "" {
			unreadable++
			continue
		}
		checked++
		switch e.Timeliness {
		case engine.StatusPass:
			onTime++
		case engine.StatusFail, engine.StatusNeedsReview:
			late++
		default:
			undated++
		}
		if e.Score != nil {
			scores = append(scores, *e.Score)
			grades[e.Grade]++
		}
	}
	var s strings.Builder
	s.WriteString(c.pick(fmt.Sprintf("本次共检查年度报告%d份", len(es)), fmt.Sprintf("%d reports were reviewed", len(es))))
	if unreadable > 0 {
		s.WriteString(c.pick(fmt.Sprintf("，其中%d份无法读取（文件无法打开或不是年度报告），未纳入评分", unreadable),
			fmt.Sprintf("; %d could not be read (the file does not open or is not an annual report) and are not scored", unreadable)))
	}
	s.WriteString(c.pick("。", ". "))
	if checked > 0 {
		s.WriteString(c.pick(fmt.Sprintf("经检查，按时公开%d份，逾期公开%d份，未注明日期、无法判断是否按时公开%d份。", onTime, late, undated),
			fmt.Sprintf("%d were published on time, %d late, and %d give no date to tell. ", onTime, late, undated)))
	}
	if len(scores) > 0 {
		sum, lo, hi := 0.0, scores[0], scores[0]
		for _, v := range scores {
			sum += v
			lo, hi = min(lo, v), max(hi, v)
		}
		s.WriteString(c.pick(fmt.Sprintf("%d份报告平均得分%s分（满分100分），最高%s分，最低%s分", len(scores), mean(sum, len(scores)), num(hi), num(lo)),
			fmt.Sprintf("The %d scored reports average %s out of 100 (highest %s, lowest %s)", len(scores), mean(sum, len(scores)), num(hi), num(lo))))
		var parts []string
		for _, g := range gradeNames(grades) {
			parts = append(parts, c.pick(fmt.Sprintf("%s%d份", g, grades[g]), fmt.Sprintf("%d %s", grades[g], c.grade(g))))
		}
		s.WriteString(c.pick("；其中"+strings.Join(parts, "、")+"。", ": "+strings.Join(parts, ", ")+". "))
	}
	if n := checked - len(scores); n > 0 {
		s.WriteString(c.pick(fmt.Sprintf("另有%d份报告因关键内容无法核验，未予评分。", n),
			fmt.Sprintf("%d more could not be scored because key content could not be checked.", n)))
	}
	out := []block{para(styleBody, strings.TrimSpace(s.String()))}
	if len(es) == 0 {
		return out
	}
	out = append(out, para(styleCaption, c.pick("各单位得分及排名情况", "Scores and ranks")))
	t := &table{Widths: []int{900, 4344, 1200, 1200, 1200},
		Header: []string{c.pick("名次", "Rank"), c.pick("单位", "Body"), c.pick("得分", "Score"), c.pick("等级", "Grade"), c.pick("问题数", "Problems")}}
	for _, e := range byRank(es) {
		rank, score, grade := "—", "—", c.grade(e.Grade)
		switch {
		case e.Unreadable != "":
			grade = c.pick("无法读取", "unreadable")
		case e.Score == nil:
			grade = c.pick("无法评分", "no score")
		default:
			rank, score = strconv.Itoa(e.Rank), num(*e.Score)
		}
		problems := strconv.Itoa(len(e.problems))
		if e.Unreadable != "" {
			problems = "—"
		}
		t.Rows = append(t.Rows, []string{rank, e.name, score, grade, problems})
	}
	return append(out, block{Table: t})
}

// gradeNames lists the grades present: the usual ones in order, then any
// other (a profile's own) by name.
func gradeNames(grades map[string]int) []string {
	var out, rest []string
	for _, g := range gradeOrder {
		if grades[g] > 0 {
			out = append(out, g)
		}
	}
	for g := range grades {
		if !slices.Contains(gradeOrder, g) {
			rest = append(rest, g)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// byRank orders the reports best first: by rank, then those without a
// score, then the unreadable, each in run order.
func byRank(es []entry) []entry {
	out := slices.Clone(es)
	slices.SortStableFunc(out, func(a, b entry) int {
		if ca, cb := scoreClass(a), scoreClass(b); ca != cb {
			return ca - cb
		}
		if a.Score != nil && b.Score != nil {
			return cmp.Compare(*b.Score, *a.Score)
		}
		return 0
	})
	return out
}

// scoreClass sorts scored reports before unscored and unreadable ones.
func scoreClass(e entry) int {
	switch {
	case e.Unreadable != "":
		return 2
	case e.Score == nil:
		return 1
	}
	return 0
}

// problemsByType is 二: each problem type with the bodies it concerns and
// how many problems of that type each has.
func (c *composer) problemsByType(es []entry) []block {
	var out []block
	n := 0
	for ti, t := range problemTypes {
		var bodies []string
		for _, e := range es {
			k := 0
			for _, f := range e.problems {
				if typeOf(f) == ti {
					k++
				}
			}
			if k > 0 {
				bodies = append(bodies, c.pick(fmt.Sprintf("%s（%d处）", e.name, k), fmt.Sprintf("%s (%d)", e.name, k)))
			}
		}
		if len(bodies) == 0 {
			continue
		}
		n++
		out = append(out, para(styleHeading2, c.pick("（"+chineseNumber(n)+"）"+t.zh, fmt.Sprintf("2.%d %s", n, t.en))))
		what := c.pick(t.whatZh, t.whatEn)
		if what != "" {
			what += c.pick("，", "; ")
		}
		out = append(out, para(styleBody, c.pick(fmt.Sprintf("%s涉及%d家单位：%s。", what, len(bodies), strings.Join(bodies, "、")),
			fmt.Sprintf("%s%d bodies: %s.", capitalize(what), len(bodies), strings.Join(bodies, "; ")))))
	}
	if n == 0 {
		out = append(out, para(styleBody, c.pick("本次检查未发现问题。", "No problem was found.")))
	}
	return out
}

// perBody is 三: each body, lowest score first, with its problems.
func (c *composer) perBody(es []entry) []block {
	if len(es) == 0 {
		return []block{para(styleBody, c.pick("本次未检查任何报告。", "No report was reviewed."))}
	}
	intro := c.pick("各单位按得分由低到高排列，未评分和无法读取的报告列于最后。",
		"Bodies are listed from the lowest score up; reports without a score and unreadable ones come last.")
	if rectify, rectified := reviewed(es); rectify || rectified {
		intro += c.pick(reviewNoteZh(rectify, rectified), reviewNoteEn(rectify, rectified))
	}
	out := []block{para(styleBody, intro)}
	ranked := byRank(es)
	order := make([]entry, 0, len(ranked))
	for i := len(ranked) - 1; i >= 0; i-- {
		if scoreClass(ranked[i]) == 0 {
			order = append(order, ranked[i])
		}
	}
	for _, e := range ranked {
		if scoreClass(e) != 0 {
			order = append(order, e)
		}
	}
	for i, e := range order {
		out = append(out, para(styleHeading2, c.pick("（"+chineseNumber(i+1)+"）", fmt.Sprintf("3.%d ", i+1))+e.name+c.standing(e)))
		if e.Unreadable != "" {
			out = append(out, para(styleBody, c.pick("报告无法读取："+c.sentence(e.Unreadable)+"请核实所发布的报告文件完整、可以打开。",
				"The report could not be read: "+c.sentence(e.Unreadable)+" Check that the published file is complete and opens.")))
			continue
		}
		if len(e.problems) == 0 {
			out = append(out, para(styleBody, c.pick("未发现问题。", "No problem found.")))
			continue
		}
		for j, f := range e.problems {
			out = append(out, c.problem(j+1, f))
		}
	}
	return out
}

// standing is a body's score, grade and rank after its name.
func (c *composer) standing(e entry) string {
	switch {
	case e.Unreadable != "":
		return c.pick("（无法读取）", " (unreadable)")
	case e.Score == nil:
		reason := ""
		if e.ScoreReason != "" {
			reason = c.pick("："+e.ScoreReason, ": "+e.ScoreReason)
		}
		return c.pick("（无法评分"+reason+"）", " (no score"+reason+")")
	}
	return c.pick(fmt.Sprintf("（得分%s分，%s，第%d名）", num(*e.Score), e.Grade, e.Rank),
		fmt.Sprintf(" (score %s, %s, rank %d)", num(*e.Score), c.grade(e.Grade), e.Rank))
}

// maxCells is how many cells a problem lists before it counts the rest.
const maxCells = 6

// problem is one numbered problem: its type, what is wrong in plain words,
// the expected and actual figures, and the cells with what they hold.
func (c *composer) problem(n int, f engine.Finding) block {
	t := problemTypes[typeOf(f)]
	b := block{Style: styleBody, Runs: []run{{Text: fmt.Sprintf("%d.", n)}, {Text: c.pick("【"+t.zh+"】", "["+t.en+"] "), Bold: true}}}
	msg := c.plain(f.Message.Pick(c.lang))
	if msg == "" {
		msg = c.in.RuleTitles[f.Rule].Pick(c.lang)
	}
	text := c.sentence(msg)
	if f.Expected != nil && f.Actual != nil {
		text += c.pick(fmt.Sprintf("应为%s，实为%s。", num(*f.Expected), num(*f.Actual)),
			fmt.Sprintf(" Expected %s, found %s.", num(*f.Expected), num(*f.Actual)))
	}
	if len(f.Cells) > 0 {
		var cells []string
		for _, cell := range f.Cells[:min(len(f.Cells), maxCells)] {
			cells = append(cells, c.cellName(cell)+c.pick("（"+c.cellValue(cell)+"）", " ("+c.cellValue(cell)+")"))
		}
		list := strings.Join(cells, c.pick("、", "; "))
		if len(f.Cells) > maxCells {
			list += c.pick(fmt.Sprintf("等，共%d个单元格", len(f.Cells)), fmt.Sprintf("; %d cells in all", len(f.Cells)))
		}
		text += c.pick("涉及单元格："+list+"。", " Cells: "+list+".")
	}
	if f.Source != nil && f.Source.Page > 0 && len(f.Cells) == 0 {
		text += c.pick(fmt.Sprintf("见报告第%d页。", f.Source.Page), fmt.Sprintf(" See page %d of the report.", f.Source.Page))
	}
	switch {
	case f.Review != nil && f.Review.Verdict == engine.VerdictRectified:
		// Settled: the office confirmed the 整改, the body need not act.
		text += c.pick("（经核实，该问题已整改。）", " (Verified as rectified.)")
	case f.Review != nil && f.Review.Verdict == engine.VerdictRectify:
		text += c.pick("（整改责任人："+f.Review.Owner+"，整改期限："+c.due(f.Review.Due)+"。）",
			" (Responsible: "+f.Review.Owner+"; due by "+c.due(f.Review.Due)+".)")
	case f.Status == engine.StatusNeedsReview:
		text += c.pick("（该项涉及识别存疑的数据，请人工核实。）", " (This involves figures that could not be read with certainty: please confirm.)")
	case f.Severity == engine.SeverityInfo:
		text += c.pick("（提示，不扣分。）", " (Advisory, no deduction.)")
	}
	b.Runs = append(b.Runs, run{Text: text})
	return b
}

// reviewed tells whether any problem listed was sent for 整改 with an
// owner and a due date, and whether any is already rectified.
func reviewed(es []entry) (rectify, rectified bool) {
	for _, e := range es {
		for _, f := range e.problems {
			if f.Review == nil {
				continue
			}
			switch f.Review.Verdict {
			case engine.VerdictRectify:
				rectify = true
			case engine.VerdictRectified:
				rectified = true
			}
		}
	}
	return rectify, rectified
}

// reviewNoteZh and reviewNoteEn say, before the list, how to read the
// decisions it carries: a problem's own deadline stands in for the
// general one of 四, and a rectified one is listed (it was found, and the
// score counts it) but asks for nothing more.
func reviewNoteZh(rectify, rectified bool) string {
	var s string
	if rectify {
		s += "已明确整改责任人和整改期限的问题，请按所列期限完成整改。"
	}
	if rectified {
		s += "注明“已整改”的问题经核实已完成整改，列出备查，无需重复整改。"
	}
	return s
}

func reviewNoteEn(rectify, rectified bool) string {
	var s string
	if rectify {
		s += " A problem that names who is responsible and a due date is rectified by that date."
	}
	if rectified {
		s += " A problem marked as rectified was verified as such; it is listed for the record and asks for nothing more."
	}
	return s
}

// due writes a 整改期限 as a circular writes dates (2025年6月30日); a
// date it cannot read is written as given.
func (c *composer) due(d string) string {
	t, err := time.Parse(engine.DueLayout, d)
	if err != nil {
		return d
	}
	return c.pick(fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()), t.Format("2 January 2006"))
}

func (c *composer) cellName(cell engine.CellRef) string {
	if c.in.CellName == nil {
		return cell.Address()
	}
	return c.in.CellName(cell, c.lang)
}

// cellValue says what a cell holds, in words for what is not a number.
func (c *composer) cellValue(cell engine.CellRef) string {
	switch cell.Status {
	case schema.StatusNumber:
		if cell.Value != nil {
			return c.pick("填报", "reads ") + num(*cell.Value)
		}
	case schema.StatusBlank:
		return c.pick("空白", "blank")
	case schema.StatusMissing:
		return c.pick("缺失", "missing")
	case schema.StatusAmbiguous:
		return c.pick("无法确定“"+cell.Raw+"”", "uncertain \""+cell.Raw+"\"")
	}
	return c.pick("填报“"+cell.Raw+"”", "reads \""+cell.Raw+"\"")
}

// addressRE finds cell addresses (requests.total_handled.research) and
// table-two subtable ids (active.art20_1) that a message may still carry.
var addressRE = regexp.MustCompile(`\b(requests|review_litigation|active\.[a-z0-9_]+)\.([a-z0-9_]+)\.([a-z0-9_]+)\b|\bactive\.([a-z0-9_]+)\b`)

// plain replaces the addresses in a message by the cells' printed labels:
// an officer reads the table's words, not the program's.
func (c *composer) plain(msg string) string {
	if c.lang == "en" || c.in.CellName == nil {
		return msg
	}
	// Every address holds one of these: the expression is not run over
	// the long messages that hold none (a 雷同 finding quotes whole
	// paragraphs). With the scan below, this took the 通报 of 10,000
	// reports from 2.05 to 1.06 s of CPU.
	if strings.Contains(msg, "requests.") || strings.Contains(msg, "review_litigation.") || strings.Contains(msg, "active.") {
		msg = addressRE.ReplaceAllStringFunc(msg, func(m string) string {
			g := addressRE.FindStringSubmatch(m)
			if g[4] != "" {
				return "表二" + engine.Label("active.subtable", g[4])
			}
			return c.in.CellName(engine.CellRef{Table: g[1], Row: g[2], Col: g[3]}, c.lang)
		})
	}
	// A row, column or section id left on its own (缺少3行：other_no_fee)
	// is named by its label, in quotes unless it stands in them already.
	var b strings.Builder
	last := 0
	for start, end := range lowerIDs(msg) {
		label := labelOf(msg[start:end])
		if label == "" {
			continue
		}
		b.WriteString(msg[last:start])
		if strings.HasSuffix(msg[:start], "“") && strings.HasPrefix(msg[end:], "”") {
			b.WriteString(label)
		} else {
			b.WriteString("“" + label + "”")
		}
		last = end
	}
	if last == 0 {
		return msg
	}
	return b.String() + msg[last:]
}

// lowerIDs yields the bounds of each lowercase id standing on its own in
// s, as the expression \b[a-z][a-z0-9_]*\b finds them: a whole run of
// ASCII word characters that starts with a lowercase letter and holds no
// capital. It scans bytes once; the expression backtracked through every
// run of a long message.
func lowerIDs(s string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for i := 0; i < len(s); {
			if !isWordByte(s[i]) {
				i++
				continue
			}
			start, lower := i, s[i] >= 'a' && s[i] <= 'z'
			for ; i < len(s) && isWordByte(s[i]); i++ {
				if s[i] >= 'A' && s[i] <= 'Z' {
					lower = false
				}
			}
			if lower && !yield(start, i) {
				return
			}
		}
	}
}

// isWordByte is \w in Go's regexp: an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// labelOf is the printed label of a row, column or section id, or "".
func labelOf(id string) string {
	for _, kind := range []string{"requests.row", "requests.col", "review.group", "review.col", "section"} {
		if l := engine.Label(kind, id); l != id {
			return l
		}
	}
	return ""
}

// rectification is 四 with the 落款.
func (c *composer) rectification() []block {
	issuer := cmp.Or(c.opt.Issuer, c.pick("【单位名称】", "[issuing office]"))
	date := cmp.Or(c.opt.Date, c.pick("【　　年　　月　　日】", "[date]"))
	days := c.opt.RectifyDays
	return []block{
		para(styleBody, c.pick(fmt.Sprintf("（一）请各有关单位对照问题清单逐项核实，自本通报印发之日起%d日内完成整改。需要更正年度报告的，在原发布渠道发布更正后的报告，并注明更正内容和更正时间。", days),
			fmt.Sprintf("(1) Each body concerned checks every problem listed and rectifies within %d days of this circular. A report that needs correcting is republished where it was published, with what was corrected and when.", days))),
		para(styleBody, c.pick("（二）整改完成后，请将核实结论、整改责任人、整改措施和完成时间书面报送"+issuer+"。对所列问题有异议的，请一并说明理由并附相关依据。",
			"(2) When done, report in writing to "+issuer+" the findings confirmed, who was responsible, what was done and when. A body that disputes a problem says why, with the evidence.")),
		para(styleBody, c.pick("（三）各单位要举一反三，严格按照《中华人民共和国政府信息公开条例》规定的时限和年度报告格式编制、发布年度报告，确保数据准确、内容完整、表述规范。",
			"(3) Every body prepares and publishes its annual report within the time and in the format the Regulations prescribe, with accurate figures and complete content.")),
		para(styleBody, c.pick("联系人：【姓名】，联系电话：【电话】。", "Contact: [name], telephone: [number].")),
		para(styleIssuer, issuer),
		para(styleSignature, date),
	}
}

// sentence ends a message with a full stop unless it has one: 。 in
// Chinese even after a figure, . in English.
func (c *composer) sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune("。！？.!?", r) {
		return s
	}
	return s + c.pick("。", ".")
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// mean is the average to one decimal, without a trailing .0.
func mean(sum float64, n int) string {
	return strings.TrimSuffix(strconv.FormatFloat(sum/float64(n), 'f', 1, 64), ".0")
}

// chineseNumber writes 1 to 9999 as the numbering of official documents
// does (一, 十, 十一, 二十一, 一百零五); larger numbers stay in digits.
func chineseNumber(n int) string {
	if n <= 0 || n > 9999 {
		return strconv.Itoa(n)
	}
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	units := []string{"千", "百", "十", ""}
	var b strings.Builder
	zero := false
	for i, p := range []int{1000, 100, 10, 1} {
		d := n / p % 10
		switch d {
		case 0:
			zero = b.Len() > 0
		default:
			if zero {
				b.WriteString("零")
				zero = false
			}
			// 十一, not 一十一, at the start; 一百一十 within.
			if d != 1 || i != 2 || b.Len() > 0 {
				b.WriteString(digits[d])
			}
			b.WriteString(units[i])
		}
	}
	return b.String()
}
