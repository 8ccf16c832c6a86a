package engine

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/ogi-checker/ogi/schema"
)

// The canonical document is declared to CEL as object types so that the
// checker rejects a misspelt field (cell.valu) or a type mismatch
// (cell.value + 1, an int added to a double) when the rule pack loads. The
// runtime reads the Go structs directly: no JSON round trip per document.
//
// Tables are maps keyed by row and column id (rules iterate over ids); the
// ids written as constants in a rule are checked against the templates by
// checkPaths (paths.go).

const (
	tDocument   = "ogi.Document"
	tMeta       = "ogi.Meta"
	tPeriod     = "ogi.Period"
	tSection    = "ogi.Section"
	tTables     = "ogi.Tables"
	tCell       = "ogi.Cell"
	tDiagnostic = "ogi.Diagnostic"
	tTableInfo  = "ogi.TableInfo"
	tSource     = "ogi.Source"
	// tJurisdiction is the jurisdiction variable (jurisdictionFacts).
	tJurisdiction = "ogi.Jurisdiction"
)

type field struct {
	t   *types.Type
	get func(a *celAdapter, obj any) any
}

var (
	cellType    = types.NewObjectType(tCell)
	rowMapType  = types.NewMapType(types.StringType, cellType)
	tableType   = types.NewMapType(types.StringType, rowMapType)
	activeType  = types.NewMapType(types.StringType, tableType)
	sectionType = types.NewObjectType(tSection)
)

func nullableString(p *string) any {
	if p == nil {
		return ""
	}
	return *p
}

