package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
)

// Options tune evaluation.
type Options struct {
	// CannotEvaluateSeverity is the severity of findings for identities
	// whose operands are blank, placeholders or missing (default warning).
	CannotEvaluateSeverity string
	// SimilarityThreshold is where narrative similarity becomes 内容雷同
	// (default DefaultSimilarityThreshold).
	SimilarityThreshold float64
	// Enable keeps only the rules it names (all when empty), Disable leaves
	// rules out; entries are rule ids, globs (requests.*) or categories. An
	// entry naming no loaded rule is a *PatternError: it would silently do
	// nothing.
	Enable, Disable []string
	// Overrides change rules' severities and points by rule id.
	Overrides map[string]Override
	// Jurisdiction is the profile whose deadlines, filing rule and 雷同
	// threshold apply (nil: the statute); Related.Jurisdiction replaces it
	// for one document.
	Jurisdiction *jurisdiction.Profile
}

func (o *Options) defaults() {
	if o.CannotEvaluateSeverity == "" {
		o.CannotEvaluateSeverity = SeverityWarning
	}
	if o.SimilarityThreshold <= 0 {
		o.SimilarityThreshold = DefaultSimilarityThreshold
	}
}

// Pack is a set of rule files: the embedded built-in pack or a directory.
type Pack struct {
	Name string
	FS   fs.FS
}

// Engine holds compiled rules. Everything that selects or changes rules is
// fixed by New, so an engine never changes afterwards and is safe to share
// between goroutines and requests.
type Engine struct {
	rules []*Rule
	// loaded are all rules of the packs before Enable and Disable, to tell
	// a waiver for a disabled rule (fine) from one for no rule (a typo).
	loaded []*Rule
	opts   Options
	// Notices are things a user should know about the loaded packs (a rule
	// overriding another with the same id).
	Notices []string
}

