package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// readDOCX reads word/document.xml with archive/zip and encoding/xml:
// paragraphs in body order, tables as grids (w:gridSpan → column span,
// w:vMerge → the merged cell copied into the rows it covers). A DOCX has no
// text lines; Line.Line is the 1-based position of the paragraph or table
// row among the body's blocks, which is what a finding can point at.
func readDOCX(data []byte, lim Limits) (*Layout, error) {
	return readDOCXWith(data, lim, true)
}

// readDOCXWith is readDOCX; fast false reads document.xml with the decoder
// whatever it holds, as the tests' reference for the byte scanner.
func readDOCXWith(data []byte, lim Limits, fast bool) (*Layout, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a DOCX (zip) file: %w", err)
	}
	if lim.MaxZipEntries > 0 && len(zr.File) > lim.MaxZipEntries {
		return nil, fmt.Errorf("the DOCX has %d zip entries, more than the limit of %d", len(zr.File), lim.MaxZipEntries)
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return nil, errors.New("not a DOCX: word/document.xml missing")
	}
	if fast {
		if lay, ok, err := readDOCXFast(doc, lim); ok {
			return lay, err
		}
	}
	rc, err := doc.Open()
	if err != nil {
		return nil, fmt.Errorf("word/document.xml: %w", err)
	}
	defer func() { _ = rc.Close() }()
	// The entry is decoded as it is inflated, never held whole: a 32 MiB
	// document.xml once cost three times that in buffer growth before the
	// first token was read. The zip header's size is not trusted; the
	// guard counts the bytes that actually come out.
	g := &docxGuard{r: rc, max: lim.MaxDOCXUncompressed, maxRun: lim.MaxTextBytes}
	if g.max <= 0 {
		g.max = 1 << 62
	}
	r := &docxReader{lay: &Layout{Format: FormatDOCX, Layout: LayoutDOCXTable, Encoding: "utf-8"}, lim: lim}
	if err := r.read(g); err != nil {
		if g.err != nil {
			return nil, g.err
		}
		return nil, err
	}
	return r.lay, nil
}

// docxGuard passes document.xml through while counting it: it fails the
// read once the entry expands beyond max bytes (a zip bomb) or once a
// stretch without '<' grows longer than maxRun. The XML decoder buffers a
// whole token (a text run or a tag) before the reader sees it, so a 60 MB
// run of text would cost several times that; the guard stops it after
// maxRun bytes plus one read.
type docxGuard struct {
	r      io.Reader
	max    int64
	n      int64
	maxRun int
	run    int
	err    error
}

func (g *docxGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.n > g.max {
		g.err = fmt.Errorf("word/document.xml expands beyond %d bytes (zip bomb?)", g.max)
		return 0, g.err
	}
	if g.maxRun > 0 {
		b := p[:n]
		for len(b) > 0 {
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				g.run += len(b)
				break
			}
			g.run += i
			if g.run > g.maxRun {
				break
			}
			g.run, b = 0, b[i+1:]
		}
		if g.run > g.maxRun {
			g.err = fmt.Errorf("word/document.xml: text without markup longer than the %d bytes a cell or paragraph may hold", g.maxRun)
			return 0, g.err
		}
	}
	return n, err
}

// docxCell is a finished cell of the row being read.
type docxCell struct {
	text   string
	span   int
	vmerge string // "", "restart" or "continue"
}

// docxOpenCell is the cell being read: its text is gathered in a buffer
// kept for the table's next cell, and becomes a string when the cell ends.
type docxOpenCell struct {
	text   []byte
	span   int
	vmerge string
}

type docxTable struct {
	index int
	rowNo int
	// row holds the row's finished cells; its array is reused by the
	// table's next row.
	row    []docxCell
	cell   docxOpenCell
	open   bool // a w:tc is being read: cell is in use
	before int  // w:gridBefore of the current row
	// origin[col] is the text of the vMerge restart cell above col.
	origin map[int]string
	line   int
}

