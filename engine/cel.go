package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/decls"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/internal/textpos"
	"github.com/ogi-checker/ogi/schema"
)

// celCostLimit bounds a single expression's estimated and actual cost: a
// rule that could loop over the whole document quadratically is refused
// when it loads, not discovered when a batch stalls.
const celCostLimit = 10_000_000

// celRuleFile is the YAML shape of a CEL rule file.
type celRuleFile struct {
	Rules []celRuleSpec `yaml:"rules"`
}

// celRuleSpec is one rule as written.
type celRuleSpec struct {
	Rule     `yaml:",inline"`
	When     yaml.Node `yaml:"when"`
	ForEach  yaml.Node `yaml:"for_each"`
	Operands yaml.Node `yaml:"operands"`
	Assert   yaml.Node `yaml:"assert"`
	Expected yaml.Node `yaml:"expected"`
	Actual   yaml.Node `yaml:"actual"`
	Cells    yaml.Node `yaml:"cells"`
	Message  struct {
		Zh yaml.Node `yaml:"zh"`
		En yaml.Node `yaml:"en"`
	} `yaml:"message"`
}

// celRule is a compiled CEL rule.
type celRule struct {
	rule                                                                   *Rule
	when, forEach, operands, assert, expected, actual, cells, msgZh, msgEn *celProgram
}

// celInterruptEvery is how many comprehension iterations CEL runs between
// looks at the context: often enough that a deadline stops a loop over a
// large document within microseconds, rarely enough to cost nothing.
const celInterruptEvery = 64

// celProgram is a compiled expression. Only a comprehension can make an
// expression run long (the document's functions are linear in the fixed
// template), so only expressions with one are evaluated under the
// document's context: a context per evaluation costs more than most
// expressions.
//
// An expression read from the cache of checked expressions is planned when
// it is first evaluated: most rules pass, so their messages, operands and
// cells are never evaluated in a process that checks one report.
type celProgram struct {
	env *cel.Env
	ast *cel.Ast
	// raw is the expression as the cache keeps it, decoded when planned:
	// decoding is most of what reading the cache costs.
	raw   []byte
	plan  sync.Once
	prg   cel.Program
	err   error
	loops bool
	// fast answers "true" for the arithmetic it knows (compileFastTrue);
	// nil for every other expression.
	fast fastTrue
}

// ready decodes and plans the expression if that is not done yet.
func (p *celProgram) ready() {
	p.plan.Do(func() {
		if p.ast == nil && p.raw != nil {
			p.ast, p.err = decodeCELExpr(p.raw)
			if p.err == nil {
				p.loops = hasComprehension(p.ast)
			}
		}
		if p.prg == nil && p.err == nil {
			p.prg, p.err = planCEL(p.env, p.ast)
		}
		if p.err == nil {
			p.fast = compileFastTrue(p.ast)
		}
		p.env, p.ast, p.raw = nil, nil, nil
	})
}

// planCEL makes the program of a checked expression.
func planCEL(env *cel.Env, ast *cel.Ast) (cel.Program, error) {
	return env.Program(ast, cel.EvalOptions(cel.OptOptimize), cel.InterruptCheckFrequency(celInterruptEvery))
}

// Eval evaluates the expression on act, stopping when act's context is
// done (a context that never is, such as Background, costs nothing).
func (p *celProgram) Eval(act *docActivation) (ref.Val, *cel.EvalDetails, error) {
	p.ready()
	if p.err != nil {
		return nil, nil, p.err
	}
	if p.loops && act.ctx != nil && act.ctx.Done() != nil {
		return p.prg.ContextEval(act.ctx, act)
	}
	return p.prg.Eval(act)
}

// holds says the expression is certainly true on act without running
// cel-go; false means "evaluate it".
func (p *celProgram) holds(act *docActivation) bool {
	p.ready()
	// The fast path reads the tables directly: with only the meta there
	// are none to read, and cel-go trips on them instead.
	return p.fast != nil && act.trip == nil && p.fast(act)
}

// hasComprehension says whether the expression loops.
func hasComprehension(a *cel.Ast) bool {
	found := false
	celast.PreOrderVisit(a.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() == celast.ComprehensionKind {
			found = true
		}
	}))
	return found
}

