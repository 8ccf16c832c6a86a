# METADATA
# title: The regulation is named correctly
# description: >-
#   The report cites 《中华人民共和国政府信息公开条例》. Names such as 《中华人民共和国信息公开工作条例》
#   or 《信息公开条例》 without 政府 are wrong.
# custom:
#   id: content.regulation_name
#   title_zh: 正确引用《中华人民共和国政府信息公开条例》
#   severity: warning
#   category: content
#   points: 1
#   templates: ["2019", "2021"]
#   reference: 《中华人民共和国政府信息公开条例》（国务院令第711号）
#   remediation: Cite the regulation by its name, 《中华人民共和国政府信息公开条例》.
package ogi.rules.regulation_name

import data.ogi.lib

wrong_names := {name |
	some m in regex.find_n(`《[^》]{0,20}条例》`, lib.narrative, -1)
	contains(m, "信息公开")
	not contains(m, "政府信息公开条例")
	name := m
}

warn contains f if {
	some name in wrong_names
	f := {
		"msg": {
			"zh": sprintf("条例名称引用有误：%s，应为《中华人民共和国政府信息公开条例》", [name]),
			"en": sprintf("the regulation is cited as %s; its name is 《中华人民共和国政府信息公开条例》", [name]),
		},
		"item": name,
	}
}
