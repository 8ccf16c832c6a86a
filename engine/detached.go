package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/goccy/go-json"

	"github.com/ogi-checker/ogi/schema"
)

// ErrNeedsDocument is EvaluateMeta's answer when a rule read more of the
// document than its meta, or could not be evaluated without it: the caller
// evaluates those rules on the whole document instead.
var ErrNeedsDocument = errors.New("the rules read the document itself")

// Split divides the engine's rules into those that read only the document
// (and its jurisdiction) and those that may read what a batch knows beyond
// it (Rule.ReadsRelated), each in the engine's order. A batch evaluates the
// first while the document is in memory, before it knows the peers.
func (e *Engine) Split() (local, related []*Rule) {
	for _, r := range e.rules {
		if r.related {
			related = append(related, r)
		} else {
			local = append(local, r)
		}
	}
	return local, related
}

// EvaluateMeta evaluates rules that read what a batch knows beyond a
// document (Split's related rules) when the document itself is no longer
// in memory: the rules see its meta and nothing else. A rule that reads
// the document (doc, req, rev, act, a cell's address), a Rego rule, a
// previous report (the cross-year rules compare it with the tables), or a
// meta that names neither the template nor the year (the tables tell it)
// give ErrNeedsDocument, and the result is then not to be used. Otherwise
// the result is what Evaluate would give on the whole document.
func (e *Engine) EvaluateMeta(ctx context.Context, meta schema.Meta, bc Related, rules []*Rule) (*Result, error) {
	if len(rules) == 0 {
		return &Result{Rules: []RuleResult{}}, nil
	}
	if bc.Previous != nil || meta.Template == nil && meta.Year == nil {
		return nil, ErrNeedsDocument
	}
	for _, r := range rules {
		if _, ok := r.impl.(*celRule); !ok {
			return nil, ErrNeedsDocument
		}
	}
	doc := &schema.Document{Meta: meta}
	res, tripped, err := e.evaluateIn(ctx, doc, bc, rules, true)
	if err != nil {
		return nil, err
	}
	if tripped {
		return nil, ErrNeedsDocument
	}
	return res, nil
}

// Merge puts the results of evaluations of disjoint sets of the engine's
// rules, each in the engine's order (as Split gives them), together as one
// evaluation of them all: rules in the engine's order, findings collected
// as Evaluate collects them. The parts' findings are shared, not copied.
func (e *Engine) Merge(parts ...*Result) *Result {
	n := 0
	for _, p := range parts {
		n += len(p.Rules)
	}
	res := &Result{Rules: make([]RuleResult, 0, n)}
	next := make([]int, len(parts)) // each part's next rule result
	for _, r := range e.rules {
		for k, p := range parts {
			if i := next[k]; i < len(p.Rules) && p.Rules[i].Rule == r.ID {
				res.Rules = append(res.Rules, p.Rules[i])
				next[k]++
				break
			}
		}
	}
	e.collect(res)
	return res
}

// Partial is the evaluation of some of the engine's rules, kept compactly
// until the others are evaluated (Merge): a batch holds one for each of
// thousands of reports. A rule that passed or did not apply is a byte; the
// others are kept encoded, so that the collector has no findings to
// follow through the thousands (kept as they were, they doubled its work
// over a first run of 10,000 reports).
type Partial struct {
	rules  []*Rule
	status []uint8 // per rule: an index in partialStatuses, or partialFull
	full   []byte  // in order, the results kept whole (findings, an error), as JSON
	whole  []RuleResult
}

// partialStatuses are the statuses a Partial keeps as a byte.
var partialStatuses = []string{StatusPass, StatusNotApplicable, StatusFail, StatusCannotEvaluate, StatusNeedsReview}

const partialFull = 255

// Compact keeps res, the evaluation of rules (in that order, as Evaluate
// with WithRules returns it), as a Partial. Its findings are not kept
// apart from the rules': Merge collects them again.
func Compact(rules []*Rule, res *Result) *Partial {
	p := &Partial{rules: rules, status: make([]uint8, len(res.Rules))}
	aligned := len(rules) == len(res.Rules)
	var full []RuleResult
	for i := range res.Rules {
		rr := &res.Rules[i]
		p.status[i] = partialFull
		if aligned && rr.Rule == rules[i].ID && len(rr.Findings) == 0 && rr.Error == "" {
			for k, s := range partialStatuses {
				if rr.Status == s {
					p.status[i] = uint8(k)
				}
			}
		}
		if p.status[i] == partialFull {
			full = append(full, *rr)
		}
	}
	if len(full) == 0 {
		return p
	}
	// A finding encodes to JSON and back as it was: every field has a JSON
	// name, and numbers are finite (JSON has no others: then kept whole).
	if b, err := json.Marshal(full); err == nil {
		p.full = b
	} else {
		p.whole = full
	}
	return p
}

// Result is the evaluation p keeps.
func (p *Partial) Result() (*Result, error) {
	full := p.whole
	if p.full != nil {
		if err := json.Unmarshal(p.full, &full); err != nil {
			return nil, fmt.Errorf("a kept evaluation: %w", err)
		}
	}
	res := &Result{Rules: make([]RuleResult, len(p.status))}
	for i, s := range p.status {
		if s != partialFull {
			res.Rules[i] = RuleResult{Rule: p.rules[i].ID, Status: partialStatuses[s]}
			continue
		}
		if len(full) == 0 {
			return nil, errors.New("a kept evaluation lacks rules")
		}
		res.Rules[i], full = full[0], full[1:]
	}
	return res, nil
}

// Size is about how many bytes p holds on the heap.
func (p *Partial) Size() int {
	n := 96 + len(p.status) + len(p.full)
	for _, rr := range p.whole {
		n += 64 + len(rr.Findings)*1024 // as measured: a finding with its cells
	}
	return n
}

// errKeptWhole is AppendBinary's answer for a Partial that keeps results
// JSON cannot hold.
var errKeptWhole = errors.New("the evaluation holds a number JSON cannot: it is kept only in memory")

// AppendBinary appends p to b as ReadPartial reads it: a batch writes the
// prepared reports its memory has no room for to a file. It fails for a
// Partial whose results are not JSON (a number that is not finite).
func (p *Partial) AppendBinary(b []byte) ([]byte, error) {
	if p.whole != nil {
		return b, errKeptWhole
	}
	b = binary.AppendUvarint(b, uint64(len(p.status)))
	b = append(b, p.status...)
	return append(b, p.full...), nil
}

// ReadPartial is the Partial AppendBinary wrote, of rules (those it was
// made of, in the same order).
func ReadPartial(rules []*Rule, b []byte) (*Partial, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, errors.New("a kept evaluation is cut short")
	}
	p := &Partial{rules: rules, status: b[k : k+int(n) : k+int(n)]}
	if rest := b[k+int(n):]; len(rest) > 0 {
		p.full = rest
	}
	for _, s := range p.status {
		if s != partialFull && (int(s) >= len(partialStatuses) || len(p.status) != len(rules)) {
			return nil, errors.New("a kept evaluation is not of these rules")
		}
	}
	return p, nil
}
