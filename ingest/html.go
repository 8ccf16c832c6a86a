package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
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

// decodeHTML honours a BOM, then <meta charset>, then guesses. A page in
// UTF-8 is returned as it came, not copied: a 30 MB page must not cost 60
// before its first token.
func decodeHTML(data []byte) ([]byte, string, []schema.Diagnostic, error) {
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		text, enc, diags, err := decodeText(data)
		return []byte(text), enc, diags, err
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
				return nil, "", nil, fmt.Errorf("declared %s but cannot be decoded: %w", m[1], err)
			}
			return out, "gb18030", nil, nil
		case "utf-8", "utf8":
			if utf8.Valid(data) {
				return data, "utf-8", nil, nil
			}
		}
	}
	if bytes.IndexByte(data, '\r') < 0 && utf8.Valid(data) {
		return data, "utf-8", nil, nil // what decodeText would return, uncopied
	}
	text, enc, diags, err := decodeText(data)
	if err == nil && enc == "gb18030" {
		diags = []schema.Diagnostic{{Code: "encoding_guessed", Severity: "warning",
			Message: "the page declares no usable charset and is not UTF-8; it was read as GB18030 (GBK)"}}
	}
	return []byte(text), enc, diags, err
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
	r.finish()
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

	// Page chrome: the open elements, which of them are navigation or
	// furniture (chrome) and which are content containers, and per emitted
	// line where it stood. finish decides from these what is the report.
	stack    []htmlFrame
	nFrame   int
	info     []lineInfo
	inTitle  bool
	title    strings.Builder
	heading  bool // inside h1–h3
	metaTags map[string]string
	// err is the first limit exceeded while reading; the token loop stops
	// on it, so a limit is enforced before the memory is spent, not after.
	err error
}

func (r *htmlReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// htmlFrame is an open element that matters for finding the report body.
type htmlFrame struct {
	a       atom.Atom
	id      int
	chrome  bool
	content bool
}

// lineInfo says where an emitted line stood on the page.
type lineInfo struct {
	chrome  int   // id of the outermost chrome element around it, 0 if none
	content []int // ids of the content containers around it, outermost first
	heading bool  // the text of an h1–h3 element
}

func (r *htmlReader) read(text []byte) error {
	z := html.NewTokenizerFragment(bytes.NewReader(text), "")
	// The tokenizer buffers a whole token before it returns it, growing its
	// buffer by doubling: 30 MB of text in one cell cost 150 MB before the
	// cell's limit could see it. A text token may be a little longer than
	// a cell (markup entities shrink); a tag may carry an inline image, so
	// the bound is generous.
	if max := r.lim.MaxTextBytes; max > 0 {
		z.SetMaxBuf(16 * max)
	}
	depth := 0
	skip := 0
	for {
		if r.err != nil {
			return r.err
		}
		tt := z.Next()
		raw := z.Raw()
		startLine := r.line
		r.line += bytes.Count(raw, []byte{'\n'})
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), html.ErrBufferExceeded) {
				return fmt.Errorf("line %d: a piece of text or a tag longer than %d bytes", startLine, 16*r.lim.MaxTextBytes)
			}
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
			if r.inTitle && r.title.Len() < 1000 {
				r.title.Write(z.Text())
			}
			if skip > 0 {
				continue
			}
			r.text(z.Text(), startLine)
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
			case atom.Meta:
				r.meta(attrs)
				continue
			case atom.Title:
				if tt == html.StartTagToken && r.title.Len() == 0 {
					r.inTitle = true
				}
			}
			if skip > 0 {
				continue
			}
			if tt == html.StartTagToken && nests(a) {
				r.push(a, attrs)
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
			case atom.Title:
				r.inTitle = false
			}
			if skip > 0 {
				continue
			}
			if err := r.end(a); err != nil {
				return err
			}
			if nests(a) {
				r.pop(a)
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

// text takes the bytes of a text token, which the tokenizer reuses; it
// checks the length before it copies them.
func (r *htmlReader) text(b []byte, line int) {
	max := r.lim.MaxTextBytes
	n := len(b) - bytes.Count(b, []byte("\u00a0")) // its length once each no-break space is one
	t := r.cur()
	if t != nil && t.cell != nil {
		if max > 0 && t.cell.text.Len()+n > max {
			r.fail(fmt.Errorf("line %d: a table cell longer than %d bytes", t.cell.line, max))
			return
		}
		t.cell.text.WriteString(strings.ReplaceAll(string(b), "\u00a0", " "))
		return
	}
	// Text between cells (whitespace, stray text) is not content;
	// bytes.TrimSpace counts a no-break space as the space it becomes.
	if t != nil && len(bytes.TrimSpace(b)) == 0 {
		return
	}
	if max > 0 && r.para.Len()+n > max {
		r.fail(fmt.Errorf("line %d: a paragraph longer than %d bytes", r.pline, max))
		return
	}
	s := strings.ReplaceAll(string(b), "\u00a0", " ")
	if r.para.Len() == 0 && strings.TrimSpace(s) != "" {
		r.pline = line + strings.Count(s[:len(s)-len(strings.TrimLeft(s, " \t\r\n"))], "\n")
	}
	r.para.WriteString(s)
}

func (r *htmlReader) flushPara() {
	t := collapseSpace(r.para.String())
	r.para.Reset()
	if t != "" {
		r.emit(Line{Cells: []Cell{{Text: t}}, Line: r.pline})
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
			r.text([]byte{' '}, line)
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
			if a == atom.H1 || a == atom.H2 || a == atom.H3 {
				r.heading = true
			}
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
				r.heading = false
			}
		}
	}
	return nil
}

