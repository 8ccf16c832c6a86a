package engine

import (
	"math"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
)

// regoInputValue builds the OPA input straight from the Go document: the
// JSON round trip (marshal, then parse into an AST) cost half of a Rego
// evaluation. The shape is the canonical JSON, except that cells carry only
// value, raw, status, unit and remark: a rule names the cells of a finding
// by id and the engine adds their source and confidence, so building
// hundreds of location objects per document for Rego would be waste.
// input.jurisdiction is the jurisdiction's rules resolved for the document
// (see jurisdictionFacts) and input.narrative the text as the narrative
// rules read it (see narrativeFacts), beside the document's own keys.
func regoInputValue(d *schema.Document, jur *jurisdictionFacts, need *inputNeed) ast.Value {
	items := make([][2]*ast.Term, 0, 7)
	add := func(k string, build func(*inputNeed) ast.Value) {
		if sub, ok := need.needs(k); ok {
			items = append(items, ast.Item(ast.InternedTerm(k), ast.NewTerm(build(sub))))
		}
	}
	add("schema_version", func(*inputNeed) ast.Value { return ast.String(d.SchemaVersion) })
	add("meta", func(*inputNeed) ast.Value { return metaValue(&d.Meta) })
	add("intro", func(*inputNeed) ast.Value {
		return ast.NewObject(
			ast.Item(ast.InternedTerm("text"), ast.StringTerm(d.Intro.Text)),
			ast.Item(ast.InternedTerm("source"), ast.NewTerm(locValue(&d.Intro.Source))))
	})
	add("sections", func(*inputNeed) ast.Value { return sectionsValue(d.Sections) })
	add("tables", func(n *inputNeed) ast.Value {
		var ts [][2]*ast.Term
		if _, ok := n.needs("requests"); ok {
			ts = append(ts, ast.Item(ast.InternedTerm("requests"), ast.NewTerm(tableValue(d.Tables.Requests))))
		}
		if _, ok := n.needs("review_litigation"); ok {
			ts = append(ts, ast.Item(ast.InternedTerm("review_litigation"), ast.NewTerm(tableValue(d.Tables.ReviewLitigation))))
		}
		if _, ok := n.needs("active"); ok {
			ts = append(ts, ast.Item(ast.InternedTerm("active"), ast.NewTerm(activeValue(d.Tables.Active))))
		}
		return ast.NewObject(ts...)
	})
	add("table_info", func(*inputNeed) ast.Value { return tableInfoValue(d.TableInfo) })
	add("diagnostics", func(*inputNeed) ast.Value { return diagnosticsValue(d.Diagnostics) })
	if jur != nil {
		add("jurisdiction", func(*inputNeed) ast.Value { return jur.regoValue() })
	}
	add("narrative", func(*inputNeed) ast.Value { return newNarrativeFacts(d).regoValue() })
	return ast.NewObject(items...)
}

// Terms shared by every cell: OPA treats terms as immutable, so one key or
// status term can stand in thousands of objects instead of being allocated
// for each (the same thing OPA's own interning does).
var (
	termValue  = ast.StringTerm("value")
	termRaw    = ast.StringTerm("raw")
	termStatus = ast.StringTerm("status")
	termUnit   = ast.StringTerm("unit")
	termRemark = ast.StringTerm("remark")

	statusTerms = func() map[string]*ast.Term {
		m := map[string]*ast.Term{}
		for _, s := range []string{schema.StatusNumber, schema.StatusBlank, schema.StatusPlaceholder,
			schema.StatusText, schema.StatusMissing, schema.StatusAmbiguous} {
			m[s] = ast.StringTerm(s)
		}
		return m
	}()
)

// idTerms holds a term for every row, column and table id of both
// templates: the keys of every table object.
var idTerms = func() map[string]*ast.Term {
	m := map[string]*ast.Term{}
	for tpl := range schema.Templates {
		for _, ids := range templateIDs(tpl) {
			for _, id := range ids {
				if _, ok := m[id]; !ok {
					m[id] = ast.StringTerm(id)
				}
			}
		}
	}
	return m
}()

