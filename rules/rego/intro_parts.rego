# METADATA
# title: The introduction lists the six parts
# description: >-
#   When the introduction says what the report consists of ("由…组成", "包括…N个部分"), it must name
#   the six parts of the national format, and a stated count must be six.
# custom:
#   id: narrative.intro_parts
#   title_zh: 引言所列报告组成部分与格式一致
#   severity: warning
#   category: structure
#   points: 1
#   templates: ["2019", "2021"]
#   reference: 《中华人民共和国政府信息公开条例》第五十条
#   remediation: Name the six parts in the introduction as the format has them.
package ogi.rules.intro_parts

import data.ogi.lib

parts := [
	{"id": "overview", "key": "总体情况", "zh": "总体情况"},
	{"id": "active_disclosure", "key": "主动公开政府信息", "zh": "主动公开政府信息情况"},
	{"id": "requests", "key": "收到和处理政府信息公开申请", "zh": "收到和处理政府信息公开申请情况"},
	{"id": "review_litigation", "key": "行政复议", "zh": "行政复议、行政诉讼情况"},
	{"id": "problems", "key": "存在的主要问题", "zh": "存在的主要问题及改进情况"},
	{"id": "other_matters", "key": "其他需要报告的事项", "zh": "其他需要报告的事项"},
]

# The sentence of the introduction that lists the parts.
listing := s if {
	some s in split(lib.intro_text, "。")
	contains(s, "部分")
	regex.match(`组成|包括|分为|共分`, s)
	contains(s, "总体情况")
}

# Without a listing the rule is not applicable: nothing is missing from it.
missing := [p.zh | some p in parts; not contains(listing, p.key)] if listing

not_applicable if not listing

warn contains f if {
	count(missing) > 0
	f := {
		"msg": {
			"zh": sprintf("引言列出的报告组成部分缺少：%s", [concat("、", missing)]),
			"en": sprintf("the introduction lists the parts of the report without: %s", [concat(", ", missing)]),
		},
		"item": "intro",
		"expected": 6,
		"actual": 6 - count(missing),
	}
}

warn contains f if {
	some m in regex.find_all_string_submatch_n(`([0-9一二两三四五六七八九]+)\s*个部分`, listing, -1)
	n := stated(m[1])
	n != 6
	f := {
		"msg": {
			"zh": sprintf("引言称报告由%s个部分组成，格式规定为六个部分", [m[1]]),
			"en": sprintf("the introduction says the report has %v parts; the format has six", [n]),
		},
		"item": "intro_count",
		"expected": 6,
		"actual": n,
	}
}

stated(s) := to_number(s) if regex.match(`^[0-9]+$`, s)

stated(s) := lib.cn_digit[s] if not regex.match(`^[0-9]+$`, s)
