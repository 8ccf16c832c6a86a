package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Rego rules are OPA v1 modules, one rule per package under ogi.rules, with
// their metadata in a package-scoped METADATA annotation:
//
//	# METADATA
//	# title: Table 3 identity
//	# description: …
//	# custom:
//	#   id: requests.identity
//	#   title_zh: 表三勾稽关系
//	#   severity: error
//	#   category: arithmetic
//	#   points: 5
//	#   templates: ["2019", "2021"]
//	#   reference: …
//	#   remediation: …
//	package ogi.rules.requests_identity
//
//	deny contains f if { … f := {"msg": {"zh": …, "en": …}, "cells": [{"table": …, "row": …, "col": …}]} }
//	warn contains f if { … }
//	not_applicable if { … }
//
// A finding may carry "expected", "actual", "item" and "status"
// ("fail" or "cannot_evaluate").

const regoRoot = "ogi.rules"

// regoPack is the compiled Rego of one rule pack: one prepared query
// evaluates every rule package at once per document. The query names each
// package's deny, warn and not_applicable rules: asking for the whole
// data.ogi.rules tree would also compute every helper rule of every package.
type regoPack struct {
	query rego.PreparedEvalQuery
	// vars maps a query variable to its package and rule.
	vars map[string][2]string
	// need is the part of the input the pack's modules read.
	need *inputNeed
	// single holds a query per package, for documents the pack's query
	// fails on: prepared by singles when one first does, since most
	// processes never need them.
	single     map[string]rego.PreparedEvalQuery
	singleErr  error
	singleOnce sync.Once
	byPkg      map[string][]string
	prepare    func([]string) (rego.PreparedEvalQuery, error)
	// ids are the pack's Rego rules, which a deadline stops together.
	ids []string
}

// regoRule is one package of the pack.
type regoRule struct {
	rule *Rule
	pack *regoPack
	name string // last package segment
}

// regoPackResult is what the pack's query returned for one document.
type regoPackResult struct {
	byPkg map[string]map[string]any
	// errByPkg are the packages that failed when asked one by one.
	errByPkg map[string]error
}

