# METADATA
# title: The report was filed before it was published (先备案后公布)
# description: >-
#   Where the jurisdiction's profile requires the report to be filed with an office before it is
#   published, the report should say it was (本报告已报送…备案). A filing is a fact of the office's
#   records, not of the report: when the report does not state it, the rule cannot tell, and says
#   so as cannot_evaluate (to be checked with the office), never as a pass. Not applicable where
#   the profile requires no filing (the statute does not).
# custom:
#   id: timeliness.filed_before_publication
#   title_zh: 年度报告先备案后公布
#   severity: warning
#   category: timeliness
#   points: 2
#   templates: ["2019", "2021"]
#   reference: 地方规定（所选辖区配置的先备案后公布要求）
#   remediation: File the report with the office the local rule names before publishing it, and say so in the report.
package ogi.rules.filed_before_publication

import data.ogi.lib

not_applicable if not input.jurisdiction.filing_required

# A sentence about this report (本报告, 年度报告, 年报) that says it has
# been filed or submitted (已/经 … 备案, 报送, 提交, 报备).
stated if {
	some s in lib.sentences
	regex.match(`本(年度)?报告|年度报告|年报`, s)
	regex.match(`备案|报送|提交|报备`, s)
	regex.match(`已|经`, s)
}

deny contains f if {
	input.jurisdiction.filing_required
	not stated
	j := input.jurisdiction
	f := {
		"status": "cannot_evaluate",
		"msg": {
			"zh": sprintf("按%s，年度报告应先报%s备案后公布；报告中未写明已报送备案，无法从报告本身核验，请向%s核对备案记录", [j.filing_source_zh, j.filing_to_zh, j.filing_to_zh]),
			"en": sprintf("under %s, the report is filed with %s before it is published; the report does not say it was, which the report alone cannot show: check the filing record with %s", [j.filing_source_en, j.filing_to_en, j.filing_to_en]),
		},
	}
}
