package brief

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// Set is the briefs of a run: one per report paired with last year's, and
// the reports for which no report of the same body for the year before was
// found.
type Set struct {
	Briefs   []*Brief `json:"briefs"`
	Unpaired []Side   `json:"unpaired"`
}

// WriteJSON writes the set as indented JSON, Chinese left readable.
func WriteJSON(w io.Writer, s *Set) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteText writes the briefs as plain text in lang ("en", or Chinese).
func WriteText(w io.Writer, s *Set, lang string) error { return write(w, s, lang, false) }

// WriteMarkdown writes the briefs as Markdown in lang.
func WriteMarkdown(w io.Writer, s *Set, lang string) error { return write(w, s, lang, true) }

func write(w io.Writer, s *Set, lang string, md bool) error {
	p := &printer{lang: lang}
	for i, b := range s.Briefs {
		if i > 0 {
			p.line("")
		}
		p.brief(b, md)
	}
	p.unpaired(s.Unpaired, md)
	_, err := io.WriteString(w, p.b.String())
	return err
}

type printer struct {
	lang string
	b    strings.Builder
}

func (p *printer) tr(zh, en string) string {
	if p.lang == "en" {
		return en
	}
	return zh
}

func (p *printer) pick(t engine.Text) string { return t.Pick(p.lang) }

func (p *printer) line(format string, a ...any) {
	fmt.Fprintf(&p.b, format, a...)
	p.b.WriteByte('\n')
}

func (p *printer) year(y int) string {
	if y == 0 {
		return p.tr("年度不详", "year unknown")
	}
	return p.tr(itoa(y)+"年度", itoa(y))
}

func (p *printer) brief(b *Brief, md bool) {
	title := p.tr("同比简报："+b.This.Agency+" "+p.year(b.This.Year)+"（对比"+p.year(b.Last.Year)+"）",
		"Year-on-year brief: "+b.This.Agency+", "+p.year(b.This.Year)+" against "+p.year(b.Last.Year))
	h2, h3, item, indent, sub := "", "", "  ", "    ", "       "
	this, last := b.This.File, b.Last.File
	if md {
		h2, h3, item, indent, sub = "## ", "### ", "- ", "  ", "     - "
		title = mdEscape(title)
		this, last = "`"+this+"`", "`"+last+"`"
	}
	p.line("%s%s", h2, title)
	if md {
		p.line("")
	}
	p.line("%s%s%s", item, p.tr("本年报告：", "This year: "), this)
	p.line("%s%s%s", item, p.tr("上年报告：", "Last year: "), last)
	for _, n := range b.Notes {
		p.line("%s%s%s", item, p.tr("注意：", "Note: "), p.pick(n))
	}

	p.line("")
	p.line("%s%s", h3, p.tr("一、主要数据", "1. Key figures"))
	if md {
		p.line("")
		p.line("| %s | %s | %s | %s | %s |", p.tr("指标", "Figure"), p.tr("本年", "This year"), p.tr("上年", "Last year"),
			p.tr("变化", "Change"), p.tr("表中位置", "Where"))
		p.line("|---|---:|---:|---|---|")
	}
	for _, f := range b.Figures {
		if md {
			p.line("| %s | %s | %s | %s | %s |", p.pick(f.Name), p.value(f.This), p.value(f.Last), p.change(f, b.MinCount), mdEscape(p.pick(f.Cells)))
			continue
		}
		p.line("%s%s%s%s%s%s%s%s%s%s", item, p.pick(f.Name), p.colon(), p.tr("本年", "this year "), p.value(f.This), p.comma(),
			p.tr("上年", "last year "), p.value(f.Last), p.comma(), p.change(f, b.MinCount))
		p.line("%s%s", indent, p.paren(p.pick(f.Cells)))
	}
	for _, r := range b.Rates {
		if md {
			p.line("| %s | %s | %s | %s | %s |", p.pick(r.Name), p.rate(r.This, b.MinCount), p.rate(r.Last, b.MinCount), p.points(r), mdEscape(p.pick(r.Cells)))
			continue
		}
		ch := ""
		if s := p.points(r); s != "—" {
			ch = p.comma() + s
		}
		p.line("%s%s%s%s%s%s%s%s%s", item, p.pick(r.Name), p.colon(), p.tr("本年", "this year "), p.rate(r.This, b.MinCount), p.comma(),
			p.tr("上年", "last year "), p.rate(r.Last, b.MinCount), ch)
		p.line("%s%s", indent, p.paren(p.pick(r.Cells)))
	}
	if md {
		p.line("")
	}
	p.line("%s%s", item, p.tr(
		"说明：上年数不足"+itoa(b.MinCount)+"件时不计算增减比例，总计不足"+itoa(b.MinCount)+"件时不计算纠错率（标为“样本过少”）。",
		"Percent changes need at least "+itoa(b.MinCount)+" last year, and correction rates a total of at least "+itoa(b.MinCount)+" (otherwise “too few cases”)."))

	p.line("")
	p.line("%s%s", h3, p.tr("二、文字部分与上年的重合", "2. Narrative shared with last year"))
	if md {
		p.line("")
	}
	p.overlap(b, item, indent)

	p.line("")
	p.line("%s%s", h3, p.tr("三、第五部分是否回应上年提出的问题", "3. Does section V follow up last year's problems"))
	if md {
		p.line("")
	}
	p.followUp(b, item, indent, sub)
}

