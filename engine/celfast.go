package engine

import (
	"math"
	"slices"

	"cel.dev/cel-go/cel"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"

	"github.com/ogi-checker/ogi/schema"
)

// The arithmetic assertions of tables 3 and 4 (num(req.new_received[item])
// + … == …, total(pick(…)) == num(…)) hold on almost every item, and
// cel-go spends most of a pack's time on them: a qualifier, a wrapped cell
// and a list per cell read. fastTrue evaluates that arithmetic directly on
// the document's maps. It answers only "certainly true": whenever the
// expression would be false, an error or anything it does not know, the
// caller evaluates the checked expression with cel-go as before, so
// findings and errors are cel-go's.
type fastTrue func(*docActivation) bool

type (
	fastNum   func(*docActivation) (float64, bool)
	fastStr   func(*docActivation) (string, bool)
	fastIDs   func(*docActivation) ([]string, bool)
	fastTable func(*docActivation) (map[string]map[string]*schema.Cell, bool)
	fastRow   func(*docActivation) (map[string]*schema.Cell, bool)
	fastCell  func(*docActivation) (*schema.Cell, bool)
)

// compileFastTrue returns nil for an expression outside the arithmetic it
// knows.
func compileFastTrue(a *cel.Ast) fastTrue {
	if a == nil || a.OutputType() != cel.BoolType {
		return nil
	}
	return fastBool(a.NativeRep().Expr())
}

// call returns the function and arguments of a global call.
func call(e celast.Expr) (string, []celast.Expr, bool) {
	if e.Kind() != celast.CallKind {
		return "", nil, false
	}
	c := e.AsCall()
	if c.IsMemberFunction() {
		return "", nil, false
	}
	return c.FunctionName(), c.Args(), true
}

func fastBool(e celast.Expr) fastTrue {
	fn, args, ok := call(e)
	if !ok || len(args) != 2 {
		return nil
	}
	switch fn {
	case "_&&_", "_||_":
		l, r := fastBool(args[0]), fastBool(args[1])
		if l == nil || r == nil {
			return nil
		}
		// CEL's true || error is true, and true && true needs both.
		if fn == "_&&_" {
			return func(a *docActivation) bool { return l(a) && r(a) }
		}
		return func(a *docActivation) bool { return l(a) || r(a) }
	}
	if fn == "_==_" {
		if f := fastNoneOf(args[0], args[1]); f != nil {
			return f
		}
	}
	var cmp func(x, y float64) bool
	switch fn {
	case "_==_":
		cmp = func(x, y float64) bool { return x == y }
	case "_<_":
		cmp = func(x, y float64) bool { return x < y }
	case "_<=_":
		cmp = func(x, y float64) bool { return x <= y }
	case "_>_":
		cmp = func(x, y float64) bool { return x > y }
	case "_>=_":
		cmp = func(x, y float64) bool { return x >= y }
	default:
		return nil
	}
	l, r := fastNumber(args[0]), fastNumber(args[1])
	if l == nil || r == nil {
		return nil
	}
	return func(a *docActivation) bool {
		x, ok1 := l(a)
		y, ok2 := r(a)
		return ok1 && ok2 && cmp(x, y)
	}
}

// fastNumber compiles a double expression; its values are never NaN
// (cel-go orders NaN with an error, which the fallback reports).
func fastNumber(e celast.Expr) fastNum {
	if e.Kind() == celast.LiteralKind {
		d, ok := e.AsLiteral().(types.Double)
		if !ok || math.IsNaN(float64(d)) {
			return nil
		}
		return func(*docActivation) (float64, bool) { return float64(d), true }
	}
	fn, args, ok := call(e)
	if !ok {
		return nil
	}
	switch {
	case (fn == "_+_" || fn == "_-_") && len(args) == 2:
		l, r := fastNumber(args[0]), fastNumber(args[1])
		if l == nil || r == nil {
			return nil
		}
		sub := fn == "_-_"
		return func(a *docActivation) (float64, bool) {
			x, ok := l(a)
			if !ok {
				return 0, false
			}
			y, ok := r(a)
			if !ok {
				return 0, false
			}
			if sub {
				y = -y
			}
			return notNaN(x + y)
		}
	case fn == "num" && len(args) == 1:
		c := fastCellOf(args[0])
		if c == nil {
			return nil
		}
		return func(a *docActivation) (float64, bool) {
			cell, ok := c(a)
			if !ok || cell.Value == nil {
				return 0, false
			}
			return notNaN(*cell.Value)
		}
	case fn == "total" && len(args) == 1:
		return fastTotal(args[0])
	}
	return nil
}

