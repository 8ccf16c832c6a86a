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
		cel.Function("pick", cel.Overload("pick_row_cols", []*cel.Type{rowMapType, strList}, cellList,
			cel.BinaryBinding(func(row, cols ref.Val) ref.Val {
				return cellsByKeys(row, cols, nil)
			}))),
		cel.Function("column", cel.Overload("column_table_rows_col", []*cel.Type{tableType, strList, cel.StringType}, cellList,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return cellsByKeys(args[0], args[1], args[2])
			}))),
		cel.Function("grid", cel.Overload("grid_table_rows_cols", []*cel.Type{tableType, strList, strList}, cellList,
			cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				t, ok := args[0].(*idMap)
				if !ok {
					return types.NewErr("grid: not a table")
				}
				var out []ref.Val
				for _, r := range stringsOf(args[1]) {
					rv, ok := t.lookup(r)
					if !ok {
						continue
					}
					row := rv.(*idMap)
					for _, c := range stringsOf(args[2]) {
						if v, ok := row.lookup(c); ok {
							out = append(out, v)
						}
					}
				}
				return types.NewRefValList(sharedAdapter, out)
			}))),
		cel.Function("total", cel.Overload("total_cells", []*cel.Type{cellList}, cel.DoubleType,
			cel.UnaryBinding(func(l ref.Val) ref.Val {
				sum := 0.0
				for _, c := range cellsOfList(l) {
					if c.Value == nil || c.Status != schema.StatusNumber {
						return types.NewErr("total: a cell is not a number")
					}
					sum += *c.Value
				}
				return types.Double(sum)
			}))),
		cel.Function("unfilled", cel.Overload("unfilled_cells", []*cel.Type{cellList}, cellList,
			cel.UnaryBinding(func(l ref.Val) ref.Val {
				return filterCells(l, func(c *schema.Cell) bool {
					return c.Status != schema.StatusNumber && c.Status != schema.StatusMissing
				})
			}))),
		cel.Function("badcounts", cel.Overload("badcounts_cells", []*cel.Type{cellList}, cellList,
			cel.UnaryBinding(func(l ref.Val) ref.Val {
				return filterCells(l, func(c *schema.Cell) bool {
					return c.Value != nil && (*c.Value < 0 || *c.Value != math.Trunc(*c.Value))
				})
			}))),
	}
}

func stringsOf(v ref.Val) []string {
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
	var out []ref.Val
	for _, k := range stringsOf(keys) {
		v, ok := t.lookup(k)
		if !ok {
			continue
		}
		if col != nil {
			row, ok := v.(*idMap)
			if !ok {
				continue
			}
			if v, ok = row.lookup(string(col.(types.String))); !ok {
				continue
			}
		}
		out = append(out, v)
	}
	return types.NewRefValList(sharedAdapter, out)
}

func cellsOfList(l ref.Val) []*schema.Cell {
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
	for _, c := range cellsOfList(l) {
		if keep(c) {
			out = append(out, objVal{v: c, t: cellType})
		}
	}
	return types.NewRefValList(sharedAdapter, out)
}
