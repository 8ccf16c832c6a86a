package engine

import (
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/ogi-checker/ogi/schema"
)

// Trace is how one rule reached its result on one document, item by item.
type Trace struct {
	Rule   *Rule
	Result RuleResult
	// Applies is false when the template or the when condition rules it out.
	Applies bool
	Why     string
	Items   []ItemTrace
}

// ItemTrace is one for_each element of a CEL rule.
type ItemTrace struct {
	Item     string
	Operands []CellRef
	// Holds is the assertion's value; Err is set when it could not be
	// computed (an operand that is not a number).
	Holds    bool
	Err      string
	Expected *float64
	Actual   *float64
}

// Explain re-evaluates one rule on one document and records, for CEL
// rules, every operand with its value and source and the assertion's value
// per item; Rego rules report their findings.
func (e *Engine) Explain(doc *schema.Document, r *Rule) Trace {
	dc := newDocContext(doc, &e.opts)
	dc.jur = newJurisdictionFacts(e.opts.Jurisdiction, "", doc, e.opts.SimilarityThreshold)
	dc.sim = &similarityFacts{doc: doc, thr: dc.jur.threshold}
	tr := Trace{Rule: r, Result: safeEval(r, dc), Applies: true}
	if !r.AppliesTo(dc.template) {
		tr.Applies, tr.Why = false, "the rule is for templates "+joinStrings(r.Templates)+"; the document uses "+dc.template
		return tr
	}
	cr, ok := r.impl.(*celRule)
	if !ok {
		if tr.Result.Status == StatusNotApplicable {
			tr.Applies, tr.Why = false, "the module's not_applicable rule holds for this document"
		}
		return tr
	}
	vars := dc.celVars()
	if cr.when != nil {
		if v, _, err := cr.when.Eval(vars); err != nil || v != types.True {
			tr.Applies, tr.Why = false, "the rule's when condition does not hold"
			return tr
		}
	}
	items := []ref.Val{nil}
	if cr.forEach != nil {
		v, _, err := cr.forEach.Eval(vars)
		if err != nil {
			tr.Why = "for_each: " + err.Error()
			return tr
		}
		if l, ok := v.(traits.Lister); ok {
			items = items[:0]
			for it := l.Iterator(); it.HasNext() == types.True; {
				items = append(items, it.Next())
			}
		}
	}
	for _, item := range items {
		act := vars
		it := ItemTrace{}
		if item != nil {
			act = withItem(vars, item)
			it.Item = itemName(item)
		}
		if cr.operands != nil {
			if ov, _, err := cr.operands.Eval(act); err == nil {
				it.Operands = dc.refs(cellsOfList(ov))
			}
		}
		v, _, err := cr.assert.Eval(act)
		switch {
		case err != nil:
			it.Err = err.Error()
		default:
			it.Holds = v == types.True
		}
		if cr.expected != nil {
			if x, ok := evalDouble(cr.expected, act); ok {
				it.Expected = &x
			}
		}
		if cr.actual != nil {
			if x, ok := evalDouble(cr.actual, act); ok {
				it.Actual = &x
			}
		}
		tr.Items = append(tr.Items, it)
	}
	return tr
}

func joinStrings(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
