package engine

import (
	"context"
	"strings"
	"sync"

	"github.com/ogi-checker/ogi/schema"
)

// docContext is what every rule sees of one document, built once.
type docContext struct {
	// ctx ends the evaluation: CEL comprehensions and the Rego query stop
	// when it is done.
	ctx      context.Context
	doc      *schema.Document
	prev     *schema.Document // the same body's report for the year before, if known
	sim      *similarityFacts
	jur      *jurisdictionFacts
	template string
	opts     *Options

	// cells indexes every cell's address; built on the first finding only.
	cellsOnce sync.Once
	cells     map[*schema.Cell]cellAddr

	cel *docActivation

	// metaOnly is set when doc holds only the report's meta (EvaluateMeta);
	// tripped, when a rule then read more of it.
	metaOnly, tripped bool

	regoState
}

func newDocContext(doc *schema.Document, opts *Options) *docContext {
	dc := &docContext{ctx: context.Background(), doc: doc, opts: opts}
	switch {
	case doc.Meta.Template != nil:
		dc.template = *doc.Meta.Template
	case doc.Meta.Year != nil:
		dc.template = schema.TemplateFor(*doc.Meta.Year)
	default:
		// No template and no year: the tables themselves are laid out in
		// one template; rules of the other one do not apply.
		if _, ok := doc.Tables.Requests["other_no_correction"]; ok {
			dc.template = schema.Template2021
		} else if _, ok := doc.Tables.Requests["other"]; ok {
			dc.template = schema.Template2019
		}
	}
	return dc
}

// cellAddr is where a cell sits; its strings are the document's own map
// keys, so indexing a document allocates nothing per cell beyond the map.
type cellAddr struct {
	kind     uint8  // addrRequests, addrReview or addrActive, plus addrPrev for last year's cells
	tab      string // the table 2 sub-table; unused for tables 3 and 4
	row, col string
}

const (
	addrRequests = iota
	addrReview
	addrActive
	addrPrev = 4
)

func (dc *docContext) indexCells() {
	doc := dc.doc
	dc.cells = cellIndexPool.Get().(map[*schema.Cell]cellAddr)
	add := func(a cellAddr, c *schema.Cell) {
		if c != nil {
			dc.cells[c] = a
		}
	}
	index := func(d *schema.Document, prev uint8) {
		for row, cols := range d.Tables.Requests {
			for col, c := range cols {
				add(cellAddr{kind: addrRequests | prev, row: row, col: col}, c)
			}
		}
		if prev == 0 {
			for g, cols := range d.Tables.ReviewLitigation {
				for col, c := range cols {
					add(cellAddr{kind: addrReview, row: g, col: col}, c)
				}
			}
		}
		for st, rows := range d.Tables.Active {
			for row, cols := range rows {
				for col, c := range cols {
					add(cellAddr{kind: addrActive | prev, tab: st, row: row, col: col}, c)
				}
			}
		}
	}
	index(doc, 0)
	// Cells of last year's report are named previous.<table>; their
	// pointers point into that document.
	if dc.prev != nil {
		index(dc.prev, addrPrev)
	}
}

// cellIndexPool keeps the maps of cell addresses between documents: a
// document with a finding indexes a few hundred cells, and a new map each
// time was a tenth of what evaluating the pack allocates.
var cellIndexPool = sync.Pool{New: func() any { return make(map[*schema.Cell]cellAddr, 512) }}

// release returns what the evaluation of the document borrowed. The
// findings hold copies of the addresses, never the index.
func (dc *docContext) release() {
	if dc.cells != nil {
		clear(dc.cells)
		cellIndexPool.Put(dc.cells)
		dc.cells = nil
	}
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// pointer builds a JSON Pointer (RFC 6901).
func pointer(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(p))
	}
	return b.String()
}

// ref returns the address of a cell, or false for a cell not in the document.
func (dc *docContext) ref(c *schema.Cell) (CellRef, bool) {
	if dc.metaOnly {
		dc.tripped = true
		return CellRef{}, false
	}
	dc.cellsOnce.Do(dc.indexCells)
	a, ok := dc.cells[c]
	if !ok {
		return CellRef{}, false
	}
	var table, ptr string
	switch a.kind &^ addrPrev {
	case addrRequests:
		table, ptr = "requests", pointer("tables", "requests", a.row, a.col)
	case addrReview:
		table, ptr = "review_litigation", pointer("tables", "review_litigation", a.row, a.col)
	default:
		table, ptr = "active."+a.tab, pointer("tables", "active", a.tab, a.row, a.col)
	}
	if a.kind&addrPrev != 0 {
		table = "previous." + table
	}
	return CellRef{Table: table, Row: a.row, Col: a.col, Value: c.Value, Raw: c.Raw,
		Status: c.Status, Confidence: c.Confidence, Candidates: c.Candidates, Source: c.Source, Pointer: ptr}, true
}

// cellRef looks a cell up by address (used for Rego findings, which name
// cells by id).
func (dc *docContext) cellRef(table, row, col string) (CellRef, bool) {
	if dc.metaOnly {
		dc.tripped = true
		return CellRef{}, false
	}
	var c *schema.Cell
	switch {
	case table == "requests":
		c = dc.doc.Tables.Requests[row][col]
	case table == "review_litigation":
		c = dc.doc.Tables.ReviewLitigation[row][col]
	case strings.HasPrefix(table, "active."):
		c = dc.doc.Tables.Active[strings.TrimPrefix(table, "active.")][row][col]
	}
	if c == nil {
		return CellRef{Table: table, Row: row, Col: col, Status: schema.StatusMissing, Pointer: pointer("tables", strings.SplitN(table, ".", 2)[0], row, col)}, false
	}
	return dc.ref(c)
}

// review turns a failure involving an uncertain cell into needs_review: a
// warning that names the candidates, not an error that may be false.
func review(f *Finding) {
	if f.Status != StatusFail {
		return
	}
	for _, c := range f.Cells {
		// A missing cell is the evidence of a missing row or table: certain.
		if c.Status == schema.StatusMissing {
			continue
		}
		if c.Status == schema.StatusAmbiguous || c.Confidence < ReviewConfidence {
			f.Status = StatusNeedsReview
			f.Severity = SeverityWarning
			f.Message.Zh += "（涉及不确定的单元格，请人工核对）"
			f.Message.En += " (involves a cell the converter was unsure of: review it)"
			return
		}
	}
}
