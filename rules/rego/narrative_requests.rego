# METADATA
# title: Narrative numbers agree with table 3 and table 4
# description: >-
#   "收到/受理…申请N件" equals 本年新收 or 本年新收 + 上年结转 (reports use both meanings, so
#   either is accepted); "予以公开N件" equals 予以公开 总计; "结转下年度…N件" equals 结转下年度 总计;
#   "未收到…申请" means table 3 is all zero; "未发生…行政复议…行政诉讼" means table 4 is all zero.
#   A claim whose table cells are not numbers (blank, 无, missing) is reported as cannot_evaluate.
# custom:
#   id: narrative.requests
#   title_zh: 文字部分申请数量与表格一致
#   severity: warning
#   category: consistency
#   points: 2
#   templates: ["2019", "2021"]
#   reference: 国办公开办函〔2021〕30号（内容准确）
#   remediation: Make the narrative and the tables state the same numbers.
package ogi.rules.narrative_requests

import data.ogi.lib

req := input.tables.requests

total(row) := req[row].total.value if lib.is_number(req[row].total)

# The printed labels of the rows the text's claims are checked against: an
# officer reads the row as the table prints it, never its id.
row_labels := {
	"new_received": "一、本年新收政府信息公开申请数量",
	"granted": "（一）予以公开",
	"carried_forward": "四、结转下年度继续办理",
}

# A claim about a row whose total is blank, 无 or missing cannot be checked:
# it is reported, never passed over (Rego skips a body whose total is
# undefined).
unchecked(row, item, zh, en) := {
	"msg": {
		"zh": sprintf("文字称%s，但表三“%s”行“总计”列不是数字，无法核验", [zh, row_labels[row]]),
		"en": sprintf("the text says %s, but table 3, row “%s”, column “总计” is not a number: cannot check", [en, row_labels[row]]),
	},
	"cells": [{"table": "requests", "row": row, "col": "total"}],
	"item": item,
	"status": "cannot_evaluate",
}

# 上年结转 when it is a number; blank, 无 or missing count as none carried
# over (the cell's own completeness is another rule's finding).
over_total := n if {
	n := total("carried_over")
} else := 0

received_claims contains n if {
	some s in lib.sentences
	contains(s, "申请")
	some m in regex.find_all_string_submatch_n(`(?:收到|受理)[^。；，,]{0,20}?申请[^。；，,]{0,4}?(\d+)件`, s, -1)
	n := to_number(m[1])
}

warn contains f if {
	some n in received_claims
	new := total("new_received")
	over := over_total
	n != new
	n != new + over
	f := {
		"msg": {
			"zh": sprintf("文字称收到/受理申请%v件，表三本年新收为%v件（含上年结转为%v件）", [n, new, new + over]),
			"en": sprintf("the text says %v applications were received; table 3 says %v new (%v with those carried over)", [n, new, new + over]),
		},
		"cells": [{"table": "requests", "row": "new_received", "col": "total"}, {"table": "requests", "row": "carried_over", "col": "total"}],
		"actual": n,
		"expected": new,
		"item": "received",
	}
}

warn contains f if {
	some n in received_claims
	not total("new_received")
	f := unchecked("new_received", "received", sprintf("收到/受理申请%v件", [n]), sprintf("%v applications were received", [n]))
}

granted_claims contains n if {
	some m in regex.find_all_string_submatch_n(`予以公开(\d+)件`, lib.narrative, -1)
	n := to_number(m[1])
}

warn contains f if {
	some n in granted_claims
	not total("granted")
	f := unchecked("granted", "granted", sprintf("予以公开%v件", [n]), sprintf("%v were granted", [n]))
}

warn contains f if {
	some n in granted_claims
	t := total("granted")
	n != t
	f := {
		"msg": {
			"zh": sprintf("文字称予以公开%v件，表三“予以公开”总计为%v件", [n, t]),
			"en": sprintf("the text says %v were granted; table 3 says %v", [n, t]),
		},
		"cells": [{"table": "requests", "row": "granted", "col": "total"}],
		"actual": n,
		"expected": t,
		"item": "granted",
	}
}

forward_claims contains n if {
	some s in lib.sentences
	contains(s, "结转下年度")
	some m in regex.find_all_string_submatch_n(`(\d+)件结转下年度|结转下年度[^。；，,]{0,8}?(\d+)件`, s, -1)
	n := to_number(concat("", [m[1], m[2]]))
}

