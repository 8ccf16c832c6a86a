package ingest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// readText reads plain text in any of the layouts reports arrive in.
func readText(data []byte, lim Limits) (*Layout, error) {
	if err := rawWithinLimits(data, lim); err != nil {
		return nil, err
	}
	text, enc, diags, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	lay, err := splitText(text, FormatText, lim)
	if err != nil {
		return nil, err
	}
	lay.Encoding = enc
	lay.Diagnostics = append(diags, lay.Diagnostics...)
	return lay, nil
}

// readAlignedText reads text laid out like pdftotext -layout output.
func readAlignedText(data []byte, lim Limits) (*Layout, error) {
	if err := rawWithinLimits(data, lim); err != nil {
		return nil, err
	}
	text, enc, diags, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	lay, err := splitText(text, FormatPDF, lim)
	if err != nil {
		return nil, err
	}
	lay.Format, lay.Encoding = FormatText, enc
	lay.Diagnostics = append(diags, lay.Diagnostics...)
	return lay, nil
}

var (
	// Page numbers printed in the margin: -3-, — 4 —, - 5 -.
	rePageFurniture = regexp.MustCompile(`^[\s]*[-—–－]+\s*\d{1,3}\s*[-—–－]+\s*$`)
	reMDSeparator   = regexp.MustCompile(`^\s*:?-{2,}:?\s*$`)
	reLayoutGap     = regexp.MustCompile(`[ \x{3000}]{2,}`)
)

type lineKind int

const (
	kindBlank lineKind = iota
	kindPara
	kindTab
	kindPipe
	kindMarkdown
	kindCell // one cell per line: a leading tab and one field
	kindGap  // pdftotext -layout: fields separated by runs of spaces
)

func classify(s string, pdf bool) lineKind {
	t := strings.TrimSpace(s)
	switch {
	case t == "" && !strings.Contains(s, "\t"):
		return kindBlank
	case strings.Contains(s, "\t"):
		if strings.HasPrefix(s, "\t") && strings.Count(s, "\t") == 1 {
			return kindCell
		}
		return kindTab
	case strings.HasPrefix(t, "|") && strings.Count(t, "|") >= 2:
		return kindMarkdown
	case strings.Count(t, "|") >= 2:
		return kindPipe
	case pdf && len(reLayoutGap.FindAllStringIndex(t, 2)) > 0:
		return kindGap
	}
	return kindPara
}

