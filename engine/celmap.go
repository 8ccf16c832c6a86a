package engine

import (
	"reflect"
	"sort"
	"sync"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/ogi-checker/ogi/schema"
)

// idMap is a table level (sub-tables of table 2, rows of a table, cells of a
// row) as a CEL map over the document's own Go maps. Lookups are plain map
// lookups (cel-go's reflection-based maps cost most of the evaluation time),
// values are wrapped only when read, and iteration follows sorted keys so
// that a rule iterating a table sees cells in the same order every run.
type idMap struct {
	row    map[string]*schema.Cell
	table  map[string]map[string]*schema.Cell
	active map[string]map[string]map[string]*schema.Cell
	ids    map[string]ref.Val // a prepared map of ready values (the ids variable)
	t      *types.Type

	once sync.Once
	keys []string
	// cache memoises wrapped values: rules read the same rows many times.
	// A view belongs to one document evaluation, which runs on one goroutine.
	cache map[string]ref.Val
	// grids are the table's grids (see grid).
	grids map[gridKey]*cellsList
}

func cellsMap(row map[string]*schema.Cell) *idMap { return &idMap{row: row, t: rowMapType} }

func tableMap(t map[string]map[string]*schema.Cell) *idMap { return &idMap{table: t, t: tableType} }

func activeMap(a map[string]map[string]map[string]*schema.Cell) *idMap {
	return &idMap{active: a, t: activeType}
}

func (m *idMap) sortedKeys() []string {
	m.once.Do(func() {
		switch {
		case m.row != nil:
			m.keys = make([]string, 0, len(m.row))
			for k := range m.row {
				m.keys = append(m.keys, k)
			}
		case m.table != nil:
			m.keys = make([]string, 0, len(m.table))
			for k := range m.table {
				m.keys = append(m.keys, k)
			}
		case m.active != nil:
			for k := range m.active {
				m.keys = append(m.keys, k)
			}
		default:
			for k := range m.ids {
				m.keys = append(m.keys, k)
			}
		}
		sort.Strings(m.keys)
	})
	return m.keys
}

func (m *idMap) lookup(k string) (ref.Val, bool) {
	if m.ids != nil {
		v, ok := m.ids[k]
		return v, ok
	}
	if m.row != nil {
		// A cell wraps without allocating more than a map entry would.
		if c, ok := m.row[k]; ok {
			return wrapCell(c), true
		}
		return nil, false
	}
	if v, ok := m.cache[k]; ok {
		return v, true
	}
	v, ok := m.wrap(k)
	if ok {
		if m.cache == nil {
			m.cache = make(map[string]ref.Val, 8)
		}
		m.cache[k] = v
	}
	return v, ok
}

func (m *idMap) wrap(k string) (ref.Val, bool) {
	// Rows never get here: lookup wraps their cells directly.
	switch {
	case m.table != nil:
		if r, ok := m.table[k]; ok {
			return cellsMap(r), true
		}
	case m.active != nil:
		if t, ok := m.active[k]; ok {
			return tableMap(t), true
		}
	}
	return nil, false
}

func (m *idMap) ConvertToNative(typeDesc reflect.Type) (any, error) { return m.Value(), nil }

func (m *idMap) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return m.t
	}
	if t.TypeName() == types.MapType.TypeName() {
		return m
	}
	return types.NewErr("type conversion error from map to %s", t.TypeName())
}

func (m *idMap) Equal(other ref.Val) ref.Val {
	o, ok := other.(*idMap)
	return types.Bool(ok && o == m)
}

func (m *idMap) Type() ref.Type { return types.MapType }

func (m *idMap) Value() any {
	switch {
	case m.row != nil:
		return m.row
	case m.table != nil:
		return m.table
	case m.active != nil:
		return m.active
	}
	return m.ids
}

func (m *idMap) Contains(key ref.Val) ref.Val {
	_, found := m.Find(key)
	return types.Bool(found)
}

func (m *idMap) Get(key ref.Val) ref.Val {
	v, found := m.Find(key)
	if !found {
		if v != nil && (types.IsError(v) || types.IsUnknown(v)) {
			return v
		}
		return types.NewErr("no such key: %v", key)
	}
	return v
}

func (m *idMap) Find(key ref.Val) (ref.Val, bool) {
	s, ok := key.(types.String)
	if !ok {
		return types.NewErr("ids are strings, got %s", key.Type().TypeName()), false
	}
	return m.lookup(string(s))
}

func (m *idMap) Size() ref.Val { return types.Int(len(m.sortedKeys())) }

func (m *idMap) Iterator() traits.Iterator {
	return &idIter{keys: m.sortedKeys()}
}

type idIter struct {
	keys []string
	i    int
}

func (it *idIter) HasNext() ref.Val { return types.Bool(it.i < len(it.keys)) }
func (it *idIter) Next() ref.Val {
	if it.i >= len(it.keys) {
		return types.NewErr("iterator past end")
	}
	k := it.keys[it.i]
	it.i++
	return types.String(k)
}
func (it *idIter) ConvertToNative(reflect.Type) (any, error) { return nil, nil }
func (it *idIter) ConvertToType(ref.Type) ref.Val            { return types.NewErr("iterator") }
func (it *idIter) Equal(ref.Val) ref.Val                     { return types.False }
func (it *idIter) Type() ref.Type                            { return types.IteratorType }
func (it *idIter) Value() any                                { return nil }