type docxReader struct {
	lay    *Layout
	lim    Limits
	block  int
	para   []byte // the paragraph's text so far; reused by the next
	inPara bool
	// depth is the element nesting; skip > 0 inside an element whose
	// text is not the document's (deleted text, field codes), counting
	// its nesting; inText inside a w:t.
	depth  int
	skip   int
	inText bool
	tables []*docxTable
	nTable int
	cells  int
	// err is the first limit exceeded while reading; the token loop stops
	// on it, so a limit is enforced before the memory is spent, not after.
	err error
}

// docxBufs are the read buffers between the inflated document.xml and
// the XML decoder, one per conversion running at a time.
var docxBufs = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

func (r *docxReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *docxReader) cur() *docxTable {
	if len(r.tables) == 0 {
		return nil
	}
	return r.tables[len(r.tables)-1]
}

func (r *docxReader) read(body io.Reader) error {
	br := docxBufs.Get().(*bufio.Reader)
	br.Reset(body)
	defer func() {
		br.Reset(nil)
		docxBufs.Put(br)
	}()
	d := xml.NewDecoder(br)
	d.Strict = false
	for {
		if r.err != nil {
			return r.err
		}
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("word/document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			val := ""
			if docxWantsVal(t.Name.Local) {
				val = attr(t, "val")
			}
			if err := r.start(t.Name.Local, val); err != nil {
				return err
			}
		case xml.EndElement:
			if err := r.end(t.Name.Local); err != nil {
				return err
			}
		case xml.CharData:
			r.text(t)
		}
	}
}

// docxWantsVal names the elements whose w:val the reader reads.
func docxWantsVal(local string) bool {
	return local == "gridSpan" || local == "gridBefore" || local == "vMerge"
}

// start takes a start tag: its local name and, for the elements
// docxWantsVal names, the value of its first attribute named val.
func (r *docxReader) start(local, val string) error {
	r.depth++
	if r.lim.MaxXMLDepth > 0 && r.depth > r.lim.MaxXMLDepth {
		return fmt.Errorf("word/document.xml: elements nested deeper than %d", r.lim.MaxXMLDepth)
	}
	if r.skip > 0 {
		r.skip++
		return nil
	}
	switch local {
	case "delText", "instrText", "bookmarkStart", "bookmarkEnd", "fldChar":
		r.skip = 1
	case "t":
		r.inText = true
	case "tab", "br", "cr":
		r.write(" ")
	case "p":
		r.inPara = true
	case "tbl":
		r.flushPara()
		r.nTable++
		r.tables = append(r.tables, &docxTable{index: r.nTable, origin: map[int]string{}})
	case "tr":
		if tb := r.cur(); tb != nil {
			r.block++
			tb.row, tb.before, tb.line = tb.row[:0], 0, r.block
		}
	case "tc":
		if tb := r.cur(); tb != nil {
			tb.cell = docxOpenCell{text: tb.cell.text[:0], span: 1}
			tb.open = true
		}
	case "gridSpan":
		if tb := r.cur(); tb != nil && tb.open {
			if n, err := strconv.Atoi(val); err == nil && n > 1 {
				if n > maxColSpan {
					n = maxColSpan
				}
				tb.cell.span = n
			}
		}
	case "gridBefore":
		if tb := r.cur(); tb != nil && !tb.open {
			if n, err := strconv.Atoi(val); err == nil && n > 0 && n < maxColSpan {
				tb.before = n
			}
		}
	case "vMerge":
		if tb := r.cur(); tb != nil && tb.open {
			tb.cell.vmerge = val
			if tb.cell.vmerge == "" {
				tb.cell.vmerge = "continue"
			}
		}
	}
	return nil
}

