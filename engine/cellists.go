package engine

import (
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// The lists rules read most, the template's ids and the cells the table
// functions return, are cel-go lists with their elements kept ready:
// cel-go's own string list boxes an element on every read and its Value
// boxes the slice, which was a fifth of what the CEL rules allocated. Every
// other operation is cel-go's list's.

// idList is a list of ids (the ids variable's lists).
type idList struct {
	traits.Lister
	ids  []string
	vals []ref.Val
}

func newIDList(ids []string) *idList {
	vals := make([]ref.Val, len(ids))
	for i, s := range ids {
		vals[i] = types.String(s)
	}
	return &idList{Lister: types.NewRefValList(types.DefaultTypeAdapter, vals), ids: ids, vals: vals}
}

// Get implements traits.Indexer.
func (l *idList) Get(index ref.Val) ref.Val {
	if i, ok := index.(types.Int); ok && i >= 0 && int(i) < len(l.vals) {
		return l.vals[i]
	}
	return l.Lister.Get(index)
}

// Iterator implements traits.Iterable.
func (l *idList) Iterator() traits.Iterator { return &valIter{vals: l.vals} }

// Value is the ids, as cel-go's string list gives them.
func (l *idList) Value() any { return l.ids }

// cellsList is a list of cells made by a table function.
type cellsList struct {
	traits.Lister
	vals []ref.Val
	// unfilled and badcounts memoise those functions of a grid, which the
	// table keeps (see grid).
	unfilled, badcounts ref.Val
}

func newCellsList(vals []ref.Val) *cellsList {
	return &cellsList{Lister: types.NewRefValList(sharedAdapter, vals), vals: vals}
}

// Get implements traits.Indexer.
func (l *cellsList) Get(index ref.Val) ref.Val {
	if i, ok := index.(types.Int); ok && i >= 0 && int(i) < len(l.vals) {
		return l.vals[i]
	}
	return l.Lister.Get(index)
}

// Iterator implements traits.Iterable.
func (l *cellsList) Iterator() traits.Iterator { return &valIter{vals: l.vals} }

// valIter iterates ready values.
type valIter struct {
	vals []ref.Val
	i    int
}

func (it *valIter) HasNext() ref.Val { return types.Bool(it.i < len(it.vals)) }
func (it *valIter) Next() ref.Val {
	if it.i >= len(it.vals) {
		return types.NewErr("iterator past end")
	}
	v := it.vals[it.i]
	it.i++
	return v
}
func (it *valIter) ConvertToNative(_ reflect.Type) (any, error) { return nil, nil }
func (it *valIter) ConvertToType(ref.Type) ref.Val              { return types.NewErr("iterator") }
func (it *valIter) Equal(ref.Val) ref.Val                       { return types.False }
func (it *valIter) Type() ref.Type                              { return types.IteratorType }
func (it *valIter) Value() any                                  { return nil }
