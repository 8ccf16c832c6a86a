package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/schema"
)

var (
	reTitleYear  = regexp.MustCompile(`^(.*?)(\d{4})\s*年度?(.*)$`)
	reDate       = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	reISODate    = regexp.MustCompile(`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})`)
	reCNDate     = regexp.MustCompile(`([〇零一二三四五六七八九○Ｏ]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日`)
	reDatedLine  = regexp.MustCompile(`^(发布时间|发布日期|日期|时间|成文日期)\s*[:：]?\s*`)
	rePeriod     = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(起)?\s*(至|到|—|-|～|~)\s*(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日(止)?`)
	reCrawlTitle = regexp.MustCompile(`^(标题|题目|title)\s*[:：]\s*`)
	// A short field label before a title in a page's metadata table.
	reLabelPrefix = regexp.MustCompile(`^[•·\s]*\p{Han}{1,6}\s*[:：]\s*(.+)$`)
	// Lines a web crawler put above the page text.
	reCrawlHeader = regexp.MustCompile(`^(发布时间|文号|发布机构|栏目|原文链接|本地目录|页面链接|=+\s*正文\s*=+|来源|当前位置)`)
)

// titleMeta finds the title, the year and the agency. Candidates, in
// order: the page's ArticleTitle meta tag and h1–h3 headings that name the
// report, the first line naming the 年度报告 (joined with the agency line
// above or the continuation below; never a breadcrumb), and the page's
// <title> without its site name. The first that gives both year and agency
// wins, else the first that gives a year, else the first at all.
func (m *mapper) titleMeta() (year *int, title, agency string, loc *schema.Loc) {
	limit := len(m.lines)
	if len(m.heads) > 0 {
		limit = m.heads[0].line
	}
	if limit > 40 {
		limit = 40
	}
	var texts []string
	var idx []int
	for i := 0; i < limit; i++ {
		t := strings.TrimSpace(reCrawlTitle.ReplaceAllString(strings.TrimSpace(m.lines[i].Text()), ""))
		if mm := reLabelPrefix.FindStringSubmatch(t); mm != nil && namesReport(mm[1]) {
			t = strings.TrimSpace(mm[1]) // 名称：…年度报告, 内容概述：…年度报告
		}
		if t != "" && !breadcrumbLine(t) {
			texts = append(texts, t)
			idx = append(idx, i)
		}
	}
	type candidate struct {
		title string
		loc   *schema.Loc
	}
	var cands []candidate
	if p := m.page.MetaTitle; namesReport(p) {
		cands = append(cands, candidate{title: p})
	}
	for _, h := range m.page.Headings {
		if namesReport(h) {
			cands = append(cands, candidate{title: h})
		}
	}
	titles, at := lineTitles(texts)
	for k, t := range titles {
		loc := m.lines[idx[at[k]]].Loc()
		cands = append(cands, candidate{title: t, loc: &loc})
	}
	if p := m.page.HeadTitle; namesReport(p) {
		cands = append(cands, candidate{title: p})
	}
	best := -1
	bestScore := 0
	for i, c := range cands {
		y, a := titleYearAgency(c.title)
		score := 1
		if y != nil {
			score = 2
			if a != "" {
				score = 3
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best >= 0 {
		title, loc = cands[best].title, cands[best].loc
		year, agency = titleYearAgency(title)
		if loc == nil {
			loc = m.titleLine(title, limit)
		}
	}
	if agency == "" && title != "" {
		// 2023年政府信息公开工作年度报告 on a body's own site: the page says
		// whose it is (来源 / 发布机构 / ContentSource).
		src := m.page.Source
		for i := 0; i < limit && src == ""; i++ {
			src = pageSource(m.lines[i].Text())
		}
		if likelyAgency(src) {
			agency = compact(src)
			m.diag("agency_from_page", "info", "the title names no body; the agency was taken from the page's source field ("+agency+")", nil)
		}
	}
	if title == "" {
		m.diag("title_not_found", "warning", "no title naming the 政府信息公开工作年度报告 was found before the first section", nil)
	}
	return year, title, agency, loc
}

// lineTitles returns the titles found in the leading lines (at most a few)
// and the index of each one's line: a line naming the report, joined with
// the agency line above or the continuation below. A page often names the
// report more than once — column name, breadcrumb-like heading, metadata
// table, the title itself — so the caller chooses among them.
func lineTitles(texts []string) (titles []string, at []int) {
	fallback, fallbackAt := "", -1
	for j, t := range texts {
		if len(titles) == 6 {
			break
		}
		c := compact(t)
		if !namesReportWord(c) && !strings.HasSuffix(c, "政府信息公开") {
			continue
		}
		if len([]rune(c)) <= 60 && sentenceLike(c) {
			continue // 现将2023年度政府信息公开工作报告公布如下：
		}
		if len([]rune(c)) > 60 {
			// A sentence that mentions the report, not a title line: its
			// start stands in for the title only when no line is one
			// (现将XX局2023年…年度报告 would otherwise outrank a title
			// without the body's name).
			if i := strings.Index(c, "年度报告"); fallback == "" && i >= 0 && len([]rune(c[:i])) <= 50 {
				fallback, fallbackAt = c[:i+len("年度报告")], j
			}
			continue
		}
		title := t
		// Title continued on the next line: …政府信息公开 / 工作年度报告.
		if !strings.HasSuffix(c, "报告") && j+1 < len(texts) && strings.HasSuffix(compact(texts[j+1]), "报告") && len([]rune(texts[j+1])) < 20 {
			title = t + texts[j+1]
		}
		// Agency on the line above: 威海市科学技术局 / 2019 年政府信息公开工作年度报告.
		if mm := reTitleYear.FindStringSubmatch(compact(title)); mm != nil && mm[1] == "" && j > 0 && agencyAfterYear(mm[3]) == "" {
			prev := texts[j-1]
			pc := compact(prev)
			if len([]rune(pc)) <= 30 && hasHan(pc) && !strings.ContainsAny(pc, "。，:：") && !namesReportWord(pc) {
				title = prev + " " + title
			}
		}
		titles, at = append(titles, title), append(at, j)
	}
	if len(titles) == 0 && fallback != "" {
		return []string{fallback}, []int{fallbackAt}
	}
	return titles, at
}

// sentenceLike tells a short sentence about the report from a title line.
func sentenceLike(c string) bool {
	if strings.ContainsAny(c, "，。；") || strings.Contains(c, "如下") {
		return true
	}
	for _, p := range []string{"现将", "根据", "按照", "依据", "特此", "现予"} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return false
}

// namesReportWord tells text that names the annual report: 年度报告, 年报,
// or 政府信息公开工作报告 (some bodies drop the 年度).
func namesReportWord(c string) bool {
	return strings.Contains(c, "年度报告") || strings.Contains(c, "年报") || strings.Contains(c, "信息公开工作报告")
}

// titleYearAgency reads the year and the agency from a title.
func titleYearAgency(title string) (year *int, agency string) {
	if mm := reTitleYear.FindStringSubmatch(compact(title)); mm != nil {
		if y, err := strconv.Atoi(mm[2]); err == nil && y >= 1990 && y <= 2100 {
			year = &y
		}
		agency = mm[1]
		if agency == "" {
			agency = agencyAfterYear(mm[3])
		}
	}
	return year, strings.TrimSpace(agency)
}

// titleLine locates a title taken from the page's metadata among the
// leading lines, so that the intro starts after it.
func (m *mapper) titleLine(title string, limit int) *schema.Loc {
	ct := compact(title)
	for i := 0; i < limit; i++ {
		c := m.ctext[i]
		if c != "" && !breadcrumbLine(c) && (c == ct || len([]rune(c)) <= 80 && (strings.Contains(c, ct) || strings.Contains(ct, c) && namesReport(c))) {
			l := m.lines[i].Loc()
			return &l
		}
	}
	return nil
}

// agencyAfterYear reads the agency from titles that put the year first:
// 2025 年上海市人民政府办公厅政府信息公开工作年度报告.
func agencyAfterYear(rest string) string {
	if i := strings.Index(rest, "政府信息公开"); i > 0 {
		return rest[:i]
	}
	return ""
}

// agencyKind tells a people's government's own report from a department's:
// they have different deadlines (Art. 49) and content duties (Art. 50).
func agencyKind(agency string) string {
	a := compact(agency)
	switch {
	case a == "":
		return "unknown"
	case strings.HasSuffix(a, "人民政府") || strings.HasSuffix(a, "区政府") || strings.HasSuffix(a, "县政府") || strings.HasSuffix(a, "市政府"):
		return "government"
	case strings.HasSuffix(a, "办公室") || strings.HasSuffix(a, "办公厅") || strings.HasSuffix(a, "局") ||
		strings.HasSuffix(a, "委员会") || strings.HasSuffix(a, "厅") || strings.HasSuffix(a, "委") ||
		strings.HasSuffix(a, "中心") || strings.HasSuffix(a, "办") || strings.HasSuffix(a, "署") || strings.HasSuffix(a, "院"):
		return "department"
	}
	return "unknown"
}

// closingLine returns the index of the first line of the 落款 block (agency
// name and date after section 六), or -1 when there is none.
func (m *mapper) closingLine() int {
	// A line's compact text is empty exactly when the line is blank.
	last := len(m.lines) - 1
	for last >= 0 && m.ctext[last] == "" {
		last--
	}
	if last < 0 {
		return -1
	}
	first := -1
	for i := last; i >= 0 && i >= last-3; i-- {
		c := m.ctext[i]
		if c == "" {
			continue
		}
		isDate := (reDate.MatchString(c) || reISODate.MatchString(c) || reCNDate.MatchString(c)) && len([]rune(c)) <= 20
		isAgency := len([]rune(c)) <= 30 && len([]rune(c)) >= 3 && !strings.ContainsAny(c, "。，；") && hasHan(c) &&
			first >= 0 && (agencyKind(c) != "unknown" || strings.Contains(c, "管委会") || strings.Contains(c, "实验区"))
		if isDate || isAgency {
			first = i
			continue
		}
		break
	}
	return first
}

// dates finds the 落款 date and the statistics period.
func (m *mapper) dates() {
	meta := &m.doc.Meta
	if cl := m.closingLine(); cl >= 0 {
		for i := len(m.lines) - 1; i >= cl; i-- {
			if d, ok := parseDate(m.lines[i].Text()); ok {
				meta.Published = &d
				meta.PublishedSource = locOf(m.lines[i])
				break
			}
		}
	}
	if meta.Published == nil {
		// A dated line under the title (web pages: 发布时间: 2020-01-20 15:22).
		limit := len(m.lines)
		if len(m.heads) > 0 {
			limit = m.heads[0].line
		}
		for i := 0; i < limit && i < 30; i++ {
			t := m.ctext[i]
			if len([]rune(t)) > 40 {
				continue
			}
			if reDatedLine.MatchString(t) || (len([]rune(t)) <= 12 && (reISODate.MatchString(t) || reDate.MatchString(t))) {
				if d, ok := parseDate(t); ok {
					meta.Published = &d
					meta.PublishedSource = locOf(m.lines[i])
					m.diag("published_from_header", "info", "the 落款 date was not found at the end; the date under the title was used", meta.PublishedSource)
					break
				}
			}
		}
	}
	m.pageDate()
	if meta.Published == nil && meta.PagePublished != nil {
		// The date line itself is not report text (the HTML reader keeps it
		// in Layout.Page): the page's posting date stands in for the 落款.
		d := *meta.PagePublished
		meta.Published, meta.PublishedSource = &d, meta.PagePublishedSource
		m.diag("published_from_header", "info", "the 落款 date was not found at the end; the date under the title was used", meta.PublishedSource)
	}
	if meta.Published == nil {
		m.diag("published_not_found", "warning", "no 落款 date found at the end of the report", nil)
	}
	for _, c := range m.ctext {
		if !strings.Contains(c, "统计") && !strings.Contains(c, "期限") && !strings.Contains(c, "时限") {
			continue
		}
		if mm := rePeriod.FindStringSubmatch(c); mm != nil {
			y1, _ := strconv.Atoi(mm[1])
			y2 := y1
			if mm[6] != "" {
				y2, _ = strconv.Atoi(mm[6])
			}
			mo1, _ := strconv.Atoi(mm[2])
			d1, _ := strconv.Atoi(mm[3])
			mo2, _ := strconv.Atoi(mm[7])
			d2, _ := strconv.Atoi(mm[8])
			p := &schema.Period{
				From: fmt.Sprintf("%04d-%02d-%02d", y1, mo1, d1),
				To:   fmt.Sprintf("%04d-%02d-%02d", y2, mo2, d2),
				Raw:  mm[0],
			}
			y := y1
			p.Year = &y
			meta.Period = p
			break
		}
	}
}

// pageDate records the page's own posting date: from the web page's meta
// tag or date line (Layout.Page), else from a 发布时间/时间/日期 label in the
// lines above the first section (crawler text of a page).
func (m *mapper) pageDate() {
	meta := &m.doc.Meta
	if d := m.page.Published; d != "" {
		meta.PagePublished = &d
		if m.page.PublishedLine > 0 {
			meta.PagePublishedSource = &schema.Loc{Line: m.page.PublishedLine}
		}
		return
	}
	limit := len(m.lines)
	if len(m.heads) > 0 {
		limit = m.heads[0].line
	}
	if limit > 30 {
		limit = 30
	}
	var texts []string
	var idx []int
	title := -1
	tl := m.titleLine(meta.Title, limit)
	for i := 0; i < limit; i++ {
		if m.lines[i].Table > 0 {
			continue
		}
		if tl != nil && title < 0 && m.lines[i].Line == tl.Line {
			title = len(texts)
		}
		texts, idx = append(texts, m.lines[i].Text()), append(idx, i)
	}
	if k, d := pageDateIn(texts, title); k >= 0 {
		meta.PagePublished = &d
		meta.PagePublishedSource = locOf(m.lines[idx[k]])
	}
}

// parseDate reads a date in the forms reports use.
func parseDate(s string) (string, bool) {
	c := compact(s)
	var y, mo, d int
	if mm := reDate.FindStringSubmatch(c); mm != nil {
		y, _ = strconv.Atoi(mm[1])
		mo, _ = strconv.Atoi(mm[2])
		d, _ = strconv.Atoi(mm[3])
	} else if mm := reISODate.FindStringSubmatch(c); mm != nil {
		y, _ = strconv.Atoi(mm[1])
		mo, _ = strconv.Atoi(mm[2])
		d, _ = strconv.Atoi(mm[3])
	} else if mm := reCNDate.FindStringSubmatch(c); mm != nil {
		y = cnDigits(mm[1])
		mo = cnNumber(mm[2])
		d = cnNumber(mm[3])
	} else {
		return "", false
	}
	return dateString(y, mo, d)
}

// dateString formats a calendar date, refusing days the month does not
// have (2月30日 is a typo, not a date).
func dateString(y, mo, d int) (string, bool) {
	if y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 {
		return "", false
	}
	if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() != d {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d), true
}

// cnDigits reads 二〇二〇 digit by digit.
func cnDigits(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + cnDigit(r)
	}
	return n
}

func cnDigit(r rune) int {
	return strings.IndexRune("〇一二三四五六七八九", r) / 3 // 3 bytes per rune
}

// cnNumber reads 十五, 二十一, 九.
func cnNumber(s string) int {
	rs := []rune(strings.NewReplacer("零", "〇", "○", "〇", "Ｏ", "〇").Replace(s))
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10
	case len(rs) == 1:
		return cnDigit(rs[0])
	case rs[0] == '十':
		return 10 + cnDigit(rs[1])
	case len(rs) >= 2 && rs[1] == '十':
		n := cnDigit(rs[0]) * 10
		if len(rs) == 3 {
			n += cnDigit(rs[2])
		}
		return n
	}
	return 0
}

// Page furniture lines. Compact text: full-width forms are folded and
// spaces removed, so ＞ is > and 当前位置 ： is 当前位置:.
var (
	toolWords    = []string{"打印本页", "打印此页", "打印文章", "打印", "关闭窗口", "关闭本页", "关闭", "分享到", "分享", "收藏本页", "收藏", "字号", "字体", "默认", "扫一扫", "手机扫一扫", "在手机上打开", "微信", "微博", "qq空间", "qq", "返回顶部", "顶部", "保存", "我要纠错", "纠错", "浏览次数", "阅读次数", "访问次数", "访问量", "浏览量", "点击数", "点击量", "视力保护色", "护眼模式", "无障碍", "朗读", "繁体", "简体", "全文下载", "文字版", "全真版", "增大", "减小", "放大", "缩小", "大", "中", "小", "次"}
	rePageDate   = regexp.MustCompile(`(发布时间|发布日期|发文日期|公开日期|发布于|更新时间|时间|日期|pubdate)[:：]?(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})`)
	reDigits     = regexp.MustCompile(`\d+`)
	reDateStart  = regexp.MustCompile(`^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}`)
	rePageSource = regexp.MustCompile(`(信息来源|文章来源|来源单位|来源|发布机构|发布单位|发布部门)\s*[:：]\s*(\S+)`)
	pageLabels   = []string{"发布时间", "发布日期", "时间", "日期", "浏览", "阅读", "作者", "字号", "点击", "访问", "【", "["}
)

// breadcrumbLine tells a breadcrumb trail (当前位置：首页 > 政务公开 > …), which
// names the column 政府信息公开年报 and so looks like a title to a reader of
// lines, but never is one.
func breadcrumbLine(t string) bool {
	c := strings.ToLower(compact(t))
	rs := []rune(c)
	if len(rs) == 0 || len(rs) > 150 {
		return false
	}
	// 当前位置, 您现在的位置, 您当前所在位置, 你的位置 … followed by 首页 or a colon.
	if i := strings.Index(c, "位置"); i >= 0 && len([]rune(c[:i])) <= 6 {
		rest := c[i+len("位置"):]
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "首页") || strings.HasPrefix(rest, ">") {
			return true
		}
	}
	i := strings.Index(c, "首页")
	if i < 0 || len([]rune(c[:i])) > 6 {
		return false
	}
	return strings.ContainsAny(c[i:], ">»›→/\\") || strings.Contains(c[i:], "-")
}

// toolLine tells a page's tool bar: 【字号 大 中 小】 打印 关闭 分享到.
func toolLine(t string) bool {
	c := strings.ToLower(compact(t))
	if c == "" || len([]rune(c)) > 60 {
		return false
	}
	found := false
	for _, w := range toolWords {
		if strings.Contains(c, w) {
			found = true
			c = strings.ReplaceAll(c, w, "")
		}
	}
	if !found {
		return false
	}
	latin := 0
	for _, r := range c {
		if 'a' <= r && r <= 'z' {
			latin++ // 字体大小：A+ A A-
		}
		if hasHan(string(r)) || latin > 3 {
			return false
		}
	}
	return true
}

// pageDate reads the page's own posting date from a line such as
// 发布时间：2024-01-20 10:00 or 来源：区政府办 时间：2022-02-08. Dates of
// other things (成文日期, 统计时间, 实施日期) are not the page's.
func pageDate(t string) (string, bool) {
	c := strings.ToLower(compact(t))
	if rs := []rune(c); len(rs) > 200 {
		c = string(rs[:200])
	}
	for _, loc := range rePageDate.FindAllStringSubmatchIndex(c, -1) {
		label := c[loc[2]:loc[3]]
		if label == "时间" || label == "日期" {
			before := c[:loc[2]]
			if strings.HasSuffix(before, "成文") || strings.HasSuffix(before, "统计") || strings.HasSuffix(before, "印发") ||
				strings.HasSuffix(before, "实施") || strings.HasSuffix(before, "生效") || strings.HasSuffix(before, "废止") ||
				strings.HasSuffix(before, "办理") || strings.HasSuffix(before, "答复") {
				continue
			}
		}
		if d, ok := ymd(c[loc[4]:loc[5]]); ok {
			return d, true
		}
	}
	return "", false
}

// pageDateIn finds the page's date among the lines of a page head: a
// labelled date (发布时间：…) anywhere first; else a line that starts with a
// date (2024-01-26 10时25分 浏览次数：) or carries one beside the source
// (来源：XX厅 2020-03-31 17:13); else a short line right under the title
// (安徽省政务公开办 2018/3/26). title is the title's index, or -1. It returns
// the line index, or -1.
func pageDateIn(texts []string, title int) (int, string) {
	for i, t := range texts {
		if d, ok := pageDate(t); ok {
			return i, d
		}
	}
	for i, t := range texts {
		c := strings.TrimLeft(compact(t), "•·-*")
		n := len([]rune(c))
		starts := reDateStart.MatchString(c) && n <= 40
		besideSource := n <= 80 && rePageSource.MatchString(t) && (reISODate.MatchString(c) || reDate.MatchString(c))
		if starts || besideSource {
			if d, ok := parseDate(c); ok {
				return i, d
			}
		}
	}
	if title >= 0 && title+1 < len(texts) {
		if c := compact(texts[title+1]); len([]rune(c)) <= 30 {
			if d, ok := parseDate(c); ok {
				return title + 1, d
			}
		}
	}
	return -1, ""
}

// ymd reads the three numbers of 2024-1-5, 2024/01/05 or 2024年1月5(日).
func ymd(s string) (string, bool) {
	n := reDigits.FindAllString(s, 3)
	if len(n) != 3 {
		return "", false
	}
	y, _ := strconv.Atoi(n[0])
	mo, _ := strconv.Atoi(n[1])
	d, _ := strconv.Atoi(n[2])
	return dateString(y, mo, d)
}

// pageSource reads the publishing body from 来源：XX局 / 发布机构：XX局.
func pageSource(t string) string {
	if len(t) > 600 {
		return ""
	}
	m := rePageSource.FindStringSubmatch(t)
	if m == nil {
		return ""
	}
	v := m[2]
	for _, l := range pageLabels {
		if i := strings.Index(v, l); i >= 0 {
			v = v[:i]
		}
	}
	return strings.TrimSpace(v)
}

// pageInfoLine tells the line of page facts under a web page's title
// (发布时间：… 来源：… 浏览次数：…), which is not report text.
func pageInfoLine(t string) bool {
	if len([]rune(t)) > 120 {
		return false
	}
	c := compact(t)
	if _, ok := pageDate(t); ok {
		return true
	}
	return pageSource(t) != "" && (strings.HasPrefix(c, "来源") || strings.HasPrefix(c, "信息来源") || strings.HasPrefix(c, "发布机构") || strings.HasPrefix(c, "文章来源"))
}

// namesReport tells a short line that names the annual report (a title).
func namesReport(t string) bool {
	c := compact(t)
	return len([]rune(c)) <= 80 && namesReportWord(c)
}

// stripSiteName removes the site name a page title carries:
// 2023年…年度报告_XX市人民政府 or 网站名 - …年度报告 → …年度报告.
func stripSiteName(t string) string {
	if t == "" {
		return ""
	}
	parts := strings.FieldsFunc(t, func(r rune) bool { return r == '_' || r == '|' || r == '｜' || r == '—' || r == '－' || r == '–' })
	if len(parts) <= 1 {
		parts = strings.Split(t, " - ")
	}
	for _, p := range parts {
		if namesReport(p) {
			return strings.TrimSpace(p)
		}
	}
	return strings.TrimSpace(parts[0])
}

// likelyAgency tells whether a page's source field can stand for the
// reporting body: 本网 and site names are not bodies.
func likelyAgency(s string) bool {
	c := compact(s)
	n := len([]rune(c))
	return n >= 3 && n <= 30 && hasHan(c) && !strings.ContainsAny(c, "。，；:：") && !strings.Contains(c, "网") &&
		!strings.Contains(c, "本站") && (agencyKind(c) != "unknown" || strings.HasSuffix(c, "会") || strings.HasSuffix(c, "区") || strings.HasSuffix(c, "所"))
}

// AgencyKind classifies a body by its name as the converter does for
// agency_kind: "government", "department" or "unknown".
func AgencyKind(agency string) string { return agencyKind(agency) }