// celCoreEnv builds the environment rules are checked against, less the
// item variable, whose type depends on the rule (celEnvFor).
func celCoreEnv() (*cel.Env, error) {
	prov, ad := newCELTypes()
	docType := cel.ObjectType(tDocument)
	opts := []cel.EnvOption{
		cel.CustomTypeProvider(prov),
		cel.CustomTypeAdapter(ad),
		cel.Variable("doc", docType),
		cel.Variable("req", tableType),
		cel.Variable("rev", tableType),
		cel.Variable("act", activeType),
		cel.Variable("ids", cel.MapType(cel.StringType, cel.ListType(cel.StringType))),
		// Last year's report of the same body, when the caller knows it.
		cel.Variable("has_prev", cel.BoolType),
		cel.Variable("prev", docType),
		cel.Variable("preq", tableType),
		cel.Variable("pact", activeType),
		// Narrative similarity facts (see similarityFacts).
		cel.Variable("similarity", cel.MapType(cel.StringType, cel.DynType)),
		// The jurisdiction's rules resolved for the report (jurisdictionFacts).
		cel.Variable("jurisdiction", cel.ObjectType(tJurisdiction)),
		ext.Strings(),
		ext.Lists(),
		ext.Math(),
		ext.Bindings(),
		celFunction("sum",
			cel.Overload("sum_list_double", []*cel.Type{cel.ListType(cel.DoubleType)}, cel.DoubleType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					l, ok := v.(traits.Lister)
					if !ok {
						return types.NewErr("sum: not a list")
					}
					total := 0.0
					it := l.Iterator()
					for it.HasNext() == types.True {
						d, ok := it.Next().(types.Double)
						if !ok {
							return types.NewErr("sum: not a number")
						}
						total += float64(d)
					}
					return types.Double(total)
				}))),
		celFunction("num",
			cel.Overload("num_cell", []*cel.Type{cel.ObjectType(tCell)}, cel.DoubleType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					c, ok := v.Value().(*schema.Cell)
					if !ok || c.Value == nil {
						return types.NewErr("num: cell has no number")
					}
					return types.Double(*c.Value)
				}))),
		celFunction("isnum",
			cel.Overload("isnum_cell", []*cel.Type{cel.ObjectType(tCell)}, cel.BoolType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					c, ok := v.Value().(*schema.Cell)
					return types.Bool(ok && c.Value != nil && c.Status == schema.StatusNumber)
				}))),
		celFunction("fmtn",
			cel.Overload("fmtn_double", []*cel.Type{cel.DoubleType}, cel.StringType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					d, _ := v.(types.Double)
					return types.String(formatNumber(float64(d)))
				}))),
		celFunction("label",
			cel.Overload("label_string_string", []*cel.Type{cel.StringType, cel.StringType}, cel.StringType,
				cel.BinaryBinding(func(kind, id ref.Val) ref.Val {
					k, ok1 := kind.(types.String)
					i, ok2 := id.(types.String)
					if !ok1 || !ok2 {
						return types.NewErr("label: kind and id are strings")
					}
					return types.String(Label(string(k), string(i)))
				}))),
		celFunction("datezh",
			cel.Overload("datezh_string", []*cel.Type{cel.StringType}, cel.StringType,
				cel.UnaryBinding(func(v ref.Val) ref.Val {
					s, ok := v.(types.String)
					if !ok {
						return types.NewErr("datezh: not a string")
					}
					return types.String(dateZh(string(s)))
				}))),
		celFunction("count",
			cel.MemberOverload("string_count_string", []*cel.Type{cel.StringType, cel.StringType}, cel.IntType,
				cel.BinaryBinding(func(a, b ref.Val) ref.Val {
					s, ok1 := a.(types.String)
					sub, ok2 := b.(types.String)
					if !ok1 || !ok2 {
						return types.NewErr("count: arguments are strings")
					}
					return types.Int(strings.Count(string(s), string(sub)))
				}))),
	}
	return cel.NewEnv(append(opts, tableFunctions()...)...)
}

// celFunction declares one of ogi's functions. Calls are type-checked when
// the rule loads and every binding checks what it is handed, so cel-go's
// run-time type guard on each call (a reflective type match per argument,
// several percent of the pack's time) is switched off.
func celFunction(name string, opts ...cel.FunctionOpt) cel.EnvOption {
	return cel.Function(name, append(opts, decls.DisableTypeGuards(true))...)
}

// formatNumber prints 3 for 3.0 and 106.36 for 106.36.
func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// sources keeps the lines of the files being compiled, for positions in
// block scalars. A server builds engines concurrently (a checker per
// scoring profile), so the same file may be compiled twice at once: the
// entry is counted and guarded.
var sources = struct {
	sync.Mutex
	files map[string]*sourceFile
}{files: map[string]*sourceFile{}}

type sourceFile struct {
	lines []string
	users int
}

func sourceLines(file string) []string {
	sources.Lock()
	defer sources.Unlock()
	if f := sources.files[file]; f != nil {
		return f.lines
	}
	return nil
}

