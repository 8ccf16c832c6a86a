package rules

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// addressedCell is a document cell with its address as findings name it.
type addressedCell struct {
	key  string // table.row.col, the table as in CellRef ("active.art20_1")
	cell *schema.Cell
}

// addressedCells lists the document's cells with their addresses, in a
// fixed order.
func addressedCells(doc *schema.Document, prefix string) []addressedCell {
	var out []addressedCell
	add := func(table string, t map[string]map[string]*schema.Cell) {
		table = prefix + table
		for _, r := range slices.Sorted(maps.Keys(t)) {
			for _, c := range slices.Sorted(maps.Keys(t[r])) {
				out = append(out, addressedCell{table + "." + r + "." + c, t[r][c]})
			}
		}
	}
	add("requests", doc.Tables.Requests)
	add("review_litigation", doc.Tables.ReviewLitigation)
	for _, s := range slices.Sorted(maps.Keys(doc.Tables.Active)) {
		add("active."+s, doc.Tables.Active[s])
	}
	return out
}

// names says whether the finding is about the cell.
func names(f engine.Finding, key string) bool {
	for _, c := range f.Cells {
		if c.Table+"."+c.Row+"."+c.Col == key {
			return true
		}
	}
	return false
}

// open says whether a finding or a rule's status reports something: a
// failure, or that a value could not be checked.
func open(status string) bool {
	switch status {
	case engine.StatusFail, engine.StatusCannotEvaluate, engine.StatusNeedsReview:
		return true
	}
	return false
}

// gateScenario is a document, and last year's report when the cross-year
// rules are to read it.
type gateScenario struct {
	name      string
	doc, prev *schema.Document
}

func gateScenarios() []gateScenario {
	var out []gateScenario
	narratives := append([]string{""}, oddNarratives...)
	for _, tpl := range []string{schema.Template2019, schema.Template2021} {
		for ni, text := range narratives {
			doc := engine.SampleDocument(tpl)
			for i := range doc.Sections {
				doc.Sections[i].Text += text
			}
			out = append(out, gateScenario{name: fmt.Sprintf("template %s, narrative %d", tpl, ni), doc: doc})
		}
	}
	// Last year's report too, in each pair of templates the cross-year
	// rules read.
	for _, tpls := range [][2]string{{schema.Template2019, schema.Template2019}, {schema.Template2021, schema.Template2019}, {schema.Template2021, schema.Template2021}} {
		doc := engine.SampleDocument(tpls[0])
		prev := engine.SampleDocument(tpls[1])
		y := *doc.Meta.Year
		if tpls[0] == tpls[1] {
			y++
			doc.Meta.Year = &y
		}
		py := y - 1
		prev.Meta.Year = &py
		out = append(out, gateScenario{name: fmt.Sprintf("template %s, last year's report in template %s", tpls[0], tpls[1]), doc: doc, prev: prev})
	}
	return out
}

// valuesEquivalent: a rule about a cell's own number (a count is a
// non-negative integer) has nothing to check on a blank; the pack's
// completeness rule for the table reports the blank or 无 instead. A
// missing cell is left to completeness.tables, which reads the converter's
// table_info (a row not found), so a lone missing cell in a row the sample
// says was found is not checked for these rules.
var valuesEquivalent = map[string]string{
	"requests.values": "completeness.requests_cells",
	"review.values":   "completeness.review_cells",
	"active.values":   "completeness.active_cells",
}

