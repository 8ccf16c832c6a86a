package ingest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

func TestParseValue(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		raw, kind, unit string
		status          string
		value           *float64
		outUnit, remark string
	}{
		{"0", schema.KindCount, "", schema.StatusNumber, f(0), "", ""},
		{"１２３", schema.KindCount, "", schema.StatusNumber, f(123), "", ""},
		{"1,295", schema.KindCount, "", schema.StatusNumber, f(1295), "", ""},
		{"3 119", schema.KindCount, "", schema.StatusNumber, f(3119), "", ""},
		{"", schema.KindCount, "", schema.StatusBlank, nil, "", ""},
		{"  ", schema.KindCount, "", schema.StatusBlank, nil, "", ""},
		{"无", schema.KindCount, "", schema.StatusPlaceholder, nil, "", ""},
		{"/", schema.KindCount, "", schema.StatusPlaceholder, nil, "", ""},
		{"-", schema.KindCount, "", schema.StatusPlaceholder, nil, "", ""},
		{"—", schema.KindCount, "", schema.StatusPlaceholder, nil, "", ""},
		{"×", schema.KindCount, "", schema.StatusPlaceholder, nil, "", ""},
		{"增 18", schema.KindDelta, "", schema.StatusNumber, f(18), "", ""},
		{"减 5", schema.KindDelta, "", schema.StatusNumber, f(-5), "", ""},
		{"+3", schema.KindDelta, "", schema.StatusNumber, f(3), "", ""},
		{"-3", schema.KindDelta, "", schema.StatusNumber, f(-3), "", ""},
		{"减少2", schema.KindDelta, "", schema.StatusNumber, f(-2), "", ""},
		{"106.36 万元", schema.KindMoney, "", schema.StatusNumber, f(106.36), "万元", ""},
		{"251000元", schema.KindMoney, "", schema.StatusNumber, f(25.1), "万元", ""},
		{"6.933", schema.KindMoney, "万元", schema.StatusNumber, f(6.933), "万元", ""},
		{"3940", schema.KindMoney, "元", schema.StatusNumber, f(0.394), "万元", ""},
		{"22（其中修订16件）", schema.KindCount, "", schema.StatusNumber, f(22), "", "（其中修订16件）"},
		{"55 (含自然失效29件)", schema.KindCount, "", schema.StatusNumber, f(55), "", "(含自然失效29件)"},
		{"见附件", schema.KindCount, "", schema.StatusText, nil, "", ""},
		{"12件", schema.KindCount, "", schema.StatusNumber, f(12), "", ""},
		{"〇", schema.KindCount, "", schema.StatusNumber, f(0), "", ""},
		{"〇", schema.KindMoney, "万元", schema.StatusNumber, f(0), "万元", ""},
		{"壹", schema.KindMoney, "万元", schema.StatusText, nil, "", ""},
		{"零", schema.KindCount, "", schema.StatusNumber, f(0), "", ""},
		{"壹", schema.KindCount, "", schema.StatusNumber, f(1), "", ""},
		{"壹〇", schema.KindCount, "", schema.StatusNumber, f(10), "", ""},
		{"壹拾", schema.KindCount, "", schema.StatusText, nil, "", ""},
		{"一", schema.KindCount, "", schema.StatusPlaceholder, nil, "", ""},
		{"约1", schema.KindCount, "", schema.StatusText, nil, "", ""},
		{"&nbsp; 1", schema.KindCount, "", schema.StatusNumber, f(1), "", ""},
		{"0&nbsp;&nbsp;", schema.KindCount, "", schema.StatusNumber, f(0), "", ""},
		{"\u00a01\u00a0", schema.KindCount, "", schema.StatusNumber, f(1), "", ""},
		{"&nbsp;", schema.KindCount, "", schema.StatusBlank, nil, "", ""},
	}
	for _, tc := range cases {
		got := parseValue(tc.raw, tc.kind, tc.unit)
		if got.status != tc.status || !reflect.DeepEqual(got.value, tc.value) || got.unit != tc.outUnit || got.remark != tc.remark {
			var gv any = nil
			if got.value != nil {
				gv = *got.value
			}
			t.Errorf("parseValue(%q, %s, %q) = %s %v %q %q; want %s %v %q %q", tc.raw, tc.kind, tc.unit,
				got.status, gv, got.unit, got.remark, tc.status, deref(tc.value), tc.outUnit, tc.remark)
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func TestSegmentDigits(t *testing.T) {
	cases := []struct {
		tokens []string
		n      int
		want   int // number of solutions
		first  []float64
	}{
		{[]string{"0000000"}, 7, 1, []float64{0, 0, 0, 0, 0, 0, 0}},
		{[]string{"0", "0", "0", "0", "0", "00"}, 7, 1, []float64{0, 0, 0, 0, 0, 0, 0}},
		{[]string{"000"}, 3, 1, []float64{0, 0, 0}},
		{[]string{"801000081"}, 7, 5, nil}, // 80,1,0,0,0,0,81 among them: identities decide
		{[]string{"230", "000023"}, 7, 3, nil},
		{[]string{"12"}, 3, 0, nil},
	}
	for _, tc := range cases {
		sols := segmentDigits(tc.tokens, tc.n, 100)
		if len(sols) != tc.want {
			t.Errorf("segmentDigits(%v, %d): %d solutions %v, want %d", tc.tokens, tc.n, len(sols), sols, tc.want)
			continue
		}
		if tc.first != nil && !reflect.DeepEqual(sols[0], tc.first) {
			t.Errorf("segmentDigits(%v, %d) = %v, want %v", tc.tokens, tc.n, sols[0], tc.first)
		}
	}
}

func TestLabelScore(t *testing.T) {
	k := func(s string) []rune { return []rune(key(s)) }
	cases := []struct {
		text, label string
		min, max    float64
	}{
		{"1.属于国家秘密", "1.属于国家秘密", 1, 1},
		{"(一) 予以公开", "（一）予以公开", 1, 1},
		{"三本 年度办理结果(一)予以公开", "（一）予以公开", 1, 1},
		{"商业企 业", "商业企业", 1, 1},
		{"行政机关不再处理其政府信息公", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 0.4, 0.5},
		{"2、申请人逾期未按收费通知要他处理求缴纳费用、行政机关不再处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 0.7, 0.9},
		{"四、结转下年度继续办理", "二、上年结转政府信息公开申请数量", 0, 0.2},
		{"其他", "（七）总计", 0, 0},
	}
	for _, tc := range cases {
		got := labelScore(k(tc.text), k(tc.label))
		if got < tc.min || got > tc.max {
			t.Errorf("labelScore(%q, %q) = %.2f, want in [%.2f, %.2f]", tc.text, tc.label, got, tc.min, tc.max)
		}
	}
}

// TestValueToken: what may stand in a value column without being a number
// is told from a label, so that splitRow does not take it for one.
func TestValueToken(t *testing.T) {
	cases := map[string]bool{
		"〇": true, "壹": true, "见附件": true, "详见附表2": true, "约1": true, "约 12 件": true,
		"20余": true, "30左右": true, "近20件": true,
		"1.属于国家秘密": false, "规章": false, "（七）总计": false, "行政许可": false, "2.重复申请": false,
		"": false, "0": false,
	}
	for s, want := range cases {
		if got := valueToken(s); got != want {
			t.Errorf("valueToken(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestSplitRowTokens: a token in a value column, or any text right of a
// number, is a value; the label is what stands before them.
func TestSplitRowTokens(t *testing.T) {
	row := func(texts ...string) Line {
		l := Line{}
		for i, s := range texts {
			l.Cells = append(l.Cells, Cell{Text: s, Col: i})
		}
		return l
	}
	cases := []struct {
		line   Line
		label  string
		values int
	}{
		{row("一、本年新收政府信息公开申请数量", "", "见附件", "0", "21"), "一、本年新收政府信息公开申请数量", 4},
		{row("（一）予以公开", "3", "未统计", "1"), "（一）予以公开", 3},
		{row("（一）予以公开", "〇", "壹", "1"), "（一）予以公开", 3},
		{row("（三）不予公开", "1.属于国家秘密", "0", "0"), "（三）不予公开1.属于国家秘密", 2},
		{row("一、本年新收政府信息公开申请数量", "", "不详", "0", "21"), "一、本年新收政府信息公开申请数量", 4},
		{row("", "自然人", "法人或其他组织", "总计"), "自然人法人或其他组织总计", 0},
		{row("规章", "0", "0", "0"), "规章", 3},
	}
	for _, tc := range cases {
		labels, values := splitRow(tc.line)
		var lab strings.Builder
		for _, c := range labels {
			lab.WriteString(c.Text)
		}
		if lab.String() != tc.label || len(values) != tc.values {
			t.Errorf("splitRow(%q) = label %q, %d values; want %q, %d", tc.line.Text(), lab.String(), len(values), tc.label, tc.values)
		}
	}
}
