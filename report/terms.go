package report

import "github.com/ogi-checker/ogi/engine"

// The words an officer reads for the codes of the result model, defined
// once so that every output says the same (README, 术语). TermCannotVerify
// is the one term for a check that could not be made.
const (
	TermCannotVerify = "无法核验"
	TermNeedsReview  = "待人工核对"
)

// bilingual is a term in Chinese and English.
type bilingual [2]string

func (b bilingual) in(lang string) string { return pick(lang, b[0], b[1]) }

var severityTerms = map[string]bilingual{
	engine.SeverityError:   {"错误", "error"},
	engine.SeverityWarning: {"警告", "warning"},
	engine.SeverityInfo:    {"提示", "info"},
}

var categoryTerms = map[string]bilingual{
	"structure": {"结构", "structure"}, "completeness": {"完整性", "completeness"}, "arithmetic": {"计算", "arithmetic"},
	"consistency": {"一致性", "consistency"}, "timeliness": {"时效", "timeliness"}, "content": {"内容", "content"},
}

// statusWaived is the status shown for a waived finding.
const statusWaived = "waived"

var statusTerms = map[string]bilingual{
	engine.StatusPass:           {"通过", "pass"},
	engine.StatusFail:           {"不符合", "fail"},
	engine.StatusNotApplicable:  {"不适用", "not applicable"},
	engine.StatusCannotEvaluate: {TermCannotVerify, "cannot evaluate"},
	engine.StatusError:          {"规则执行出错", "rule error"},
	engine.StatusNeedsReview:    {TermNeedsReview, "needs review"},
	statusWaived:                {"已豁免", "waived"},
}

func term(m map[string]bilingual, code, lang string) string {
	if t, ok := m[code]; ok {
		return t.in(lang)
	}
	return code
}

// SeverityName is a severity as an officer reads it: 错误, 警告, 提示.
func SeverityName(sev, lang string) string { return term(severityTerms, sev, lang) }

// CategoryName is a rule category: 结构, 完整性, 计算, 一致性, 时效, 内容.
func CategoryName(cat, lang string) string { return term(categoryTerms, cat, lang) }

// StatusName is a finding's or rule's status: 不符合, 无法核验, 待人工核对….
func StatusName(status, lang string) string { return term(statusTerms, status, lang) }

// findingStatus is the status a finding is shown with: waived findings
// are shown as such whatever the rule found.
func findingStatus(f engine.Finding) string {
	if f.Waived {
		return statusWaived
	}
	return f.Status
}

// titles maps a rule id to its title, for the outputs that name rules; a
// rule the run did not load (a result kept by an older version) keeps
// its id.
type titles map[string]engine.Text

// Findings a batch adds beside the rule packs' (the roster's parent-vs-
// children checks): their ids and titles, so that every output names them
// as it names a rule.
const (
	RuleAggregateTotal        = "coverage.aggregate_total"
	RuleAggregateChildMissing = "coverage.aggregate_child_missing"
)

var batchTitles = map[string]engine.Text{
	RuleAggregateTotal:        {Zh: "汇总报告数据不小于下级合计", En: "Aggregate report covers its children's figures"},
	RuleAggregateChildMissing: {Zh: "汇总报告的下级单位报告齐全", En: "Aggregate report's children all reported"},
}

func newTitles(rules []*engine.Rule) titles {
	t := titles{}
	for id, x := range batchTitles {
		t[id] = x
	}
	for _, r := range rules {
		t[r.ID] = r.Title
	}
	return t
}

// of is the rule's title in lang, or its id when the title is unknown.
func (t titles) of(rule, lang string) string {
	if x, ok := t[rule]; ok {
		if s := x.Pick(lang); s != "" {
			return s
		}
	}
	return rule
}

// cellNameOf names the cell at a canonical address.
func cellNameOf(addr, lang string) string { return engine.AddressName(addr, lang) }

// itemName names a rule's for_each item (engine.ItemName).
func itemName(item, lang string) string { return engine.ItemName(item, lang) }