func (p *printer) value(v Value) string {
	if v.Value != nil {
		return p.tr(fmtNum(*v.Value)+"件", fmtNum(*v.Value))
	}
	switch v.Status {
	case schema.StatusBlank:
		return p.tr("空白", "blank")
	case schema.StatusPlaceholder:
		return p.tr("填“"+v.Raw+"”", "“"+v.Raw+"” (no number)")
	case schema.StatusText:
		return p.tr("非数字“"+v.Raw+"”", "not a number “"+v.Raw+"”")
	case schema.StatusAmbiguous:
		return p.tr("数字不确定", "uncertain number")
	}
	return p.tr("缺少该行", "row missing")
}

func (p *printer) change(f Figure, minCount int) string {
	if f.Change == nil {
		return p.tr("无法比较", "cannot compare")
	}
	ch := *f.Change
	var s string
	switch {
	case ch > 0:
		s = p.tr("增加"+fmtNum(ch)+"件", "up "+fmtNum(ch))
	case ch < 0:
		s = p.tr("减少"+fmtNum(-ch)+"件", "down "+fmtNum(-ch))
	default:
		s = p.tr("持平", "unchanged")
	}
	switch {
	case f.PctGuarded:
		s += p.tr("（上年不足"+itoa(minCount)+"件，样本过少，不计算比例）", " (fewer than "+itoa(minCount)+" last year: too few cases for a percentage)")
	case f.ChangePct != nil && *f.ChangePct > 0:
		s += p.tr("（增长"+fmtPct(*f.ChangePct)+"）", " (+"+fmtPct(*f.ChangePct)+")")
	case f.ChangePct != nil && *f.ChangePct < 0:
		s += p.tr("（下降"+fmtPct(-*f.ChangePct)+"）", " ("+fmtPct(*f.ChangePct)+")")
	}
	return s
}

func (p *printer) rate(v RateValue, minCount int) string {
	switch {
	case v.Rate != nil:
		return p.tr(fmtPct(*v.Rate)+"（纠正"+fmtNum(*v.Corrected.Value)+"件，总计"+fmtNum(*v.Total.Value)+"件）",
			fmtPct(*v.Rate)+" ("+fmtNum(*v.Corrected.Value)+" corrected of "+fmtNum(*v.Total.Value)+")")
	case v.Guarded:
		return p.tr("样本过少（总计"+fmtNum(*v.Total.Value)+"件，不足"+itoa(minCount)+"件）",
			"too few cases ("+fmtNum(*v.Total.Value)+", fewer than "+itoa(minCount)+")")
	case v.Total.Value == nil:
		return p.tr("无法计算（总计", "cannot compute (total ") + p.value(v.Total) + p.tr("）", ")")
	}
	return p.tr("无法计算（结果纠正", "cannot compute (corrected ") + p.value(v.Corrected) + p.tr("）", ")")
}

func (p *printer) points(r Rate) string {
	if r.ChangePoints == nil {
		return "—"
	}
	return p.tr(signed(*r.ChangePoints)+"个百分点", signed(*r.ChangePoints)+" points")
}

func (p *printer) overlap(b *Brief, item, indent string) {
	o := b.Overlap
	if o.Jaccard == nil {
		p.line("%s%s", item, p.tr("文字部分过短或缺失，未比较。", "Too little narrative text to compare."))
		return
	}
	thr := fmtPct(round1(b.Threshold * 100))
	verdict := p.tr("，未达到内容雷同阈值"+thr+"。", ", below the 内容雷同 threshold of "+thr+".")
	if o.Same {
		verdict = p.tr("，达到内容雷同阈值"+thr+"。", ", at or above the 内容雷同 threshold of "+thr+".")
	}
	p.line("%s%s%s%s", item, p.tr("第一、五、六部分合计与上年重合度", "Sections I, V and VI together share "),
		fmtPct(round1(*o.Jaccard*100)), verdict)
	for _, s := range o.Sections {
		v := p.tr("缺失，未比较", "missing, not compared")
		switch {
		case s.Jaccard != nil:
			v = fmtPct(round1(*s.Jaccard * 100))
		case s.Short:
			v = p.tr("内容过短，未比较", "too short, not compared")
		}
		p.line("%s%s%s%s", item, p.pick(s.Name), p.colon(), v)
	}
	if len(o.Passages) == 0 {
		return
	}
	p.line("%s%s", item, p.tr("与上年相同的文字（摘录）：", "Passages also in last year's report (excerpts):"))
	for i, q := range o.Passages {
		p.line("%s%d. “%s”", indent, i+1, q)
	}
}

