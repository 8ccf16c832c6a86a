package schema

// Template ids.
const (
	Template2019 = "2019"
	Template2021 = "2021"
)

// Value kinds of a table column.
const (
	KindCount = "count" // non-negative integer
	KindDelta = "delta" // signed integer (本年增/减)
	KindMoney = "money" // decimal, normalised to 万元
)

// SectionDef is one of the six sections with its official heading and the
// variants real reports use (recognised, but flagged as deviations).
type SectionDef struct {
	ID       string
	Number   string // 一 … 六
	Heading  string // exact official heading including the number
	Variants []string
	// Cues are sub-headings that open the section in every report that has
	// it (（一）存在的主要问题): when a PDF or a pasted text lost the
	// numbered heading, the first cue marks where the section starts.
	Cues []string
}

// Sections lists the six sections in order (both templates).
var Sections = []SectionDef{
	{ID: "overview", Number: "一", Heading: "一、总体情况"},
	{ID: "active_disclosure", Number: "二", Heading: "二、主动公开政府信息情况"},
	{ID: "requests", Number: "三", Heading: "三、收到和处理政府信息公开申请情况",
		Variants: []string{"三、收到和处理政府信息公开申请的情况"}},
	{ID: "review_litigation", Number: "四", Heading: "四、政府信息公开行政复议、行政诉讼情况",
		Variants: []string{
			"四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
			"四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
			"四、因政府信息公开工作被申请行政复议、提起行政诉讼的情况",
			"四、因政府信息公开申请行政复议、提起行政诉讼的情况",
			"四、政府信息公开行政复议和行政诉讼情况",
			"四、政府信息公开行政复议、行政诉讼的情况",
		}},
	{ID: "problems", Number: "五", Heading: "五、存在的主要问题及改进情况",
		Variants: []string{
			"五、政府信息公开工作存在的主要问题及改进情况",
			"五、存在的主要问题及改进措施",
			"五、存在的主要问题及改进举措",
			"五、政府信息公开工作存在的主要问题及改进措施",
			"五、政府信息公开工作存在的主要问题及改进举措",
		},
		Cues: []string{"存在的主要问题", "存在的问题", "存在问题"}},
	{ID: "other_matters", Number: "六", Heading: "六、其他需要报告的事项"},
}

// Synonym is a wording real reports use for (part of) a template label or
// heading, with the wording it stands for. Matching tries the text as
// written first; a label that matches only after a synonym was applied is
// read, and reported as a variant.
type Synonym struct {
	Written string // as written, in key form (Han, letters, digits)
	Means   string // the template's wording, in key form
	// Whole restricts the synonym to a label written exactly so: 规范性文件
	// is part of 行政规范性文件 and must not be rewritten inside it.
	Whole bool
	// Template limits the synonym to one template version ("" for both).
	Template string
}

// Synonyms are the known variants of table labels, column headers and
// section headings. Misprints (钩稽, 先行有效) are here rather than left to
// the edit-distance fallback because a one-character slip in a four-character
// header is as far from the label as a different header.
var Synonyms = []Synonym{
	// The 2019 wording of the Art. 20(1) row, kept by many 2021 reports, and
	// the other way round in 2019/2020 reports that anticipated 2021.
	{Written: "规范性文件", Means: "行政规范性文件", Whole: true, Template: Template2021},
	{Written: "行政规范性文件", Means: "规范性文件", Whole: true, Template: Template2019},
	{Written: "钩稽", Means: "勾稽"},
	{Written: "先行有效", Means: "现行有效"},
	// Section 五's second half, as reports word it.
	{Written: "明年工作计划", Means: "改进情况"},
	{Written: "下一步工作计划", Means: "改进情况"},
	{Written: "下一年度工作计划", Means: "改进情况"},
	{Written: "整改情况", Means: "改进情况"},
}

// ColDef is a table column.
type ColDef struct {
	ID    string
	Label string
	Kind  string
	// Aliases are other wordings seen in real headers (truncated or older).
	Aliases []string
}

// RowDef is a table row.
type RowDef struct {
	ID    string
	Label string
	// Group is the label of the spanning group cell, if any (e.g. （三）不予公开).
	Group string
	// Aliases are other wordings seen in real reports.
	Aliases []string
}

// SubTable is one of the table-2 sub-tables (one per Art. 20 item).
type SubTable struct {
	ID      string
	Caption string
	Cols    []ColDef
	Rows    []RowDef
}