func (r *htmlReader) endCell() {
	t := r.cur()
	if t != nil && t.cell != nil {
		// Counted while the row is read: a row of millions of open <td>
		// must stop at the limit, not after the row was built.
		if max := r.lim.MaxRowCells; max > 0 && len(t.row) >= max {
			r.fail(fmt.Errorf("line %d: more than %d cells in one table row", t.cell.line, max))
		}
		if max := r.lim.MaxCells; max > 0 && r.cells+len(t.row) >= max {
			r.fail(fmt.Errorf("line %d: more than %d table cells", t.cell.line, max))
		}
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
	// Rows without spans from above are in column order already; a stable
	// sort would leave them as they are.
	if !colsSorted(cells) {
		sort.SliceStable(cells, func(i, j int) bool { return cells[i].Col < cells[j].Col })
	}
	r.cells += len(cells)
	if r.lim.MaxCells > 0 && r.cells > r.lim.MaxCells {
		return fmt.Errorf("line %d: more than %d table cells", t.line, r.lim.MaxCells)
	}
	r.emit(Line{Cells: cells, Line: t.line, Table: t.index, Row: t.rowNo})
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

// maxFrames bounds the open-element stack kept for chrome detection; pages
// nested deeper than this are read without it (the depth limit still holds).
const maxFrames = 512

// Class and id words of page furniture on government sites: navigation,
// breadcrumbs (position, location, dqwz = 当前位置, crumb, bread), sidebars,
// share and print bars, footers, copyright lines.
var (
	chromeWords  = []string{"nav", "menu", "crumb", "bread", "dqwz", "weizhi", "position", "location", "footer", "foot", "sidebar", "side-bar", "share", "copyright", "banquan", "toolbar", "xgwz", "xglj", "related", "friendlink", "yqlj"}
	headerTokens = map[string]bool{"header": true, "head": true, "top": true, "topbar": true, "site-header": true, "page-header": true, "site-head": true}
	contentWords = []string{"trs_editor", "zoom", "article", "content", "zwnr", "zw_con", "detail", "main-txt", "maintext", "con_text", "textcon", "xxgk_con", "view"}
)

// attrWords are the lower-cased class tokens and the id of an element.
func attrWords(attrs map[string]string) []string {
	w := strings.Fields(strings.ToLower(attrs["class"]))
	if id := strings.TrimSpace(strings.ToLower(attrs["id"])); id != "" {
		w = append(w, id)
	}
	return w
}

func (r *htmlReader) inContent() bool {
	for _, f := range r.stack {
		if f.content {
			return true
		}
	}
	return false
}

// push records an opened element, classifying it as chrome or content.
func (r *htmlReader) push(a atom.Atom, attrs map[string]string) {
	if len(r.stack) >= maxFrames {
		return
	}
	r.nFrame++
	f := htmlFrame{a: a, id: r.nFrame}
	words := attrWords(attrs)
	switch a {
	case atom.Nav, atom.Aside, atom.Footer:
		f.chrome = true
	case atom.Header:
		// An article's own header holds its title and date.
		f.chrome = !r.inContent()
	case atom.Article, atom.Main:
		f.content = true
	}
	for _, w := range words {
		for _, c := range chromeWords {
			if strings.Contains(w, c) && !strings.Contains(w, "footnote") {
				f.chrome = true
			}
		}
		if headerTokens[w] && !r.inContent() {
			f.chrome = true
		}
	}
	if !f.chrome {
		for _, w := range words {
			for _, c := range contentWords {
				if strings.Contains(w, c) {
					f.content = true
				}
			}
		}
	}
	r.stack = append(r.stack, f)
}

// pop closes the innermost open element a and anything left open inside
// it; a stray end tag closes nothing.
func (r *htmlReader) pop(a atom.Atom) {
	for i := len(r.stack) - 1; i >= 0; i-- {
		if r.stack[i].a == a {
			r.stack = r.stack[:i]
			return
		}
	}
}

// emit appends a line with where it stood on the page.
func (r *htmlReader) emit(l Line) {
	var li lineInfo
	for _, f := range r.stack {
		if f.chrome && li.chrome == 0 {
			li.chrome = f.id
		}
		if f.content && len(li.content) < 32 {
			li.content = append(li.content, f.id)
		}
	}
	li.heading = r.heading && l.Table == 0
	if max := r.lim.MaxLines; max > 0 && len(r.lay.Lines) >= max {
		r.fail(fmt.Errorf("line %d: more than %d lines", l.Line, max))
		return
	}
	r.lay.Lines = append(r.lay.Lines, l)
	r.info = append(r.info, li)
}

// meta keeps the meta tags that describe the article (ArticleTitle,
// PubDate, ContentSource, SiteName, ColumnName and their common variants).
func (r *htmlReader) meta(attrs map[string]string) {
	name := strings.ToLower(strings.TrimSpace(attrs["name"]))
	if name == "" {
		name = strings.ToLower(strings.TrimSpace(attrs["property"]))
	}
	content := collapseSpace(attrs["content"])
	if name == "" || content == "" || len(content) > 1000 {
		return
	}
	if r.metaTags == nil {
		r.metaTags = map[string]string{}
	}
	if _, ok := r.metaTags[name]; !ok && len(r.metaTags) < 100 {
		r.metaTags[name] = content
	}
}

// firstMeta returns the first of the named meta tags the page has.
func (r *htmlReader) firstMeta(names ...string) string {
	for _, n := range names {
		if v := r.metaTags[n]; v != "" {
			return v
		}
	}
	return ""
}

func colsSorted(cells []Cell) bool {
	for i := 1; i < len(cells); i++ {
		if cells[i].Col < cells[i-1].Col {
			return false
		}
	}
	return true
}

// essential tells lines that are certainly report text: section headings
// and table rows. Chrome never holds them; a container that holds them all
// is the report body.
func essential(l Line) bool {
	if l.Table > 0 {
		return true
	}
	c := compactLine(l)
	if len([]rune(c)) > 80 {
		return false
	}
	for _, re := range sectionPatterns {
		if loc := re.FindStringIndex(c); loc != nil && loc[0] == 0 {
			return true
		}
	}
	return false
}

// finish removes the page chrome from the lines and fills Layout.Page.
// Text inside navigation, breadcrumb, sidebar and footer elements goes,
// unless the element holds report text (a section heading, a table row, a
// long paragraph: some sites wrap the whole page in a class such as
// "foot-wrap"). When one content container holds every section heading and
// table row, what follows it (related links, footers without a telling
// class) goes too; what precedes it stays, as the title and an intro may
// stand outside the container. Breadcrumb and print/share/font-size lines
// go wherever they are, and the page-info line (发布时间：… 来源：…) above
// the first section.
func (r *htmlReader) finish() {
	lines, info := r.lay.Lines, r.info
	keepChrome := map[int]bool{}
	firstEssential, lastEssential := -1, -1
	ess := make([]bool, len(lines))
	for i, l := range lines {
		ess[i] = essential(l)
		if !ess[i] && utf8.RuneCountInString(l.Text()) < 300 {
			continue
		}
		if info[i].chrome != 0 {
			keepChrome[info[i].chrome] = true
		}
		if ess[i] {
			if firstEssential < 0 {
				firstEssential = i
			}
			lastEssential = i
		}
	}
	isChrome := func(i int) bool { return info[i].chrome != 0 && !keepChrome[info[i].chrome] }

	// The page's own date, source and headings, read before anything goes:
	// the date line often sits in a share or tool bar.
	p := &r.lay.Page
	p.HeadTitle = stripSiteName(collapseSpace(r.title.String()))
	p.MetaTitle = r.firstMeta("articletitle", "article_title", "og:title", "title")
	if d, ok := parseDate(r.firstMeta("pubdate", "publishdate", "firstpublishedtime", "publish_time", "publishtime", "article:published_time", "dc.date")); ok {
		p.Published = d
	}
	p.Source = r.firstMeta("contentsource", "source", "author")
	p.Site = r.firstMeta("sitename", "site_name", "og:site_name")
	p.Column = r.firstMeta("columnname", "column_name")
	limit := len(lines)
	if firstEssential >= 0 {
		limit = firstEssential
	}
	if limit > 60 {
		limit = 60 // a page's head, not its sidebars
	}
	if p.Published == "" {
		texts := make([]string, 0, limit)
		for i := 0; i < limit; i++ {
			texts = append(texts, lines[i].Text())
		}
		if k, d := pageDateIn(texts, -1); k >= 0 {
			p.Published, p.PublishedLine = d, lines[k].Line
		}
	}
	for i := 0; i < limit; i++ {
		t := lines[i].Text()
		if p.Source == "" {
			p.Source = pageSource(t)
		}
		if info[i].heading && !isChrome(i) && len(p.Headings) < 8 && !breadcrumbLine(t) {
			p.Headings = append(p.Headings, t)
		}
	}

	body := -1 // the content container that holds the report
	if firstEssential >= 0 {
		for k := len(info[firstEssential].content) - 1; k >= 0 && body < 0; k-- {
			id := info[firstEssential].content[k]
			holds := true
			for i := firstEssential; i <= lastEssential && holds; i++ {
				if ess[i] && !slices.Contains(info[i].content, id) {
					holds = false
				}
			}
			if holds {
				body = id
			}
		}
	}
	out := lines[:0]
	seenBody := false
	for i, l := range lines {
		inBody := body > 0 && slices.Contains(info[i].content, body)
		seenBody = seenBody || inBody
		switch {
		case isChrome(i):
			continue
		case body > 0 && !inBody && seenBody:
			continue // after the report body
		case l.Table == 0 && (breadcrumbLine(l.Text()) || toolLine(l.Text())):
			continue
		case l.Table == 0 && (firstEssential < 0 || i < firstEssential) && pageInfoLine(l.Text()):
			continue // 发布时间：… 来源：… — kept in Layout.Page
		}
		out = append(out, l)
	}
	r.lay.Lines = out
	r.info = nil
}