// compileCELFile parses and compiles every rule in one YAML file, or
// takes them from the cache of checked expressions.
func compileCELFile(file string, data []byte) ([]*Rule, error) {
	cachePath := celCachePath(data)
	if ent := readCELCache(cachePath); ent != nil {
		if rules, err := cachedCELFile(file, ent); err == nil {
			return rules, nil
		}
		// An entry this cel-go cannot read: compile as without one,
		// which replaces it.
	}
	sources.Lock()
	sf := sources.files[file]
	if sf == nil {
		sf = &sourceFile{lines: strings.Split(string(data), "\n")}
		sources.files[file] = sf
	}
	sf.users++
	sources.Unlock()
	defer func() {
		sources.Lock()
		if sf.users--; sf.users == 0 {
			delete(sources.files, file)
		}
		sources.Unlock()
	}()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		pos, msg := yamlError(file, data, err)
		return nil, &LoadError{Pos: pos, Msg: "invalid YAML: " + msg}
	}
	var spec celRuleFile
	if err := root.Decode(&spec); err != nil {
		return nil, &LoadError{Pos: yamlErrPos(file, err), Msg: "invalid rule file: " + err.Error()}
	}
	// Rule positions: the mapping nodes of the rules sequence.
	var ruleNodes []*yaml.Node
	if len(root.Content) > 0 {
		for i := 0; i+1 < len(root.Content[0].Content); i += 2 {
			if root.Content[0].Content[i].Value == "rules" {
				ruleNodes = root.Content[0].Content[i+1].Content
			}
		}
	}
	store := make([][]*cel.Ast, len(spec.Rules))
	meta := make([]Rule, len(spec.Rules))
	var rules []*Rule
	var errs []error
	for i := range spec.Rules {
		s := &spec.Rules[i]
		r := s.Rule
		r.Lang = "cel"
		r.File = file
		if i < len(ruleNodes) {
			r.Line = ruleNodes[i].Line
		}
		if err := r.validate(); err != nil {
			errs = append(errs, &LoadError{Pos: Pos{File: file, Line: r.Line}, RuleID: r.ID, Msg: err.Error()})
			continue
		}
		impl, asts, err := compileCELRule(file, &r, s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		store[i] = asts
		meta[i] = r
		meta[i].Lang, meta[i].File = "", ""
		r.impl = impl
		rules = append(rules, &r)
	}
	if len(errs) == 0 {
		// Only a file that compiled whole is kept: its errors are the
		// compiler's on every run.
		writeCELCache(cachePath, meta, store)
	}
	return rules, errors.Join(errs...)
}

// cachedCELFile makes a file's rules from its cache entry. The entry was
// stored by a compilation without an error under the same declarations,
// so an error here is one of reading it back: the caller then compiles.
func cachedCELFile(file string, ent *celCacheEntry) ([]*Rule, error) {
	rules := make([]*Rule, len(ent.rules))
	for i := range ent.rules {
		r := ent.rules[i]
		r.Lang, r.File = "cel", file
		if err := r.validate(); err != nil {
			return nil, err
		}
		impl, err := cachedCELRule(&r, ent.asts[i])
		if err != nil {
			return nil, err
		}
		r.impl = impl
		rules[i] = &r
	}
	return rules, nil
}

// cachedCELRule makes a rule of its checked expressions, one per step (nil
// where the rule has none). Only for_each is decoded now, since its type
// is item's in the others; the others when they are first evaluated.
func cachedCELRule(r *Rule, hit [][]byte) (*celRule, error) {
	cr := &celRule{rule: r}
	env, err := celEnvFor(cel.DynType)
	if err != nil {
		return nil, err
	}
	for i, st := range celSteps {
		if hit[i] == nil {
			if st.name == "assert" {
				return nil, errCELCache
			}
			continue
		}
		r.related = r.related || mentionsRelated(hit[i])
		if st.name != "for_each" {
			*st.dst(cr) = &celProgram{env: env, raw: hit[i]}
			continue
		}
		a, err := decodeCELExpr(hit[i])
		if err != nil {
			return nil, err
		}
		cr.forEach = &celProgram{env: env, ast: a, loops: hasComprehension(a)}
		out := a.OutputType()
		if out.Kind() != types.ListKind && out != cel.DynType {
			return nil, errCELCache
		}
		if out.Kind() == types.ListKind && len(out.Parameters()) == 1 && out.Parameters()[0] != cel.DynType {
			if env, err = celEnvFor(out.Parameters()[0]); err != nil {
				return nil, err
			}
		}
	}
	return cr, nil
}