// inputKeys are the terms of the input's object keys (meta, sections,
// table_info, diagnostics, locations, jurisdiction): a key term per object
// and document was a tenth of what evaluating the pack allocated.
var inputKeys = func() map[string]*ast.Term {
	m := map[string]*ast.Term{}
	for _, k := range []string{"agency", "agency_kind", "code", "col", "deviation", "encoding", "file", "format",
		"from", "heading", "id", "layout", "line", "message", "page", "period", "published", "raw", "row",
		"rows_expected", "rows_found", "severity", "sha256", "size", "source", "status", "table", "template",
		"template_evidence", "text", "title", "to", "year"} {
		m[k] = ast.StringTerm(k)
	}
	for k := range (&jurisdictionFacts{profile: jurisdiction.Statute()}).fields() {
		m[k] = ast.StringTerm(k)
	}
	return m
}()

// inputKey is the term of an object key of the input.
func inputKey(k string) *ast.Term {
	if t, ok := inputKeys[k]; ok {
		return t
	}
	return ast.StringTerm(k)
}

// sharedTerm is the shared term for s when there is one.
func sharedTerm(s string, shared map[string]*ast.Term) *ast.Term {
	if t, ok := shared[s]; ok {
		return t
	}
	return ast.InternedTerm(s)
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
			ast.Item(inputKey("from"), ast.StringTerm(p.From)),
			ast.Item(inputKey("to"), ast.StringTerm(p.To)),
			ast.Item(inputKey("raw"), ast.StringTerm(p.Raw)),
			ast.Item(inputKey("year"), intOrNull(p.Year))))
	}
	s := m.Source
	return ast.NewObject(
		ast.Item(inputKey("title"), ast.StringTerm(m.Title)),
		ast.Item(inputKey("agency"), ast.StringTerm(m.Agency)),
		ast.Item(inputKey("agency_kind"), ast.StringTerm(m.AgencyKind)),
		ast.Item(inputKey("year"), intOrNull(m.Year)),
		ast.Item(inputKey("template"), strOrNull(m.Template)),
		ast.Item(inputKey("template_evidence"), ast.ArrayTerm(ev...)),
		ast.Item(inputKey("published"), strOrNull(m.Published)),
		ast.Item(inputKey("period"), period),
		ast.Item(inputKey("source"), ast.NewTerm(ast.NewObject(
			ast.Item(inputKey("file"), ast.StringTerm(s.File)),
			ast.Item(inputKey("format"), ast.StringTerm(s.Format)),
			ast.Item(inputKey("layout"), ast.StringTerm(s.Layout)),
			ast.Item(inputKey("encoding"), ast.StringTerm(s.Encoding)),
			ast.Item(inputKey("sha256"), ast.StringTerm(s.SHA256)),
			ast.Item(inputKey("size"), ast.IntNumberTerm(int(s.Size)))))),
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
			items = append(items, ast.Item(inputKey(kv.k), ast.IntNumberTerm(kv.v)))
		}
	}
	return ast.NewObject(items...)
}

func sectionsValue(ss []schema.Section) ast.Value {
	terms := make([]*ast.Term, len(ss))
	for i := range ss {
		s := &ss[i]
		terms[i] = ast.NewTerm(ast.NewObject(
			ast.Item(inputKey("id"), ast.StringTerm(s.ID)),
			ast.Item(inputKey("heading"), ast.StringTerm(s.Heading)),
			ast.Item(inputKey("deviation"), ast.BooleanTerm(s.Deviation)),
			ast.Item(inputKey("text"), ast.StringTerm(s.Text)),
			ast.Item(inputKey("source"), ast.NewTerm(locValue(&s.Source)))))
	}
	return ast.NewArray(terms...)
}

// cellKey is what a cell's OPA object is made of.
type cellKey struct {
	value    float64
	hasValue bool
	raw      string
	status   string
	unit     string
}

