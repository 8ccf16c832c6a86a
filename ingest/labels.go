package ingest

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/ogi-checker/ogi/schema"
)

// templateMarkers are labels printed in only one template version: the
// template is detected from the tables' own wording, not from the year.
var templateMarkers = map[string][]string{
	schema.Template2019: {"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
		"第二十条第（九）项", "采购项目数量", "采购总金额", "政府集中采购", "其他对外管理服务事项"},
	schema.Template2021: {"本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
		"申请人无正当理由逾期不补正", "逾期未按收费通知要求缴纳费用", "行政规范性文件"},
}

// splitLabel is a label that starts a new virtual line when a report's
// table cells have been run together into one paragraph.
type splitLabel struct {
	key []rune
	// numbering is the key of the label's own numbering (e.g. "2" for
	// 2.重复申请); it is looked for just before the label's core text.
	numbering string
}

var (
	splitLabelsOnce sync.Once
	splitLabels     []splitLabel
)

// runTogetherLabels lists every table label of both templates, longest first
// so that 行政规范性文件 wins over 规范性文件.
func runTogetherLabels() []splitLabel {
	splitLabelsOnce.Do(func() {
		seen := map[string]bool{}
		add := func(label string) {
			k := key(label)
			num := ""
			if m := reNumbering.FindStringSubmatch(fold(label)); m != nil {
				num = key(m[0])
				k = key(fold(label)[len(m[0]):])
			}
			if k == "" || seen[num+"|"+k] {
				return
			}
			seen[num+"|"+k] = true
			splitLabels = append(splitLabels, splitLabel{key: []rune(k), numbering: num})
		}
		for _, id := range []string{schema.Template2019, schema.Template2021} {
			t := schema.Templates[id]
			for _, s := range t.Active {
				add(s.Caption)
				for _, c := range s.Cols {
					add(c.Label)
				}
				for _, r := range s.Rows {
					add(r.Label)
				}
			}
			for _, r := range t.RequestRows {
				add(r.Label)
				if r.Group != "" {
					add(r.Group)
				}
			}
		}
		for _, l := range []string{"信息内容", "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构",
			"社会公益组织", "法律服务机构", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
			"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
			add(l)
		}
		sort.SliceStable(splitLabels, func(i, j int) bool { return len(splitLabels[i].key) > len(splitLabels[j].key) })
	})
	return splitLabels
}

// reNumbering matches the numbering in front of a label: 一、 （三） 2. 1、
var reNumbering = regexp.MustCompile(`^\s*(\(?[一二三四五六七八九十]+\)?[、.]?|\d+\s*[.、])`)

// splitRunTogether rewrites paragraphs whose table cells were run together
// (web-page crawls such as 规章000规范性文件898989) into virtual lines, one per
// label, each with the label cell and the text up to the next label as a
// second cell. Section headings found inside such paragraphs become lines of
// their own. Lines that are already tabular are left alone.
func splitRunTogether(lines []Line) ([]Line, bool) {
	out := make([]Line, 0, len(lines))
	changed := false
	for _, l := range lines {
		if l.Table != 0 || len(l.Cells) != 1 || !looksRunTogether(l.Cells[0].Text) {
			out = append(out, l)
			continue
		}
		changed = true
		out = append(out, splitParagraph(l)...)
	}
	return out, changed
}

// looksRunTogether: at least three table labels each directly followed by a
// digit — narrative mentions labels, but never glued to a number run.
func looksRunTogether(s string) bool {
	if len(s) < 200 || !strings.Contains(s, "申请") {
		return false
	}
	c := compact(s)
	n := 0
	for _, lab := range []string{"规章", "行政许可", "行政处罚", "行政强制", "申请数量", "属于国家秘密", "重复申请", "总计"} {
		i := strings.Index(c, lab)
		for i >= 0 {
			rest := c[i+len(lab):]
			if rest != "" && rest[0] >= '0' && rest[0] <= '9' {
				n++
				break
			}
			j := strings.Index(rest, lab)
			if j < 0 {
				break
			}
			i += len(lab) + j
		}
	}
	return n >= 3
}

type cut struct {
	start, end int // rune offsets in the original text
	label      bool
}

