package engine

import (
	"math"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/ogi-checker/ogi/schema"
)

// Table functions do in Go what a rule would otherwise spell as nested
// comprehensions over ids: the rules stay declarative and read like the
// printed table, and a whole pack evaluates in well under a millisecond.
//
//	pick(row, cols)          the cells of a row, in the order of cols
//	column(table, rows, col) the cells of a column, in the order of rows
//	grid(table, rows, cols)  every cell, row by row
//	total(cells)             the sum; an error if a cell is not a number
//	unfilled(cells)          cells that are blank, placeholders, text or ambiguous
//	badcounts(cells)         numbers that are negative or not whole
func tableFunctions() []cel.EnvOption {
	cellList := cel.ListType(cel.ObjectType(tCell))
	strList := cel.ListType(cel.StringType)
	return []cel.EnvOption{
		celFunction("pick", cel.Overload("pick_row_cols", []*cel.Type{rowMapType, strList}, cellList,
			cel.BinaryBinding(func(row, cols ref.Val) ref.Val {
				return cellsByKeys(row, cols, nil)
			}))),
		celFunction("column", cel.Overload("column_table_rows_col", []*cel.Type{tableType, strList, cel.StringType}, cellList,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return cellsByKeys(args[0], args[1], args[2])
			}))),
		celFunction("grid", cel.Overload("grid_table_rows_cols", []*cel.Type{tableType, strList, strList}, cellList,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				t, ok := args[0].(*idMap)
				if !ok {
					return types.NewErr("grid: not a table")
				}
				return t.grid(args[1], args[2])
			}))),
		celFunction("total", cel.Overload("total_cells", []*cel.Type{cellList}, cel.DoubleType,
			cel.UnaryBinding(func(l ref.Val) ref.Val {
				sum := 0.0
				bad := false
				eachCell(l, func(c *schema.Cell) {
					if c.Value == nil || c.Status != schema.StatusNumber {
						bad = true
						return
					}
					sum += *c.Value
				})
				if bad {
					return types.NewErr("total: a cell is not a number")
				}
				return types.Double(sum)
			}))),
		celFunction("unfilled", cel.Overload("unfilled_cells", []*cel.Type{cellList}, cellList,
			cel.UnaryBinding(func(l ref.Val) ref.Val {
				if g, ok := l.(*cellsList); ok {
					if g.unfilled == nil {
						g.unfilled = filterCells(g, isUnfilled)
					}
					return g.unfilled
				}
				return filterCells(l, isUnfilled)
			}))),
		celFunction("badcounts", cel.Overload("badcounts_cells", []*cel.Type{cellList}, cellList,
			cel.UnaryBinding(func(l ref.Val) ref.Val {
				if g, ok := l.(*cellsList); ok {
					if g.badcounts == nil {
						g.badcounts = filterCells(g, isBadCount)
					}
					return g.badcounts
				}
				return filterCells(l, isBadCount)
			}))),
	}
}

func isUnfilled(c *schema.Cell) bool {
	return c.Status != schema.StatusNumber && c.Status != schema.StatusMissing
}

func isBadCount(c *schema.Cell) bool {
	return c.Value != nil && (*c.Value < 0 || *c.Value != math.Trunc(*c.Value))
}

// gridKey names a grid by its id lists: the template's lists are shared,
// so the same rows and columns are the same slices.
type gridKey struct {
	rows, cols   *string
	nrows, ncols int
}

