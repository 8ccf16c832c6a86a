# Helpers shared by the Rego rules of the built-in pack.
package ogi.lib

# All narrative text of the report: the introduction and every section,
# with line breaks and spaces removed (PDF text wraps sentences). ogi puts
# it in the input (input.narrative, computed once per document): stripping
# in Rego cost more than the rules that read it.
narrative := input.narrative.text

# The narrative split at 。: a pattern that cannot span a 。 finds the same
# matches sentence by sentence, and a sentence without the pattern's
# literal words is skipped with a cheap contains instead of a regex scan
# of the whole text (several times faster on real reports).
sentences := input.narrative.sentences

intro_text := input.narrative.intro

# number(cell) is the cell's value when its status is "number".
is_number(cell) if cell.status == "number"

cn_digit := {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
