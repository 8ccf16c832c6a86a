package ingest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/schema"
)

// sectionBodies recognise the six headings without their number, in folded,
// space-free text. They are deliberately loose in the middle — real reports
// insert 因…工作被申请, drop 、 or write 行政法复议 — and anchored at the start.
var sectionBodies = map[string]*regexp.Regexp{
	"overview":          regexp.MustCompile(`^总体情况`),
	"active_disclosure": regexp.MustCompile(`^主动公开政府信息(的)?情况`),
	"requests":          regexp.MustCompile(`^收到和处理政府信息公开申请(的)?情况`),
	"review_litigation": regexp.MustCompile(`^[^。；]{0,20}?行政(法)?复议[^。；]{0,8}?行政诉讼(的)?情况`),
	"problems":          regexp.MustCompile(`^[^。；]{0,12}?存在的?(主要)?问题[^。；]{0,4}?(及|和|与)[^。；]{0,4}?(改进|整改)(情况|措施|举措|工作)?`),
	"other_matters":     regexp.MustCompile(`^其他需要报告的事项`),
}

// headSep is what may follow a heading's number: 一、 一. 一，
const headSep = `[、.,，．]?`

// sectionPatterns are the bodies with their number, for headings inside
// running text: strict at the number, so that table labels such as
// 四、结转下年度继续办理 never match.
var sectionPatterns = func() map[string]*regexp.Regexp {
	out := map[string]*regexp.Regexp{}
	for _, def := range schema.Sections {
		out[def.ID] = regexp.MustCompile(def.Number + headSep + strings.TrimPrefix(sectionBodies[def.ID].String(), "^"))
	}
	return out
}()

// sectionLiterals are text each of sectionBodies requires: a line without
// it cannot match the pattern, and the pattern is not run on it.
var sectionLiterals = map[string]string{
	"overview":          "总体情况",
	"active_disclosure": "主动公开政府信息",
	"requests":          "收到和处理政府信息公开申请",
	"review_litigation": "行政诉讼",
	"problems":          "问题",
	"other_matters":     "其他需要报告的事项",
}

// reHeadNumber is a heading's number and separator; headNumber reads it.
var reHeadNumber = regexp.MustCompile(`^([一二三四五六七八九十]+)` + headSep)

// headNumber is reHeadNumber.FindStringSubmatch by a scan: the number (the
// leading run of 一…十) and what follows the number and its separator; ""
// and c when c does not start with a number.
func headNumber(c string) (num, rest string) {
	i := 0
	for i < len(c) {
		r, n := utf8.DecodeRuneInString(c[i:])
		if !strings.ContainsRune("一二三四五六七八九十", r) {
			break
		}
		i += n
	}
	if i == 0 {
		return "", c
	}
	num = c[:i]
	if r, n := utf8.DecodeRuneInString(c[i:]); n > 0 && strings.ContainsRune("、.,，．", r) {
		i += n
	}
	return num, c[i:]
}

// headMatch is one section heading a line can be.
type headMatch struct {
	def   int // index into schema.Sections
	kind  matchKind
	numOK bool    // numbered as the template numbers the section
	end   int     // rune offset in the line's compact text where the heading ends
	score float64 // for the alignment of headings to sections
}

// headingFuzzy is the least similarity at which a numbered heading line is
// taken for a section whose wording it does not match.
const headingFuzzy = 0.7