// objectFields describes every object type: its fields, their CEL types
// and how to read them from the Go value.
var objectFields = map[string]map[string]field{
	tJurisdiction: jurisdictionFieldTypes(),
	tDocument: {
		"schema_version": {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Document).SchemaVersion }},
		"intro":          {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Document).Intro.Text }},
		"meta":           {types.NewObjectType(tMeta), func(a *celAdapter, o any) any { return a.obj(tMeta, &o.(*schema.Document).Meta) }},
		"sections": {types.NewListType(sectionType), func(a *celAdapter, o any) any {
			ss := o.(*schema.Document).Sections
			vals := make([]ref.Val, len(ss))
			for i := range ss {
				vals[i] = sectionVal{&ss[i]}
			}
			return types.NewRefValList(a, vals)
		}},
		"tables": {types.NewObjectType(tTables), func(a *celAdapter, o any) any { return a.obj(tTables, &o.(*schema.Document).Tables) }},
		"diagnostics": {types.NewListType(types.NewObjectType(tDiagnostic)), func(a *celAdapter, o any) any {
			ds := o.(*schema.Document).Diagnostics
			vals := make([]ref.Val, len(ds))
			for i := range ds {
				vals[i] = a.obj(tDiagnostic, &ds[i])
			}
			return types.NewRefValList(a, vals)
		}},
		"table_info": {types.NewListType(types.NewObjectType(tTableInfo)), func(a *celAdapter, o any) any {
			ts := o.(*schema.Document).TableInfo
			vals := make([]ref.Val, len(ts))
			for i := range ts {
				vals[i] = a.obj(tTableInfo, &ts[i])
			}
			return types.NewRefValList(a, vals)
		}},
	},
	tMeta: {
		"title":       {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Meta).Title }},
		"agency":      {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Meta).Agency }},
		"agency_kind": {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Meta).AgencyKind }},
		// Absent year, template and dates read as 0 and "": rules test them
		// explicitly instead of meeting null in arithmetic.
		"year": {types.IntType, func(_ *celAdapter, o any) any {
			if y := o.(*schema.Meta).Year; y != nil {
				return int64(*y)
			}
			return int64(0)
		}},
		"template":  {types.StringType, func(_ *celAdapter, o any) any { return nullableString(o.(*schema.Meta).Template) }},
		"published": {types.StringType, func(_ *celAdapter, o any) any { return nullableString(o.(*schema.Meta).Published) }},
		"period": {types.NewObjectType(tPeriod), func(a *celAdapter, o any) any {
			p := o.(*schema.Meta).Period
			if p == nil {
				p = &schema.Period{}
			}
			return a.obj(tPeriod, p)
		}},
		"source": {types.NewObjectType(tSource), func(a *celAdapter, o any) any { return a.obj(tSource, &o.(*schema.Meta).Source) }},
	},
	tPeriod: {
		"from": {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Period).From }},
		"to":   {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Period).To }},
		"raw":  {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Period).Raw }},
		"year": {types.IntType, func(_ *celAdapter, o any) any {
			if y := o.(*schema.Period).Year; y != nil {
				return int64(*y)
			}
			return int64(0)
		}},
	},
	tSource: {
		"file":     {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Source).File }},
		"format":   {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Source).Format }},
		"layout":   {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Source).Layout }},
		"encoding": {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Source).Encoding }},
	},
	tSection: {
		"id":        {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Section).ID }},
		"heading":   {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Section).Heading }},
		"deviation": {types.BoolType, func(_ *celAdapter, o any) any { return o.(*schema.Section).Deviation }},
		"text":      {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Section).Text }},
		"line":      {types.IntType, func(_ *celAdapter, o any) any { return int64(o.(*schema.Section).Source.Line) }},
	},
	tTables: {
		"requests": {tableType, func(a *celAdapter, o any) any {
			return tableMap(o.(*schema.Tables).Requests)
		}},
		"review_litigation": {tableType, func(a *celAdapter, o any) any {
			return tableMap(o.(*schema.Tables).ReviewLitigation)
		}},
		"active": {activeType, func(a *celAdapter, o any) any {
			return activeMap(o.(*schema.Tables).Active)
		}},
	},
	tCell: {
		// value is null unless status is "number": a blank is never 0.
		"value": {types.NewNullableType(types.DoubleType), func(_ *celAdapter, o any) any {
			if v := o.(*schema.Cell).Value; v != nil {
				return *v
			}
			return types.NullValue
		}},
		"raw":        {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Cell).Raw }},
		"status":     {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Cell).Status }},
		"unit":       {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Cell).Unit }},
		"remark":     {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Cell).Remark }},
		"confidence": {types.DoubleType, func(_ *celAdapter, o any) any { return o.(*schema.Cell).Confidence }},
		// digits are the readings of a run of digits the cell was cut from
		// (empty for a cell read as written): messages quote them.
		"digits": {types.NewListType(types.StringType), func(a *celAdapter, o any) any {
			return types.NewStringList(a, o.(*schema.Cell).Digits)
		}},
	},
	tDiagnostic: {
		"code":     {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Diagnostic).Code }},
		"severity": {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Diagnostic).Severity }},
		"message":  {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Diagnostic).Message }},
		"table":    {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Diagnostic).Table }},
		"row":      {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Diagnostic).Row }},
		"col":      {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.Diagnostic).Col }},
	},
	tTableInfo: {
		"id":            {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.TableInfo).ID }},
		"status":        {types.StringType, func(_ *celAdapter, o any) any { return o.(*schema.TableInfo).Status }},
		"rows_found":    {types.IntType, func(_ *celAdapter, o any) any { return int64(o.(*schema.TableInfo).RowsFound) }},
		"rows_expected": {types.IntType, func(_ *celAdapter, o any) any { return int64(o.(*schema.TableInfo).RowsExpected) }},
	},
}

// objVal is a Go document object seen from CEL.
type objVal struct {
	v any
	t *types.Type
}

func (o objVal) ConvertToNative(reflect.Type) (any, error) { return o.v, nil }
func (o objVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return o.t
	}
	return types.NewErr("type conversion error from %s to %s", o.t.TypeName(), t.TypeName())
}
func (o objVal) Equal(other ref.Val) ref.Val {
	ov, ok := other.(objVal)
	return types.Bool(ok && ov.v == o.v)
}
func (o objVal) Type() ref.Type { return o.t }
func (o objVal) Value() any     { return o.v }

// cellVal is a cell seen from CEL. A struct holding one pointer is stored
// in an interface as the pointer itself, so wrapping a cell allocates
// nothing: rules read hundreds of cells per document and a boxed wrapper
// per read was a quarter of CEL's garbage.
type cellVal struct{ c *schema.Cell }

func wrapCell(c *schema.Cell) ref.Val { return cellVal{c} }

func (v cellVal) ConvertToNative(reflect.Type) (any, error) { return v.c, nil }
func (v cellVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return cellType
	}
	return types.NewErr("type conversion error from %s to %s", cellType.TypeName(), t.TypeName())
}
func (v cellVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(cellVal)
	return types.Bool(ok && o.c == v.c)
}
func (v cellVal) Type() ref.Type { return cellType }
func (v cellVal) Value() any     { return v.c }