// yamlError places a YAML error and says it for a person. yaml.v3 gives no
// line for a stray control character or a byte that is not UTF-8; those
// are found by scanning the file, so the message says where the byte is.
func yamlError(file string, data []byte, err error) (Pos, string) {
	pos := yamlErrPos(file, err)
	if pos.Line == 0 {
		if what, at, ok := textpos.Stray(data); ok {
			return Pos{File: file, Line: at.Line, Col: at.Col}, fmt.Sprintf("%s at %s", what, at)
		}
	}
	return pos, err.Error()
}

func yamlErrPos(file string, err error) Pos {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		var line int
		if _, e := fmt.Sscanf(te.Errors[0], "line %d:", &line); e == nil {
			return Pos{File: file, Line: line}
		}
	}
	var line int
	if _, e := fmt.Sscanf(err.Error(), "yaml: line %d:", &line); e == nil {
		return Pos{File: file, Line: line}
	}
	return Pos{File: file}
}

// celStep is one expression of a rule, in the order a rule compiles them:
// for_each first, since its element type is item's type in the others.
type celStep struct {
	name string
	want *cel.Type
	node func(*celRuleSpec) *yaml.Node
	dst  func(*celRule) **celProgram
}

var celSteps = func() []celStep {
	cellList := cel.ListType(cel.ObjectType(tCell))
	return []celStep{
		{"for_each", nil, func(s *celRuleSpec) *yaml.Node { return &s.ForEach }, func(r *celRule) **celProgram { return &r.forEach }},
		{"when", cel.BoolType, func(s *celRuleSpec) *yaml.Node { return &s.When }, func(r *celRule) **celProgram { return &r.when }},
		{"operands", cellList, func(s *celRuleSpec) *yaml.Node { return &s.Operands }, func(r *celRule) **celProgram { return &r.operands }},
		{"assert", cel.BoolType, func(s *celRuleSpec) *yaml.Node { return &s.Assert }, func(r *celRule) **celProgram { return &r.assert }},
		{"expected", cel.DoubleType, func(s *celRuleSpec) *yaml.Node { return &s.Expected }, func(r *celRule) **celProgram { return &r.expected }},
		{"actual", cel.DoubleType, func(s *celRuleSpec) *yaml.Node { return &s.Actual }, func(r *celRule) **celProgram { return &r.actual }},
		{"cells", cellList, func(s *celRuleSpec) *yaml.Node { return &s.Cells }, func(r *celRule) **celProgram { return &r.cells }},
		{"message.zh", cel.StringType, func(s *celRuleSpec) *yaml.Node { return &s.Message.Zh }, func(r *celRule) **celProgram { return &r.msgZh }},
		{"message.en", cel.StringType, func(s *celRuleSpec) *yaml.Node { return &s.Message.En }, func(r *celRule) **celProgram { return &r.msgEn }},
	}
}()

// present says whether the rule writes the expression.
func (st celStep) present(s *celRuleSpec) bool {
	n := st.node(s)
	return n.Kind != 0 && strings.TrimSpace(n.Value) != ""
}

// compileCELRule compiles a rule's expressions. It returns the rule and
// its checked expressions, by step, for the cache.
func compileCELRule(file string, r *Rule, s *celRuleSpec) (*celRule, []*cel.Ast, error) {
	if s.Assert.Value == "" {
		return nil, nil, &LoadError{Pos: Pos{File: file, Line: r.Line}, RuleID: r.ID, Msg: "a CEL rule needs an assert expression"}
	}
	cr := &celRule{rule: r}
	env, err := celEnvFor(cel.DynType)
	if err != nil {
		return nil, nil, err
	}
	asts := make([]*cel.Ast, len(celSteps))
	for i, st := range celSteps {
		if !st.present(s) {
			continue
		}
		r.related = r.related || mentionsRelated([]byte(st.node(s).Value))
		p, err := compileCEL(env, file, r.ID, st.node(s), st.want, st.name)
		if err != nil {
			return nil, nil, err
		}
		asts[i] = p.ast
		*st.dst(cr) = p
		if st.name != "for_each" {
			continue
		}
		out := p.ast.OutputType()
		if out.Kind() != types.ListKind && out != cel.DynType {
			return nil, nil, &LoadError{Pos: nodePos(file, &s.ForEach, 1, 0), RuleID: r.ID, Msg: "for_each must be a list, is " + out.String()}
		}
		if out.Kind() == types.ListKind && len(out.Parameters()) == 1 && out.Parameters()[0] != cel.DynType {
			if env, err = celEnvFor(out.Parameters()[0]); err != nil {
				return nil, nil, err
			}
		}
	}
	return cr, asts, nil
}