// Template is one national template version.
type Template struct {
	ID           string
	Notice       string
	Active       []SubTable
	RequestRows  []RowDef
	RequestCols  []ColDef
	ReviewGroups []RowDef
	ReviewCols   []ColDef
}

// Applicant columns of table 3, identical in both templates.
var requestCols = []ColDef{
	{ID: "natural_person", Label: "自然人", Kind: KindCount},
	{ID: "commercial", Label: "商业企业", Kind: KindCount},
	{ID: "research", Label: "科研机构", Kind: KindCount},
	{ID: "social_welfare", Label: "社会公益组织", Kind: KindCount},
	{ID: "legal_service", Label: "法律服务机构", Kind: KindCount},
	{ID: "other_org", Label: "其他", Kind: KindCount},
	{ID: "total", Label: "总计", Kind: KindCount},
}

func requestRows(tpl string) []RowDef {
	const (
		g3 = "三、本年度办理结果"
		d  = "（三）不予公开"
		u  = "（四）无法提供"
		r  = "（五）不予处理"
		o  = "（六）其他处理"
	)
	rows := []RowDef{
		{ID: "new_received", Label: "一、本年新收政府信息公开申请数量"},
		{ID: "carried_over", Label: "二、上年结转政府信息公开申请数量"},
		{ID: "granted", Label: "（一）予以公开", Group: g3},
		{ID: "partially_granted", Label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", Group: g3},
		{ID: "denied_state_secret", Label: "1.属于国家秘密", Group: d},
		{ID: "denied_prohibited_by_law", Label: "2.其他法律行政法规禁止公开", Group: d},
		{ID: "denied_three_safeties", Label: "3.危及“三安全一稳定”", Group: d},
		{ID: "denied_third_party", Label: "4.保护第三方合法权益", Group: d},
		{ID: "denied_internal_affairs", Label: "5.属于三类内部事务信息", Group: d},
		{ID: "denied_process_info", Label: "6.属于四类过程性信息", Group: d},
		{ID: "denied_enforcement_file", Label: "7.属于行政执法案卷", Group: d},
		{ID: "denied_admin_query", Label: "8.属于行政查询事项", Group: d},
		{ID: "unable_not_held", Label: "1.本机关不掌握相关政府信息", Group: u},
		{ID: "unable_needs_creation", Label: "2.没有现成信息需要另行制作", Group: u},
		{ID: "unable_unclear", Label: "3.补正后申请内容仍不明确", Group: u},
		{ID: "rejected_petition", Label: "1.信访举报投诉类申请", Group: r},
		{ID: "rejected_duplicate", Label: "2.重复申请", Group: r},
		{ID: "rejected_publication", Label: "3.要求提供公开出版物", Group: r},
		{ID: "rejected_abusive", Label: "4.无正当理由大量反复申请", Group: r},
		{ID: "rejected_confirmation", Label: "5.要求行政机关确认或重新出具已获取信息", Group: r},
	}
	if tpl == Template2019 {
		rows = append(rows, RowDef{ID: "other", Label: "（六）其他处理", Group: g3})
	} else {
		rows = append(rows,
			RowDef{ID: "other_no_correction", Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Group: o},
			RowDef{ID: "other_no_fee", Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", Group: o},
			RowDef{ID: "other_other", Label: "3.其他", Group: o},
		)
	}
	return append(rows,
		RowDef{ID: "total_handled", Label: "（七）总计", Group: g3},
		RowDef{ID: "carried_forward", Label: "四、结转下年度继续办理"},
	)
}

var reviewGroups = []RowDef{
	{ID: "reconsideration", Label: "行政复议"},
	{ID: "litigation_direct", Label: "未经复议直接起诉", Group: "行政诉讼"},
	{ID: "litigation_after_review", Label: "复议后起诉", Group: "行政诉讼"},
}

var reviewCols = []ColDef{
	{ID: "upheld", Label: "结果维持", Kind: KindCount},
	{ID: "corrected", Label: "结果纠正", Kind: KindCount},
	{ID: "other", Label: "其他结果", Kind: KindCount},
	{ID: "pending", Label: "尚未审结", Kind: KindCount},
	{ID: "total", Label: "总计", Kind: KindCount},
}

// Templates maps a template id to its definition.
var Templates = map[string]*Template{
	Template2019: {
		ID:     Template2019,
		Notice: "国办公开办函〔2019〕60号",
		Active: []SubTable{
			{ID: "art20_1", Caption: "第二十条第（一）项",
				Cols: []ColDef{
					{ID: "made", Label: "本年新制作数量", Kind: KindCount},
					{ID: "published", Label: "本年新公开数量", Kind: KindCount},
					{ID: "total_published", Label: "对外公开总数量", Kind: KindCount},
				},
				Rows: []RowDef{{ID: "rules", Label: "规章"}, {ID: "normative_docs", Label: "规范性文件"}}},
			{ID: "art20_5", Caption: "第二十条第（五）项", Cols: stockFlowCols(true),
				Rows: []RowDef{{ID: "licensing", Label: "行政许可"}, {ID: "other_services", Label: "其他对外管理服务事项"}}},
			{ID: "art20_6", Caption: "第二十条第（六）项", Cols: stockFlowCols(true),
				Rows: []RowDef{{ID: "penalty", Label: "行政处罚"}, {ID: "coercion", Label: "行政强制"}}},
			{ID: "art20_8", Caption: "第二十条第（八）项", Cols: stockFlowCols(false),
				Rows: []RowDef{{ID: "fees", Label: "行政事业性收费"}}},
			{ID: "art20_9", Caption: "第二十条第（九）项",
				Cols: []ColDef{
					{ID: "projects", Label: "采购项目数量", Kind: KindCount},
					{ID: "amount", Label: "采购总金额", Kind: KindMoney},
				},
				Rows: []RowDef{{ID: "procurement", Label: "政府集中采购"}}},
		},
		RequestRows:  requestRows(Template2019),
		RequestCols:  requestCols,
		ReviewGroups: reviewGroups,
		ReviewCols:   reviewCols,
	},
	Template2021: {
		ID:     Template2021,
		Notice: "国办公开办函〔2021〕30号",
		Active: []SubTable{
			{ID: "art20_1", Caption: "第二十条第（一）项",
				Cols: []ColDef{
					{ID: "issued", Label: "本年制发件数", Kind: KindCount},
					{ID: "repealed", Label: "本年废止件数", Kind: KindCount},
					{ID: "in_force", Label: "现行有效件数", Kind: KindCount},
				},
				Rows: []RowDef{{ID: "rules", Label: "规章"}, {ID: "normative_docs", Label: "行政规范性文件"}}},
			{ID: "art20_5", Caption: "第二十条第（五）项",
				Cols: []ColDef{{ID: "decisions", Label: "本年处理决定数量", Kind: KindCount}},
				Rows: []RowDef{{ID: "licensing", Label: "行政许可"}}},
			{ID: "art20_6", Caption: "第二十条第（六）项",
				Cols: []ColDef{{ID: "decisions", Label: "本年处理决定数量", Kind: KindCount}},
				Rows: []RowDef{{ID: "penalty", Label: "行政处罚"}, {ID: "coercion", Label: "行政强制"}}},
			{ID: "art20_8", Caption: "第二十条第（八）项",
				Cols: []ColDef{{ID: "amount", Label: "本年收费金额（单位：万元）", Kind: KindMoney}},
				Rows: []RowDef{{ID: "fees", Label: "行政事业性收费"}}},
		},
		RequestRows:  requestRows(Template2021),
		RequestCols:  requestCols,
		ReviewGroups: reviewGroups,
		ReviewCols:   reviewCols,
	},
}

func stockFlowCols(withDecisions bool) []ColDef {
	cols := []ColDef{
		{ID: "prev_items", Label: "上一年项目数量", Kind: KindCount},
		{ID: "change", Label: "本年增/减", Kind: KindDelta},
	}
	if withDecisions {
		cols = append(cols, ColDef{ID: "decisions", Label: "处理决定数量", Kind: KindCount})
	}
	return cols
}

// SubTableByID returns the template's sub-table with the given id.
func (t *Template) SubTableByID(id string) (SubTable, bool) {
	for _, s := range t.Active {
		if s.ID == id {
			return s, true
		}
	}
	return SubTable{}, false
}

// TemplateFor returns the template a report for the given year must use:
// 2019 for 2019 and 2020, 2021 from 2021 on.
func TemplateFor(year int) string {
	if year <= 2020 {
		return Template2019
	}
	return Template2021
}
