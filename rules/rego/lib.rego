# Helpers shared by the Rego rules of the built-in pack.
package ogi.lib

# All narrative text of the report: the introduction and every section,
# with line breaks removed (PDF text wraps sentences).
# One strip of the joined text: OPA builds a new replacer on every
# strings.replace_n call, so stripping part by part cost more than the text.
narrative := strip(concat("", array.concat([raw_intro], [sec.text | some sec in input.sections])))

# The narrative split at 。: a pattern that cannot span a 。 finds the same
# matches sentence by sentence, and a sentence without the pattern's
# literal words is skipped with a cheap contains instead of a regex scan
# of the whole text (several times faster on real reports).
sentences := split(narrative, "。")

raw_intro := input.intro.text if {
	input.intro.text
} else := ""

intro_text := strip(raw_intro)

strip(t) := strings.replace_n({"\n": "", " ": "", "　": ""}, t)

section_text(id) := strip(sec.text) if {
	some sec in input.sections
	sec.id == id
} else := ""

# number(cell) is the cell's value when its status is "number".
is_number(cell) if cell.status == "number"

cn_digit := {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
