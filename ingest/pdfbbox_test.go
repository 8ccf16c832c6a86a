package ingest

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseBBox(t *testing.T) {
	const head = `<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><body><doc>`
	page := func(words ...string) string {
		return `<page width="595.0" height="842.0"><flow><block><line>` + strings.Join(words, "") + `</line></block></flow></page>`
	}
	word := func(x0, y0, x1, y1, text string) string {
		return `<word xMin="` + x0 + `" yMin="` + y0 + `" xMax="` + x1 + `" yMax="` + y1 + `">` + text + `</word>`
	}
	cases := []struct {
		name     string
		in       string
		maxPages int
		maxWords int
		want     [][]string // words' text per page
		err      string
	}{
		{name: "two pages", in: head + page(word("1", "2", "30", "12", "自然人"), word("40", "2", "50", "12", "258")) + page(word("1", "2", "3", "4", "R&amp;D")),
			want: [][]string{{"自然人", "258"}, {"R&D"}}},
		{name: "bad boxes left out", in: head + page(word("x", "2", "3", "4", "a"), word("5", "2", "3", "4", "b"), word("1", "NaN", "3", "4", "c"), word("1", "2", "1e300", "4", "d"), word("1", "2", "3", "4", "e")),
			want: [][]string{{"e"}}},
		{name: "empty words left out", in: head + page(word("1", "2", "3", "4", "  "), word("1", "2", "3", "4", "x")), want: [][]string{{"x"}}},
		{name: "word outside a page", in: head + word("1", "2", "3", "4", "x") + page(), want: [][]string{nil}},
		{name: "truncated", in: head + page(word("1", "2", "3", "4", "x")) + `<page width="1"><word xMin="1" yMin`, want: [][]string{{"x"}, nil}},
		{name: "no pages", in: "", want: nil},
		{name: "page limit", in: head + page() + page() + page(), maxPages: 2, err: "more than 2 pages"},
		{name: "word limit", in: head + page(word("1", "2", "3", "4", "a"), word("1", "2", "3", "4", "b"), word("1", "2", "3", "4", "c")), maxWords: 2, err: "more than 2 words"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pages, err := parseBBox(strings.NewReader(tc.in), tc.maxPages, tc.maxWords)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, p := range pages {
				var ws []string
				for _, w := range p.words {
					ws = append(ws, w.text)
				}
				got = append(got, ws)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// synthWord is a word of a synthetic page: a 10-point font, the box as
// tall as Chromium makes it (two and a half ems), x0 given, width from the
// text.
func synthWord(x0, cy float64, text string) pdfWord {
	w := 0.0
	for _, r := range text {
		if r < 0x80 {
			w += 5.5
		} else {
			w += 10
		}
	}
	return pdfWord{x0: x0, x1: x0 + w, y0: cy - 12.5, y1: cy + 12.5, text: text}
}

// centred places a word centred on cx.
func centred(cx, cy float64, text string) pdfWord {
	w := synthWord(0, cy, text)
	half := (w.x1 - w.x0) / 2
	w.x0, w.x1 = cx-half, cx+half
	return w
}

// TestLayoutBBoxRequests lays out a synthetic table 3 whose legal-person
// columns are mostly blank, with a wrapped label, a row without numbers
// and a page break without a repeated header: each row must come out as
// its label and exactly seven cells, blank where no number is printed.
func TestLayoutBBoxRequests(t *testing.T) {
	// 其它 for 其他 is common in real headers.
	for _, other := range []string{"其他", "其它"} {
		t.Run(other, func(t *testing.T) { layoutRequests(t, other) })
	}
}

func layoutRequests(t *testing.T, other string) {
	cols := []float64{220, 270, 320, 370, 420, 470, 520}
	p1 := []pdfWord{
		synthWord(20, 40, "三、收到和处理政府信息公开申请情况"),
		synthWord(20, 55, "单位：件"), synthWord(450, 55, "统计截至12月31日"),
		centred(370, 70, "法人或其他组织"),
		centred(cols[0], 85, "自然人"), centred(cols[6], 85, "总计"),
		centred(cols[1], 85, "商业企"), centred(cols[1], 98, "业"),
		centred(cols[2], 85, "科研机"), centred(cols[2], 98, "构"),
		centred(cols[3], 85, "社会公"), centred(cols[3], 98, "益组织"),
		centred(cols[4], 85, "法律服"), centred(cols[4], 98, "务机构"),
		centred(cols[5], 91, other),
		synthWord(20, 130, "一、本年新收政府信息公开申请数量"),
		centred(cols[0], 130, "258"), centred(cols[1], 130, "12"), centred(cols[4], 130, "1"), centred(cols[6], 130, "271"),
		synthWord(20, 154, "（二）部分公开（区分处理"),
		synthWord(20, 167, "的，只计这一情形，不计"),
		synthWord(20, 180, "其他情形）"),
		centred(cols[0], 167, "31"), centred(cols[6], 167, "31"),
		synthWord(20, 205, "2.重复申请"),
		centred(300, 800, "-3-"),
	}
	p2 := []pdfWord{
		synthWord(20, 60, "（七）总计"),
		centred(cols[0], 60, "1024"), centred(cols[5], 60, "无"), centred(cols[6], 60, "1024"),
		synthWord(20, 80, "注：本表由办公室统计，法人或其他组织各栏未收到申请的不填写数字。"),
		synthWord(20, 100, "四、政府信息公开行政复议、行政诉讼情况"),
		synthWord(20, 130, "本机关全年未发生政府信息公开行政复议、行政诉讼案件，特此说明。"),
	}
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: p1}, {width: 595, height: 842, words: p2}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	type row struct {
		page  int
		cells []string
	}
	var got []row
	for _, l := range lay.Lines {
		if l.Table == 0 {
			continue
		}
		var cs []string
		for _, c := range l.Cells {
			cs = append(cs, c.Text)
		}
		got = append(got, row{l.Page, cs})
	}
	want := []row{
		{1, []string{"单位：件", "统计截至12月31日"}},
		{1, []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}},
		{1, []string{"一、本年新收政府信息公开申请数量", "258", "12", "", "", "1", "", "271"}},
		{1, []string{"（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "31", "", "", "", "", "", "31"}},
		{1, []string{"2.重复申请", "", "", "", "", "", "", ""}},
		{2, []string{"（七）总计", "1024", "", "", "", "", "无", "1024"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("table rows:\n got %v\nwant %v", got, want)
	}
	// One table over the page break, its rows numbered on.
	var rowNos []int
	tables := map[int]bool{}
	for _, l := range lay.Lines {
		if l.Table > 0 && len(l.Cells) >= 7 {
			rowNos = append(rowNos, l.Row)
			tables[l.Table] = true
		}
	}
	if !reflect.DeepEqual(rowNos, []int{1, 2, 3, 4, 5}) || len(tables) != 1 {
		t.Errorf("rows %v in tables %v, want rows 1-5 of one table", rowNos, tables)
	}
	if lay.Layout != LayoutPDFBBox || lay.Pages != 2 {
		t.Errorf("layout %q pages %d", lay.Layout, lay.Pages)
	}
	var text []string
	for _, l := range lay.Lines {
		if l.Table == 0 {
			text = append(text, l.Text())
			if l.Page == 0 {
				t.Errorf("line %q has no page", l.Text())
			}
		}
	}
	wantText := []string{"三、收到和处理政府信息公开申请情况", "法人或其他组织",
		"注：本表由办公室统计，法人或其他组织各栏未收到申请的不填写数字。", "四、政府信息公开行政复议、行政诉讼情况",
		"本机关全年未发生政府信息公开行政复议、行政诉讼案件，特此说明。"}
	if !reflect.DeepEqual(text, wantText) {
		t.Errorf("text lines:\n got %q\nwant %q", text, wantText)
	}
}

// TestLayoutBBoxReview finds table 4's fifteen leaf columns under its two
// header levels, leaf labels wrapped, and keeps blank cells in place.
func TestLayoutBBoxReview(t *testing.T) {
	words := []pdfWord{
		synthWord(20, 40, "四、政府信息公开行政复议、行政诉讼情况"),
		centred(120, 70, "行政复议"), centred(370, 70, "行政诉讼"),
		centred(300, 85, "未经复议直接起诉"), centred(450, 85, "复议后起诉"),
	}
	leaves := [][2]string{{"结果", "维持"}, {"结果", "纠正"}, {"其他", "结果"}, {"尚未", "审结"}, {"总计", ""}}
	var want []string
	values := []string{"3", "", "1", "", "4", "2", "1", "", "", "3", "", "", "", "", "0"}
	for g := 0; g < 3; g++ {
		for k, lf := range leaves {
			cx := 45 + float64(g*5+k)*32
			words = append(words, centred(cx, 100, lf[0]))
			if lf[1] != "" {
				words = append(words, centred(cx, 113, lf[1]))
			}
			if v := values[g*5+k]; v != "" {
				words = append(words, centred(cx, 140, v))
			}
		}
	}
	want = append(want, values...)
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: words}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var rows [][]string
	for _, l := range lay.Lines {
		if l.Table > 0 && len(l.Cells) == 15 {
			var cs []string
			for _, c := range l.Cells {
				cs = append(cs, c.Text)
			}
			rows = append(rows, cs)
		}
	}
	if len(rows) != 2 {
		t.Fatalf("%d lines of 15 cells, want the header and one row: %q", len(rows), rows)
	}
	if rows[0][0] != "结果维持" || rows[0][2] != "其他结果" || rows[0][14] != "总计" {
		t.Errorf("header %q", rows[0])
	}
	if !reflect.DeepEqual(rows[1], want) {
		t.Errorf("values\n got %q\nwant %q", rows[1], want)
	}
}

// TestLayoutBBoxBounds: hostile pages end quickly, laid out or refused.
func TestLayoutBBoxBounds(t *testing.T) {
	var zones, labels, dense []pdfWord
	for i := 0; i < 2000; i++ {
		y := float64(20 + i*14)
		zones = append(zones, synthWord(20, y, "信息内容"), synthWord(200, y, "本年制发件数"))
	}
	for i := 0; i < 4800; i++ {
		labels = append(labels, synthWord(float64(i%50)*12, float64(20+i/50*14), "其他"))
	}
	for i := 0; i < maxPageWords+1; i++ {
		dense = append(dense, synthWord(float64(i%60)*10, float64(i/60)*10, "1"))
	}
	// A table-3 header over 1600 rows of a label and two numbers.
	long := []pdfWord{centred(220, 10, "自然人"), centred(270, 10, "商业企业"), centred(320, 10, "科研机构"),
		centred(370, 10, "社会公益组织"), centred(420, 10, "法律服务机构"), centred(470, 10, "其他"), centred(520, 10, "总计")}
	for i := 0; i < 1600; i++ {
		y := float64(30 + i*14)
		long = append(long, synthWord(20, y, "1.属于国家秘密"), centred(220, y, "1"), centred(520, y, "1"))
	}
	cases := []struct {
		name  string
		words []pdfWord
		err   string
	}{
		{"a table of 1600 rows", long, "-"},
		{"two thousand table-2 headers", zones, "table headers"},
		{"a page of label fragments", labels, ""},
		{"too many words on a page", dense, "words"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: tc.words}}, DefaultLimits())
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v", d)
			}
			switch {
			case tc.err == "-":
				if err != nil || lay == nil {
					t.Errorf("got %v, %v; want a layout", lay, err)
				}
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want %q", err, tc.err)
			case tc.err == "" && (err != nil || lay != nil):
				t.Errorf("got %v, %v; want no table and no error", lay, err)
			}
		})
	}
}

