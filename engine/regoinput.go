package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/ogi-checker/ogi/schema"
)

// regoInputValue builds the OPA input straight from the Go document: the
// JSON round trip (marshal, then parse into an AST) cost half of a Rego
// evaluation. The shape is the canonical JSON, except that cells carry only
// value, raw, status, unit and remark: a rule names the cells of a finding
// by id and the engine adds their source and confidence, so building
// hundreds of location objects per document for Rego would be waste.
func regoInputValue(d *schema.Document) ast.Value {
	obj := ast.NewObject(
		ast.Item(ast.StringTerm("schema_version"), ast.StringTerm(d.SchemaVersion)),
		ast.Item(ast.StringTerm("meta"), ast.NewTerm(metaValue(&d.Meta))),
		ast.Item(ast.StringTerm("intro"), ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("text"), ast.StringTerm(d.Intro.Text)),
			ast.Item(ast.StringTerm("source"), ast.NewTerm(locValue(&d.Intro.Source)))))),
		ast.Item(ast.StringTerm("sections"), ast.NewTerm(sectionsValue(d.Sections))),
		ast.Item(ast.StringTerm("tables"), ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("requests"), ast.NewTerm(tableValue(d.Tables.Requests))),
			ast.Item(ast.StringTerm("review_litigation"), ast.NewTerm(tableValue(d.Tables.ReviewLitigation))),
			ast.Item(ast.StringTerm("active"), ast.NewTerm(activeValue(d.Tables.Active)))))),
		ast.Item(ast.StringTerm("table_info"), ast.NewTerm(tableInfoValue(d.TableInfo))),
		ast.Item(ast.StringTerm("diagnostics"), ast.NewTerm(diagnosticsValue(d.Diagnostics))),
	)
	return obj
}

func strOrNull(p *string) *ast.Term {
	if p == nil {
		return ast.NullTerm()
	}
	return ast.StringTerm(*p)
}

func intOrNull(p *int) *ast.Term {
	if p == nil {
		return ast.NullTerm()
	}
	return ast.IntNumberTerm(*p)
}

func metaValue(m *schema.Meta) ast.Value {
	ev := make([]*ast.Term, len(m.TemplateEvidence))
	for i, e := range m.TemplateEvidence {
		ev[i] = ast.StringTerm(e)
	}
	period := ast.NullTerm()
	if p := m.Period; p != nil {
		period = ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("from"), ast.StringTerm(p.From)),
			ast.Item(ast.StringTerm("to"), ast.StringTerm(p.To)),
			ast.Item(ast.StringTerm("raw"), ast.StringTerm(p.Raw)),
			ast.Item(ast.StringTerm("year"), intOrNull(p.Year))))
	}
	s := m.Source
	return ast.NewObject(
		ast.Item(ast.StringTerm("title"), ast.StringTerm(m.Title)),
		ast.Item(ast.StringTerm("agency"), ast.StringTerm(m.Agency)),
		ast.Item(ast.StringTerm("agency_kind"), ast.StringTerm(m.AgencyKind)),
		ast.Item(ast.StringTerm("year"), intOrNull(m.Year)),
		ast.Item(ast.StringTerm("template"), strOrNull(m.Template)),
		ast.Item(ast.StringTerm("template_evidence"), ast.ArrayTerm(ev...)),
		ast.Item(ast.StringTerm("published"), strOrNull(m.Published)),
		ast.Item(ast.StringTerm("period"), period),
		ast.Item(ast.StringTerm("source"), ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("file"), ast.StringTerm(s.File)),
			ast.Item(ast.StringTerm("format"), ast.StringTerm(s.Format)),
			ast.Item(ast.StringTerm("layout"), ast.StringTerm(s.Layout)),
			ast.Item(ast.StringTerm("encoding"), ast.StringTerm(s.Encoding)),
			ast.Item(ast.StringTerm("sha256"), ast.StringTerm(s.SHA256)),
			ast.Item(ast.StringTerm("size"), ast.IntNumberTerm(int(s.Size)))))),
	)
}

func locValue(l *schema.Loc) ast.Value {
	if l == nil {
		return ast.Null{}
	}
	var items [][2]*ast.Term
	for _, kv := range []struct {
		k string
		v int
	}{{"line", l.Line}, {"page", l.Page}, {"table", l.Table}, {"row", l.Row}, {"col", l.Col}} {
		if kv.v != 0 {
			items = append(items, ast.Item(ast.StringTerm(kv.k), ast.IntNumberTerm(kv.v)))
		}
	}
	return ast.NewObject(items...)
}

