package engine

import "testing"

// TestCellNames: every output names a cell by the labels printed on the
// table, the way the brief of issue 14 spells it.
func TestCellNames(t *testing.T) {
	for _, c := range []struct {
		addr, lang, want string
	}{
		{"requests.total_handled.research", "zh", "表三“（七）总计”行“科研机构”列"},
		{"requests.denied_state_secret.total", "zh", "表三“（三）不予公开1.属于国家秘密”行“总计”列"},
		{"review_litigation.litigation_direct.corrected", "zh", "表四“行政诉讼（未经复议直接起诉）”行“结果纠正”列"},
		{"active.art20_1.rules.issued", "zh", "表二“第二十条第（一）项”“规章”行“本年制发件数”列"},
		{"previous.active.art20_1.normative_docs.in_force", "zh", "上年度报告表二“第二十条第（一）项”“行政规范性文件”行“现行有效件数”列"},
		{"requests.total_handled.research", "en", "table 3, row “（七）总计”, column “科研机构”"},
		{"nonsense", "zh", "nonsense"},
	} {
		if got := AddressName(c.addr, c.lang); got != c.want {
			t.Errorf("AddressName(%q, %s) = %q, want %q", c.addr, c.lang, got, c.want)
		}
	}
}

// TestItemNames: a ledger's or finding's item is named by what it stands
// for; an item with no label stays as it is.
func TestItemNames(t *testing.T) {
	for _, c := range []struct{ item, want string }{
		{"overview", "一、总体情况"},
		{"requests", "三、收到和处理政府信息公开申请情况"}, // a section id before a table id
		{"active.art20_1", "表二“第二十条第（一）项”"},
		{"art20_1", "表二“第二十条第（一）项”"},
		{"active.art20_1.made", "表二“第二十条第（一）项”“本年新制作数量”列"},
		{"art20_5/licensing", "表二“第二十条第（五）项”“行政许可”"},
		{"research", "科研机构"},
		{"", ""},
		{"x-1", "x-1"},
	} {
		if got := ItemName(c.item, "zh"); got != c.want {
			t.Errorf("ItemName(%q) = %q, want %q", c.item, got, c.want)
		}
	}
}

// TestLabelKinds: the kinds the rules' label() takes beyond the template's.
func TestLabelKinds(t *testing.T) {
	for _, c := range []struct{ kind, id, want string }{
		{"table", "requests", "表三"},
		{"table", "active.art20_5", "表二“第二十条第（五）项”"},
		{"table.en", "active.art20_5", "table 2 第二十条第（五）项"},
		{"section.en", "problems", "section 5 “五、存在的主要问题及改进情况”"},
		{"row.requests", "other_no_fee", "（六）其他处理2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"},
		{"row.review_litigation", "reconsideration", "行政复议"},
		{"cell", "requests.granted.total", "表三“（一）予以公开”行“总计”列"},
	} {
		if got := Label(c.kind, c.id); got != c.want {
			t.Errorf("Label(%q, %q) = %q, want %q", c.kind, c.id, got, c.want)
		}
	}
}