// cellTerms caches the objects of common cells ("0", "12", "无", blank):
// a table is mostly such cells, and one object per cell and document was
// half the cost of a Rego evaluation. Terms are immutable once built, so
// every document and goroutine can share them; the cache is bounded.
var (
	cellTerms     sync.Map // cellKey → *ast.Term
	cellTermCount atomic.Int64
)

const (
	maxCellTerms   = 1 << 14
	maxCachedRawSz = 16
)

// smallCounts holds the term of a plain count cell ("0" to "4095", a
// number as written): most cells of a table are, and an array read is
// cheaper than hashing a cache key.
var smallCounts [4096]atomic.Pointer[ast.Term]

func cellTerm(c *schema.Cell) *ast.Term {
	t, _ := sharedCellTerm(c)
	return t
}

// sharedCellTerm is the cell's term and whether it is the cached one every
// equal cell gets.
func sharedCellTerm(c *schema.Cell) (*ast.Term, bool) {
	if v := c.Value; v != nil && c.Remark == "" && c.Unit == "" && c.Status == schema.StatusNumber && *v >= 0 && *v < float64(len(smallCounts)) {
		var buf [8]byte
		if i := int(*v); float64(i) == *v && string(strconv.AppendInt(buf[:0], int64(i), 10)) == c.Raw {
			if t := smallCounts[i].Load(); t != nil {
				return t, true
			}
			t := ast.NewTerm(cellValue(c))
			if smallCounts[i].CompareAndSwap(nil, t) {
				return t, true
			}
			return smallCounts[i].Load(), true
		}
	}
	if c.Remark != "" || len(c.Raw) > maxCachedRawSz {
		return ast.NewTerm(cellValue(c)), false
	}
	k := cellKey{raw: c.Raw, status: c.Status, unit: c.Unit}
	if c.Value != nil {
		k.value, k.hasValue = *c.Value, true
		if k.value != k.value { // NaN is not equal to itself: no cache key
			return ast.NewTerm(cellValue(c)), false
		}
	}
	if t, ok := cellTerms.Load(k); ok {
		return t.(*ast.Term), true
	}
	t := ast.NewTerm(cellValue(c))
	if cellTermCount.Load() < maxCellTerms {
		if prev, loaded := cellTerms.LoadOrStore(k, t); loaded {
			return prev.(*ast.Term), true
		}
		cellTermCount.Add(1)
		return t, true
	}
	return t, false
}

func cellValue(c *schema.Cell) ast.Value {
	val := ast.InternedNullTerm
	if v := c.Value; v != nil {
		// Counts are whole numbers; OPA keeps the small ones interned.
		if i := int(*v); float64(i) == *v && math.Abs(*v) < 1<<53 {
			val = ast.InternedTerm(i)
		} else {
			val = ast.FloatNumberTerm(*v)
		}
	}
	n := 3
	if c.Unit != "" {
		n++
	}
	if c.Remark != "" {
		n++
	}
	items := make([][2]*ast.Term, 3, n)
	items[0] = [2]*ast.Term{termValue, val}
	items[1] = [2]*ast.Term{termRaw, ast.InternedTerm(c.Raw)}
	items[2] = [2]*ast.Term{termStatus, sharedTerm(c.Status, statusTerms)}
	if c.Unit != "" {
		items = append(items, [2]*ast.Term{termUnit, ast.InternedTerm(c.Unit)})
	}
	if c.Remark != "" {
		items = append(items, [2]*ast.Term{termRemark, ast.StringTerm(c.Remark)})
	}
	return ast.NewObject(items...)
}

func rowValue(row map[string]*schema.Cell) ast.Value {
	items := make([][2]*ast.Term, 0, len(row))
	for k, c := range row {
		if c != nil {
			items = append(items, [2]*ast.Term{sharedTerm(k, idTerms), cellTerm(c)})
		}
	}
	return ast.NewObject(items...)
}