// matchHeading lists the sections the compact line text c can open, by the
// one label mechanism: the loose wording patterns, then with the synonyms
// applied (明年工作计划 for 改进情况), then by similarity for a short line
// numbered as the section. A heading under another number (two 三、, or 四、
// for 存在的主要问题) is recognised by its words; one without a number only
// when it is the whole line.
func matchHeading(c string, cn *canon) []headMatch {
	num, rest := headNumber(c)
	numRunes := utf8.RuneCountInString(c[:len(c)-len(rest)])
	// Most lines are no heading: the runes and the synonyms' rewrite are
	// only made for a line that holds a synonym's written form.
	var syn []rune
	var synIdx []int
	synText, hasSyn := "", false
	if cn.partIn(rest) {
		rr := []rune(rest)
		idx := make([]int, len(rr))
		for i := range idx {
			idx[i] = i
		}
		syn, synIdx = cn.applyMap(rr, idx)
		synText = string(syn)
		hasSyn = len(syn) != len(rr) || synText != rest
	}
	restRunes := utf8.RuneCountInString(rest)
	var out []headMatch
	for di, def := range schema.Sections {
		re := sectionBodies[def.ID]
		lit := sectionLiterals[def.ID]
		hm := headMatch{def: di, numOK: num == def.Number}
		if strings.Contains(rest, lit) {
			if loc := re.FindStringIndex(rest); loc != nil {
				hm.kind, hm.end = matchExact, numRunes+runeIndex(rest, loc[1])
			}
		}
		if hm.kind == matchNone && hasSyn && strings.Contains(synText, lit) {
			if loc := re.FindStringIndex(synText); loc != nil {
				e := runeIndex(synText, loc[1])
				hm.kind, hm.end = matchSynonym, numRunes+synIdx[e-1]+1
			}
		}
		if hm.kind == matchNone && hm.numOK {
			body := []rune(key(strings.TrimPrefix(def.Heading, def.Number)))
			k := []rune(key(rest))
			if len(k) <= len(body)+4 && restRunes <= 40 {
				if s := similarity(k, body); s >= headingFuzzy {
					hm.kind, hm.end, hm.score = matchFuzzy, utf8.RuneCountInString(c), s
				}
			}
		}
		if hm.kind == matchNone && hm.numOK && restRunes <= 40 && hasCue(key(rest), def.Cues) {
			// Numbered as the section and opening with its cue words
			// (五、存在的主要问题和今后打算): the section, worded freely.
			hm.kind, hm.end, hm.score = matchFuzzy, utf8.RuneCountInString(c), headingFuzzy
		}
		if hm.kind == matchNone {
			continue
		}
		if num == "" && key(string([]rune(c)[hm.end:])) != "" {
			continue // unnumbered, and not alone on its line: narrative
		}
		switch {
		case hm.kind == matchFuzzy:
			hm.score *= 2
		case hm.numOK && hm.kind == matchExact:
			hm.score = 3
		case hm.numOK:
			hm.score = 2.5
		case hm.kind == matchExact:
			hm.score = 1.5
		default:
			hm.score = 1.2
		}
		out = append(out, hm)
	}
	return out
}

// headingSpans finds numbered section headings inside running text (a
// paragraph whose table cells ran together): cs is the compact text and
// cidx the original rune index of each of its runes. The synonyms apply as
// they do to heading lines.
func headingSpans(cs []rune, cidx []int, cn *canon) []struct{ def, start, end int } {
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	syn, synIdx := cn.applyMap(cs, idx)
	ss := string(syn)
	var out []struct{ def, start, end int }
	for di, def := range schema.Sections {
		for _, loc := range sectionPatterns[def.ID].FindAllStringIndex(ss, -1) {
			s := synIdx[runeIndex(ss, loc[0])]
			e := synIdx[runeIndex(ss, loc[1])-1]
			out = append(out, struct{ def, start, end int }{di, cidx[s], cidx[e] + 1})
		}
	}
	return out
}

// findSections locates the six headings: every line that can open a section
// is a candidate, and a sequence alignment keeps the sections in order,
// preferring official wording and numbering, and the earliest line on equal
// terms. A section whose heading was lost is found by its cue sub-heading
// (（一）存在的主要问题) between its neighbours.
func (m *mapper) findSections() {
	type cand struct {
		line    int
		matches []headMatch
	}
	var cands []cand
	for i, l := range m.lines {
		if nonEmptyOver(l, 2) {
			continue
		}
		c := m.ctext[i]
		if len(c) > 240 || len([]rune(c)) >= 80 {
			continue
		}
		// Headings come before the template is known; their synonyms hold in
		// both versions.
		if ms := matchHeading(c, canonFor("")); len(ms) > 0 {
			cands = append(cands, cand{i, ms})
		}
	}
	nt := len(schema.Sections)
	score := make([][]float64, len(cands))
	for i, cd := range cands {
		score[i] = make([]float64, nt)
		for _, hm := range cd.matches {
			score[i][hm.def] = hm.score
		}
	}
	assign := alignScores(score, nt, 0.5, true)
	byDef := make([]int, nt) // candidate index per section, or -1
	for j := range byDef {
		byDef[j] = -1
	}
	for i, j := range assign {
		if j >= 0 {
			byDef[j] = i
		}
	}
	for di, def := range schema.Sections {
		ci := byDef[di]
		if ci < 0 {
			if h, ok := m.cueHeading(di, byDef, func(k int) int { return cands[k].line }); ok {
				m.heads = append(m.heads, h)
				m.diagCell("heading_inferred", "warning",
					fmt.Sprintf("heading %s not found; the section is taken to start at its sub-heading %q", def.Heading, h.text),
					"sections", def.ID, "", locOf(m.lines[h.line]))
				continue
			}
			m.diag("section_not_found", "info", fmt.Sprintf("section heading %s not found", def.Heading), nil)
			continue
		}
		cd := cands[ci]
		var hm headMatch
		for _, x := range cd.matches {
			if x.def == di {
				hm = x
			}
		}
		l := m.lines[cd.line]
		text := strings.TrimSpace(l.Text())
		// Keep only the heading itself; anything after it on the line is text.
		_, cidx := compactMap(text)
		orig := []rune(text)
		end := len(orig)
		if hm.end > 0 && hm.end <= len(cidx) {
			end = cidx[hm.end-1] + 1
		}
		h := heading{def: def, line: cd.line, text: strings.TrimSpace(string(orig[:end])), after: strings.TrimSpace(string(orig[end:]))}
		m.heads = append(m.heads, h)
		loc := locOf(l)
		m.labelVariant(hm.kind, hm.score/2, h.text, def.Heading, "sections", def.ID, "", loc)
		if !hm.numOK {
			m.diagCell("heading_misnumbered", "warning",
				fmt.Sprintf("heading %q is the section %s by its words but is not numbered %s、", h.text, def.Heading, def.Number),
				"sections", def.ID, "", loc)
		}
	}
	// Cue headings were added out of order.
	for i := 1; i < len(m.heads); i++ {
		for k := i; k > 0 && m.heads[k].line < m.heads[k-1].line; k-- {
			m.heads[k], m.heads[k-1] = m.heads[k-1], m.heads[k]
		}
	}
}