warn contains f if {
	some n in forward_claims
	not total("carried_forward")
	f := unchecked("carried_forward", "carried_forward", sprintf("结转下年度%v件", [n]), sprintf("%v were carried forward", [n]))
}

warn contains f if {
	some n in forward_claims
	t := total("carried_forward")
	n != t
	f := {
		"msg": {
			"zh": sprintf("文字称结转下年度%v件，表三“结转下年度继续办理”总计为%v件", [n, t]),
			"en": sprintf("the text says %v were carried forward; table 3 says %v", [n, t]),
		},
		"cells": [{"table": "requests", "row": "carried_forward", "col": "total"}],
		"actual": n,
		"expected": t,
		"item": "carried_forward",
	}
}

nonzero_requests := [{"table": "requests", "row": r, "col": c} |
	some r, cols in req
	some c, cell in cols
	lib.is_number(cell)
	cell.value != 0
]

# The cells of table 3 that are not numbers: a claim that the table is all
# zero cannot be checked on them. (Tables are named literally: a variable
# key would make ogi hand the whole of input.tables to the pack.)
unfilled_requests := [{"table": "requests", "row": r, "col": c} |
	some r, cols in req
	some c, cell in cols
	not lib.is_number(cell)
]

none_received_claim if {
	some s in lib.sentences
	contains(s, "收到")
	regex.match(`(未|没有)收到[^。；，,]{0,10}申请`, s)
}

warn contains f if {
	none_received_claim
	count(nonzero_requests) > 0
	f := {
		"msg": {
			"zh": sprintf("文字称未收到申请，但表三有%d个非零单元格", [count(nonzero_requests)]),
			"en": sprintf("the text says no applications were received, but table 3 has %d non-zero cells", [count(nonzero_requests)]),
		},
		"cells": nonzero_requests,
		"item": "none_received",
	}
}

warn contains f if {
	none_received_claim
	count(nonzero_requests) == 0
	cells := unfilled_requests
	count(cells) > 0
	f := {
		"msg": {
			"zh": sprintf("文字称未收到申请，但表三有%d个单元格不是数字，无法核验", [count(cells)]),
			"en": sprintf("the text says no applications were received, but %d cells of table 3 are not numbers: cannot check", [count(cells)]),
		},
		"cells": cells,
		"item": "none_received",
		"status": "cannot_evaluate",
	}
}

unfilled_review := [{"table": "review_litigation", "row": g, "col": c} |
	some g, cols in input.tables.review_litigation
	some c, cell in cols
	not lib.is_number(cell)
]

nonzero_review := [{"table": "review_litigation", "row": g, "col": c} |
	some g, cols in input.tables.review_litigation
	some c, cell in cols
	lib.is_number(cell)
	cell.value != 0
]

# "未发生…行政复议、行政诉讼" — but not "未发生…被复议纠错或诉讼败诉", which
# says nothing about the number of cases.
no_review_claim if {
	some s in lib.sentences
	contains(s, "行政诉讼")
	some m in regex.find_n(`(未|没有)(发生|出现)[^。；]{0,20}行政复议[^。；]{0,10}行政诉讼[^。；]{0,4}`, s, -1)
	not regex.match(`纠错|纠正|败诉|撤销`, m)
}

warn contains f if {
	no_review_claim
	count(nonzero_review) > 0
	f := {
		"msg": {
			"zh": sprintf("文字称未发生行政复议、行政诉讼，但表四有%d个非零单元格", [count(nonzero_review)]),
			"en": sprintf("the text says there was no reconsideration or litigation, but table 4 has %d non-zero cells", [count(nonzero_review)]),
		},
		"cells": nonzero_review,
		"item": "none_review",
	}
}

warn contains f if {
	no_review_claim
	count(nonzero_review) == 0
	cells := unfilled_review
	count(cells) > 0
	f := {
		"msg": {
			"zh": sprintf("文字称未发生行政复议、行政诉讼，但表四有%d个单元格不是数字，无法核验", [count(cells)]),
			"en": sprintf("the text says there was no reconsideration or litigation, but %d cells of table 4 are not numbers: cannot check", [count(cells)]),
		},
		"cells": cells,
		"item": "none_review",
		"status": "cannot_evaluate",
	}
}
