package engine

import (
	"fmt"
	"sort"
	"strings"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/schema"
)

// Tables are maps to CEL (rules iterate over row and column ids), so the
// checker cannot tell req.granted.totl from req.granted.total. checkPaths
// walks each expression and checks every constant id written after req,
// rev, act or doc.tables against the union of both templates' ids, so that a
// misspelt id fails when the rule pack loads, with its position.

// idLevels lists, for each table root, the ids allowed at each depth.
var idLevels = func() map[string][]map[string]bool {
	lv := func(n int) []map[string]bool {
		out := make([]map[string]bool, n)
		for i := range out {
			out[i] = map[string]bool{}
		}
		return out
	}
	req, rev, act := lv(2), lv(2), lv(3)
	for _, t := range schema.Templates {
		for _, r := range t.RequestRows {
			req[0][r.ID] = true
		}
		for _, c := range t.RequestCols {
			req[1][c.ID] = true
		}
		for _, g := range t.ReviewGroups {
			rev[0][g.ID] = true
		}
		for _, c := range t.ReviewCols {
			rev[1][c.ID] = true
		}
		for _, s := range t.Active {
			act[0][s.ID] = true
			for _, r := range s.Rows {
				act[1][r.ID] = true
			}
			for _, c := range s.Cols {
				act[2][c.ID] = true
			}
		}
	}
	return map[string][]map[string]bool{"requests": req, "review_litigation": rev, "active": act}
}()

// step is one selection in a path: a constant id or a dynamic index.
type step struct {
	id  string // "" for a dynamic index
	eid int64
	// sel marks a field selection, whose position is its dot.
	sel bool
}

func checkPaths(ast *cel.Ast, file, ruleID, what string, n *yaml.Node) error {
	native := ast.NativeRep()
	var firstErr error
	celast.PostOrderVisit(native.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if firstErr != nil {
			return
		}
		root, steps, ok := pathOf(e)
		if !ok {
			return
		}
		table, rest := tableRoot(root, steps)
		if table == "" {
			return
		}
		levels := idLevels[table]
		for i, s := range rest {
			if i >= len(levels) || s.id == "" {
				continue
			}
			if !levels[i][s.id] {
				loc := native.SourceInfo().GetStartLocation(s.eid)
				col := loc.Column()
				if s.sel {
					col++ // point at the id, not at the dot before it
				}
				firstErr = &LoadError{Pos: nodePos(file, n, loc.Line(), col), RuleID: ruleID,
					Msg: fmt.Sprintf("%s: unknown %s id %q (known: %s)", what, levelName(table, i), s.id, known(levels[i]))}
				return
			}
		}
	}))
	return firstErr
}

// pathOf flattens a chain of selections and constant-string indexes ending
// at e, returning the identifier it starts from.
func pathOf(e celast.Expr) (string, []step, bool) {
	var steps []step
	for {
		switch e.Kind() {
		case celast.SelectKind:
			sel := e.AsSelect()
			steps = append(steps, step{id: sel.FieldName(), eid: e.ID(), sel: true})
			e = sel.Operand()
		case celast.CallKind:
			call := e.AsCall()
			if call.FunctionName() != operators.Index || len(call.Args()) != 2 {
				return "", nil, false
			}
			k := call.Args()[1]
			st := step{eid: k.ID()}
			if k.Kind() == celast.LiteralKind {
				if s, ok := k.AsLiteral().(types.String); ok {
					st.id = string(s)
				}
			}
			steps = append(steps, st)
			e = call.Args()[0]
		case celast.IdentKind:
			for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
				steps[i], steps[j] = steps[j], steps[i]
			}
			return e.AsIdent(), steps, true
		default:
			return "", nil, false
		}
	}
}

func tableRoot(root string, steps []step) (string, []step) {
	switch root {
	case "req":
		return "requests", steps
	case "rev":
		return "review_litigation", steps
	case "act", "pact":
		return "active", steps
	case "preq":
		return "requests", steps
	case "doc", "prev":
		if len(steps) >= 2 && steps[0].id == "tables" {
			if _, ok := idLevels[steps[1].id]; ok {
				return steps[1].id, steps[2:]
			}
		}
	}
	return "", nil
}

func levelName(table string, i int) string {
	names := map[string][]string{
		"requests":          {"table-3 row", "table-3 column"},
		"review_litigation": {"table-4 group", "table-4 column"},
		"active":            {"table-2 sub-table", "table-2 row", "table-2 column"},
	}
	return names[table][i]
}

func known(m map[string]bool) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}
