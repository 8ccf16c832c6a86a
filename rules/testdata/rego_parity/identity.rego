# METADATA
# title: "Table 3 identity: new + carried over = handled + carried forward"
# custom:
#   id: requests.identity
#   title_zh: 表三勾稽关系
#   severity: error
#   category: arithmetic
#   points: 5
#   templates: ["2019", "2021"]
package ogi.rules.identity

import data.ogi.parity as p

operands(c) := [p.cell("new_received", c), p.cell("carried_over", c), p.cell("total_handled", c), p.cell("carried_forward", c)]

deny contains f if {
	some c in p.cols
	b := p.bad(operands(c))
	count(b) > 0
	f := {"msg": "cannot evaluate", "status": "cannot_evaluate", "item": c, "cells": b}
}

deny contains f if {
	some c in p.cols
	count(p.bad(operands(c))) == 0
	left := p.value("new_received", c) + p.value("carried_over", c)
	right := p.value("total_handled", c) + p.value("carried_forward", c)
	left != right
	f := {"msg": "identity", "item": c, "cells": operands(c), "expected": left, "actual": right}
}
