package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

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
	// Lines a web crawler put above the page text.
	reCrawlHeader = regexp.MustCompile(`^(发布时间|文号|发布机构|栏目|原文链接|本地目录|页面链接|=+\s*正文\s*=+|来源|当前位置)`)
)

// titleMeta finds the title (the line naming the 年度报告, joined with the
// agency line above or the continuation below), the year and the agency.
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
		if t != "" {
			texts = append(texts, t)
			idx = append(idx, i)
		}
	}
	for j, t := range texts {
		c := compact(t)
		if !strings.Contains(c, "年度报告") && !strings.Contains(c, "年报") && !strings.HasSuffix(c, "政府信息公开") {
			continue
		}
		if len([]rune(c)) > 60 {
			// A sentence that mentions the report, not the title.
			if i := strings.Index(c, "年度报告"); i < 0 || len([]rune(c[:i])) > 50 {
				continue
			}
			c = c[:strings.Index(c, "年度报告")+len("年度报告")]
			t = c
		}
		title = t
		// Title continued on the next line: …政府信息公开 / 工作年度报告.
		if !strings.HasSuffix(c, "报告") && j+1 < len(texts) && strings.HasSuffix(compact(texts[j+1]), "报告") && len([]rune(texts[j+1])) < 20 {
			title = t + texts[j+1]
		}
		// Agency on the line above: 威海市科学技术局 / 2019 年政府信息公开工作年度报告.
		if mm := reTitleYear.FindStringSubmatch(compact(title)); mm != nil && mm[1] == "" && j > 0 && agencyAfterYear(mm[3]) == "" {
			prev := texts[j-1]
			pc := compact(prev)
			if len([]rune(pc)) <= 30 && hasHan(pc) && !strings.ContainsAny(pc, "。，:：") {
				title = prev + " " + title
			}
		}
		l := m.lines[idx[j]].Loc()
		loc = &l
		break
	}
	ct := compact(title)
	if mm := reTitleYear.FindStringSubmatch(ct); mm != nil {
		if y, err := strconv.Atoi(mm[2]); err == nil && y >= 1990 && y <= 2100 {
			year = &y
		}
		agency = mm[1]
		if agency == "" {
			agency = agencyAfterYear(mm[3])
		}
	}
	agency = strings.TrimSpace(agency)
	if title == "" {
		m.diag("title_not_found", "warning", "no title naming the 政府信息公开工作年度报告 was found before the first section", nil)
	}
	return year, title, agency, loc
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
	last := len(m.lines) - 1
	for last >= 0 && strings.TrimSpace(m.lines[last].Text()) == "" {
		last--
	}
	if last < 0 {
		return -1
	}
	first := -1
	for i := last; i >= 0 && i >= last-3; i-- {
		t := strings.TrimSpace(m.lines[i].Text())
		c := compact(t)
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
			t := compact(m.lines[i].Text())
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
	if y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 {
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
