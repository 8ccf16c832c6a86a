# METADATA
# title: "Table 3: row totals"
# custom:
#   id: requests.row_total
#   title_zh: 表三各行总计
#   severity: error
#   category: arithmetic
#   points: 3
#   templates: ["2019", "2021"]
package ogi.rules.row_total

import data.ogi.parity as p

operands(r) := array.concat([p.cell(r, c) | some c in p.applicant_cols], [p.cell(r, "total")])

deny contains f if {
	some r in p.rows
	b := p.bad(operands(r))
	count(b) > 0
	f := {"msg": "cannot evaluate", "status": "cannot_evaluate", "item": r, "cells": b}
}

deny contains f if {
	some r in p.rows
	count(p.bad(operands(r))) == 0
	parts := p.total([p.cell(r, c) | some c in p.applicant_cols])
	parts != p.value(r, "total")
	f := {"msg": "row total", "item": r, "cells": [p.cell(r, "total")], "expected": parts, "actual": p.value(r, "total")}
}
