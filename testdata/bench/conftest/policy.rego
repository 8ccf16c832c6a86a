# A five-rule policy over ogi's canonical JSON, for scripts/vs-conftest:
# what a rule author might write for conftest by hand. It is the yardstick
# issue #17 measures ogi against, not part of ogi's rule pack.
package main

import rego.v1

required_sections := {"overview", "active_disclosure", "requests", "review_litigation", "problems", "other_matters"}

deny contains msg if {
	some id in required_sections
	not section_ids[id]
	msg := sprintf("section %s is missing", [id])
}

section_ids[s.id] := true if some s in input.sections

deny contains msg if {
	some t in input.table_info
	t.status != "found"
	msg := sprintf("table %s is %s", [t.id, t.status])
}

deny contains msg if {
	some row, cols in input.tables.requests
	some col, cell in cols
	cell.status == "blank"
	msg := sprintf("requests %s/%s is blank", [row, col])
}

deny contains msg if {
	some row in ["reconsideration", "litigation_direct", "litigation_after_review"]
	r := input.tables.review_litigation[row]
	sum := r.upheld.value + r.corrected.value + r.other.value + r.pending.value
	sum != r.total.value
	msg := sprintf("%s: %v + %v + %v + %v != %v", [row, r.upheld.value, r.corrected.value, r.other.value, r.pending.value, r.total.value])
}

deny contains msg if {
	not input.meta.year
	msg := "the report's year is missing"
}