// splitText turns decoded text into lines of cells, choosing the layout per
// region: a file mixes paragraphs with table rows, and DOCX→text exports
// put one cell per line with blank lines between rows.
func splitText(text, format string, lim Limits) (*Layout, error) {
	pdf := format == FormatPDF
	// Counted before the split: 16 million short lines would take 256 MB of
	// string headers before a check after it could refuse them.
	if lim.MaxLines > 0 && strings.Count(text, "\n") >= lim.MaxLines {
		return nil, fmt.Errorf("line %d: more than %d lines", lim.MaxLines+1, lim.MaxLines)
	}
	raw := strings.Split(text, "\n")
	kinds := make([]lineKind, len(raw))
	count := map[lineKind]int{}
	for i, s := range raw {
		if err := lineWithinLimits(s, i+1, lim); err != nil {
			return nil, err
		}
		kinds[i] = classify(strings.TrimLeft(s, "\f"), pdf)
		count[kinds[i]]++
	}
	// One-cell-per-line layout: many lines holding a single tab-led field
	// and few real tab-separated rows.
	cellMode := count[kindCell] >= 8 && count[kindCell] > 3*count[kindTab]
	var ends []int
	if !cellMode {
		ends = openEnded(raw, kinds)
	}

	lay := &Layout{Format: format}
	// Text has no pages; pdftotext output counts them with form feeds.
	page := 0
	if pdf {
		page = 1
	}
	table := 0
	inTable := false
	cells := 0
	startTable := func() {
		if !inTable {
			table++
			inTable = true
		}
	}
	emit := func(l Line) error {
		cells += len(l.Cells)
		if lim.MaxCells > 0 && cells > lim.MaxCells {
			return fmt.Errorf("line %d: more than %d table cells", l.Line, lim.MaxCells)
		}
		lay.Lines = append(lay.Lines, l)
		return nil
	}
	rowOf := func() int {
		n := 0
		for i := len(lay.Lines) - 1; i >= 0 && lay.Lines[i].Table == table; i-- {
			n++
		}
		return n + 1
	}
	for i := 0; i < len(raw); i++ {
		s := raw[i]
		for strings.HasPrefix(s, "\f") {
			if pdf {
				page++
			}
			s = s[1:]
		}
		lineNo := i + 1
		k := kinds[i]
		if s != raw[i] {
			k = classify(s, pdf) // form feeds stripped
		}
		if pageFurniture(s) {
			continue
		}
		switch {
		case k == kindBlank:
			if !pdf && !cellMode {
				inTable = false
			}
			continue
		case cellMode && (k == kindCell || k == kindTab && strings.HasPrefix(s, "\t")):
			// Gather the group: cells until a blank line; a line without a
			// leading tab continues the cell above (本年新 / 制作数量).
			startTable()
			var cl []Cell
			j := i
			for ; j < len(raw); j++ {
				t := raw[j]
				if j == i {
					t = s // the first line, its form feeds already counted
				}
				kj := classify(t, false)
				if kj == kindBlank {
					break
				}
				if strings.HasPrefix(t, "\t") {
					cl = append(cl, Cell{Text: strings.TrimSpace(t), Col: len(cl), Line: j + 1})
					continue
				}
				if len(cl) > 0 {
					last := &cl[len(cl)-1]
					last.Text = joinWrapped(last.Text, strings.TrimSpace(t))
					continue
				}
				break
			}
			if j == i {
				j = i + 1 // always make progress
			}
			// Every cell has its own line: an empty last one is a cell.
			if err := emit(Line{Cells: cl, Line: lineNo, Page: page, Table: table, Row: rowOf(), BlankLast: true}); err != nil {
				return nil, err
			}
			i = j - 1
			continue
		case k == kindTab || k == kindCell || k == kindMarkdown || k == kindPipe || k == kindGap:
			var cl []Cell
			var name string
			end := 0
			if ends != nil {
				end = ends[i]
			}
			if end == endTerminator && k != kindMarkdown {
				t := strings.TrimRight(s, " \r")
				s = t[:len(t)-1]
			}
			switch k {
			case kindTab, kindCell:
				cl, name = fieldCells(strings.Split(s, "\t")), LayoutTab
			case kindMarkdown:
				t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "|"), "|")
				fields := strings.Split(t, "|")
				if separatorRow(fields) {
					continue
				}
				cl, name = fieldCells(fields), LayoutMarkdown
			case kindPipe:
				cl, name = fieldCells(strings.Split(s, "|")), LayoutPipe
			default:
				cl, name = gapCells(s), LayoutPDFText
			}
			startTable()
			// Markdown strips its closing pipe, so an empty last field is a
			// cell; tab and | rows say so by their block (openEnded).
			blankLast := k == kindMarkdown || end != 0
			if err := emit(Line{Cells: cl, Line: lineNo, Page: page, Table: table, Row: rowOf(), BlankLast: blankLast}); err != nil {
				return nil, err
			}
			lay.countLayout(name)
			continue
		}
		// A paragraph. In PDF text, label fragments between aligned rows are
		// part of the table; elsewhere a paragraph ends the table.
		if !pdf {
			inTable = false
		}
		if err := emit(Line{Cells: []Cell{{Text: strings.TrimSpace(s)}}, Line: lineNo, Page: page}); err != nil {
			return nil, err
		}
	}
	if cellMode {
		lay.Layout = LayoutCellPerLine
	} else {
		lay.Layout = lay.dominant()
	}
	lay.Pages = page
	if !pdf {
		lay.Pages = 0
	}
	return lay, nil
}

// Row ends of a block of delimited rows, as openEnded sees them.
const (
	endSeparator  = 1 // the final delimiter separates a blank last cell
	endTerminator = 2 // every row ends with the delimiter: it ends rows
)

// openEnded classifies how the delimited rows of each block end. Some
// exports end every row of a table with a tab or a |; others end a row that
// way only when its last cell is blank (a 总计 left empty). A block of
// consecutive rows tells them apart: where every | row ends with a | it is
// a terminator (dropped by the reader, so that an empty field left before
// it is a blank last cell); where most rows end without the delimiter, the
// few that end with it have a blank last cell. Other blocks are left
// unmarked, and fit takes an extra empty field for a separator.
func openEnded(raw []string, kinds []lineKind) []int {
	ends := make([]int, len(raw))
	delim := func(k lineKind) string {
		switch k {
		case kindTab, kindCell:
			return "\t"
		case kindPipe, kindMarkdown:
			// | rows whose first cell is empty read as markdown rows; they
			// belong to the same block.
			return "|"
		}
		return ""
	}
	endsWith := func(s, d string) bool { return strings.HasSuffix(strings.TrimRight(s, " \r"), d) }
	for i := 0; i < len(raw); {
		d := delim(kinds[i])
		if d == "" {
			i++
			continue
		}
		j, n := i, 0
		for ; j < len(raw) && delim(kinds[j]) == d; j++ {
			if endsWith(raw[j], d) {
				n++
			}
		}
		for k := i; k < j; k++ {
			switch {
			case n == j-i && d == "|":
				// Tab rows are not trusted this far: exports that end
				// some rows with a tab end others with a blank cell.
				ends[k] = endTerminator
			case 2*n < j-i && endsWith(raw[k], d):
				ends[k] = endSeparator
			}
		}
		i = j
	}
	return ends
}

