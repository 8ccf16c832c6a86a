package brief

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// rawItem is a problem or measure cut out of a 第五部分.
type rawItem struct{ kind, text string }

// measureCues open the part of a 第五部分 that says what will be done;
// what comes before is the problems. Real sections write 改进措施：, 针对存在
// 问题，下一步…, 2023年，我区将采取以下措施….
var measureCues = []string{"改进措施", "改进举措", "整改措施", "针对", "下一步", "将采取", "将重点", "将切实", "将从以下", "将继续", "我们将", "将着力"}

// deficient words name a shortcoming: a clause with one is a problem.
var deficient = regexp.MustCompile(`有待|不足|不够|不强|不高|不深|不全|不到位|不充分|不规范|不及时|不完善|尚需|尚未|还需|仍需|需进一步|单一|欠缺|缺少|缺乏|薄弱|滞后|有限|难以|未能|差距|短板|不平衡|参差不齐`)

// preamble marks the opening sentence (工作取得一定成效，但仍存在一定差距),
// which states no particular problem.
var preamble = regexp.MustCompile(`取得|成效|成绩|进展|成果`)

// heading is a sub-heading inside the section: （一）存在的主要问题.
var heading = regexp.MustCompile(`^(（[一二三四五六七八九十]）)?(存在的?)?主要?问题[:：]?$`)

// lead trims enumerators and connectives off an item's start.
var lead = regexp.MustCompile(`^(（[一二三四五六七八九十]）|[一二三四五六七八九十]是|\d{1,2}[.、．]|主要是|如|但|[，,、：:；;。\s])+`)

// enumerators of measures, tried in this order: 一是…二是…, then （一）（二）.
var enumerators = []*regexp.Regexp{regexp.MustCompile(`[一二三四五六七八九十]是`), regexp.MustCompile(`（[一二三四五六七八九十]）`)}

// extractItems cuts a 第五部分 into its problems (clauses naming a
// shortcoming, before the first measure cue) and its measures (the
// enumerated points after it, or its sentences).
func extractItems(text string) []rawItem {
	t := oneLine(text)
	probs, meas := t, ""
	if i := measureStart(t); i >= 0 {
		probs, meas = t[:i], t[i:]
	}
	var out []rawItem
	for _, p := range problemItems(probs) {
		out = append(out, rawItem{KindProblem, p})
	}
	for _, m := range measureItems(meas) {
		out = append(out, rawItem{KindMeasure, m})
	}
	return out
}

// measureStart is the byte offset of the sentence holding the first
// measure cue, or -1.
func measureStart(t string) int {
	best := -1
	for _, c := range measureCues {
		if i := strings.Index(t, c); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return -1
	}
	j := strings.LastIndexAny(t[:best], "。；;")
	if j < 0 {
		return 0
	}
	_, size := utf8.DecodeRuneInString(t[j:])
	return j + size
}

// problemItems: within each sentence, clauses are gathered until one names
// a shortcoming, which closes an item; what follows the last such clause
// belongs to it. A sentence naming none is one item. Opening sentences
// (取得…成效) and sub-headings are left out.
func problemItems(p string) []string {
	var out []string
	for _, sentence := range splitKeep(p, "。；;！？!?") {
		var items []string
		cur := ""
		for _, clause := range splitKeep(sentence, "，,、：:；;。！？!?") {
			if heading.MatchString(strings.TrimSpace(clause)) {
				continue
			}
			cur += clause
			if deficient.MatchString(clause) {
				items = append(items, cur)
				cur = ""
			}
		}
		switch {
		case len(items) == 0:
			items = []string{cur}
		case cur != "":
			items[len(items)-1] += cur
		}
		for _, it := range items {
			if it = clean(it); utf8.RuneCountInString(han(it)) >= 2 && !preamble.MatchString(it) {
				out = append(out, it)
			}
		}
	}
	return out
}

// measureItems are the enumerated points (the lead-in before the first is
// left out), or the sentences when nothing is enumerated (lead-ins ending
// in a colon left out).
func measureItems(m string) []string {
	if strings.TrimSpace(m) == "" {
		return nil
	}
	var chunks []string
	for _, re := range enumerators {
		// One marker is a sub-heading (（二）改进措施), not a list.
		idx := re.FindAllStringIndex(m, -1)
		if len(idx) < 2 {
			continue
		}
		for k, ix := range idx {
			end := len(m)
			if k+1 < len(idx) {
				end = idx[k+1][0]
			}
			chunks = append(chunks, m[ix[0]:end])
		}
		break
	}
	if chunks == nil {
		for _, s := range splitKeep(m, "。；;！？!?：:") {
			if !strings.HasSuffix(s, "：") && !strings.HasSuffix(s, ":") {
				chunks = append(chunks, s)
			}
		}
	}
	var out []string
	for _, c := range chunks {
		if c = clean(c); utf8.RuneCountInString(han(c)) >= 2 {
			out = append(out, c)
		}
	}
	return out
}

// clean trims enumerators, connectives and closing punctuation (and the
// list-closing 等) from an item.
func clean(s string) string {
	s = lead.ReplaceAllString(strings.TrimSpace(s), "")
	s = strings.TrimRight(s, "，,、：:；;。！？!? ")
	return strings.TrimSuffix(s, "等")
}
