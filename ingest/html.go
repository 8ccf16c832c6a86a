package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/ogi-checker/ogi/schema"
)

const (
	maxColSpan = 1000
	maxRowSpan = 10000
)

var reMetaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_-]+)`)

// decodeHTML honours a BOM, then <meta charset>, then guesses.
func decodeHTML(data []byte) (string, string, []schema.Diagnostic, error) {
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return decodeText(data)
	}
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	if m := reMetaCharset.FindSubmatch(head); m != nil {
		switch strings.ToLower(string(m[1])) {
		case "gbk", "gb2312", "gb18030", "x-gbk", "cp936":
			out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
			if err != nil {
				return "", "", nil, fmt.Errorf("declared %s but cannot be decoded: %w", m[1], err)
			}
			return string(out), "gb18030", nil, nil
		case "utf-8", "utf8":
			if utf8.Valid(data) {
				return string(data), "utf-8", nil, nil
			}
		}
	}
	text, enc, diags, err := decodeText(data)
	if err == nil && enc == "gb18030" {
		diags = []schema.Diagnostic{{Code: "encoding_guessed", Severity: "warning",
			Message: "the page declares no usable charset and is not UTF-8; it was read as GB18030 (GBK)"}}
	}
	return text, enc, diags, err
}

// htmlCell is a cell being read.
type htmlCell struct {
	text             strings.Builder
	colspan, rowspan int
	line             int
}

// htmlTable is a table being read: rows are placed on a grid as they end,
// so rowspan cells can be copied into the rows they cover.
type htmlTable struct {
	index int
	row   []*htmlCell
	cell  *htmlCell
	rowNo int
	line  int // line of the current <tr>
	// spans[col] is the cell spanning down into col and how many rows more.
	spans map[int]*spanDown
}

type spanDown struct {
	text  string
	left  int
	width int
}

var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true, atom.Nav: true,
	atom.Title: true, atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Dd: true, atom.Dt: true,
	atom.Center: true, atom.Form: true, atom.Main: true, atom.Aside: true, atom.Caption: true,
}

// readHTML reads a web page: paragraphs from block elements, tables as
// grids with column and row spans expanded.
func readHTML(data []byte, lim Limits) (*Layout, error) {
	text, enc, diags, err := decodeHTML(data)
	if err != nil {
		return nil, err
	}
	r := &htmlReader{lay: &Layout{Format: FormatHTML, Layout: LayoutHTMLTable, Encoding: enc, Diagnostics: diags}, lim: lim, line: 1}
	if err := r.read(text); err != nil {
		return nil, err
	}
	return r.lay, nil
}

type htmlReader struct {
	lay    *Layout
	lim    Limits
	line   int
	para   strings.Builder
	pline  int
	tables []*htmlTable
	nTable int
	cells  int
	images int
}

func (r *htmlReader) read(text string) error {
	z := html.NewTokenizerFragment(strings.NewReader(text), "")
	depth := 0
	skip := 0
	for {
		tt := z.Next()
		raw := z.Raw()
		startLine := r.line
		r.line += bytes.Count(raw, []byte{'\n'})
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				r.flushPara()
				for len(r.tables) > 0 {
					if err := r.endTable(); err != nil {
						return err
					}
				}
				if r.images > 0 && r.nTable == 0 {
					r.lay.Diagnostics = append(r.lay.Diagnostics, schema.Diagnostic{Code: "image_table", Severity: "warning",
						Message: fmt.Sprintf("the page has %d images and no table: tables pasted as pictures cannot be read", r.images)})
				}
				return nil
			}
			return z.Err()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			r.text(string(z.Text()), startLine)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			if tt == html.StartTagToken && nests(a) {
				depth++
				if r.lim.MaxXMLDepth > 0 && depth > r.lim.MaxXMLDepth {
					return fmt.Errorf("line %d: elements nested deeper than %d", startLine, r.lim.MaxXMLDepth)
				}
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Head, atom.Template, atom.Svg, atom.Select:
				if tt == html.StartTagToken {
					skip++
				}
				continue
			case atom.Img:
				r.images++
				continue
			}
			if skip > 0 {
				continue
			}
			if err := r.start(a, attrs, startLine); err != nil {
				return err
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if nests(a) && depth > 0 {
				depth--
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Head, atom.Template, atom.Svg, atom.Select:
				if skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			if err := r.end(a); err != nil {
				return err
			}
		}
	}
}

// nests tells elements that are closed explicitly in practice; p, li, td
// and friends are often left open and would inflate a depth count.
func nests(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Li, atom.Td, atom.Th, atom.Tr, atom.Option, atom.Dd, atom.Dt, atom.Tbody, atom.Thead, atom.Tfoot, atom.Colgroup:
		return false
	}
	return !voidElement(a)
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img, atom.Hr, atom.Meta, atom.Link, atom.Input, atom.Col, atom.Area, atom.Base, atom.Wbr, atom.Source, atom.Embed, atom.Param, atom.Track:
		return true
	}
	return false
}

func (r *htmlReader) cur() *htmlTable {
	if len(r.tables) == 0 {
		return nil
	}
	return r.tables[len(r.tables)-1]
}

func (r *htmlReader) text(s string, line int) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if t := r.cur(); t != nil && t.cell != nil {
		t.cell.text.WriteString(s)
		return
	}
	if r.cur() != nil {
		// Text between cells (whitespace, stray text) is not content.
		if strings.TrimSpace(s) == "" {
			return
		}
	}
	if r.para.Len() == 0 && strings.TrimSpace(s) != "" {
		r.pline = line + strings.Count(s[:len(s)-len(strings.TrimLeft(s, " \t\r\n"))], "\n")
	}
	r.para.WriteString(s)
}

func (r *htmlReader) flushPara() {
	t := collapseSpace(r.para.String())
	r.para.Reset()
	if t != "" {
		r.lay.Lines = append(r.lay.Lines, Line{Cells: []Cell{{Text: t}}, Line: r.pline})
	}
}

func spanAttr(v string, max int) int {
	if v == "" || v == "1" {
		return 1 // most cells: no attribute (and no error value to allocate)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return 1
	}
	if n > max {
		return max
	}
	return n
}

func (r *htmlReader) start(a atom.Atom, attrs map[string]string, line int) error {
	t := r.cur()
	switch a {
	case atom.Table:
		if t == nil {
			r.flushPara()
		} else if t.cell != nil {
			// A nested table: the outer cell keeps only its own text.
			t.cell.text.WriteString(" ")
		}
		r.nTable++
		r.tables = append(r.tables, &htmlTable{index: r.nTable, spans: map[int]*spanDown{}})
		return nil
	case atom.Tr:
		if t != nil {
			if err := r.endRow(); err != nil {
				return err
			}
			t.line = line
		}
		return nil
	case atom.Td, atom.Th:
		if t == nil {
			r.text(" ", line)
			return nil
		}
		r.endCell()
		if t.line == 0 {
			t.line = line
		}
		t.cell = &htmlCell{colspan: spanAttr(attrs["colspan"], maxColSpan), rowspan: spanAttr(attrs["rowspan"], maxRowSpan), line: line}
		return nil
	}
	if blockTags[a] {
		if t != nil && t.cell != nil {
			t.cell.text.WriteString(" ")
			return nil
		}
		if t == nil {
			r.flushPara()
		}
	}
	return nil
}

func (r *htmlReader) end(a atom.Atom) error {
	t := r.cur()
	switch a {
	case atom.Table:
		if t != nil {
			return r.endTable()
		}
	case atom.Tr:
		if t != nil {
			return r.endRow()
		}
	case atom.Td, atom.Th:
		if t != nil {
			r.endCell()
		}
	default:
		if blockTags[a] {
			if t != nil && t.cell != nil {
				t.cell.text.WriteString(" ")
			} else if t == nil {
				r.flushPara()
			}
		}
	}
	return nil
}

func (r *htmlReader) endCell() {
	t := r.cur()
	if t != nil && t.cell != nil {
		t.row = append(t.row, t.cell)
		t.cell = nil
	}
}

// endRow places the row's cells on the grid, copying cells that span down
// from rows above, and emits the line.
func (r *htmlReader) endRow() error {
	t := r.cur()
	r.endCell()
	if len(t.row) == 0 {
		return nil
	}
	t.rowNo++
	cells := make([]Cell, 0, len(t.row)+len(t.spans))
	col := 0
	placeSpans := func() {
		for {
			sp, ok := t.spans[col]
			if !ok {
				return
			}
			cells = append(cells, Cell{Text: sp.text, Col: col, ColSpan: sp.width, Spanned: true})
			w := sp.width
			sp.left--
			if sp.left == 0 {
				delete(t.spans, col)
			}
			col += w
		}
	}
	for _, c := range t.row {
		placeSpans()
		text := collapseSpace(c.text.String())
		cells = append(cells, Cell{Text: text, Col: col, ColSpan: c.colspan, RowSpan: c.rowspan, Line: c.line})
		if c.rowspan > 1 {
			t.spans[col] = &spanDown{text: text, left: c.rowspan - 1, width: c.colspan}
		}
		col += c.colspan
	}
	// Spans to the right of the last cell of this row.
	var rest []int
	for k := range t.spans {
		if k >= col {
			rest = append(rest, k)
		}
	}
	sort.Ints(rest)
	for _, k := range rest {
		col = k
		placeSpans()
	}
	sort.SliceStable(cells, func(i, j int) bool { return cells[i].Col < cells[j].Col })
	r.cells += len(cells)
	if r.lim.MaxCells > 0 && r.cells > r.lim.MaxCells {
		return fmt.Errorf("line %d: more than %d table cells", t.line, r.lim.MaxCells)
	}
	r.lay.Lines = append(r.lay.Lines, Line{Cells: cells, Line: t.line, Table: t.index, Row: t.rowNo})
	t.row = t.row[:0]
	t.line = 0
	return nil
}

func (r *htmlReader) endTable() error {
	if err := r.endRow(); err != nil {
		return err
	}
	r.tables = r.tables[:len(r.tables)-1]
	return nil
}