func sectionsValue(ss []schema.Section) ast.Value {
	terms := make([]*ast.Term, len(ss))
	for i := range ss {
		s := &ss[i]
		terms[i] = ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("id"), ast.StringTerm(s.ID)),
			ast.Item(ast.StringTerm("heading"), ast.StringTerm(s.Heading)),
			ast.Item(ast.StringTerm("deviation"), ast.BooleanTerm(s.Deviation)),
			ast.Item(ast.StringTerm("text"), ast.StringTerm(s.Text)),
			ast.Item(ast.StringTerm("source"), ast.NewTerm(locValue(&s.Source)))))
	}
	return ast.NewArray(terms...)
}

func cellValue(c *schema.Cell) ast.Value {
	val := ast.NullTerm()
	if c.Value != nil {
		val = ast.FloatNumberTerm(*c.Value)
	}
	items := [][2]*ast.Term{
		ast.Item(ast.StringTerm("value"), val),
		ast.Item(ast.StringTerm("raw"), ast.StringTerm(c.Raw)),
		ast.Item(ast.StringTerm("status"), ast.StringTerm(c.Status)),
	}
	if c.Unit != "" {
		items = append(items, ast.Item(ast.StringTerm("unit"), ast.StringTerm(c.Unit)))
	}
	if c.Remark != "" {
		items = append(items, ast.Item(ast.StringTerm("remark"), ast.StringTerm(c.Remark)))
	}
	return ast.NewObject(items...)
}

func rowValue(row map[string]*schema.Cell) ast.Value {
	items := make([][2]*ast.Term, 0, len(row))
	for k, c := range row {
		if c != nil {
			items = append(items, ast.Item(ast.StringTerm(k), ast.NewTerm(cellValue(c))))
		}
	}
	return ast.NewObject(items...)
}

func tableValue(t map[string]map[string]*schema.Cell) ast.Value {
	items := make([][2]*ast.Term, 0, len(t))
	for k, row := range t {
		items = append(items, ast.Item(ast.StringTerm(k), ast.NewTerm(rowValue(row))))
	}
	return ast.NewObject(items...)
}

func activeValue(a map[string]map[string]map[string]*schema.Cell) ast.Value {
	items := make([][2]*ast.Term, 0, len(a))
	for k, t := range a {
		items = append(items, ast.Item(ast.StringTerm(k), ast.NewTerm(tableValue(t))))
	}
	return ast.NewObject(items...)
}

func tableInfoValue(ts []schema.TableInfo) ast.Value {
	terms := make([]*ast.Term, len(ts))
	for i := range ts {
		t := &ts[i]
		terms[i] = ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("id"), ast.StringTerm(t.ID)),
			ast.Item(ast.StringTerm("status"), ast.StringTerm(t.Status)),
			ast.Item(ast.StringTerm("source"), ast.NewTerm(locValue(t.Source))),
			ast.Item(ast.StringTerm("rows_found"), ast.IntNumberTerm(t.RowsFound)),
			ast.Item(ast.StringTerm("rows_expected"), ast.IntNumberTerm(t.RowsExpected))))
	}
	return ast.NewArray(terms...)
}

func diagnosticsValue(ds []schema.Diagnostic) ast.Value {
	terms := make([]*ast.Term, len(ds))
	for i := range ds {
		d := &ds[i]
		terms[i] = ast.NewTerm(ast.NewObject(
			ast.Item(ast.StringTerm("code"), ast.StringTerm(d.Code)),
			ast.Item(ast.StringTerm("severity"), ast.StringTerm(d.Severity)),
			ast.Item(ast.StringTerm("message"), ast.StringTerm(d.Message)),
			ast.Item(ast.StringTerm("table"), ast.StringTerm(d.Table)),
			ast.Item(ast.StringTerm("row"), ast.StringTerm(d.Row)),
			ast.Item(ast.StringTerm("col"), ast.StringTerm(d.Col)),
			ast.Item(ast.StringTerm("source"), ast.NewTerm(locValue(d.Source)))))
	}
	return ast.NewArray(terms...)
}
