package rules

import (
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
)

// TestJurisdictionMessages: the timeliness messages name the date, whom it
// binds and the rule that sets it, in plain Chinese and in English, under
// the statute and under a local profile; the 雷同 threshold follows the
// profile.
func TestJurisdictionMessages(t *testing.T) {
	e := builtin(t)
	yueyang, _ := jurisdiction.Builtin("yueyang")
	huaihua, _ := jurisdiction.Builtin("huaihua")
	tests := []struct {
		name                string
		profile             *jurisdiction.Profile
		agency, kind, dated string
		rule, zh, en        string
		status              string
	}{
		{"a district under 岳阳", yueyang, "某市某区人民政府", "government", "2022-02-25", "timeliness.deadline",
			"按岳阳市政府信息公开工作年度报告制度（示例）第三条，县市区人民政府应于2022年2月20日前公布年度报告，本报告落款为2022年2月25日",
			"under Yueyang's annual-report rule (example), art. 3, district and county governments publish by 20 February 2022; this report is dated 2022-02-25",
			engine.StatusFail},
		{"a department under the statute", nil, "某市某局", "department", "2022-02-10", "timeliness.deadline",
			"按《中华人民共和国政府信息公开条例》第四十九条，县级以上人民政府部门应于2022年1月31日前公布年度报告，本报告落款为2022年2月10日",
			"under Art. 49 of the Regulations on Open Government Information, departments of people's governments at county level and above publish by 31 January 2022; this report is dated 2022-02-10",
			engine.StatusFail},
		{"a body of unknown kind", nil, "某市某某", "unknown", "2022-04-01", "timeliness.deadline",
			"按《中华人民共和国政府信息公开条例》第四十九条，机关类型无法识别，按最晚的期限（县级以上地方人民政府）应于2022年3月31日前公布年度报告，本报告落款为2022年4月1日",
			"under Art. 49 of the Regulations on Open Government Information, the kind of body cannot be told, so the latest deadline (local people's governments at county level and above) publish by 31 March 2022; this report is dated 2022-04-01",
			engine.StatusFail},
		{"a township under 怀化", huaihua, "某县某镇人民政府", "government", "2022-02-21", "timeliness.deadline",
			"按怀化市政务公开政务服务领导小组办公室年度报告编制发布通知（示例），乡镇（街道）应于2022年2月20日前公布年度报告，本报告落款为2022年2月21日",
			"under Huaihua open-government office's notice on the annual reports (example), townships and sub-districts publish by 20 February 2022; this report is dated 2022-02-21",
			engine.StatusFail},
		{"filing under 岳阳", yueyang, "某市某局", "department", "2022-01-20", "timeliness.filed_before_publication",
			"按岳阳市政府信息公开工作年度报告制度（示例）第四条，年度报告应先报市政府政务公开政务服务领导小组办公室备案后公布；报告中未写明已报送备案，无法从报告本身核验，请向市政府政务公开政务服务领导小组办公室核对备案记录",
			"under Yueyang's annual-report rule (example), art. 4, the report is filed with the city's open-government office before it is published; the report does not say it was, which the report alone cannot show: check the filing record with the city's open-government office",
			engine.StatusCannotEvaluate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := engine.SampleDocument("2021")
			doc.Meta.Agency, doc.Meta.AgencyKind, doc.Meta.Published = tc.agency, tc.kind, &tc.dated
			r, _ := e.Rule(tc.rule)
			res := enginetest.Eval(e, doc, engine.WithJurisdiction(tc.profile), engine.WithRules(r))
			if len(res.Findings) != 1 {
				t.Fatalf("%d findings, want 1: %+v", len(res.Findings), res.Findings)
			}
			f := res.Findings[0]
			if f.Status != tc.status || f.Message.Zh != tc.zh || f.Message.En != tc.en {
				t.Errorf("got %s\n  %s\n  %s\nwant %s\n  %s\n  %s", f.Status, f.Message.Zh, f.Message.En, tc.status, tc.zh, tc.en)
			}
		})
	}
}

// TestJurisdictionSimilarityThreshold: 宿迁's profile (雷同 above half of
// last year's text) flags a narrative the default threshold lets pass.
func TestJurisdictionSimilarityThreshold(t *testing.T) {
	e := builtin(t)
	r, _ := e.Rule("continuity.narrative_repeated")
	suqian, _ := jurisdiction.Builtin("suqian")
	mk := func(year int, problems string) *schema.Document {
		doc := engine.SampleDocument("2021")
		doc.Meta.Year = &year
		for i := range doc.Sections {
			if doc.Sections[i].ID == "problems" {
				doc.Sections[i].Text = problems
			}
		}
		return doc
	}
	// Half shared, half new: a Jaccard of about 0.55.
	const shared = "本年度我局政府信息公开工作仍存在一些不足：一是主动公开的深度和广度有待进一步拓展，二是政策解读形式较为单一，三是工作人员业务能力有待提高。"
	doc := mk(2023, shared+"2023年，我局修订了依申请公开办理规程，建立答复文书模板库。")
	prev := mk(2022, shared+"下一步，我局将加强业务培训，丰富政策解读形式。")
	for _, tc := range []struct {
		profile *jurisdiction.Profile
		want    int
	}{{nil, 0}, {suqian, 1}} {
		res := enginetest.Eval(e, doc, engine.WithPrevious(prev), engine.WithJurisdiction(tc.profile), engine.WithRules(r))
		if len(res.Findings) != tc.want {
			t.Errorf("profile %v: %d findings, want %d: %+v", tc.profile.Digest(), len(res.Findings), tc.want, res.Findings)
		}
	}
}