// compileCEL parses, checks and plans one expression of a rule.
func compileCEL(env *cel.Env, file, id string, n *yaml.Node, want *cel.Type, what string) (*celProgram, error) {
	celCompiled.Add(1)
	ast, iss := env.Compile(n.Value)
	if iss.Err() != nil {
		return nil, celIssueError(file, id, what, n, iss)
	}
	if want != nil && !ast.OutputType().IsAssignableType(want) && ast.OutputType() != cel.DynType {
		return nil, &LoadError{Pos: nodePos(file, n, 1, 0), RuleID: id,
			Msg: fmt.Sprintf("%s must be %s, is %s", what, want, ast.OutputType())}
	}
	if err := checkPaths(ast, file, id, what, n); err != nil {
		return nil, err
	}
	est, err := env.EstimateCost(ast, costEstimator{})
	if err != nil {
		return nil, &LoadError{Pos: nodePos(file, n, 1, 0), RuleID: id, Msg: what + ": cost estimate: " + err.Error()}
	}
	if est.Max > celCostLimit {
		return nil, &LoadError{Pos: nodePos(file, n, 1, 0), RuleID: id,
			Msg: fmt.Sprintf("%s is too expensive: estimated cost up to %d, limit %d", what, est.Max, celCostLimit)}
	}
	prg, err := planCEL(env, ast)
	if err != nil {
		return nil, &LoadError{Pos: nodePos(file, n, 1, 0), RuleID: id, Msg: what + ": " + err.Error()}
	}
	return &celProgram{ast: ast, prg: prg, loops: hasComprehension(ast)}, nil
}

// nodePos maps a position inside an expression (1-based line, 0-based
// column) to the rule file. Block scalars (| and >) start on the next line.
func nodePos(file string, n *yaml.Node, line, col int) Pos {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		// Content lines are indented by the block's indentation, which the
		// scalar's value no longer shows: read it from the source.
		indent := 0
		if src := sourceLines(file); n.Line < len(src) {
			l := src[n.Line] // the first content line (0-based index = 1-based line + 1 - 1)
			indent = len(l) - len(strings.TrimLeft(l, " "))
		}
		return Pos{File: file, Line: n.Line + line, Col: indent + col + 1}
	}
	c := n.Column + col
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		c++
	}
	return Pos{File: file, Line: n.Line + line - 1, Col: c}
}

func celIssueError(file, id, what string, n *yaml.Node, iss *cel.Issues) error {
	errs := iss.Errors()
	if len(errs) == 0 {
		return &LoadError{Pos: nodePos(file, n, 1, 0), RuleID: id, Msg: what + ": " + iss.String()}
	}
	e := errs[0]
	loc := e.Location
	pos := nodePos(file, n, loc.Line(), loc.Column())
	msg := e.Message
	if len(errs) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return &LoadError{Pos: pos, RuleID: id, Msg: what + ": " + msg}
}

// costEstimator gives the checker sizes for the document's collections: a
// report has at most a few hundred cells and sections of bounded length.
type costEstimator struct{}

func (costEstimator) EstimateSize(element cost.AstNode) *cost.SizeEstimate {
	if element.Type().Kind() == types.StringKind {
		return &cost.SizeEstimate{Min: 0, Max: 20_000}
	}
	return &cost.SizeEstimate{Min: 0, Max: 64}
}

func (costEstimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	return nil
}

// eval runs the rule on one document.
func (cr *celRule) eval(dc *docContext) RuleResult {
	r := cr.rule
	res := RuleResult{Rule: r.ID, Status: StatusPass}
	if !r.AppliesTo(dc.template) {
		res.Status = StatusNotApplicable
		return res
	}
	vars := dc.celVars()
	if cr.when != nil {
		v, _, err := cr.when.Eval(vars)
		if err != nil {
			return errResult(r, "when", err)
		}
		if v != types.True {
			res.Status = StatusNotApplicable
			return res
		}
	}
	items := []ref.Val{nil}
	if cr.forEach != nil {
		v, _, err := cr.forEach.Eval(vars)
		if err != nil {
			return errResult(r, "for_each", err)
		}
		l, ok := v.(traits.Lister)
		if !ok {
			return errResult(r, "for_each", fmt.Errorf("not a list"))
		}
		items = items[:0]
		if n, ok := l.Size().(types.Int); ok && n > 0 && n < 1<<16 {
			items = make([]ref.Val, 0, int(n))
		}
		for it := l.Iterator(); it.HasNext() == types.True; {
			items = append(items, it.Next())
		}
	}
	// One activation per rule, its item replaced per iteration: programs do
	// not keep the activation after Eval returns.
	var itemAct *docActivation
	for i, item := range items {
		// A long list is itself a loop the deadline must stop.
		if i%celInterruptEvery == celInterruptEvery-1 {
			if err := dc.ctx.Err(); err != nil {
				return errResult(r, "for_each", err)
			}
		}
		act := vars
		if item != nil {
			if itemAct == nil {
				itemAct = withItem(vars, item)
			}
			itemAct.item = item
			act = itemAct
		}
		f, status, err := cr.evalItem(dc, act, item)
		if err != nil {
			return errResult(r, "", err)
		}
		if status != StatusPass {
			res.Findings = append(res.Findings, f)
		}
	}
	res.Status = statusOf(res.Findings)
	return res
}