// reCueNumber is the numbering of a sub-heading: （一） (1) 1. 一是
var reCueNumber = regexp.MustCompile(`^(\(?[一二三四五六七八九十\d]{1,2}\)?[、.]?|[一二三四五六七八九十]是)`)

// cueHeading finds the sub-heading that opens section di when its heading
// is missing: the first short line between the neighbouring headings found
// that starts with one of the section's cues.
func (m *mapper) cueHeading(di int, byDef []int, lineOf func(int) int) (heading, bool) {
	def := schema.Sections[di]
	if len(def.Cues) == 0 {
		return heading{}, false
	}
	from, to := 0, len(m.lines)
	for j := di - 1; j >= 0; j-- {
		if byDef[j] >= 0 {
			from = lineOf(byDef[j]) + 1
			break
		}
	}
	if from == 0 {
		return heading{}, false // nothing before it was found: no anchor
	}
	for j := di + 1; j < len(byDef); j++ {
		if byDef[j] >= 0 {
			to = lineOf(byDef[j])
			break
		}
	}
	for i := from; i < to; i++ {
		if nonEmptyCells(m.lines[i]) > 1 {
			continue
		}
		c := m.ctext[i]
		rest := c
		if loc := reCueNumber.FindStringIndex(c); loc != nil {
			rest = c[loc[1]:]
		} else if len([]rune(c)) > 40 {
			continue // a paragraph that merely starts with the words
		}
		k := key(rest)
		for _, cue := range def.Cues {
			if !strings.HasPrefix(k, cue) {
				continue
			}
			// The heading is the numbering and the cue; the whole line,
			// cue included, stays the section's text.
			text := strings.TrimSpace(m.lines[i].Text())
			lk, lidx := keyMap(text)
			end := len([]rune(text))
			if p := strings.Index(string(lk), cue); p >= 0 {
				end = lidx[runeIndex(string(lk), p)+len([]rune(cue))-1] + 1
			}
			return heading{def: def, line: i, text: string([]rune(text)[:end]), inferred: true}, true
		}
	}
	return heading{}, false
}

func hasCue(k string, cues []string) bool {
	for _, c := range cues {
		if strings.HasPrefix(k, c) {
			return true
		}
	}
	return false
}

// cueSpan finds, in running text, where a section whose numbered heading is
// missing opens with its first cue sub-heading: (一)存在的主要问题. It
// returns the original rune offset, or -1. Only the first sub-heading
// counts: (二)存在的问题 would be inside another section's list.
func cueSpan(cs []rune, cidx []int, def schema.SectionDef, after int) int {
	s := string(cs)
	best := -1
	for _, cue := range def.Cues {
		for _, open := range []string{"(一)", "一、"} {
			i := strings.Index(s, open+cue)
			for i >= 0 {
				if o := cidx[runeIndex(s, i)]; o > after {
					if best < 0 || o < best {
						best = o
					}
					break
				}
				j := strings.Index(s[i+1:], open+cue)
				if j < 0 {
					break
				}
				i += 1 + j
			}
		}
	}
	return best
}