func compileRego(files map[string][]byte) ([]*Rule, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	// Parsing is a third of compiling a pack's Rego and each module parses
	// on its own: on as many cores as there are, the errors still in the
	// order of the names.
	type parsed struct {
		m   *ast.Module
		err error
	}
	out := make([]parsed, len(names))
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, n := range names {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			out[i].m, out[i].err = ast.ParseModuleWithOpts(n, string(files[n]), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		})
	}
	wg.Wait()
	modules := map[string]*ast.Module{}
	var errs []error
	for i, n := range names {
		m, err := out[i].m, out[i].err
		if err != nil {
			errs = append(errs, regoErrors(n, err)...)
			continue
		}
		modules[n] = m
		errs = append(errs, refusedUses(n, m)...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	compiler := ast.NewCompiler().WithStrict(true).WithCapabilities(regoCaps)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, errors.Join(regoErrors("", compiler.Errors)...)
	}
	pack := &regoPack{need: regoInputNeed(compiler.Modules)}
	var rules []*Rule
	for _, n := range names {
		m := modules[n]
		path := m.Package.Path.String() // data.ogi.rules.x
		if !strings.HasPrefix(path, "data."+regoRoot+".") {
			continue // a library module
		}
		pkg := strings.TrimPrefix(path, "data."+regoRoot+".")
		if strings.Contains(pkg, ".") {
			errs = append(errs, &LoadError{Pos: Pos{File: n, Line: m.Package.Location.Row}, Msg: "rule packages are ogi.rules.<name>, one level deep"})
			continue
		}
		r, err := regoRuleMeta(n, m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.impl = &regoRule{rule: r, pack: pack, name: pkg}
		rules = append(rules, r)
		pack.ids = append(pack.ids, r.ID)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var exprs []string
	byPkg := map[string][]string{}
	pack.vars = map[string][2]string{}
	for i, r := range rules {
		rr := r.impl.(*regoRule)
		defined := map[string]bool{}
		for _, m := range modules {
			if m.Package.Path.String() != "data."+regoRoot+"."+rr.name {
				continue
			}
			for _, rule := range m.Rules {
				defined[rule.Head.Name.String()] = true
				if len(rule.Head.Reference) > 0 {
					defined[rule.Head.Reference[0].Value.String()] = true
				}
			}
		}
		ref := "data." + regoRoot + "." + rr.name
		for _, kind := range []string{"deny", "warn"} {
			if defined[kind] {
				v := fmt.Sprintf("%s_%d", kind, i)
				byPkg[rr.name] = append(byPkg[rr.name], fmt.Sprintf("%s := %s.%s", v, ref, kind))
				pack.vars[v] = [2]string{rr.name, kind}
			}
		}
		if defined["not_applicable"] {
			v := fmt.Sprintf("na_%d", i)
			byPkg[rr.name] = append(byPkg[rr.name], fmt.Sprintf("%s := {true | %s.not_applicable}", v, ref))
			pack.vars[v] = [2]string{rr.name, "not_applicable"}
		}
		exprs = append(exprs, byPkg[rr.name]...)
	}
	prepare := func(exprs []string) (rego.PreparedEvalQuery, error) {
		if len(exprs) == 0 {
			exprs = []string{"true"}
		}
		return rego.New(
			rego.Compiler(compiler),
			rego.Query(strings.Join(exprs, "; ")),
			rego.Capabilities(regoCaps),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(context.Background())
	}
	q, err := prepare(exprs)
	if err != nil {
		return nil, fmt.Errorf("rego: %w", err)
	}
	pack.query = q
	pack.byPkg, pack.prepare = byPkg, prepare
	return rules, nil
}

// singles prepares one query per package: when a rule fails at run time (a
// type error on an odd document), the pack's query fails as a whole, and
// each package is then asked on its own so that only the failing rule
// reports the error. Each is part of the pack's query, which prepared.
func (p *regoPack) singles() (map[string]rego.PreparedEvalQuery, error) {
	p.singleOnce.Do(func() {
		single := map[string]rego.PreparedEvalQuery{}
		for pkg, ex := range p.byPkg {
			q, err := p.prepare(ex)
			if err != nil {
				p.singleErr = fmt.Errorf("rego: %w", err)
				return
			}
			single[pkg] = q
		}
		p.single = single
	})
	return p.single, p.singleErr
}

// regoErrors turns OPA errors into load errors with file:line:col.
func regoErrors(file string, err error) []error {
	var list ast.Errors
	if errors.As(err, &list) {
		var out []error
		for _, e := range list {
			pos := Pos{File: file}
			if e.Location != nil {
				if e.Location.File != "" {
					pos.File = e.Location.File
				}
				pos.Line, pos.Col = e.Location.Row, e.Location.Col
			}
			out = append(out, &LoadError{Pos: pos, Msg: e.Message})
		}
		return out
	}
	return []error{&LoadError{Pos: Pos{File: file}, Msg: err.Error()}}
}

// regoRuleMeta reads the package annotation into a Rule.
func regoRuleMeta(file string, m *ast.Module) (*Rule, error) {
	r := &Rule{Lang: "rego", File: file, Line: m.Package.Location.Row}
	var ann *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" || a.Scope == "subpackages" {
			ann = a
		}
	}
	if ann == nil {
		return nil, &LoadError{Pos: Pos{File: file, Line: r.Line}, Msg: "a rule package needs a package-scoped # METADATA annotation with its id, titles, severity, category, points and templates"}
	}
	c := ann.Custom
	str := func(k string) string {
		if v, ok := c[k].(string); ok {
			return v
		}
		return ""
	}
	r.ID = str("id")
	r.Title = Text{Zh: str("title_zh"), En: ann.Title}
	r.Description = ann.Description
	r.Severity = str("severity")
	r.Category = str("category")
	r.Reference = str("reference")
	r.Remediation = str("remediation")
	switch p := c["points"].(type) {
	case json.Number:
		r.Points, _ = p.Float64()
	case float64:
		r.Points = p
	case int:
		r.Points = float64(p)
	}
	if ts, ok := c["templates"].([]any); ok {
		for _, t := range ts {
			r.Templates = append(r.Templates, fmt.Sprint(t))
		}
	}
	if err := r.validate(); err != nil {
		return nil, &LoadError{Pos: Pos{File: file, Line: r.Line}, RuleID: r.ID, Msg: err.Error()}
	}
	return r, nil
}

// regoResult evaluates the pack once per document and caches the result.
func (dc *docContext) regoResult(p *regoPack) *regoPackResult {
	dc.regoMu.Lock()
	defer dc.regoMu.Unlock()
	if dc.rego == nil {
		dc.rego = map[*regoPack]*regoPackResult{}
	}
	if r, ok := dc.rego[p]; ok {
		return r
	}
	res := &regoPackResult{}
	dc.rego[p] = res
	input := regoInputValue(dc.doc, dc.jur, p.need)
	res.byPkg = map[string]map[string]any{}
	rs, err := p.query.Eval(dc.ctx, rego.EvalParsedInput(input))
	if err == nil {
		res.bind(p, rs)
		return res
	}
	res.errByPkg = map[string]error{}
	single, serr := p.singles()
	if serr != nil {
		for pkg := range p.byPkg {
			res.errByPkg[pkg] = err
		}
		return res
	}
	for pkg, q := range single {
		if dc.ctx.Err() != nil {
			// Stopped by the deadline: asking each package again would
			// only run past it.
			res.errByPkg[pkg] = err
			continue
		}
		rs, err := q.Eval(dc.ctx, rego.EvalParsedInput(input))
		if err != nil {
			res.errByPkg[pkg] = err
			continue
		}
		res.bind(p, rs)
	}
	return res
}

// bind files a query's bindings under their packages.
func (res *regoPackResult) bind(p *regoPack, rs rego.ResultSet) {
	if len(rs) != 1 {
		return
	}
	for v, b := range rs[0].Bindings {
		pk, ok := p.vars[v]
		if !ok {
			continue
		}
		if res.byPkg[pk[0]] == nil {
			res.byPkg[pk[0]] = map[string]any{}
		}
		if pk[1] == "not_applicable" {
			set, _ := b.([]any)
			res.byPkg[pk[0]][pk[1]] = len(set) > 0
			continue
		}
		res.byPkg[pk[0]][pk[1]] = b
	}
}

func (rr *regoRule) eval(dc *docContext) RuleResult {
	r := rr.rule
	res := RuleResult{Rule: r.ID, Status: StatusPass}
	if !r.AppliesTo(dc.template) {
		res.Status = StatusNotApplicable
		return res
	}
	pr := dc.regoResult(rr.pack)
	if err := pr.errByPkg[rr.name]; err != nil {
		return RuleResult{Rule: r.ID, Status: StatusError, Error: err.Error()}
	}
	out := pr.byPkg[rr.name]
	if na, ok := out["not_applicable"].(bool); ok && na {
		res.Status = StatusNotApplicable
		return res
	}
	for _, kind := range []string{"deny", "warn"} {
		items, _ := out[kind].([]any)
		for _, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				return RuleResult{Rule: r.ID, Status: StatusError, Error: fmt.Sprintf("%s: a finding must be an object, got %v", kind, it)}
			}
			res.Findings = append(res.Findings, regoFinding(dc, r, kind, m))
		}
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.Item != b.Item {
			return a.Item < b.Item
		}
		if len(a.Cells) > 0 && len(b.Cells) > 0 && a.Cells[0].Pointer != b.Cells[0].Pointer {
			return a.Cells[0].Pointer < b.Cells[0].Pointer
		}
		return a.Message.Zh < b.Message.Zh
	})
	res.Status = statusOf(res.Findings)
	return res
}

