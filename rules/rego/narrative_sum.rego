# METADATA
# title: Narrative totals add up
# description: >-
#   A sentence "共计N条，其中a…b…c…" must list parts that add up to N.
# custom:
#   id: narrative.sum
#   title_zh: 文字部分“共计…其中…”数字相符
#   severity: warning
#   category: consistency
#   points: 1
#   templates: ["2019", "2021"]
#   reference: 国办公开办函〔2021〕30号（内容准确）
#   remediation: Correct the total or the parts so that they agree.
package ogi.rules.narrative_sum

import data.ogi.lib

# Each match: [whole, total, unit, clause].
sums contains [total, unit, clause] if {
	some m in regex.find_all_string_submatch_n(`共计?(\d+)(条|件|个|篇|项)[，,:：]?其中[:：]?([^。；;]*)`, lib.narrative, -1)
	total := to_number(m[1])
	unit := m[2]
	clause := m[3]
}

warn contains f if {
	some [total, unit, clause] in sums
	parts := [to_number(p[1]) | some p in regex.find_all_string_submatch_n(concat("", [`(\d+)`, unit]), clause, -1)]
	count(parts) >= 2
	sum(parts) != total
	f := {
		"msg": {
			"zh": sprintf("“共计%v%s”，但其中各项相加为%v%s", [total, unit, sum(parts), unit]),
			"en": sprintf("the text says %v in total but its parts add up to %v", [total, sum(parts)]),
		},
		"expected": total,
		"actual": sum(parts),
		"item": sprintf("共计%v%s", [total, unit]),
	}
}