// TestLayoutBBoxFallback: the aligned text is read instead when there is
// no table header, or when table 3 is there but its header was not
// recognised; a letter-spaced header is still recognised.
func TestLayoutBBoxFallback(t *testing.T) {
	active := []pdfWord{synthWord(20, 40, "信息内容"), synthWord(200, 40, "本年制发件数"), synthWord(20, 60, "规章"), centred(230, 60, "1")}
	header := func(social ...pdfWord) []pdfWord {
		ws := []pdfWord{centred(220, 100, "自然人"), centred(270, 100, "商业企业"), centred(320, 100, "科研机构"),
			centred(420, 100, "法律服务机构"), centred(470, 100, "其他"), centred(520, 100, "总计")}
		return append(ws, social...)
	}
	row := []pdfWord{synthWord(20, 130, "一、本年新收政府信息公开申请数量"), centred(220, 130, "3"), centred(520, 130, "3")}
	var spaced []pdfWord
	for i, r := range []rune("社会公益组织") {
		spaced = append(spaced, synthWord(343+float64(i)*9, 100, string(r)))
	}
	cases := []struct {
		name  string
		words []pdfWord
		err   string // "" for a layout, "-" for nil without error
	}{
		{"text only", []pdfWord{synthWord(20, 40, "一、总体情况")}, "-"},
		{"table 3 without its header", concatWords(active, row), "table 3"},
		{"table 3 under a header it cannot read", concatWords(active, header(synthWord(350, 100, "社团")), row), "table 3"},
		{"letter-spaced header", concatWords(active, header(spaced...), row), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: tc.words}}, DefaultLimits())
			switch tc.err {
			case "-":
				if err != nil || lay != nil {
					t.Errorf("got %v, %v; want nil, nil", lay, err)
				}
			case "":
				if err != nil || lay == nil {
					t.Fatalf("got %v, %v; want a layout", lay, err)
				}
				var got []string
				for _, l := range lay.Lines {
					if strings.HasPrefix(l.Text(), "一、") {
						for _, c := range l.Cells {
							got = append(got, c.Text)
						}
					}
				}
				if want := []string{"一、本年新收政府信息公开申请数量", "3", "", "", "", "", "", "3"}; !reflect.DeepEqual(got, want) {
					t.Errorf("row %q, want %q", got, want)
				}
			default:
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
			}
		})
	}
}

