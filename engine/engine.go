package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

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

// Engine holds compiled rules; it is safe for concurrent use.
type Engine struct {
	rules []*Rule
	opts  Options
	// Notices are things a user should know about the loaded packs (a rule
	// overriding another with the same id).
	Notices []string
}

// New loads and compiles every pack. Later packs override rules of earlier
// ones with the same id. Errors name the file, line and column.
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
	var rules []*Rule
	var errs []error
	rego := map[string][]byte{}
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
		name := path.Join(p.Name, fp)
		switch lang {
		case "cel":
			rs, err := compileCELFile(name, data)
			if err != nil {
				errs = append(errs, err)
			}
			rules = append(rules, rs...)
		case "rego":
			rego[name] = data
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	if len(rego) > 0 {
		rs, err := compileRego(rego)
		if err != nil {
			errs = append(errs, err)
		}
		rules = append(rules, rs...)
	}
	return rules, errors.Join(errs...)
}

// Rules returns the loaded rules, sorted by id.
func (e *Engine) Rules() []*Rule { return e.rules }

// Rule returns the rule with the given id.
func (e *Engine) Rule(id string) (*Rule, bool) {
	for _, r := range e.rules {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}

// Evaluate runs every rule on the document. Rules are independent, so the
// result does not depend on order; findings are sorted for stable output.
func (e *Engine) Evaluate(doc *schema.Document) *Result {
	return e.EvaluateRules(doc, e.rules)
}

// EvaluateRules runs the given rules (a subset of the engine's) on doc.
func (e *Engine) EvaluateRules(doc *schema.Document, rules []*Rule) *Result {
	res, _ := e.evaluate(context.Background(), doc, nil, rules)
	return res
}

// EvaluateContext is Evaluate with a deadline: it stops between rules once
// ctx is done and returns ctx's error, so a batch's time limit per document
// covers evaluation as well as conversion.
func (e *Engine) EvaluateContext(ctx context.Context, doc *schema.Document) (*Result, error) {
	return e.evaluate(ctx, doc, nil, e.rules)
}

// EvaluatePrevious evaluates doc with prev, the same body's report for the
// year before, available to rules (prev, preq, pact, has_prev): the
// cross-year checks are not applicable without it.
func (e *Engine) EvaluatePrevious(ctx context.Context, doc, prev *schema.Document) (*Result, error) {
	return e.evaluateWith(ctx, doc, Context{Previous: prev}, e.rules)
}

func (e *Engine) evaluate(ctx context.Context, doc, prev *schema.Document, rules []*Rule) (*Result, error) {
	return e.evaluateWith(ctx, doc, Context{Previous: prev}, rules)
}

func (e *Engine) evaluateWith(ctx context.Context, doc *schema.Document, bc Context, rules []*Rule) (*Result, error) {
	dc := newDocContext(doc, &e.opts)
	dc.ctx = ctx
	dc.prev = bc.Previous
	dc.sim = &similarityFacts{doc: doc, prev: bc.Previous, peers: bc.Peers, thr: e.opts.SimilarityThreshold}
	res := &Result{Rules: make([]RuleResult, len(rules))}
	if err := ctx.Err(); err != nil {
		return nil, &TimeoutError{Err: err}
	}
	for i, r := range rules {
		res.Rules[i] = safeEval(r, dc)
		// A rule stopped by the deadline reports an error; the document
		// as a whole is then not checked, and the rule is named.
		if err := ctx.Err(); err != nil {
			return nil, dc.timeoutError(r, err)
		}
	}
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
	return res, nil
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

// EvaluateAll evaluates many documents concurrently with the given number of
// workers (0 means one per CPU); results keep the order of docs.
func (e *Engine) EvaluateAll(docs []*schema.Document, workers int) []*Result {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]*Result, len(docs))
	var wg sync.WaitGroup
	ch := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				out[i] = e.Evaluate(docs[i])
			}
		}()
	}
	for i := range docs {
		ch <- i
	}
	close(ch)
	wg.Wait()
	return out
}
