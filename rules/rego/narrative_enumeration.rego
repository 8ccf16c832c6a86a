# METADATA
# title: Announced enumerations are complete
# description: >-
#   "以下三个方面" announces three items; the text must go on with 一是、二是、三是 (or （一）（二）（三）).
# custom:
#   id: narrative.enumeration
#   title_zh: “以下N个方面”后列举完整
#   severity: warning
#   category: content
#   points: 1
#   templates: ["2019", "2021"]
#   reference: 国办公开办函〔2021〕30号（内容准确、不宜泛化）
#   remediation: List every announced item, or correct the count.
package ogi.rules.narrative_enumeration

import data.ogi.lib

ordinals := ["一", "二", "三", "四", "五", "六", "七", "八", "九"]

warn contains f if {
	some i, sec in input.sections
	# Stripping only removes characters, so a section whose stripped text
	# says 个方面 has 方 and 面 in its raw text: the others are skipped.
	contains(sec.text, "方")
	contains(sec.text, "面")
	text := input.narrative.sections[i]
	some m in regex.find_all_string_submatch_n(`以下([两二三四五六七八九])个方面[^。]{0,10}?[:：]`, text, -1)
	announced := lib.cn_digit[m[1]]
	rest := substring(text, indexof(text, m[0]) + count(m[0]), 400)
	listed := count([i |
		some i in numbers.range(0, announced - 1)
		marker_present(rest, ordinals[i])
	])
	listed < announced
	f := {
		"msg": {
			"zh": sprintf("“%s”部分称“以下%s个方面”，但只列举了%d项", [sec.heading, m[1], listed]),
			"en": sprintf("section “%s” announces %d items (以下%s个方面) but lists %d", [sec.heading, announced, m[1], listed]),
		},
		"item": sec.id,
		"expected": announced,
		"actual": listed,
	}
}

marker_present(text, o) if contains(text, concat("", [o, "是"]))

marker_present(text, o) if contains(text, concat("", ["（", o, "）"]))