// rowKey is a row of shared terms: column ids and cached cells, sorted by
// column id.
type rowKey [maxCachedRow][2]*ast.Term

const (
	maxCachedRow = 8
	maxRowTerms  = 1 << 12
)

// rowTerms caches the objects of rows made only of shared terms: rows of
// zeros, and the rows documents of one template have in common, are most
// of a table, and an object per row and document was a third of building
// the input. Terms are immutable; the cache is bounded.
var rowTerms = struct {
	sync.RWMutex
	m map[rowKey]*ast.Term
}{m: map[rowKey]*ast.Term{}}

func rowTerm(row map[string]*schema.Cell) *ast.Term {
	var key rowKey
	n := 0
	for k, c := range row {
		if c == nil {
			continue
		}
		kt, ok := idTerms[k]
		if !ok || n == maxCachedRow {
			return ast.NewTerm(rowValue(row))
		}
		ct, shared := sharedCellTerm(c)
		if !shared {
			return ast.NewTerm(rowValue(row))
		}
		// Insertion by column id: rows are short.
		i := n
		for i > 0 && string(key[i-1][0].Value.(ast.String)) > k {
			key[i] = key[i-1]
			i--
		}
		key[i] = [2]*ast.Term{kt, ct}
		n++
	}
	rowTerms.RLock()
	t, ok := rowTerms.m[key]
	rowTerms.RUnlock()
	if ok {
		return t
	}
	t = ast.NewTerm(ast.NewObject(key[:n]...))
	rowTerms.Lock()
	if prev, ok := rowTerms.m[key]; ok {
		t = prev
	} else if len(rowTerms.m) < maxRowTerms {
		rowTerms.m[key] = t
	}
	rowTerms.Unlock()
	return t
}

func tableValue(t map[string]map[string]*schema.Cell) ast.Value {
	items := make([][2]*ast.Term, 0, len(t))
	for k, row := range t {
		items = append(items, [2]*ast.Term{sharedTerm(k, idTerms), rowTerm(row)})
	}
	return ast.NewObject(items...)
}

func activeValue(a map[string]map[string]map[string]*schema.Cell) ast.Value {
	items := make([][2]*ast.Term, 0, len(a))
	for k, t := range a {
		items = append(items, [2]*ast.Term{sharedTerm(k, idTerms), ast.NewTerm(tableValue(t))})
	}
	return ast.NewObject(items...)
}

func tableInfoValue(ts []schema.TableInfo) ast.Value {
	terms := make([]*ast.Term, len(ts))
	for i := range ts {
		t := &ts[i]
		terms[i] = ast.NewTerm(ast.NewObject(
			ast.Item(inputKey("id"), ast.StringTerm(t.ID)),
			ast.Item(inputKey("status"), ast.StringTerm(t.Status)),
			ast.Item(inputKey("source"), ast.NewTerm(locValue(t.Source))),
			ast.Item(inputKey("rows_found"), ast.IntNumberTerm(t.RowsFound)),
			ast.Item(inputKey("rows_expected"), ast.IntNumberTerm(t.RowsExpected))))
	}
	return ast.NewArray(terms...)
}

func diagnosticsValue(ds []schema.Diagnostic) ast.Value {
	terms := make([]*ast.Term, len(ds))
	for i := range ds {
		d := &ds[i]
		terms[i] = ast.NewTerm(ast.NewObject(
			ast.Item(inputKey("code"), ast.StringTerm(d.Code)),
			ast.Item(inputKey("severity"), ast.StringTerm(d.Severity)),
			ast.Item(inputKey("message"), ast.StringTerm(d.Message)),
			ast.Item(inputKey("table"), ast.StringTerm(d.Table)),
			ast.Item(inputKey("row"), ast.StringTerm(d.Row)),
			ast.Item(inputKey("col"), ast.StringTerm(d.Col)),
			ast.Item(inputKey("source"), ast.NewTerm(locValue(d.Source)))))
	}
	return ast.NewArray(terms...)
}
