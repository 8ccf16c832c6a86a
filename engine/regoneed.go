package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"
)

// inputNeed is the part of the input a compiled Rego pack can read, found
// by walking its modules for references rooted at input. Building the OPA
// input is the largest cost of a Rego evaluation (every cell is an object
// of terms), and the built-in pack reads the narrative and two tables: the
// rest need not be built. A nil or all node means the whole subtree.
type inputNeed struct {
	all  bool
	keys map[string]*inputNeed
}

// needs reports whether key k is read and what of it.
func (n *inputNeed) needs(k string) (*inputNeed, bool) {
	if n == nil || n.all {
		return nil, true
	}
	c, ok := n.keys[k]
	return c, ok
}

// whole reports whether the subtree is needed in full.
func (n *inputNeed) whole() bool { return n == nil || n.all }

func (n *inputNeed) add(path []string) {
	for _, k := range path {
		if n.all {
			return
		}
		if n.keys == nil {
			n.keys = map[string]*inputNeed{}
		}
		c := n.keys[k]
		if c == nil {
			c = &inputNeed{}
			n.keys[k] = c
		}
		n = c
	}
	n.all, n.keys = true, nil
}

// regoInputNeed walks compiled modules. A reference input.a.b[x] needs all
// of input.a.b; input used as a value (passed to a function, compared,
// assigned, indexed by a variable first) needs everything.
func regoInputNeed(modules map[string]*ast.Module) *inputNeed {
	root := &inputNeed{}
	var visit func(x any)
	vis := ast.NewGenericVisitor(func(x any) bool {
		switch v := x.(type) {
		case ast.Ref:
			if !v.HasPrefix(ast.InputRootRef) {
				return false
			}
			var path []string
			for _, t := range v[1:] {
				s, ok := t.Value.(ast.String)
				if !ok {
					break
				}
				path = append(path, string(s))
			}
			root.add(path)
			// Operands of the reference may read input themselves.
			for _, t := range v[1:] {
				visit(t)
			}
			return true
		case ast.Var:
			if v.Equal(ast.InputRootDocument.Value) {
				root.add(nil)
			}
		}
		return false
	})
	visit = func(x any) { vis.Walk(x) }
	for _, m := range modules {
		vis.Walk(m)
	}
	return root
}