// statusOf is a rule's status from its findings: fail if anything failed,
// cannot_evaluate if something could not be checked, pass otherwise.
func statusOf(fs []Finding) string {
	status := StatusPass
	for _, f := range fs {
		switch f.Status {
		case StatusFail:
			return StatusFail
		case StatusNeedsReview:
			status = StatusNeedsReview
		case StatusCannotEvaluate:
			if status == StatusPass {
				status = StatusCannotEvaluate
			}
		}
	}
	return status
}

func errResult(r *Rule, what string, err error) RuleResult {
	msg := err.Error()
	if what != "" {
		msg = what + ": " + msg
	}
	return RuleResult{Rule: r.ID, Status: StatusError, Error: msg}
}

func (cr *celRule) evalItem(dc *docContext, act *docActivation, item ref.Val) (Finding, string, error) {
	r := cr.rule
	f := Finding{Rule: r.ID, Severity: r.Severity, Category: r.Category}
	// The assertion first: when it holds there is nothing to report, and
	// evaluating the operands on every passing item would double the cost.
	// Operands are inspected when it does not hold (false, or an error such
	// as num() of a blank cell) to tell "wrong" from "cannot be evaluated".
	if cr.assert.holds(act) {
		return f, StatusPass, nil
	}
	v, _, assertErr := cr.assert.Eval(act)
	if assertErr == nil && v == types.True {
		return f, StatusPass, nil
	}
	// Only a finding is named: naming every passing item boxed its id.
	if item != nil {
		f.Item = itemName(item)
	}
	var operands []*schema.Cell
	if cr.operands != nil {
		ov, _, err := cr.operands.Eval(act)
		if err != nil {
			return f, "", fmt.Errorf("operands: %w", err)
		}
		operands = cellsOfList(ov)
		var bad []CellRef
		ambiguous := true
		for _, c := range operands {
			if c.Status != schema.StatusNumber {
				if r, ok := dc.ref(c); ok {
					bad = append(bad, r)
				}
				if c.Status != schema.StatusAmbiguous {
					ambiguous = false
				}
			}
		}
		if len(bad) > 0 {
			f.Status = StatusCannotEvaluate
			f.Severity = dc.opts.CannotEvaluateSeverity
			f.Cells = bad
			f.Message = cannotEvaluateMessage(r, bad)
			if ambiguous {
				// Every open operand has candidate values: a person can
				// settle it by looking, so it is a review item.
				f.Status, f.Severity = StatusNeedsReview, SeverityWarning
			}
			f.Pointer, f.Source = bad[0].Pointer, bad[0].Source
			return f, f.Status, nil
		}
	}
	if assertErr != nil {
		return f, "", fmt.Errorf("assert: %w", assertErr)
	}
	f.Status = StatusFail
	for _, c := range operands {
		if r, ok := dc.ref(c); ok {
			f.Cells = append(f.Cells, r)
		}
	}
	if cr.cells != nil {
		cv, _, err := cr.cells.Eval(act)
		if err != nil {
			return f, "", fmt.Errorf("cells: %w", err)
		}
		f.Cells = dc.refs(cellsOfList(cv))
	}
	if cr.expected != nil {
		if x, ok := evalDouble(cr.expected, act); ok {
			f.Expected = &x
		}
	}
	if cr.actual != nil {
		if x, ok := evalDouble(cr.actual, act); ok {
			f.Actual = &x
		}
	}
	f.Message = Text{Zh: evalString(cr.msgZh, act, r.Title.Zh), En: evalString(cr.msgEn, act, r.Title.En)}
	if len(f.Cells) > 0 {
		f.Pointer, f.Source = f.Cells[0].Pointer, f.Cells[0].Source
	}
	review(&f)
	return f, f.Status, nil
}

