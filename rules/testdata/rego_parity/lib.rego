# The table-3 identity family written in Rego, as a test fixture: the
# parity test shows it finds exactly what the CEL rules of the built-in
# pack find, over the whole corpus.
package ogi.parity

req := input.tables.requests

cols := ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]

applicant_cols := [c | some c in cols; c != "total"]

template := input.meta.template if input.meta.template != null

template := "2019" if {
	input.meta.template == null
	input.meta.year <= 2020
}

template := "2021" if {
	input.meta.template == null
	input.meta.year > 2020
}

default template := "2021"

outcome_rows := ["granted", "partially_granted", "denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties",
	"denied_third_party", "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query",
	"unable_not_held", "unable_needs_creation", "unable_unclear", "rejected_petition", "rejected_duplicate",
	"rejected_publication", "rejected_abusive", "rejected_confirmation", "other"] if template == "2019"

outcome_rows := ["granted", "partially_granted", "denied_state_secret", "denied_prohibited_by_law", "denied_three_safeties",
	"denied_third_party", "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query",
	"unable_not_held", "unable_needs_creation", "unable_unclear", "rejected_petition", "rejected_duplicate",
	"rejected_publication", "rejected_abusive", "rejected_confirmation", "other_no_correction", "other_no_fee", "other_other"] if template == "2021"

rows := array.concat(["new_received", "carried_over"], array.concat(outcome_rows, ["total_handled", "carried_forward"]))

cell(r, c) := {"table": "requests", "row": r, "col": c}

# A missing row reads as a missing cell, never as a silent skip.
status(r, c) := object.get(req, [r, c, "status"], "missing")

value(r, c) := req[r][c].value

bad(cells) := [x | some x in cells; status(x.row, x.col) != "number"]

total(cells) := sum([value(x.row, x.col) | some x in cells])