// fieldCells makes cells of delimited fields, keeping empty ones: their
// positions tell the mapper which column a value is in.
func fieldCells(fields []string) []Cell {
	cl := make([]Cell, len(fields))
	for c, f := range fields {
		cl[c] = Cell{Text: strings.TrimSpace(f), Col: c}
	}
	return cl
}

// separatorRow tells a markdown |---|---| row.
func separatorRow(fields []string) bool {
	for _, f := range fields {
		// The pattern starts, after space, with ':' or '-': other fields
		// (every cell of a data row) are told without it.
		t := strings.TrimLeft(f, reSpace)
		if t == "" || t[0] != ':' && t[0] != '-' || !reMDSeparator.MatchString(f) {
			return false
		}
	}
	return true
}

// pageFurniture is rePageFurniture.MatchString(s), the pattern run only on
// a line that starts, after space, with one of its dashes.
func pageFurniture(s string) bool {
	t := strings.TrimLeft(s, reSpace)
	for _, d := range []string{"-", "—", "–", "－"} {
		if strings.HasPrefix(t, d) {
			return rePageFurniture.MatchString(s)
		}
	}
	return false
}

// joinWrapped joins a cell's text broken over lines: no space between CJK
// characters, one space otherwise.
func joinWrapped(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	if unicode.Is(unicode.Han, ra) || unicode.Is(unicode.Han, rb) || unicode.IsPunct(ra) || unicode.IsPunct(rb) {
		return a + b
	}
	return a + " " + b
}

// gapCells splits a pdftotext -layout line on runs of two or more spaces.
// Col is the rune column where the cell starts: aligned text is positional.
func gapCells(s string) []Cell {
	var out []Cell
	runes := []rune(s)
	i := 0
	for i < len(runes) {
		for i < len(runes) && (runes[i] == ' ' || runes[i] == '\u3000') {
			i++
		}
		if i >= len(runes) {
			break
		}
		start := i
		for i < len(runes) {
			if (runes[i] == ' ' || runes[i] == '\u3000') && i+1 < len(runes) && (runes[i+1] == ' ' || runes[i+1] == '\u3000') {
				break
			}
			if runes[i] == '\u3000' && i+1 == len(runes) {
				break
			}
			i++
		}
		out = append(out, Cell{Text: strings.TrimSpace(string(runes[start:i])), Col: start})
	}
	return out
}

// countLayout records which table layout a row used.
func (l *Layout) countLayout(name string) {
	if l.layoutCounts == nil {
		l.layoutCounts = map[string]int{}
	}
	l.layoutCounts[name]++
}

func (l *Layout) dominant() string {
	best, n := LayoutPlain, 0
	for _, name := range []string{LayoutTab, LayoutPipe, LayoutMarkdown, LayoutPDFText} {
		if l.layoutCounts[name] > n {
			best, n = name, l.layoutCounts[name]
		}
	}
	return best
}

// lineWithinLimits refuses a line before it is split into fields: 32 MB of
// tabs or pipes on one line would otherwise become millions of cells.
func lineWithinLimits(s string, lineNo int, lim Limits) error {
	if limit := lim.MaxTextBytes; limit > 0 && len(s) > limit {
		return fmt.Errorf("line %d: longer than %d bytes", lineNo, limit)
	}
	if limit := lim.MaxRowCells; limit > 0 && len(s) >= limit {
		if n := max(strings.Count(s, "\t"), strings.Count(s, "|")); n >= limit {
			return fmt.Errorf("line %d: more than %d cells in one row", lineNo, limit)
		}
	}
	return nil
}

// rawWithinLimits applies the line limits to the bytes before they are
// decoded: decoding and normalising copy the text several times, which for
// 30 MB on one line costs 100 MB before the decoded lines could be judged.
// A line of more than MaxTextBytes raw bytes decodes to more than that in
// UTF-8 from every encoding read here but UTF-16.
func rawWithinLimits(data []byte, lim Limits) error {
	if lim.MaxLines > 0 && bytes.Count(data, []byte{'\n'}) >= lim.MaxLines {
		return fmt.Errorf("line %d: more than %d lines", lim.MaxLines+1, lim.MaxLines)
	}
	if limit := lim.MaxTextBytes; limit > 0 && len(data) > limit {
		line := 1
		for rest := data; len(rest) > 0; line++ {
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				i = len(rest)
			}
			if i > limit {
				return fmt.Errorf("line %d: longer than %d bytes", line, limit)
			}
			rest = rest[min(i+1, len(rest)):]
		}
	}
	return nil
}