func cannotEvaluateMessage(r *Rule, bad []CellRef) Text {
	const show = 3
	var zh, en []string
	for i, c := range bad {
		if i == show {
			break
		}
		candZh, candEn := candidatesSuffix(c.Candidates)
		zh = append(zh, fmt.Sprintf("%s（%s%s%s）", CellName(c, "zh"), statusZh(c.Status), rawSuffix(c.Raw), candZh))
		en = append(en, fmt.Sprintf("%s (%s%s%s)", CellName(c, "en"), c.Status, rawSuffix(c.Raw), candEn))
	}
	moreZh, moreEn := "", ""
	if len(bad) > show {
		moreZh = fmt.Sprintf("等%d个单元格", len(bad))
		moreEn = fmt.Sprintf(" and %d more cells", len(bad)-show)
	}
	return Text{
		Zh: fmt.Sprintf("无法核验“%s”：%s%s不是数字", r.Title.Zh, strings.Join(zh, "、"), moreZh),
		En: fmt.Sprintf("cannot check %q: %s%s not a number", r.Title.En, strings.Join(en, ", "), moreEn),
	}
}

// candidatesSuffix names the values an ambiguous cell may have (the tied
// readings of run-together digits), so that the person reviewing it knows
// what to choose between.
func candidatesSuffix(cands []float64) (zh, en string) {
	if len(cands) == 0 {
		return "", ""
	}
	vs := make([]string, len(cands))
	for i, v := range cands {
		vs[i] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return "，可能为" + strings.Join(vs, "或"), ", could be " + strings.Join(vs, " or ")
}

func rawSuffix(raw string) string {
	if raw == "" {
		return ""
	}
	return " " + strconv.Quote(raw)
}

func statusZh(s string) string { return CellStatusName(s, "zh") }

// CellStatusName says in lang what a cell holds when it is not a number:
// 空白, 占位符, 缺失, 文字, 无法确定.
func CellStatusName(s, lang string) string {
	if lang == "en" {
		return s
	}
	switch s {
	case schema.StatusBlank:
		return "空白"
	case schema.StatusPlaceholder:
		return "占位符"
	case schema.StatusMissing:
		return "缺失"
	case schema.StatusText:
		return "文字"
	case schema.StatusAmbiguous:
		return "无法确定"
	}
	return s
}

func evalDouble(p *celProgram, act *docActivation) (float64, bool) {
	v, _, err := p.Eval(act)
	if err != nil {
		return 0, false
	}
	d, ok := v.(types.Double)
	return float64(d), ok
}

func evalString(p *celProgram, act *docActivation, fallback string) string {
	if p == nil {
		return fallback
	}
	v, _, err := p.Eval(act)
	if err != nil {
		return fallback
	}
	s, ok := v.(types.String)
	if !ok {
		return fallback
	}
	return string(s)
}

// refs resolves cells to their addresses.
func (dc *docContext) refs(cs []*schema.Cell) []CellRef {
	var out []CellRef
	for _, c := range cs {
		if r, ok := dc.ref(c); ok {
			out = append(out, r)
		}
	}
	return out
}

// docActivation resolves the document variables without building a map per
// rule and item: a for_each over 25 rows is 25 cheap struct copies.
type docActivation struct {
	// ctx is the document's; expressions that loop stop when it is done.
	ctx           context.Context
	doc           *schema.Document
	req, rev, act ref.Val
	prev          *schema.Document
	preq, pact    ref.Val
	ids           ref.Val
	sim           *similarityFacts
	jur           *jurisdictionFacts
	item          any
	// trip is set when the document holds only its meta (EvaluateMeta):
	// resolving doc or a table then sets it, and the rule is not answered.
	trip *bool
}

func (a *docActivation) ResolveName(name string) (any, bool) {
	if a.trip != nil {
		switch name {
		case "doc", "req", "rev", "act":
			*a.trip = true
			return nil, false
		}
	}
	switch name {
	case "doc":
		return a.doc, true
	case "req":
		return a.req, true
	case "rev":
		return a.rev, true
	case "act":
		return a.act, true
	case "has_prev":
		return a.prev != nil, true
	case "prev":
		if a.prev == nil {
			return nil, false
		}
		return a.prev, true
	case "preq":
		return a.preq, a.preq != nil
	case "pact":
		return a.pact, a.pact != nil
	case "ids":
		return a.ids, true
	case "similarity":
		if a.sim == nil {
			return nil, false
		}
		return a.sim.value(), true
	case "jurisdiction":
		if a.jur == nil {
			return nil, false
		}
		return sharedAdapter.obj(tJurisdiction, a.jur), true
	case "item":
		return a.item, true
	}
	return nil, false
}

func (a *docActivation) Parent() interpreter.Activation { return nil }

func withItem(vars *docActivation, item ref.Val) *docActivation {
	c := *vars
	c.item = item
	return &c
}

// sharedAdapter converts document values; it holds no per-document state.
var sharedAdapter = func() *celAdapter { _, ad := newCELTypes(); return ad }()

// idsByTemplate caches the ids variable: it depends only on the template.
var idsByTemplate = map[string]ref.Val{
	"":                  idsValue(""),
	schema.Template2019: idsValue(schema.Template2019),
	schema.Template2021: idsValue(schema.Template2021),
}

func idsValue(tpl string) ref.Val {
	ids := templateIDs(tpl)
	m := &idMap{ids: map[string]ref.Val{}, t: types.NewMapType(types.StringType, types.NewListType(types.StringType))}
	for k, v := range ids {
		m.ids[k] = newIDList(v)
	}
	return m
}

// celVars is the activation shared by every CEL rule for a document.
func (dc *docContext) celVars() *docActivation {
	if dc.cel != nil {
		return dc.cel
	}
	d := dc.doc
	ids, ok := idsByTemplate[dc.template]
	if !ok {
		ids = idsByTemplate[""]
	}
	dc.cel = &docActivation{
		ctx:  dc.ctx,
		doc:  d,
		req:  tableMap(d.Tables.Requests),
		rev:  tableMap(d.Tables.ReviewLitigation),
		act:  activeMap(d.Tables.Active),
		ids:  ids,
		sim:  dc.sim,
		jur:  dc.jur,
		item: types.NullValue,
	}
	if dc.metaOnly {
		dc.cel.trip = &dc.tripped
	}
	if p := dc.prev; p != nil {
		dc.cel.prev = p
		dc.cel.preq = tableMap(p.Tables.Requests)
		dc.cel.pact = activeMap(p.Tables.Active)
	}
	return dc.cel
}

// templateIDs lists the ids rules iterate over, for the document's template.
func templateIDs(tpl string) map[string][]string {
	t, ok := schema.Templates[tpl]
	if !ok {
		t = schema.Templates[schema.Template2021]
	}
	ids := map[string][]string{}
	for _, r := range t.RequestRows {
		ids["requests_rows"] = append(ids["requests_rows"], r.ID)
	}
	rows := ids["requests_rows"]
	for i, id := range rows {
		if id == "granted" {
			for _, o := range rows[i:] {
				if o == "total_handled" {
					break
				}
				ids["outcome_rows"] = append(ids["outcome_rows"], o)
			}
		}
	}
	for _, c := range t.RequestCols {
		ids["requests_cols"] = append(ids["requests_cols"], c.ID)
		if c.ID != "total" {
			ids["applicant_cols"] = append(ids["applicant_cols"], c.ID)
		}
	}
	for _, g := range t.ReviewGroups {
		ids["review_groups"] = append(ids["review_groups"], g.ID)
	}
	for _, c := range t.ReviewCols {
		ids["review_cols"] = append(ids["review_cols"], c.ID)
		if c.ID != "total" {
			ids["review_parts"] = append(ids["review_parts"], c.ID)
		}
	}
	for _, s := range t.Active {
		ids["active_subtables"] = append(ids["active_subtables"], s.ID)
		for _, r := range s.Rows {
			ids["active."+s.ID+".rows"] = append(ids["active."+s.ID+".rows"], r.ID)
		}
		// Every key exists, if empty: a rule must not fail on a sub-table
		// without count columns (2021 Art. 20(8) has only an amount).
		ids["active."+s.ID+".count_cols"] = []string{}
		for _, c := range s.Cols {
			ids["active."+s.ID+".cols"] = append(ids["active."+s.ID+".cols"], c.ID)
			if c.Kind == schema.KindCount {
				ids["active."+s.ID+".count_cols"] = append(ids["active."+s.ID+".count_cols"], c.ID)
			}
		}
	}
	for _, s := range schema.Sections {
		ids["sections"] = append(ids["sections"], s.ID)
	}
	return ids
}

// itemName names a for_each element in findings: ids as they are, document
// objects by their own id.
func itemName(v ref.Val) string {
	if m, ok := v.(traits.Mapper); ok {
		// A record built by the rule ({"id": …, "text": …}) is named by its id.
		if id, found := m.Find(types.String("id")); found {
			if s, ok := id.(types.String); ok {
				return string(s)
			}
		}
	}
	switch x := v.Value().(type) {
	case string:
		return x
	case *schema.TableInfo:
		return x.ID
	case *schema.Section:
		return x.ID
	case *schema.Diagnostic:
		// Name the place the diagnostic is about, so findings group there.
		if x.Table != "" {
			parts := []string{x.Table}
			for _, p := range []string{x.Row, x.Col} {
				if p != "" {
					parts = append(parts, p)
				}
			}
			return strings.Join(parts, ".")
		}
		return x.Code
	}
	return fmt.Sprint(v.Value())
}