func regoFinding(dc *docContext, r *Rule, kind string, m map[string]any) Finding {
	f := Finding{Rule: r.ID, Severity: r.Severity, Category: r.Category, Status: StatusFail}
	if kind == "warn" {
		f.Severity = SeverityWarning
	}
	if s, _ := m["status"].(string); s == StatusCannotEvaluate {
		f.Status = StatusCannotEvaluate
		f.Severity = dc.opts.CannotEvaluateSeverity
	}
	if msg, ok := m["msg"].(map[string]any); ok {
		f.Message.Zh, _ = msg["zh"].(string)
		f.Message.En, _ = msg["en"].(string)
	} else if s, ok := m["msg"].(string); ok {
		f.Message = Text{Zh: s, En: s}
	}
	if f.Message.Zh == "" {
		f.Message.Zh = r.Title.Zh
	}
	if f.Message.En == "" {
		f.Message.En = r.Title.En
	}
	f.Item, _ = m["item"].(string)
	f.Expected = regoNumber(m["expected"])
	f.Actual = regoNumber(m["actual"])
	if cells, ok := m["cells"].([]any); ok {
		for _, c := range cells {
			cm, ok := c.(map[string]any)
			if !ok {
				continue
			}
			t, _ := cm["table"].(string)
			row, _ := cm["row"].(string)
			col, _ := cm["col"].(string)
			ref, _ := dc.cellRef(t, row, col)
			f.Cells = append(f.Cells, ref)
		}
	}
	if len(f.Cells) > 0 {
		f.Pointer, f.Source = f.Cells[0].Pointer, f.Cells[0].Source
	}
	review(&f)
	return f
}

func regoNumber(v any) *float64 {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		if err == nil && !math.IsNaN(f) {
			return &f
		}
	case float64:
		return &n
	}
	return nil
}

// regoState is the per-document Rego state kept in docContext.
type regoState struct {
	regoMu sync.Mutex
	rego   map[*regoPack]*regoPackResult
}