// sectionVal is a section seen from CEL: like cellVal, a struct of one
// pointer, which an interface holds without allocating. Rules read the
// document's sections again and again, and a boxed wrapper per section and
// read was a twentieth of what the CEL rules allocated.
type sectionVal struct{ s *schema.Section }

func (v sectionVal) ConvertToNative(reflect.Type) (any, error) { return v.s, nil }
func (v sectionVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return sectionType
	}
	return types.NewErr("type conversion error from %s to %s", sectionType.TypeName(), t.TypeName())
}
func (v sectionVal) Equal(other ref.Val) ref.Val {
	switch o := other.(type) {
	case sectionVal:
		return types.Bool(o.s == v.s)
	case objVal:
		return types.Bool(o.v == any(v.s))
	}
	return types.False
}
func (v sectionVal) Type() ref.Type { return sectionType }
func (v sectionVal) Value() any     { return v.s }

// celAdapter turns the Go document values into CEL values.
type celAdapter struct {
	base  types.Adapter
	types map[string]*types.Type
}

func (a *celAdapter) obj(name string, v any) ref.Val {
	return objVal{v: v, t: a.types[name]}
}

// NativeToValue implements types.Adapter.
func (a *celAdapter) NativeToValue(v any) ref.Val {
	switch x := v.(type) {
	case ref.Val:
		return x
	case *schema.Cell:
		return wrapCell(x)
	case schema.Section:
		return a.obj(tSection, &x)
	case schema.Diagnostic:
		return a.obj(tDiagnostic, &x)
	case schema.TableInfo:
		return a.obj(tTableInfo, &x)
	case map[string]*schema.Cell:
		return cellsMap(x)
	case map[string]map[string]*schema.Cell:
		return tableMap(x)
	case *schema.Document:
		return a.obj(tDocument, x)
	}
	return a.base.NativeToValue(v)
}

// celProvider declares the object types and reads their fields.
type celProvider struct {
	types.Provider
	adapter *celAdapter
	types   map[string]*types.Type
}

func newCELTypes() (*celProvider, *celAdapter) {
	reg, err := types.NewRegistry()
	if err != nil {
		panic(fmt.Sprintf("cel registry: %v", err)) // cannot happen: no descriptors given
	}
	ts := map[string]*types.Type{}
	for name := range objectFields {
		ts[name] = types.NewObjectType(name)
	}
	ad := &celAdapter{base: reg, types: ts}
	return &celProvider{Provider: reg, adapter: ad, types: ts}, ad
}

// FindStructType implements types.Provider.
func (p *celProvider) FindStructType(name string) (*types.Type, bool) {
	if t, ok := p.types[name]; ok {
		return types.NewTypeTypeWithParam(t), true
	}
	return p.Provider.FindStructType(name)
}

// FindStructFieldNames implements types.Provider.
func (p *celProvider) FindStructFieldNames(name string) ([]string, bool) {
	fs, ok := objectFields[name]
	if !ok {
		return p.Provider.FindStructFieldNames(name)
	}
	names := make([]string, 0, len(fs))
	for n := range fs {
		names = append(names, n)
	}
	return names, true
}

// FindStructFieldType implements types.Provider.
func (p *celProvider) FindStructFieldType(name, fieldName string) (*types.FieldType, bool) {
	fs, ok := objectFields[name]
	if !ok {
		return p.Provider.FindStructFieldType(name, fieldName)
	}
	f, ok := fs[fieldName]
	if !ok {
		return nil, false
	}
	ad := p.adapter
	return &types.FieldType{
		Type:  f.t,
		IsSet: func(any) bool { return true },
		GetFrom: func(obj any) (any, error) {
			switch ov := obj.(type) {
			case objVal:
				obj = ov.v
			case cellVal:
				obj = ov.c
			case sectionVal:
				obj = ov.s
			}
			return f.get(ad, obj), nil
		},
	}, true
}

// NewValue implements types.Provider: rules read documents, they do not
// build them.
func (p *celProvider) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := objectFields[name]; ok {
		return types.NewErr("cannot construct %s in a rule", name)
	}
	return p.Provider.NewValue(name, fields)
}
