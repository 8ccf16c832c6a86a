# METADATA
# title: "Table 3: total of outcomes"
# custom:
#   id: requests.outcome_total
#   title_zh: 表三办理结果总计
#   severity: error
#   category: arithmetic
#   points: 5
#   templates: ["2019", "2021"]
package ogi.rules.outcome_total

import data.ogi.parity as p

operands(c) := array.concat([p.cell(r, c) | some r in p.outcome_rows], [p.cell("total_handled", c)])

deny contains f if {
	some c in p.cols
	b := p.bad(operands(c))
	count(b) > 0
	f := {"msg": "cannot evaluate", "status": "cannot_evaluate", "item": c, "cells": b}
}

deny contains f if {
	some c in p.cols
	count(p.bad(operands(c))) == 0
	parts := p.total([p.cell(r, c) | some r in p.outcome_rows])
	parts != p.value("total_handled", c)
	f := {"msg": "outcome total", "item": c, "cells": operands(c), "expected": parts, "actual": p.value("total_handled", c)}
}