// end takes an end tag (or the end of an empty element).
func (r *docxReader) end(local string) error {
	r.depth--
	if r.skip > 0 {
		r.skip--
		return nil
	}
	switch local {
	case "t":
		r.inText = false
	case "p":
		if tb := r.cur(); tb != nil && tb.open {
			r.write(" ")
		} else {
			r.flushPara()
		}
		r.inPara = false
	case "tc":
		if tb := r.cur(); tb != nil && tb.open {
			r.checkRow(tb)
			c := &tb.cell
			tb.row = append(tb.row, docxCell{text: string(c.text), span: c.span, vmerge: c.vmerge})
			tb.open = false
		}
	case "tr":
		if err := r.endRow(); err != nil {
			return err
		}
	case "tbl":
		if len(r.tables) > 0 {
			r.tables = r.tables[:len(r.tables)-1]
		}
	}
	return nil
}

// text takes character data, as the decoder hands it over (entities
// replaced, line ends made \n).
func (r *docxReader) text(t []byte) {
	if r.inText && r.skip == 0 {
		r.writeBytes(t)
	}
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func (r *docxReader) write(s string) {
	r.writeBytes([]byte(s))
}

func (r *docxReader) writeBytes(s []byte) {
	max := r.lim.MaxTextBytes
	if tb := r.cur(); tb != nil && tb.open {
		if max > 0 && len(tb.cell.text)+len(s) > max {
			r.fail(fmt.Errorf("table %d row %d: a cell longer than %d bytes", tb.index, tb.rowNo+1, max))
			return
		}
		tb.cell.text = append(tb.cell.text, s...)
		return
	}
	if max > 0 && len(r.para)+len(s) > max {
		r.fail(fmt.Errorf("paragraph %d: longer than %d bytes", r.block+1, max))
		return
	}
	r.para = append(r.para, s...)
}

// checkRow counts a finished cell against the row and document limits
// while the row is still being read: one row of millions of empty cells
// must stop at the limit, not after the row was built.
func (r *docxReader) checkRow(tb *docxTable) {
	if max := r.lim.MaxRowCells; max > 0 && len(tb.row) >= max {
		r.fail(fmt.Errorf("table %d row %d: more than %d cells in one row", tb.index, tb.rowNo+1, max))
	}
	if max := r.lim.MaxCells; max > 0 && r.cells+len(tb.row) >= max {
		r.fail(fmt.Errorf("table %d row %d: more than %d table cells", tb.index, tb.rowNo+1, max))
	}
}

// checkLines stops a document of millions of short paragraphs at the line
// limit.
func (r *docxReader) checkLines() {
	if max := r.lim.MaxLines; max > 0 && len(r.lay.Lines) >= max {
		r.fail(fmt.Errorf("paragraph %d: more than %d lines", r.block, max))
	}
}

func (r *docxReader) flushPara() {
	t := collapseSpace(string(r.para))
	r.para = r.para[:0]
	if t == "" {
		return
	}
	r.block++
	r.checkLines()
	r.lay.Lines = append(r.lay.Lines, Line{Cells: []Cell{{Text: t}}, Line: r.block})
}

func (r *docxReader) endRow() error {
	tb := r.cur()
	if tb == nil {
		return nil
	}
	tb.rowNo++
	col := tb.before
	cells := make([]Cell, 0, len(tb.row))
	for _, c := range tb.row {
		text := collapseSpace(c.text)
		cell := Cell{Text: text, Col: col, ColSpan: c.span}
		switch c.vmerge {
		case "restart":
			tb.origin[col] = text
		case "continue":
			cell.Text, cell.Spanned = tb.origin[col], true
		default:
			delete(tb.origin, col)
		}
		cells = append(cells, cell)
		col += c.span
	}
	r.cells += len(cells)
	if r.lim.MaxCells > 0 && r.cells > r.lim.MaxCells {
		return fmt.Errorf("table %d row %d: more than %d table cells", tb.index, tb.rowNo, r.lim.MaxCells)
	}
	r.checkLines()
	r.lay.Lines = append(r.lay.Lines, Line{Cells: cells, Line: tb.line, Table: tb.index, Row: tb.rowNo})
	tb.row = tb.row[:0]
	return nil
}