func splitParagraph(l Line) []Line {
	text := l.Cells[0].Text
	orig := []rune(text)
	k, idx := keyMap(text)
	var cuts []cut

	// Section headings, anywhere in the paragraph.
	c, cidx := compactMap(text)
	hasProblems := false
	for _, sp := range headingSpans(c, cidx, canonFor("")) {
		cuts = append(cuts, cut{start: sp.start, end: sp.end})
		hasProblems = hasProblems || schema.Sections[sp.def].ID == "problems"
	}
	// Table labels, only between the first caption and the 五 heading: the
	// narrative before and after mentions the same words.
	zoneStart, zoneEnd := tableZone(c, cidx, len(orig))
	if !hasProblems && zoneEnd < len(orig) {
		// Section 五 opens at its first sub-heading: a line of its own, so
		// that the section is found by it and table 4's digits end there.
		cuts = append(cuts, cut{start: zoneEnd, end: zoneEnd})
	}
	used := make([]bool, len(k))
	for _, lab := range runTogetherLabels() {
		for i := 0; i+len(lab.key) <= len(k); i++ {
			if idx[i] < zoneStart || idx[i] >= zoneEnd || !runesAt(k, i, lab.key) || anyUsed(used, i, len(lab.key)) {
				continue
			}
			start := i
			if lab.numbering != "" && i >= len([]rune(lab.numbering)) {
				nb := []rune(lab.numbering)
				if runesAt(k, i-len(nb), nb) && !anyUsed(used, i-len(nb), len(nb)) {
					start = i - len(nb)
				}
			}
			for j := start; j < i+len(lab.key); j++ {
				used[j] = true
			}
			s := idx[start]
			// Take the numbering's brackets and punctuation along: （三）.
			for s > 0 && strings.ContainsRune("（(", orig[s-1]) {
				s--
			}
			cuts = append(cuts, cut{start: s, end: idx[i+len(lab.key)-1] + 1, label: true})
		}
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].start < cuts[j].start })
	// Drop overlaps (a heading regex and a label on the same text).
	var merged []cut
	for _, ct := range cuts {
		if len(merged) > 0 && ct.start < merged[len(merged)-1].end {
			continue
		}
		merged = append(merged, ct)
	}
	var out []Line
	emit := func(cells ...string) {
		var cl []Cell
		for i, t := range cells {
			if i > 0 && strings.TrimSpace(t) == "" {
				continue
			}
			cl = append(cl, Cell{Text: strings.TrimSpace(t), Col: i})
		}
		if len(cl) == 0 || (len(cl) == 1 && cl[0].Text == "") {
			return
		}
		nl := l
		nl.Cells = cl
		out = append(out, nl)
	}
	pos := 0
	for i, ct := range merged {
		if ct.start > pos {
			emit(string(orig[pos:ct.start]))
		}
		next := len(orig)
		if i+1 < len(merged) {
			next = merged[i+1].start
		}
		// Strip the numbering's closing bracket or dot that keyMap skipped.
		end := ct.end
		for end < next && strings.ContainsRune(")）.、”\"’》", orig[end]) {
			end++
		}
		if ct.label {
			emit(string(orig[ct.start:end]), string(orig[end:next]))
		} else {
			emit(string(orig[ct.start:end]))
			if strings.TrimSpace(string(orig[end:next])) != "" {
				emit(string(orig[end:next]))
			}
		}
		pos = next
	}
	if pos < len(orig) {
		emit(string(orig[pos:]))
	}
	return out
}

// tableZone returns the rune range of the original text where table labels
// are split: from the first 第二十条 caption (or 二、 heading) to the 五 heading.
func tableZone(c []rune, cidx []int, n int) (int, int) {
	cs := string(c)
	start, end := n, n
	spans := headingSpans(c, cidx, canonFor(""))
	if i := strings.Index(cs, "第二十条"); i >= 0 {
		start = cidx[runeIndex(cs, i)]
	} else {
		for _, sp := range spans {
			if schema.Sections[sp.def].ID == "active_disclosure" && sp.start < start {
				start = sp.start
			}
		}
	}
	found := false
	for _, sp := range spans {
		if schema.Sections[sp.def].ID == "problems" && sp.start > start && sp.start < end {
			end, found = sp.start, true
		}
	}
	if !found {
		if e := problemsCue(c, cidx, start); e >= 0 {
			end = e
		}
	}
	return start, end
}

// problemsCue is where section 五 opens by its first sub-heading when its
// numbered heading is missing from a run-together paragraph, or -1.
func problemsCue(c []rune, cidx []int, after int) int {
	for _, def := range schema.Sections {
		if def.ID == "problems" {
			return cueSpan(c, cidx, def, after)
		}
	}
	return -1
}

func runesAt(s []rune, i int, sub []rune) bool {
	if i < 0 || i+len(sub) > len(s) {
		return false
	}
	for j, r := range sub {
		if s[i+j] != r {
			return false
		}
	}
	return true
}

func anyUsed(used []bool, i, n int) bool {
	for j := i; j < i+n; j++ {
		if used[j] {
			return true
		}
	}
	return false
}

// runeIndex converts a byte offset in s to a rune offset.
func runeIndex(s string, byteOff int) int {
	return len([]rune(s[:byteOff]))
}

// compactMap is compact with the original rune index of every kept rune.
func compactMap(s string) ([]rune, []int) {
	orig := []rune(s)
	out := make([]rune, 0, len(orig))
	idx := make([]int, 0, len(orig))
	for i, r := range orig {
		for _, fr := range fold(string(r)) {
			if fr == ' ' || fr == '\t' || fr == '\n' || fr == '\r' || fr == '\u3000' || fr == '\u00a0' {
				continue
			}
			out = append(out, fr)
			idx = append(idx, i)
		}
	}
	return out, idx
}