func (p *printer) followUp(b *Brief, item, indent, sub string) {
	f := b.FollowUp
	switch {
	case f.LastMissing:
		p.line("%s%s", item, p.tr("上年报告未找到第五部分，无法比较。", "Last year's report has no section V to compare with."))
		return
	case f.ThisMissing:
		p.line("%s%s", item, p.tr("本年报告未找到第五部分。", "This year's report has no section V."))
	}
	p.line("%s%s", item, p.tr("本项按用词重合推测：只说明本年是否再次提及，不说明是否已经整改，请对照原文核实。",
		"A heuristic over shared wording: it says whether this year mentions an item again, not whether it was fixed; check against the text."))
	if len(f.Items) == 0 {
		p.line("%s%s", item, p.tr("上年第五部分未能拆分出具体问题或措施。", "No problems or measures could be cut out of last year's section V."))
		return
	}
	var probs, meas int
	for _, it := range f.Items {
		if it.Kind == KindProblem {
			probs++
		} else {
			meas++
		}
	}
	var counts []string
	for _, c := range []struct {
		n      int
		zh, en string
	}{{f.Followed, "已回应", "followed up"}, {f.Partial, "部分回应", "partly"}, {f.Repeated, "原样重复", "repeated word for word"},
		{f.NotFound, "未见回应", "not taken up"}, {f.TooShort, "过短未判断", "too short to judge"}} {
		if c.n > 0 {
			counts = append(counts, p.tr(c.zh+itoa(c.n)+"项", itoa(c.n)+" "+c.en))
		}
	}
	p.line("%s%s%s%s", item, p.tr(
		fmt.Sprintf("上年第五部分列出问题%d项、改进措施%d项：", probs, meas),
		fmt.Sprintf("Last year's section V states %d problems and %d measures: ", probs, meas)), strings.Join(counts, p.comma()), p.tr("。", "."))
	if f.RefersBack != "" {
		p.line("%s%s“%s”", item, p.tr("本年第五部分提及上年：", "This year's section V refers to last year: "), f.RefersBack)
	} else {
		cue := "“上年”“去年”"
		if b.Last.Year > 0 {
			cue += "“" + itoa(b.Last.Year) + "年”"
		}
		p.line("%s%s", item, p.tr("本年第五部分没有提及上年（未见"+cue+"等字样）。",
			"This year's section V does not refer to last year (no "+cue+")."))
	}
	for i, it := range f.Items {
		kind := p.tr("【问题】", "[problem] ")
		if it.Kind == KindMeasure {
			kind = p.tr("【措施】", "[measure] ")
		}
		p.line("%s%d. %s%s", indent, i+1, kind, it.Text)
		p.line("%s%s", sub, p.status(it))
		if it.Evidence != "" && it.Status != StatusNotFound {
			p.line("%s%s“%s”", sub, p.tr("本年原文：", "This year: "), it.Evidence)
		}
	}
}

func (p *printer) status(it Item) string {
	share := fmtPct(round1(it.Score * 100))
	var s string
	switch it.Status {
	case StatusFollowed:
		s = p.tr("已回应（关键词重合"+share+"）", "followed up ("+share+" of key words shared)")
	case StatusPartial:
		s = p.tr("部分回应（关键词重合"+share+"）", "partly ("+share+" of key words shared)")
	case StatusRepeated:
		s = p.tr("原样重复上年表述，未说明进展", "repeated word for word, no progress stated")
	case StatusNotFound:
		s = p.tr("未见回应（关键词重合"+share+"）", "not taken up ("+share+" of key words shared)")
	default:
		return p.tr("过短，未判断", "too short to judge")
	}
	if len(it.Terms) > 0 && it.Status != StatusRepeated {
		s += p.tr("；共有词语：", "; shared: ") + strings.Join(it.Terms, p.tr("、", ", "))
	}
	return s
}

func (p *printer) unpaired(us []Side, md bool) {
	if len(us) == 0 {
		return
	}
	h2, item := "", "  "
	if md {
		h2, item = "## ", "- "
	}
	p.line("")
	p.line("%s%s", h2, p.tr("未找到同一机关上一年度报告的报告", "Reports without last year's report of the same body"))
	if md {
		p.line("")
	}
	for _, u := range us {
		p.line("%s%s%s", item, u.File, p.paren(u.Agency+p.comma()+p.year(u.Year)))
	}
}

func (p *printer) colon() string { return p.tr("：", ": ") }

func (p *printer) comma() string { return p.tr("，", ", ") }

func (p *printer) paren(s string) string { return p.tr("（"+s+"）", "("+s+")") }

// signed writes a change with one decimal, and its sign when positive.
func signed(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if f > 0 {
		return "+" + s
	}
	return s
}

// fmtPct writes a percentage with one decimal, as the brief rounds it.
func fmtPct(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "%" }

func mdEscape(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ", "*", "\\*", "_", "\\_").Replace(s)
}