func notNaN(x float64) (float64, bool) { return x, !math.IsNaN(x) }

// fastTotal is total(pick(row, ids[…])) or total(column(table, ids[…], col)):
// the cells cellsByKeys would pick, summed as total sums them.
func fastTotal(e celast.Expr) fastNum {
	fn, args, ok := call(e)
	if !ok {
		return nil
	}
	add := func(sum float64, c *schema.Cell) (float64, bool) {
		if c == nil || c.Value == nil || c.Status != schema.StatusNumber {
			return 0, false
		}
		return sum + *c.Value, true
	}
	switch {
	case fn == "pick" && len(args) == 2:
		row, keys := fastRowOf(args[0]), fastIDsOf(args[1])
		if row == nil || keys == nil {
			return nil
		}
		return func(a *docActivation) (float64, bool) {
			r, ok1 := row(a)
			ks, ok2 := keys(a)
			if !ok1 || !ok2 {
				return 0, false
			}
			sum := 0.0
			for _, k := range ks {
				c, found := r[k]
				if !found {
					continue
				}
				if sum, ok1 = add(sum, c); !ok1 {
					return 0, false
				}
			}
			return notNaN(sum)
		}
	case fn == "column" && len(args) == 3:
		table, keys, col := fastTableOf(args[0]), fastIDsOf(args[1]), fastString(args[2])
		if table == nil || keys == nil || col == nil {
			return nil
		}
		return func(a *docActivation) (float64, bool) {
			t, ok1 := table(a)
			ks, ok2 := keys(a)
			c, ok3 := col(a)
			if !ok1 || !ok2 || !ok3 {
				return 0, false
			}
			sum := 0.0
			for _, k := range ks {
				r, found := t[k]
				if !found {
					continue
				}
				cell, found := r[c]
				if !found {
					continue
				}
				if sum, ok1 = add(sum, cell); !ok1 {
					return 0, false
				}
			}
			return notNaN(sum)
		}
	}
	return nil
}

// key compiles the key of m.field or m[key].
func key(e celast.Expr) (celast.Expr, fastStr) {
	switch e.Kind() {
	case celast.SelectKind:
		s := e.AsSelect()
		if s.IsTestOnly() {
			return nil, nil
		}
		f := s.FieldName()
		return s.Operand(), func(*docActivation) (string, bool) { return f, true }
	case celast.CallKind:
		fn, args, ok := call(e)
		if !ok || fn != "_[_]" || len(args) != 2 {
			return nil, nil
		}
		k := fastString(args[1])
		if k == nil {
			return nil, nil
		}
		return args[0], k
	}
	return nil, nil
}

func fastString(e celast.Expr) fastStr {
	switch e.Kind() {
	case celast.LiteralKind:
		s, ok := e.AsLiteral().(types.String)
		if !ok {
			return nil
		}
		return func(*docActivation) (string, bool) { return string(s), true }
	case celast.CallKind:
		fn, args, ok := call(e)
		if !ok || fn != "_+_" || len(args) != 2 {
			return nil
		}
		l, r := fastString(args[0]), fastString(args[1])
		if l == nil || r == nil {
			return nil
		}
		return func(a *docActivation) (string, bool) {
			x, ok1 := l(a)
			y, ok2 := r(a)
			return x + y, ok1 && ok2
		}
	case celast.IdentKind:
		if e.AsIdent() != "item" {
			return nil
		}
		return func(a *docActivation) (string, bool) {
			s, ok := a.item.(types.String)
			return string(s), ok
		}
	}
	return nil
}

// fastIDsOf is ids[key], read from the activation: the lists depend on
// the document's template.
func fastIDsOf(e celast.Expr) fastIDs {
	fn, args, ok := call(e)
	if !ok || fn != "_[_]" || len(args) != 2 || args[0].Kind() != celast.IdentKind || args[0].AsIdent() != "ids" {
		return nil
	}
	k := fastString(args[1])
	if k == nil {
		return nil
	}
	return func(a *docActivation) ([]string, bool) {
		m, ok := a.ids.(*idMap)
		if !ok {
			return nil, false
		}
		s, ok := k(a)
		if !ok {
			return nil, false
		}
		l, ok := m.ids[s].(*idList)
		if !ok {
			return nil, false
		}
		return l.ids, true
	}
}