// TestPackGatesOnEveryOperand: no built-in rule passes silently on a blank.
// Each cell of the sample document in turn (and of last year's, for the
// cross-year rules), under narratives that make the narrative rules read
// the tables, is set to a real number (1, then -1); every rule that then
// fails, and every failing finding that names the cell, must still report
// when the cell is instead blank, 无 or missing: the same failure, or
// cannot_evaluate / needs_review naming the cell (for the values rules,
// the completeness rule's finding). (A blank 予以公开 total turned
// narrative.requests from fail to pass.)
func TestPackGatesOnEveryOperand(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the pack some twenty thousand times")
	}
	e := builtin(t)
	odd := []schema.Cell{{Raw: "", Status: schema.StatusBlank}, {Raw: "无", Status: schema.StatusPlaceholder}, {Status: schema.StatusMissing}}
	eval := func(sc gateScenario) []engine.RuleResult {
		res, err := e.Evaluate(context.Background(), sc.doc, engine.WithPrevious(sc.prev))
		if err != nil {
			t.Fatal(err)
		}
		return res.Rules
	}
	type slip struct{ rule, cell, odd, what string }
	var slips []slip
	seen := map[string]bool{}
	checked := map[string]int{}
	for _, sc := range gateScenarios() {
		base := map[string]string{}
		for _, rr := range eval(sc) {
			base[rr.Rule] = rr.Status
		}
		cells := addressedCells(sc.doc, "")
		if sc.prev != nil {
			cells = append(cells, addressedCells(sc.prev, "previous.")...)
		}
		for _, ac := range cells {
			keep := *ac.cell
			// What a real value makes fail: whole rules, and findings
			// about this cell.
			failsRule := map[string]string{}
			failsCell := map[string]string{}
			for _, v := range []float64{1, -1} {
				real := keep
				real.Value, real.Raw = &v, fmt.Sprint(v)
				*ac.cell = real
				for _, rr := range eval(sc) {
					if rr.Status == engine.StatusFail && !open(base[rr.Rule]) {
						failsRule[rr.Rule] = fmt.Sprintf("with %v it fails: %s", v, rr.Findings[0].Message.En)
					}
					for _, f := range rr.Findings {
						if f.Status == engine.StatusFail && names(f, ac.key) {
							failsCell[rr.Rule] = fmt.Sprintf("with %v: %s", v, f.Message.En)
						}
					}
				}
			}
			for _, o := range odd {
				*ac.cell = o
				byRule := map[string]engine.RuleResult{}
				for _, rr := range eval(sc) {
					byRule[rr.Rule] = rr
				}
				report := func(rule, what string) {
					k := rule + "|" + ac.key + "|" + o.Status
					if !seen[k] {
						seen[k] = true
						slips = append(slips, slip{rule, ac.key, o.Status, fmt.Sprintf("%s (%s)", what, sc.name)})
					}
				}
				for rule, msg := range failsRule {
					if _, ok := valuesEquivalent[rule]; ok && o.Status == schema.StatusMissing {
						continue
					}
					checked[rule]++
					st := byRule[rule].Status
					if eq, ok := valuesEquivalent[rule]; ok && open(byRule[eq].Status) {
						st = byRule[eq].Status
					}
					if !open(st) {
						report(rule, fmt.Sprintf("%s; %s", st, msg))
					}
				}
				for rule, msg := range failsCell {
					if _, ok := valuesEquivalent[rule]; ok && o.Status == schema.StatusMissing {
						continue
					}
					checked[rule]++
					found := false
					for _, r := range []string{rule, valuesEquivalent[rule]} {
						for _, f := range byRule[r].Findings {
							if open(f.Status) && names(f, ac.key) {
								found = true
							}
						}
					}
					if !found {
						report(rule, fmt.Sprintf("no finding names the cell (status %s); %s", byRule[rule].Status, msg))
					}
				}
			}
			*ac.cell = keep
		}
	}
	sort.Slice(slips, func(i, j int) bool {
		a, b := slips[i], slips[j]
		return a.rule+a.cell+a.odd < b.rule+b.cell+b.odd
	})
	const show = 40
	for i, s := range slips {
		if i == show {
			t.Errorf("… and %d more", len(slips)-show)
			break
		}
		t.Errorf("rule %s, cell %s %s: %s", s.rule, s.cell, s.odd, s.what)
	}
	// The rules no cell makes fail are listed, so a gap in the walk shows
	// (they check text, metadata or a cell's own value, not an identity).
	var unexercised []string
	for _, r := range e.Rules() {
		if checked[r.ID] == 0 {
			unexercised = append(unexercised, r.ID)
		}
	}
	t.Logf("rules no single cell set to 1 or -1 makes fail: %s", strings.Join(unexercised, ", "))
}