// New loads and compiles every pack, then selects and overrides rules as
// opts says. Later packs override rules of earlier ones with the same id.
// Errors name the file, line and column; a selection or override that names
// no rule is a *PatternError or an *OverrideError.
func New(packs []Pack, opts Options) (*Engine, error) {
	opts.defaults()
	e := &Engine{opts: opts}
	byID := map[string]int{}
	var errs []error
	for _, p := range packs {
		rules, err := loadPack(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, r := range rules {
			if i, ok := byID[r.ID]; ok {
				prev := e.rules[i]
				if prev.File == r.File {
					errs = append(errs, &LoadError{Pos: Pos{File: r.File, Line: r.Line}, RuleID: r.ID, Msg: "duplicate rule id"})
					continue
				}
				e.Notices = append(e.Notices, fmt.Sprintf("rule %s from %s overrides the one in %s", r.ID, r.File, prev.File))
				e.rules[i] = r
				continue
			}
			byID[r.ID] = len(e.rules)
			e.rules = append(e.rules, r)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.SliceStable(e.rules, func(i, j int) bool { return e.rules[i].ID < e.rules[j].ID })
	e.loaded = e.rules
	if err := e.selectRules(opts.Enable, opts.Disable); err != nil {
		return nil, err
	}
	if err := e.applyOverrides(opts.Overrides); err != nil {
		return nil, err
	}
	return e, nil
}

// isRuleFile tells rule files from fixtures and documentation: fixtures
// live under testdata/ or end in _test.yaml / _test.rego.
func isRuleFile(p string) (lang string, ok bool) {
	for _, part := range strings.Split(path.Dir(p), "/") {
		if part == "testdata" || (part != "." && strings.HasPrefix(part, ".")) {
			return "", false
		}
	}
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, "_test.yaml"), strings.HasSuffix(base, "_test.yml"), strings.HasSuffix(base, "_test.rego"):
		return "", false
	case strings.HasSuffix(base, ".yaml"), strings.HasSuffix(base, ".yml"):
		return "cel", true
	case strings.HasSuffix(base, ".rego"):
		return "rego", true
	}
	return "", false
}

func loadPack(p Pack) ([]*Rule, error) {
	type file struct {
		name, lang string
		data       []byte
	}
	var files []file
	err := fs.WalkDir(p.FS, ".", func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		lang, ok := isRuleFile(fp)
		if !ok {
			return nil
		}
		data, err := fs.ReadFile(p.FS, fp)
		if err != nil {
			return err
		}
		files = append(files, file{path.Join(p.Name, fp), lang, data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	// The Rego modules compile as one, on another core while the CEL
	// files do: each is about half of what loading the pack costs.
	rego := map[string][]byte{}
	for _, f := range files {
		if f.lang == "rego" {
			rego[f.name] = f.data
		}
	}
	type regoOut struct {
		rules []*Rule
		err   error
	}
	regoDone := make(chan regoOut, 1)
	if len(rego) > 0 {
		go func() {
			rs, err := compileRego(rego)
			regoDone <- regoOut{rs, err}
		}()
	} else {
		regoDone <- regoOut{}
	}
	var rules []*Rule
	var errs []error
	for _, f := range files {
		if f.lang != "cel" {
			continue
		}
		rs, err := compileCELFile(f.name, f.data)
		if err != nil {
			errs = append(errs, err)
		}
		rules = append(rules, rs...)
	}
	ro := prewarm(rules, regoDone)
	if ro.err != nil {
		errs = append(errs, ro.err)
	}
	rules = append(rules, ro.rules...)
	return rules, errors.Join(errs...)
}

// prewarm plans the CEL expressions every report evaluates (for_each, when
// and assert) while the Rego modules are still compiling, and returns
// what compiling them gave: the time would otherwise be spent waiting.
// Whatever it does not reach is planned when first evaluated.
func prewarm[T any](rules []*Rule, done <-chan T) T {
	for _, r := range rules {
		cr, ok := r.impl.(*celRule)
		if !ok {
			continue
		}
		for _, p := range []*celProgram{cr.forEach, cr.when, cr.assert} {
			select {
			case v := <-done:
				return v
			default:
			}
			if p != nil {
				p.ready()
			}
		}
	}
	return <-done
}

// Rules returns the rules the engine evaluates, sorted by id.
func (e *Engine) Rules() []*Rule { return e.rules }

// Loaded returns every rule of the packs, including those Enable and
// Disable left out, sorted by id: a waiver may name a disabled rule, not
// one that does not exist.
func (e *Engine) Loaded() []*Rule { return e.loaded }

// Rule returns the rule with the given id.
func (e *Engine) Rule(id string) (*Rule, bool) {
	for _, r := range e.rules {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// EvalOption gives Evaluate what is known about a document beyond itself.
type EvalOption func(*evalConfig)

type evalConfig struct {
	related Related
	rules   []*Rule
}

// WithPrevious makes prev, the same body's report for the year before,
// available to the rules (prev, preq, pact, has_prev): the cross-year checks
// are not applicable without it.
func WithPrevious(prev *schema.Document) EvalOption {
	return func(c *evalConfig) { c.related.Previous = prev }
}

// WithPeers gives the rules the other bodies' reports whose narrative is
// nearly this one's (内容雷同).
func WithPeers(peers []Peer) EvalOption {
	return func(c *evalConfig) { c.related.Peers = peers }
}

// WithRelated gives both the previous report and the peers.
func WithRelated(r Related) EvalOption {
	return func(c *evalConfig) { c.related = r }
}

// WithRules evaluates only the given rules (a subset of the engine's, as
// Rules or Rule return them) instead of all.
func WithRules(rules ...*Rule) EvalOption {
	return func(c *evalConfig) { c.rules = rules }
}

// Evaluate runs the engine's rules on the document. Rules are independent,
// so the result does not depend on order; findings are sorted for stable
// output. It stops between rules once ctx is done and returns a
// *TimeoutError naming the rule that was running, so a time limit per
// document covers evaluation as well as conversion.
func (e *Engine) Evaluate(ctx context.Context, doc *schema.Document, opts ...EvalOption) (*Result, error) {
	c := evalConfig{rules: e.rules}
	for _, o := range opts {
		o(&c)
	}
	return e.evaluateWith(ctx, doc, c.related, c.rules)
}

func (e *Engine) evaluateWith(ctx context.Context, doc *schema.Document, bc Related, rules []*Rule) (*Result, error) {
	res, _, err := e.evaluateIn(ctx, doc, bc, rules, false)
	return res, err
}

// evaluateIn evaluates rules on doc. With meta, doc holds only the meta
// of the report (EvaluateMeta): a rule reading anything else trips, and
// tripped says so.
func (e *Engine) evaluateIn(ctx context.Context, doc *schema.Document, bc Related, rules []*Rule, meta bool) (res *Result, tripped bool, err error) {
	dc := newDocContext(doc, &e.opts)
	defer dc.release()
	dc.ctx = ctx
	dc.prev = bc.Previous
	dc.metaOnly = meta
	jp := bc.Jurisdiction
	if jp == nil {
		jp = e.opts.Jurisdiction
	}
	dc.jur = newJurisdictionFacts(jp, bc.BodyType, doc, e.opts.SimilarityThreshold)
	dc.sim = &similarityFacts{doc: doc, prev: bc.Previous, peers: bc.Peers, thr: dc.jur.threshold}
	res = &Result{Rules: make([]RuleResult, len(rules))}
	if err := ctx.Err(); err != nil {
		return nil, false, &TimeoutError{Err: err}
	}
	for i, r := range rules {
		res.Rules[i] = safeEval(r, dc)
		// A rule stopped by the deadline reports an error; the document
		// as a whole is then not checked, and the rule is named.
		if err := ctx.Err(); err != nil {
			return nil, false, dc.timeoutError(r, err)
		}
		if dc.tripped {
			return nil, true, nil
		}
	}
	e.collect(res)
	return res, false, nil
}

// collect gathers the findings of res's rule results, in rule order, with
// a finding for each rule that failed to evaluate.
func (e *Engine) collect(res *Result) {
	res.Findings = nil
	for _, rr := range res.Rules {
		res.Findings = append(res.Findings, rr.Findings...)
		if rr.Status == StatusError {
			r, _ := e.Rule(rr.Rule)
			f := Finding{Rule: rr.Rule, Severity: SeverityError, Status: StatusError,
				Message: Text{Zh: "规则执行出错：" + rr.Error, En: "rule failed to evaluate: " + rr.Error}}
			if r != nil {
				f.Category = r.Category
			}
			res.Findings = append(res.Findings, f)
		}
	}
}

// TimeoutError is the error of an evaluation stopped by its context (the
// time limit per document): it names the rule that was running.
type TimeoutError struct {
	// Rule and File are the rule that was running; empty when the context
	// had ended before the first rule.
	Rule, File string
	// With lists the rules evaluated together with Rule (a pack's Rego
	// rules are one query).
	With []string
	// Err is the context's error.
	Err error
}

func (e *TimeoutError) Error() string {
	what := "time limit hit"
	if !errors.Is(e.Err, context.DeadlineExceeded) {
		what = "evaluation cancelled"
	}
	if e.Rule == "" {
		return fmt.Sprintf("%s before the rules ran: %v", what, e.Err)
	}
	with := ""
	if len(e.With) > 0 {
		with = fmt.Sprintf(", evaluated in one query with %s", strings.Join(e.With, ", "))
	}
	return fmt.Sprintf("%s while rule %s (%s%s) was running: %v", what, e.Rule, e.File, with, e.Err)
}

// Unwrap gives the context's error, for errors.Is(err, context.DeadlineExceeded).
func (e *TimeoutError) Unwrap() error { return e.Err }

func (dc *docContext) timeoutError(r *Rule, err error) error {
	te := &TimeoutError{Rule: r.ID, File: r.File, Err: err}
	if rr, ok := r.impl.(*regoRule); ok {
		for _, o := range rr.pack.ids {
			if o != r.ID {
				te.With = append(te.With, o)
			}
		}
	}
	return te
}

// safeEval turns a panic inside a rule into an error result: one broken rule
// must not take a batch of thousands of reports down.
func safeEval(r *Rule, dc *docContext) (rr RuleResult) {
	defer func() {
		if p := recover(); p != nil {
			rr = RuleResult{Rule: r.ID, Status: StatusError, Error: fmt.Sprintf("panic: %v", p)}
		}
	}()
	return r.impl.eval(dc)
}