// fastNoneOf is size(unfilled(grid(t, rows, cols))) == 0 or the same of
// badcounts: no cell grid would pick is one the filter keeps.
func fastNoneOf(sizeOf, zero celast.Expr) fastTrue {
	if zero.Kind() != celast.LiteralKind || zero.AsLiteral() != types.Int(0) {
		return nil
	}
	fn, args, ok := call(sizeOf)
	if !ok || fn != "size" || len(args) != 1 {
		return nil
	}
	fn, args, ok = call(args[0])
	if !ok || len(args) != 1 {
		return nil
	}
	var keep func(*schema.Cell) bool
	switch fn {
	case "unfilled":
		keep = isUnfilled
	case "badcounts":
		keep = isBadCount
	default:
		return nil
	}
	fn, args, ok = call(args[0])
	if !ok || fn != "grid" || len(args) != 3 {
		return nil
	}
	table, rows, cols := fastTableOf(args[0]), fastIDsOf(args[1]), fastIDsOf(args[2])
	if table == nil || rows == nil || cols == nil {
		return nil
	}
	return func(a *docActivation) bool {
		t, ok1 := table(a)
		rs, ok2 := rows(a)
		cs, ok3 := cols(a)
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		for _, r := range rs {
			row, found := t[r]
			if !found {
				continue
			}
			for _, c := range cs {
				cell, found := row[c]
				if !found {
					continue
				}
				// A nil cell is left to cel-go, which reports it.
				if cell == nil || keep(cell) {
					return false
				}
			}
		}
		return true
	}
}

// fastTableOf is req, rev, preq, or a sub-table of act or pact: the maps
// the activation's views read.
func fastTableOf(e celast.Expr) fastTable {
	if e.Kind() == celast.IdentKind {
		get := activationMap(e.AsIdent(), "req", "rev", "preq")
		if get == nil {
			return nil
		}
		return func(a *docActivation) (map[string]map[string]*schema.Cell, bool) {
			// A nil map is an empty table, as it is to the view.
			m, ok := get(a)
			if !ok {
				return nil, false
			}
			return m.table, true
		}
	}
	operand, k := key(e)
	if k == nil || operand.Kind() != celast.IdentKind {
		return nil
	}
	get := activationMap(operand.AsIdent(), "act", "pact")
	if get == nil {
		return nil
	}
	return func(a *docActivation) (map[string]map[string]*schema.Cell, bool) {
		m, ok := get(a)
		if !ok {
			return nil, false
		}
		s, ok := k(a)
		if !ok {
			return nil, false
		}
		t, ok := m.active[s]
		return t, ok
	}
}

// activationMap reads the view the activation binds to name, when name is
// one of allowed; nil otherwise.
func activationMap(name string, allowed ...string) func(*docActivation) (*idMap, bool) {
	if !slices.Contains(allowed, name) {
		return nil
	}
	var get func(*docActivation) any
	switch name {
	case "req":
		get = func(a *docActivation) any { return a.req }
	case "rev":
		get = func(a *docActivation) any { return a.rev }
	case "preq":
		get = func(a *docActivation) any { return a.preq }
	case "act":
		get = func(a *docActivation) any { return a.act }
	case "pact":
		get = func(a *docActivation) any { return a.pact }
	default:
		return nil
	}
	return func(a *docActivation) (*idMap, bool) {
		m, ok := get(a).(*idMap)
		return m, ok
	}
}

func fastRowOf(e celast.Expr) fastRow {
	operand, k := key(e)
	if k == nil {
		return nil
	}
	table := fastTableOf(operand)
	if table == nil {
		return nil
	}
	return func(a *docActivation) (map[string]*schema.Cell, bool) {
		t, ok := table(a)
		if !ok {
			return nil, false
		}
		s, ok := k(a)
		if !ok {
			return nil, false
		}
		r, ok := t[s]
		return r, ok
	}
}

func fastCellOf(e celast.Expr) fastCell {
	operand, k := key(e)
	if k == nil {
		return nil
	}
	row := fastRowOf(operand)
	if row == nil {
		return nil
	}
	return func(a *docActivation) (*schema.Cell, bool) {
		r, ok := row(a)
		if !ok {
			return nil, false
		}
		s, ok := k(a)
		if !ok {
			return nil, false
		}
		c, ok := r[s]
		return c, ok && c != nil
	}
}