func concatWords(parts ...[]pdfWord) []pdfWord {
	var out []pdfWord
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestZoneAssign(t *testing.T) {
	z := &zone{cols: []gridCol{{x0: 0, x1: 20}, {x0: 30, x1: 50}, {x0: 60, x1: 80}, {x0: 90, x1: 110}}} // centres 10 40 70 100
	at := func(xs ...float64) []*frag {
		var out []*frag
		for _, x := range xs {
			out = append(out, &frag{x0: x - 2, x1: x + 2, value: true})
		}
		return out
	}
	cases := []struct {
		name  string
		xs    []float64
		shift float64
		want  []int
	}{
		{"each under its header", []float64{10, 40, 70, 100}, 0, []int{0, 1, 2, 3}},
		{"blanks between", []float64{11, 99}, 0, []int{0, 3}},
		// Both nearer column 1's centre: order keeps them apart.
		{"two near one centre", []float64{33, 52}, 0, []int{1, 2}},
		// Right-aligned numbers 12 points right of the centres.
		{"learned shift", []float64{22, 82}, 12, []int{0, 2}},
		{"more numbers than columns", []float64{10, 12, 40, 70, 100}, 0, []int{0, 0, 1, 2, 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			z.shift = tc.shift
			if got := z.assign(at(tc.xs...)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("assign %v = %v, want %v", tc.xs, got, tc.want)
			}
		})
	}
}

func TestWordEm(t *testing.T) {
	cases := []struct {
		w    pdfWord
		want float64
	}{
		{pdfWord{x0: 0, x1: 30, y0: 0, y1: 25, text: "自然人"}, 10}, // Chromium: box 2.5 em tall
		{pdfWord{x0: 0, x1: 11, y0: 0, y1: 10, text: "12"}, 10},  // digits half an em
		{pdfWord{x0: 0, x1: 300, y0: 0, y1: 10, text: "总计"}, 10}, // never more than the box
		{pdfWord{x0: 0, x1: 0, y0: 0, y1: 0, text: "x"}, 1},      // degenerate
		{pdfWord{x0: 0, x1: 1, y0: 0, y1: 30, text: "结果维持"}, 10}, // at least a third of the box
	}
	for _, tc := range cases {
		if got := tc.w.em(); got != tc.want {
			t.Errorf("em(%q %v-%v) = %v, want %v", tc.w.text, tc.w.x0, tc.w.x1, got, tc.want)
		}
	}
}

// TestRunCapped: pdftotext's output is read through a cap, and the child
// dies with the context, its process group with it.
func TestRunCapped(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	out, err := runCapped(context.Background(), "sh", []string{"-c", "printf 'ab\\ncd'"}, nil, 16)
	if err != nil || string(out) != "ab\ncd" {
		t.Fatalf("got %q, %v", out, err)
	}
	start := time.Now()
	if _, err := runCapped(context.Background(), "sh", []string{"-c", "yes"}, nil, 1<<20); err == nil || !strings.Contains(err.Error(), "more than 1 MiB") {
		t.Errorf("endless output: error %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	// The grandchild keeps the pipe open; only killing the group (or
	// WaitDelay) ends the wait.
	if _, err := runCapped(ctx, "sh", []string{"-c", "sleep 30 & sleep 30"}, nil, 1<<20); err == nil {
		t.Error("a program killed by its context returned no error")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v: the child outlived its context", d)
	}
	if _, err := runCapped(context.Background(), "sh", []string{"-c", "echo broken >&2; exit 3"}, nil, 1<<20); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("failing program: error %v, want its stderr", err)
	}
}

// TestLayoutBBoxActiveWrapped: table-2 column headers wrapped over two
// lines are one header each, and the row below keeps its own label.
func TestLayoutBBoxActiveWrapped(t *testing.T) {
	words := []pdfWord{
		synthWord(20, 40, "第二十条第（一）项"),
		synthWord(20, 60, "信息内容"), centred(230, 60, "本年新"), centred(330, 60, "本年新"), centred(430, 60, "对外公开"),
		centred(230, 73, "制作数量"), centred(330, 73, "公开数量"), centred(430, 73, "总数量"),
		synthWord(20, 100, "规章"), centred(230, 100, "2"), centred(430, 100, "5"),
		synthWord(20, 125, "规范性文件"), centred(230, 125, "12"), centred(330, 125, "10"), centred(430, 125, "40"),
	}
	got := tableTexts(t, []pdfPage{{width: 595, height: 842, words: words}})
	want := [][]string{
		{"信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"},
		{"规章", "2", "", "5"},
		{"规范性文件", "12", "10", "40"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestLayoutBBoxFlowed lays out table 3 as LibreOffice prints a Word table
// without a column grid: each row's cells one after another in columns of
// one width (40 points), spans ignored, so that 总计 follows 法人或其他组织
// in the header and a row's values start right after its label cells,
// one, two or three columns in. Labels wrap a few characters a line, the
// header breaks over a page, and a row label over the next; 〇 and 见附件
// are values.
func TestLayoutBBoxFlowed(t *testing.T) {
	col := func(i int) float64 { return 20 + 40*float64(i) } // the corner column is 0
	at := func(i int, y float64, text string) pdfWord { return synthWord(col(i), y, text) }
	p1 := []pdfWord{
		synthWord(20, 40, "三、收到和处理政府信息公开申请情况"),
		at(0, 60, "（本列"), at(1, 60, "申请人情况"),
		at(0, 73, "数据的"), at(1, 73, "自然人"), at(2, 73, "法人或"), at(3, 73, "总计"),
		at(0, 86, "勾稽关"), at(2, 86, "其他组"),
		at(0, 99, "系为："), at(2, 99, "织"),
	}
	p2 := []pdfWord{
		at(0, 40, "第一项"),
		at(2, 53, "商业企"), at(3, 53, "科研机"), at(4, 53, "社会公"), at(5, 53, "法律服"), at(6, 53, "其他"),
		at(2, 66, "业"), at(3, 66, "构"), at(4, 66, "益组织"), at(5, 66, "务机构"),
		// Values from column 1: 自然人 … 总计 in columns 1 … 7.
		at(0, 90, "一、本"), at(1, 90, "258"), at(7, 90, "271"),
		at(0, 103, "年新收"), at(0, 116, "申请数"), at(0, 129, "量"),
		// A group label in column 1 moves the values one column right.
		at(0, 150, "三、本"), at(1, 150, "（一）"), at(2, 150, "31"), at(5, 150, "2"), at(8, 150, "33"),
		at(0, 163, "年度办"), at(1, 163, "予以公"),
		at(0, 176, "理结果"), at(1, 176, "开"),
		// 〇 and 见附件 fill their cells like numbers.
		at(1, 200, "（二）"), at(2, 200, "5"), at(3, 200, "〇"), at(4, 200, "见附件"), at(8, 200, "5"),
		at(1, 213, "部分公"),
	}
	p3 := []pdfWord{
		at(1, 40, "开（区"), at(1, 53, "分处理）"),
		// A blank row under its group label, then one two columns in.
		at(1, 80, "（三）"), at(2, 80, "1.属于"),
		at(1, 93, "不予公"), at(2, 93, "国家秘"),
		at(1, 106, "开"), at(2, 106, "密"),
		at(2, 130, "2.其他"), at(3, 130, "7"), at(9, 130, "7"),
		at(2, 143, "法律行"),
		synthWord(20, 180, "四、政府信息公开行政复议、行政诉讼情况"),
	}
	var pages []pdfPage
	for _, ws := range [][]pdfWord{p1, p2, p3} {
		pages = append(pages, pdfPage{width: 595, height: 842, words: ws})
	}
	lay, err := layoutBBox(pages, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got [][]string
	for _, l := range lay.Lines {
		if l.Table == 0 || len(l.Cells) < 7 {
			continue
		}
		var cs []string
		for _, c := range l.Cells {
			cs = append(cs, c.Text)
		}
		got = append(got, cs)
	}
	want := [][]string{
		{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"},
		{"一、本年新收申请数量", "258", "", "", "", "", "", "271"},
		{"三、本年度办理结果", "（一）予以公开", "31", "", "", "2", "", "", "33"},
		{"（二）部分公开（区分处理）", "5", "〇", "见附件", "", "", "", "5"},
		{"（三）不予公开", "1.属于国家秘密", "", "", "", "", "", "", ""},
		{"2.其他法律行", "7", "", "", "", "", "", "7"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("table rows:\n got %q\nwant %q", got, want)
	}
}

// TestLayoutBBoxActiveAutoWidth: a table printed with columns as wide as
// their text (an HTML table without widths) sets its header cells as close
// as the words of one cell. The template's labels cut them apart, and a
// row label tight against its first number stays a label, while 增 before
// a number is still part of it.
func TestLayoutBBoxActiveAutoWidth(t *testing.T) {
	words := []pdfWord{
		synthWord(20, 40, "第二十条第（六）项"),
		synthWord(20, 60, "信息内容"), synthWord(63, 60, "上一年项目数量"), synthWord(136, 60, "本年增/减"), synthWord(184, 60, "处理决定数量"),
		synthWord(20, 80, "行政处罚"), synthWord(63, 80, "3"), synthWord(136, 80, "增"), synthWord(147, 80, "2"), synthWord(184, 80, "5"),
		synthWord(20, 100, "行政强制"), synthWord(63, 100, "0"), synthWord(184, 100, "0"),
	}
	got := tableTexts(t, []pdfPage{{width: 595, height: 842, words: words}})
	want := [][]string{
		{"信息内容", "上一年项目数量", "本年增/减", "处理决定数量"},
		{"行政处罚", "3", "增 2", "5"},
		{"行政强制", "0", "", "0"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestLayoutBBoxReviewOverPage: table 4's header breaks over a page
// without being repeated: the reconsideration leaves at the foot of one
// page, the litigation leaves and the numbers at the top of the next; or
// no numbers, the row blank.
func TestLayoutBBoxReviewOverPage(t *testing.T) {
	t.Run("numbers", func(t *testing.T) {
		reviewOverPage(t, []string{"3", "", "1", "", "4", "2", "1", "", "", "3", "", "", "", "", "0"})
	})
	t.Run("blank", func(t *testing.T) { reviewOverPage(t, make([]string, 15)) })
}

func reviewOverPage(t *testing.T, values []string) {
	p1 := []pdfWord{
		synthWord(20, 760, "四、政府信息公开行政复议、行政诉讼情况"),
		centred(120, 780, "行政复议"), centred(370, 780, "行政诉讼"),
		centred(300, 795, "未经复议直接起诉"), centred(450, 795, "复议后起诉"),
	}
	var p2 []pdfWord
	leaves := [][2]string{{"结果", "维持"}, {"结果", "纠正"}, {"其他", "结果"}, {"尚未", "审结"}, {"总计", ""}}
	for g := 0; g < 3; g++ {
		for k, lf := range leaves {
			cx := 45 + float64(g*5+k)*32
			ws, y := &p2, 40.0
			if g == 0 {
				ws, y = &p1, 795
			}
			*ws = append(*ws, centred(cx, y, lf[0]))
			if lf[1] != "" {
				*ws = append(*ws, centred(cx, y+13, lf[1]))
			}
			if v := values[g*5+k]; v != "" {
				p2 = append(p2, centred(cx, 80, v))
			}
		}
	}
	p2 = append(p2, synthWord(20, 120, "五、存在的主要问题及改进情况"))
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: p1}, {width: 595, height: 842, words: p2}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var rows [][]string
	for _, l := range lay.Lines {
		if l.Table > 0 && len(l.Cells) == 15 {
			var cs []string
			for _, c := range l.Cells {
				cs = append(cs, c.Text)
			}
			rows = append(rows, cs)
		}
	}
	if len(rows) != 2 || !reflect.DeepEqual(rows[1], values) {
		t.Errorf("lines of 15 cells %q, want the header and %q", rows, values)
	}
}

// TestLayoutBBoxBlankRows: rows with every cell blank. Two table-2 rows
// without numbers are as close as one label's wrapped lines and still two
// rows (the template's row labels tell them apart, as they carry no
// numbering); a table 4 whose one row is blank still has that row.
func TestLayoutBBoxBlankRows(t *testing.T) {
	words := []pdfWord{
		synthWord(20, 40, "第二十条第（一）项"),
		synthWord(20, 60, "信息内容"), centred(230, 60, "本年制发件数"), centred(330, 60, "本年废止件数"), centred(430, 60, "现行有效件数"),
		synthWord(20, 75, "规章"),
		synthWord(20, 88, "行政规范性文件"),
		synthWord(20, 110, "四、政府信息公开行政复议、行政诉讼情况"),
		centred(120, 130, "行政复议"), centred(370, 130, "行政诉讼"),
		centred(300, 145, "未经复议直接起诉"), centred(450, 145, "复议后起诉"),
	}
	for g := 0; g < 3; g++ {
		for k, lf := range []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"} {
			words = append(words, centred(45+float64(g*5+k)*32, 160, lf))
		}
	}
	words = append(words, synthWord(20, 200, "五、存在的主要问题及改进情况"))
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: words}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got []string
	for _, l := range lay.Lines {
		if l.Table > 0 {
			got = append(got, strings.Join(cellTexts(l), "|"))
		}
	}
	want := []string{
		"信息内容|本年制发件数|本年废止件数|现行有效件数",
		"规章|||",
		"行政规范性文件|||",
		"行政复议|行政诉讼",
		"未经复议直接起诉|复议后起诉",
		"结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|其他结果|尚未审结|总计|结果维持|结果纠正|其他结果|尚未审结|总计",
		"||||||||||||||",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func cellTexts(l Line) []string {
	var cs []string
	for _, c := range l.Cells {
		cs = append(cs, c.Text)
	}
	return cs
}

// TestLayoutBBoxActiveOverPage: a table-2 sub-table whose last row is
// printed at the top of the next page, above the next sub-table: the row
// stays in its table (only a repeat of the same header takes a page).
func TestLayoutBBoxActiveOverPage(t *testing.T) {
	header := func(y float64, cols ...string) []pdfWord {
		ws := []pdfWord{synthWord(20, y, "信息内容")}
		for i, c := range cols {
			ws = append(ws, centred(230+100*float64(i), y, c))
		}
		return ws
	}
	p1 := concatWords([]pdfWord{synthWord(20, 760, "第二十条第（一）项")},
		header(780, "本年新制作数量", "本年新公开数量", "对外公开总数量"),
		[]pdfWord{synthWord(20, 800, "规章"), centred(230, 800, "1"), centred(330, 800, "2"), centred(430, 800, "3")})
	p2 := concatWords([]pdfWord{synthWord(20, 40, "规范性文件"), centred(230, 40, "4"), centred(330, 40, "5"), centred(430, 40, "6"),
		synthWord(20, 65, "第二十条第（五）项")},
		header(85, "上一年项目数量", "本年增/减", "处理决定数量"),
		[]pdfWord{synthWord(20, 105, "行政许可"), centred(230, 105, "7"), centred(330, 105, "8"), centred(430, 105, "9")})
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: p1}, {width: 595, height: 842, words: p2}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got []string
	for _, l := range lay.Lines {
		if l.Table > 0 {
			got = append(got, fmt.Sprintf("t%d %s", l.Table, strings.Join(cellTexts(l), "|")))
		}
	}
	want := []string{
		"t1 信息内容|本年新制作数量|本年新公开数量|对外公开总数量",
		"t1 规章|1|2|3",
		"t1 规范性文件|4|5|6",
		"t2 信息内容|上一年项目数量|本年增/减|处理决定数量",
		"t2 行政许可|7|8|9",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLayoutBBoxNarrowColumns: columns a character wide. Table 2's headers
// wrap a character a line, as far as the template's label goes, and a
// 见附件 set a character a line in a value cell is one value.
func TestLayoutBBoxNarrowColumns(t *testing.T) {
	words := []pdfWord{synthWord(20, 40, "第二十条第（一）项"), synthWord(20, 60, "信息内容")}
	for i, lab := range []string{"本年制发件数", "本年废止件数", "现行有效件数"} {
		for k, r := range []rune(lab) {
			words = append(words, synthWord(100+30*float64(i), 60+13*float64(k), string(r)))
		}
	}
	words = append(words,
		synthWord(20, 150, "规章"), synthWord(100, 150, "1"), synthWord(130, 150, "见"), synthWord(160, 150, "3"),
		synthWord(130, 163, "附"), synthWord(130, 176, "件"),
		synthWord(20, 200, "行政规范性"), synthWord(100, 200, "4"), synthWord(160, 200, "6"),
		synthWord(20, 213, "文件"),
	)
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: words}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got []string
	for _, l := range lay.Lines {
		if l.Table > 0 {
			got = append(got, strings.Join(cellTexts(l), "|"))
		}
	}
	want := []string{"信息内容|本年制发件数|本年废止件数|现行有效件数", "规章|1|见附件|3", "行政规范性文件|4||6"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLayoutBBoxReviewCutCells: table 4's leaves set a character a line,
// the reconsideration leaves cut by the page break (结/果/维 | 持).
func TestLayoutBBoxReviewCutCells(t *testing.T) {
	p1 := []pdfWord{synthWord(20, 730, "四、政府信息公开行政复议、行政诉讼情况"), synthWord(20, 750, "行政复议"), synthWord(200, 750, "行政诉讼")}
	var p2 []pdfWord
	leaves := []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
	values := []string{"3", "", "1", "", "4", "2", "1", "", "", "3", "", "", "", "", "0"}
	for g := 0; g < 3; g++ {
		for k, lf := range leaves {
			x := 20 + float64(g*5+k)*30
			for i, r := range []rune(lf) {
				switch {
				case g > 0:
					p2 = append(p2, synthWord(x, 80+13*float64(i), string(r)))
				case i < 3:
					p1 = append(p1, synthWord(x, 770+13*float64(i), string(r)))
				default:
					p2 = append(p2, synthWord(x, 40, string(r)))
				}
			}
			if v := values[g*5+k]; v != "" {
				p2 = append(p2, synthWord(x, 150, v))
			}
		}
	}
	p2 = append(p2, synthWord(20, 180, "五、存在的主要问题及改进情况"))
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: p1}, {width: 595, height: 842, words: p2}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var rows [][]string
	for _, l := range lay.Lines {
		if l.Table > 0 && len(l.Cells) == 15 {
			rows = append(rows, cellTexts(l))
		}
	}
	if len(rows) != 2 || rows[0][0] != "结果维持" || !reflect.DeepEqual(rows[1], values) {
		t.Errorf("lines of 15 cells %q, want the header and %q", rows, values)
	}
}

// TestLayoutBBoxValueOverPage: a 见附件 cell cut by the page break (见 at
// the foot of one page, 附件 at the top of the next) is one value of the
// row it started on.
func TestLayoutBBoxValueOverPage(t *testing.T) {
	p1 := []pdfWord{
		synthWord(20, 740, "第二十条第（一）项"),
		synthWord(20, 760, "信息内容"), centred(230, 760, "本年制发件数"), centred(330, 760, "本年废止件数"), centred(430, 760, "现行有效件数"),
		synthWord(20, 780, "规章"), centred(230, 780, "1"), centred(330, 780, "2"), centred(430, 780, "3"),
		synthWord(20, 800, "行政规范性文件"), centred(230, 800, "4"), centred(330, 800, "见"),
	}
	p2 := []pdfWord{
		centred(330, 40, "附件"),
		synthWord(20, 70, "第二十条第（五）项"),
	}
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: p1}, {width: 595, height: 842, words: p2}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got []string
	for _, l := range lay.Lines {
		if l.Table > 0 {
			got = append(got, strings.Join(cellTexts(l), "|"))
		}
	}
	want := []string{"信息内容|本年制发件数|本年废止件数|现行有效件数", "规章|1|2|3", "行政规范性文件|4|见附件|"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLayoutBBoxGluedNumber: pdftotext makes one word of a label and the
// number printed right after it without a space; the number is cut off
// where it reaches into the value column.
func TestLayoutBBoxGluedNumber(t *testing.T) {
	words := []pdfWord{
		synthWord(20, 40, "第二十条第（五）项"),
		synthWord(20, 60, "信息内容"), centred(250, 60, "本年处理决定数量"),
		synthWord(20, 80, "行政许可"), centred(250, 80, "12"),
		// Left-aligned in its cell, just right of the label's.
		synthWord(128, 100, "其他对外管理服务事项3"),
	}
	lay, err := layoutBBox([]pdfPage{{width: 595, height: 842, words: words}}, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got []string
	for _, l := range lay.Lines {
		if l.Table > 0 {
			got = append(got, strings.Join(cellTexts(l), "|"))
		}
	}
	want := []string{"信息内容|本年处理决定数量", "行政许可|12", "其他对外管理服务事项|3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// tableTexts lays pages out and returns the cell texts of every table row.
func tableTexts(t *testing.T, pages []pdfPage) [][]string {
	t.Helper()
	lay, err := layoutBBox(pages, DefaultLimits())
	if err != nil || lay == nil {
		t.Fatalf("layoutBBox: %v, %v", lay, err)
	}
	var got [][]string
	for _, l := range lay.Lines {
		if l.Table > 0 {
			var cs []string
			for _, c := range l.Cells {
				cs = append(cs, c.Text)
			}
			got = append(got, cs)
		}
	}
	return got
}
