package ingest

// The implementations the fast paths replaced, as they were, and the tests
// that hold the two to the same results on every cell and line of the
// corpus and on fuzzed text. Only the tests use them.

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/width"

	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

func compactRef(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r >= 0xFF5F && r <= 0xFFEF:
			b.WriteString(width.Fold.String(string(r)))
		case isCompatHan(r):
			b.WriteString(foldCompatHan(r))
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == 0x3000 || r == 0xA0 || r == '\f' || r == '\v':
		case r > 0x7F && unicode.IsSpace(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func keyRef(s string) string {
	s = fold(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if isKeyRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func cellTextRef(raw string) string {
	s := fold(raw)
	if strings.Contains(s, "&") {
		s = entitySpace.Replace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

func isValueTextRef(s string) bool {
	if allDigits(s) {
		return true
	}
	// Without a digit only a placeholder or a blank can be a value; this
	// settles every label without running the value grammar.
	if !strings.ContainsAny(s, "0123456789０１２３４５６７８９") {
		t := cellTextRef(s)
		return t == "" || placeholders[t] || isDashRun(t)
	}
	// A value's Chinese is a unit, a measure word, 增/减 or a bracketed
	// remark; any other Chinese makes it a label (1.属于国家秘密).
	if !valueHan(s) {
		return false
	}
	p := parseValueRef(s, schema.KindMoney, "")
	if p.status != schema.StatusText {
		return true
	}
	return parseValueRef(s, schema.KindDelta, "").status != schema.StatusText
}

func valueTokenRef(s string) bool {
	t := cellTextRef(s)
	if t == "" {
		return false
	}
	if _, ok := numeralValue(t); ok {
		return true
	}
	return reReference.MatchString(t) || reApprox.MatchString(t)
}

func parseValueRef(raw, kind, headerUnit string) parsed {
	if allDigits(raw) && (len(raw) == 1 || raw[0] != '0') && kind != schema.KindMoney {
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			return numRef(v, "")
		}
	}
	s := cellTextRef(raw)
	if s == "" {
		return parsed{status: schema.StatusBlank}
	}
	if placeholders[s] || isDashRun(s) {
		return parsed{status: schema.StatusPlaceholder}
	}
	if v, ok := numeralValue(s); ok && (kind != schema.KindMoney || v == 0) {
		// An amount in numerals would need its unit guessed; 〇 is
		// nothing in any unit.
		p := numRef(v, "")
		if kind == schema.KindMoney {
			p = parseMoneyRef("0", headerUnit, "")
		}
		p.numeral = true
		return p
	}
	var remark string
	if m := reRemark.FindStringSubmatch(s); m != nil {
		s = m[1]
		// Keep the remark as written, not width-folded.
		if o := reRemark.FindStringSubmatch(strings.TrimSpace(raw)); o != nil {
			remark = o[2]
		} else {
			remark = m[2]
		}
	}
	switch kind {
	case schema.KindMoney:
		return parseMoneyRef(s, headerUnit, remark)
	case schema.KindDelta:
		if m := reDelta.FindStringSubmatch(s); m != nil {
			v, ok := number(m[2])
			if !ok {
				break
			}
			if strings.HasPrefix(m[1], "减") || m[1] == "-" {
				v = -v
			}
			return numRef(v, remark)
		}
	}
	compactNum := strings.ReplaceAll(s, " ", "")
	if reInt.MatchString(compactNum) || reThousands.MatchString(compactNum) || reDecimal.MatchString(compactNum) {
		if v, ok := number(compactNum); ok {
			return numRef(v, remark)
		}
	}
	// Counts written with a measure word: 18件, 3 项.
	if m := reMeasure.FindStringSubmatch(s); m != nil {
		if v, ok := number(m[1]); ok {
			return numRef(v, remark)
		}
	}
	return parsed{status: schema.StatusText}
}

func parseMoneyRef(s, headerUnit, remark string) parsed {
	m := reMoney.FindStringSubmatch(strings.ReplaceAll(s, " ", ""))
	if m == nil {
		return parsed{status: schema.StatusText}
	}
	v, ok := number(m[1])
	if !ok {
		return parsed{status: schema.StatusText}
	}
	unit := m[2]
	if unit == "" {
		unit = headerUnit
	}
	switch unit {
	case "元":
		v /= 10000
	case "亿元":
		v *= 10000
	}
	v = round6(v)
	p := numRef(v, remark)
	p.unit = "万元"
	return p
}

func numRef(v float64, remark string) parsed {
	return parsed{value: &v, status: schema.StatusNumber, remark: remark}
}

func splitRowRef(l Line) (labels, values []Cell) {
	last := -1
	seenNumber := false
	// numberAfter[i]: a number stands somewhere right of cell i.
	numberAfter := make([]bool, len(l.Cells)+1)
	for i := len(l.Cells) - 1; i >= 0; i-- {
		t := strings.TrimSpace(l.Cells[i].Text)
		numberAfter[i] = numberAfter[i+1] || t != "" && isValueTextRef(t) && strings.ContainsAny(t, "0123456789０１２３４５６７８９")
	}
	for i, c := range l.Cells {
		t := strings.TrimSpace(c.Text)
		switch {
		case t == "":
		case isValueTextRef(t):
			seenNumber = seenNumber || strings.ContainsAny(t, "0123456789０１２３４５６７８９")
		case valueTokenRef(t) || seenNumber || last >= 0 && strayWord(t) && numberAfter[i+1]:
		default:
			last = i
		}
	}
	if last >= 0 {
		for _, c := range l.Cells[:last+1] {
			if strings.TrimSpace(c.Text) != "" {
				labels = append(labels, c)
			}
		}
	}
	values = l.Cells[last+1:]
	if last >= 0 && len(values) == 0 {
		// A label and its numbers separated by single spaces (行政许可 0 in
		// text extracted from a PDF) arrive as one cell: split the numbers off.
		c := l.Cells[last]
		f := strings.Fields(c.Text)
		k := len(f)
		for k > 1 && (isValueTextRef(f[k-1]) && (!hasHan(f[k-1]) || placeholders[f[k-1]]) || valueTokenRef(f[k-1])) {
			k--
		}
		if k < len(f) && hasHan(strings.Join(f[:k], "")) {
			labels[len(labels)-1].Text = strings.Join(f[:k], " ")
			for _, t := range f[k:] {
				values = append(values, Cell{Text: t, Col: c.Col, Line: c.Line})
			}
		}
	}
	return labels, values
}

func matchHeadingRef(c string, cn *canon) []headMatch {
	num, rest := "", c
	if m := reHeadNumber.FindStringSubmatch(c); m != nil {
		num, rest = m[1], c[len(m[0]):]
	}
	numRunes := len([]rune(c)) - len([]rune(rest))
	rr := []rune(rest)
	idx := make([]int, len(rr))
	for i := range idx {
		idx[i] = i
	}
	syn, synIdx := cn.applyMap(rr, idx)
	var out []headMatch
	for di, def := range schema.Sections {
		re := sectionBodies[def.ID]
		hm := headMatch{def: di, numOK: num == def.Number}
		if loc := re.FindStringIndex(rest); loc != nil {
			hm.kind, hm.end = matchExact, numRunes+runeIndex(rest, loc[1])
		} else if len(syn) != len(rr) || string(syn) != rest {
			if loc := re.FindStringIndex(string(syn)); loc != nil {
				e := runeIndex(string(syn), loc[1])
				hm.kind, hm.end = matchSynonym, numRunes+synIdx[e-1]+1
			}
		}
		if hm.kind == matchNone && hm.numOK {
			body := []rune(keyRef(strings.TrimPrefix(def.Heading, def.Number)))
			k := []rune(keyRef(rest))
			if len(k) <= len(body)+4 && len(rr) <= 40 {
				if s := similarity(k, body); s >= headingFuzzy {
					hm.kind, hm.end, hm.score = matchFuzzy, len([]rune(c)), s
				}
			}
		}
		if hm.kind == matchNone && hm.numOK && len(rr) <= 40 && hasCue(keyRef(rest), def.Cues) {
			// Numbered as the section and opening with its cue words
			// (五、存在的主要问题和今后打算): the section, worded freely.
			hm.kind, hm.end, hm.score = matchFuzzy, len([]rune(c)), headingFuzzy
		}
		if hm.kind == matchNone {
			continue
		}
		if num == "" && keyRef(string([]rune(c)[hm.end:])) != "" {
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

// refLayouts reads every report under testdata (the repository's and this
// package's) and a generated batch in every layout, as Convert reads them,
// and returns their lines after splitRunTogether, as the mapper sees them.
func refLayouts(t *testing.T) [][]Line {
	t.Helper()
	var out [][]Line
	add := func(name string, data []byte) {
		opts := []Options{{}}
		if strings.HasSuffix(name, ".txt") {
			opts = append(opts, Options{Aligned: true})
		}
		for _, o := range opts {
			lay, err := readLayout(name, data, o)
			if err != nil {
				continue
			}
			lines, _ := splitRunTogether(lay.Lines)
			out = append(out, lines)
		}
	}
	for _, root := range []string{filepath.Join("..", "testdata"), "testdata"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".png") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			add(p, data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	bases := seedDocs(t)
	gen, err := render.Generate(bases, 60, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gen {
		add(g.Name, g.Data)
	}
	for vi, v := range []render.Variant{{Sparse: true, CircleZero: true, Attachment: true, BlankLegalPerson: true}, {CircleZero: true}} {
		d := render.ApplyVariant(bases[vi], v, int64(vi))
		for _, l := range []string{render.LayoutTab, render.LayoutPipe, render.LayoutMarkdown, render.LayoutCellPerLine} {
			if data, err := render.TextLayout(d, l); err == nil {
				add("v.txt", data)
			}
		}
		add("v.html", render.HTMLStyle(d, render.Style{NarrowLabels: true}))
	}
	return out
}

// readLayout is Convert's reading step.
func readLayout(name string, data []byte, opts Options) (*Layout, error) {
	lim := DefaultLimits()
	switch DetectFormat(name, data) {
	case FormatText:
		if opts.Aligned {
			return readAlignedText(data, lim)
		}
		return readText(data, lim)
	case FormatHTML:
		return readHTML(data, lim)
	case FormatDOCX:
		return readDOCX(data, lim)
	case FormatPDF:
		if _, err := exec.LookPath("pdftotext"); err != nil {
			return nil, err
		}
		return readPDF(context.Background(), data, lim)
	}
	return nil, ErrUnsupported
}

// sameText compares each fast text function with the one it replaced.
func sameText(t *testing.T, s string) {
	t.Helper()
	if got, want := compact(s), compactRef(s); got != want {
		t.Errorf("compact(%q) = %q, want %q", s, got, want)
	}
	if got, want := key(s), keyRef(s); got != want {
		t.Errorf("key(%q) = %q, want %q", s, got, want)
	}
	if got, want := cellText(s), cellTextRef(s); got != want {
		t.Errorf("cellText(%q) = %q, want %q", s, got, want)
	}
	if got, want := isValueText(s), isValueTextRef(s); got != want {
		t.Errorf("isValueText(%q) = %v, want %v", s, got, want)
	}
	if got, want := valueToken(s), valueTokenRef(s); got != want {
		t.Errorf("valueToken(%q) = %v, want %v", s, got, want)
	}
	for _, kind := range []string{schema.KindCount, schema.KindMoney, schema.KindDelta} {
		if got, want := parseValue(s, kind, "元"), parseValueRef(s, kind, "元"); !reflect.DeepEqual(got, want) {
			t.Errorf("parseValue(%q, %s) = %+v, want %+v", s, kind, got, want)
		}
	}
	if num, rest := headNumber(s); true {
		want := reHeadNumber.FindStringSubmatch(s)
		if want == nil && (num != "" || rest != s) || want != nil && (num != want[1] || rest != s[len(want[0]):]) {
			t.Errorf("headNumber(%q) = %q, %q; want %q", s, num, rest, want)
		}
	}
	if got, want := pageFurniture(s), rePageFurniture.MatchString(s); got != want {
		t.Errorf("pageFurniture(%q) = %v, want %v", s, got, want)
	}
	if got, want := separatorRow([]string{s}), reMDSeparator.MatchString(s); got != want {
		t.Errorf("separatorRow(%q) = %v, want %v", s, got, want)
	}
	if got, want := isReference(s), reReference.MatchString(s); got != want {
		t.Errorf("isReference(%q) = %v, want %v", s, got, want)
	}
	if got, want := approxLead(s) && reApprox.MatchString(s), reApprox.MatchString(s); got != want {
		t.Errorf("approxLead(%q) rejects a match of reApprox", s)
	}
	c := compactRef(s)
	for _, cn := range []*canon{canonFor(""), canonFor(schema.Template2019), canonFor(schema.Template2021)} {
		if got, want := matchHeading(c, cn), matchHeadingRef(c, cn); !reflect.DeepEqual(got, want) {
			t.Errorf("matchHeading(%q) = %+v, want %+v", c, got, want)
		}
	}
}

// sameRow compares the fast line functions with the ones they replaced.
func sameRow(t *testing.T, l Line) {
	t.Helper()
	if got, want := compactLine(l), compactRef(l.Text()); got != want {
		t.Errorf("compactLine(%q) = %q, want %q", l.Text(), got, want)
	}
	gl, gv := splitRow(l)
	wl, wv := splitRowRef(l)
	if len(gl) != len(wl) || len(gl) > 0 && !reflect.DeepEqual(gl, wl) || len(gv) != len(wv) || len(gv) > 0 && !reflect.DeepEqual(gv, wv) {
		t.Errorf("splitRow(%q) = %+v | %+v, want %+v | %+v", l.Text(), gl, gv, wl, wv)
	}
}

// TestFastPathsAgree holds the fast text and line functions to the ones
// they replaced on every cell and line of the corpus.
func TestFastPathsAgree(t *testing.T) {
	lines, cells := 0, 0
	seen := map[string]bool{}
	for _, doc := range refLayouts(t) {
		for _, l := range doc {
			sameRow(t, l)
			lines++
			texts := []string{l.Text()}
			for _, c := range l.Cells {
				texts = append(texts, c.Text)
			}
			for _, s := range texts {
				if !seen[s] {
					seen[s] = true
					sameText(t, s)
					cells++
				}
			}
			if t.Failed() {
				return
			}
		}
	}
	t.Logf("%d lines, %d distinct texts", lines, cells)
	if lines < 10000 || cells < 5000 {
		t.Fatalf("only %d lines and %d distinct texts compared", lines, cells)
	}
}

// FuzzFastPaths holds the fast paths to the ones they replaced on any
// text: a cell, and a row of tab-separated cells.
func FuzzFastPaths(f *testing.F) {
	for _, s := range []string{"", " ", "（一）予以公开", "1.属于国家秘密", "１２", "约 3件", "30左右", "见附件", "详见附表2",
		"〇", "壹〇", "⼀", "⽆", "&nbsp;1", "0&nbsp;&nbsp;", "\u00a01\u00a0", "₩ｶ", "２０１９年", "五、存在的主要问题及改进情况",
		"四、政府信息公开行政复议、行政诉讼情况", "二主动公开政府信息的情况", "下一步工作计划", "\xff\xfe", "行政许可\t0\t1\t2", "规章 0 0 0", " - 3 -", "— 12 —", "|---|:--:|", " :--- ", "约 12 余件", "1.5多", "大约3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameText(t, s)
		var cl []Cell
		for i, p := range strings.Split(s, "\t") {
			cl = append(cl, Cell{Text: p, Col: i})
		}
		sameRow(t, Line{Cells: cl, Line: 1})
	})
}