// grid is every cell of the table in rows × cols, row by row. The table
// keeps it with what unfilled and badcounts make of it: a rule asserts on
// them and, when the assertion fails, evaluates them again for its cells
// and message, and two rules read each table's grid. Lists are immutable,
// so sharing them is safe.
func (m *idMap) grid(rowsV, colsV ref.Val) ref.Val {
	_, rowsShared := rowsV.(*idList)
	_, colsShared := colsV.(*idList)
	rows, cols := stringsOf(rowsV), stringsOf(colsV)
	var key gridKey
	cache := rowsShared && colsShared && len(rows) > 0 && len(cols) > 0
	if cache {
		key = gridKey{&rows[0], &cols[0], len(rows), len(cols)}
		if g, ok := m.grids[key]; ok {
			return g
		}
	}
	out := make([]ref.Val, 0, len(rows)*len(cols))
	for _, r := range rows {
		rv, ok := m.lookup(r)
		if !ok {
			continue
		}
		row := rv.(*idMap)
		for _, c := range cols {
			if v, ok := row.lookup(c); ok {
				out = append(out, v)
			}
		}
	}
	g := newCellsList(out)
	if cache {
		if m.grids == nil {
			m.grids = map[gridKey]*cellsList{}
		}
		m.grids[key] = g
	}
	return g
}

// eachCell calls f with every cell of a list of cells.
func eachCell(l ref.Val, f func(*schema.Cell)) {
	if cl, ok := l.(*cellsList); ok {
		for _, v := range cl.vals {
			if c, ok := v.Value().(*schema.Cell); ok {
				f(c)
			}
		}
		return
	}
	if vs, ok := l.Value().([]ref.Val); ok {
		for _, v := range vs {
			if c, ok := v.Value().(*schema.Cell); ok {
				f(c)
			}
		}
		return
	}
	lister, ok := l.(traits.Lister)
	if !ok {
		return
	}
	for it := lister.Iterator(); it.HasNext() == types.True; {
		if c, ok := it.Next().Value().(*schema.Cell); ok {
			f(c)
		}
	}
}

func stringsOf(v ref.Val) []string {
	if il, ok := v.(*idList); ok {
		return il.ids
	}
	if ss, ok := v.Value().([]string); ok {
		return ss
	}
	l, ok := v.(traits.Lister)
	if !ok {
		return nil
	}
	var out []string
	for it := l.Iterator(); it.HasNext() == types.True; {
		if s, ok := it.Next().(types.String); ok {
			out = append(out, string(s))
		}
	}
	return out
}

// cellsByKeys picks cells of a row (col == nil) or of a column across rows.
func cellsByKeys(m, keys, col ref.Val) ref.Val {
	t, ok := m.(*idMap)
	if !ok {
		return types.NewErr("not a table row")
	}
	ks := stringsOf(keys)
	out := make([]ref.Val, 0, len(ks))
	for _, k := range ks {
		v, ok := t.lookup(k)
		if !ok {
			continue
		}
		if col != nil {
			row, ok := v.(*idMap)
			if !ok {
				continue
			}
			c, ok := col.(types.String)
			if !ok {
				return types.NewErr("column: the column id is a string")
			}
			if v, ok = row.lookup(string(c)); !ok {
				continue
			}
		}
		out = append(out, v)
	}
	return newCellsList(out)
}

func cellsOfList(l ref.Val) []*schema.Cell {
	if cl, ok := l.(*cellsList); ok {
		out := make([]*schema.Cell, 0, len(cl.vals))
		for _, v := range cl.vals {
			if c, ok := v.Value().(*schema.Cell); ok {
				out = append(out, c)
			}
		}
		return out
	}
	if vs, ok := l.Value().([]ref.Val); ok {
		// The lists the table functions build: no iterator needed.
		out := make([]*schema.Cell, 0, len(vs))
		for _, v := range vs {
			if c, ok := v.Value().(*schema.Cell); ok {
				out = append(out, c)
			}
		}
		return out
	}
	lister, ok := l.(traits.Lister)
	if !ok {
		return nil
	}
	var out []*schema.Cell
	for it := lister.Iterator(); it.HasNext() == types.True; {
		if c, ok := it.Next().Value().(*schema.Cell); ok {
			out = append(out, c)
		}
	}
	return out
}

func filterCells(l ref.Val, keep func(*schema.Cell) bool) ref.Val {
	var out []ref.Val
	eachCell(l, func(c *schema.Cell) {
		if keep(c) {
			out = append(out, wrapCell(c))
		}
	})
	return newCellsList(out)
}
