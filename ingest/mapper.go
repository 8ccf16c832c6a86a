package ingest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/schema"
)

// mapper holds the state of one Layout → Document conversion.
type mapper struct {
	lines       []Line
	runTogether bool
	format      string
	tpl         *schema.Template
	doc         *schema.Document
	consumed    []bool   // lines that belong to a table, left out of section text
	ctext       []string // compact text of every line, computed once
	splits      []*rowSplit
	// cuts are the possible readings of rows whose digits ran together.
	cuts  map[string][][]float64
	heads []heading
	diags []schema.Diagnostic
	// canon holds the label synonyms of the document's template.
	canon    *canon
	variants map[variantKey]bool
	// page is what a web page says about itself (Layout.Page).
	page PageHints
}

type heading struct {
	def   schema.SectionDef
	line  int // index into mapper.lines
	text  string
	after string // text on the heading's line after the heading itself
	// inferred: the numbered heading is missing and line is the sub-heading
	// that opens the section; the whole line is the section's text.
	inferred bool
}

// Map turns a Layout into the canonical document. It never fails: whatever
// it cannot find is reported as missing cells and diagnostics.
func Map(lay *Layout, src schema.Source) *schema.Document {
	lines, runTogether := splitRunTogether(lay.Lines)
	m := &mapper{lines: lines, format: lay.Format, runTogether: runTogether, cuts: map[string][][]float64{}, page: lay.Page}
	m.ctext = make([]string, len(lines))
	for i, l := range lines {
		m.ctext[i] = compactLine(l)
	}
	if runTogether {
		m.diag("run_together", "warning", "table cells are run together without separators; numbers were recovered from digit runs where that was unambiguous", nil)
	}
	m.findSections()
	tplID, evidence := m.detectTemplate()
	year, title, agency, titleLoc := m.titleMeta()
	skeleton := tplID
	if skeleton == "" {
		if year != nil {
			skeleton = schema.TemplateFor(*year)
		} else {
			skeleton = schema.Template2021
		}
		m.diag("template_undetermined", "warning",
			fmt.Sprintf("no template-specific table label found; cells are laid out as the %s template", skeleton), nil)
	}
	m.tpl = schema.Templates[skeleton]
	m.canon = canonFor(skeleton)
	m.doc = schema.NewDocument(skeleton)
	m.consumed = make([]bool, len(m.lines))
	meta := &m.doc.Meta
	meta.Title, meta.Agency, meta.Year = title, agency, year
	meta.AgencyKind = agencyKind(agency)
	if tplID != "" {
		meta.Template = &tplID
	}
	meta.TemplateEvidence = evidence
	meta.Source = src

	m.mapActive()
	m.mapRequests()
	m.mapReview()
	m.recover()
	m.noteCells()
	m.buildSections()
	m.dates()
	m.intro(titleLoc)

	m.doc.Diagnostics = append(append([]schema.Diagnostic{}, lay.Diagnostics...), m.diags...)
	return m.doc
}

func (m *mapper) diag(code, severity, msg string, loc *schema.Loc) {
	m.diags = append(m.diags, schema.Diagnostic{Code: code, Severity: severity, Message: msg, Source: loc})
}

func (m *mapper) diagCell(code, severity, msg, table, row, col string, loc *schema.Loc) {
	m.diags = append(m.diags, schema.Diagnostic{Code: code, Severity: severity, Message: msg, Table: table, Row: row, Col: col, Source: loc})
}

func locOf(l Line) *schema.Loc {
	loc := l.Loc()
	return &loc
}

func nonEmptyCells(l Line) int {
	n := 0
	for _, c := range l.Cells {
		if strings.TrimSpace(c.Text) != "" {
			n++
		}
	}
	return n
}

// nonEmptyOver reports whether nonEmptyCells(l) > n, counting no further.
func nonEmptyOver(l Line, n int) bool {
	for _, c := range l.Cells {
		if strings.TrimSpace(c.Text) != "" {
			if n--; n < 0 {
				return true
			}
		}
	}
	return false
}

// headLine returns the line index of a section heading, or -1.
func (m *mapper) headLine(id string) int {
	for _, h := range m.heads {
		if h.def.ID == id {
			return h.line
		}
	}
	return -1
}

// nextHeadAfter returns the line of the first heading after line i, or n.
func (m *mapper) nextHeadAfter(i int) int {
	for _, h := range m.heads {
		if h.line > i {
			return h.line
		}
	}
	return len(m.lines)
}

// buildSections fills doc.Sections with each heading and the non-table text
// up to the next heading.
func (m *mapper) buildSections() {
	for hi, h := range m.heads {
		end := len(m.lines)
		if hi+1 < len(m.heads) {
			end = m.heads[hi+1].line
		} else if e := m.closingLine(); e > h.line {
			end = e
		}
		var parts []string
		if h.inferred {
			parts = append(parts, strings.TrimSpace(m.lines[h.line].Text()))
		} else if h.after != "" {
			parts = append(parts, h.after)
		}
		last := h.line
		for i := h.line + 1; i < end; i++ {
			if m.consumed[i] {
				continue
			}
			if t := strings.TrimSpace(m.lines[i].Text()); t != "" {
				parts = append(parts, t)
				last = i
			}
		}
		sec := schema.Section{
			ID:        h.def.ID,
			Heading:   h.text,
			Deviation: compact(h.text) != compact(h.def.Heading),
			Text:      strings.Join(parts, "\n"),
			Source:    m.lines[h.line].Loc(),
		}
		sec.Source.Table, sec.Source.Row = 0, 0
		if ll := m.lines[last]; ll.Line > 0 {
			sec.EndLine = ll.Line
		}
		m.doc.Sections = append(m.doc.Sections, sec)
	}
}

// detectTemplate scores the labels unique to each template.
func (m *mapper) detectTemplate() (string, []string) {
	// One pass over the lines finds every marker (none spans two lines:
	// compact text has no line breaks), instead of one search per marker.
	var found [2][]bool
	for t := range found {
		found[t] = make([]bool, len(templateMarkers[markerTemplates[t]]))
	}
	for _, line := range m.ctext {
		for i := 0; i < len(line); {
			r, n := rune(line[i]), 1
			if r >= utf8.RuneSelf {
				r, n = utf8.DecodeRuneInString(line[i:])
			}
			if markerHead[r&markerHeadMask] {
				for _, ref := range markerStarts[r] {
					if !found[ref.tpl][ref.i] && strings.HasPrefix(line[i:], compactMarkers[markerTemplates[ref.tpl]][ref.i]) {
						found[ref.tpl][ref.i] = true
					}
				}
			}
			i += n
		}
	}
	score := map[string][]string{}
	for t, id := range markerTemplates {
		for i, mk := range templateMarkers[id] {
			if found[t][i] {
				score[id] = append(score[id], mk)
			}
		}
	}
	// 行政规范性文件 contains 规范性文件; only the 2021 marker is meaningful.
	n19, n21 := len(score[schema.Template2019]), len(score[schema.Template2021])
	switch {
	case n19 == 0 && n21 == 0:
		return "", nil
	case n21 > n19:
		return schema.Template2021, score[schema.Template2021]
	case n19 > n21:
		return schema.Template2019, score[schema.Template2019]
	}
	m.diag("template_ambiguous", "warning", "labels of both templates found in equal number", nil)
	return "", append(score[schema.Template2019], score[schema.Template2021]...)
}

// rowSplit caches splitRow for a line: several passes read the same rows.
type rowSplit struct {
	labels, values []Cell
	// labelKey is the key of the label cells joined.
	labelKey string
}

func (m *mapper) split(i int) ([]Cell, []Cell) {
	if m.splits == nil {
		m.splits = make([]*rowSplit, len(m.lines))
	}
	if rs := m.splits[i]; rs != nil {
		return rs.labels, rs.values
	}
	l, v := splitRow(m.lines[i])
	rs := &rowSplit{labels: l, values: v}
	switch len(l) {
	case 0:
	case 1:
		rs.labelKey = key(l[0].Text)
	default:
		var b strings.Builder
		for _, c := range l {
			b.WriteString(c.Text)
		}
		rs.labelKey = key(b.String())
	}
	m.splits[i] = rs
	return l, v
}

func schemaDiag(code, severity, msg string) schema.Diagnostic {
	return schema.Diagnostic{Code: code, Severity: severity, Message: msg}
}

// intro collects the paragraphs between the title and the first heading.
func (m *mapper) intro(title *schema.Loc) {
	if len(m.heads) == 0 {
		return
	}
	var parts []string
	var src schema.Loc
	for i := 0; i < m.heads[0].line; i++ {
		l := m.lines[i]
		if title != nil && l.Line <= title.Line || m.consumed[i] {
			continue
		}
		t := strings.TrimSpace(l.Text())
		if t == "" || reCrawlTitle.MatchString(t) || reCrawlHeader.MatchString(t) || len([]rune(t)) < 8 {
			continue
		}
		if src.Line == 0 {
			src = schema.Loc{Line: l.Line, Page: l.Page}
		}
		parts = append(parts, t)
	}
	m.doc.Intro = schema.Intro{Text: strings.Join(parts, "\n"), Source: src}
}

// markerTemplates are the templates detectTemplate scores, in its order.
var markerTemplates = [2]string{schema.Template2019, schema.Template2021}

// markerRef is one of templateMarkers: markerTemplates[tpl]'s i-th.
type markerRef struct{ tpl, i int }

// markerStarts lists the markers by the first rune of their compact form,
// and markerHead[r&markerHeadMask] says whether a rune may start one: the
// scan of a line looks a rune up only where the table says it may.
var (
	markerStarts = map[rune][]markerRef{}
	markerHead   [markerHeadMask + 1]bool
)

const markerHeadMask = 1023

func init() {
	for t, id := range markerTemplates {
		for i, mk := range compactMarkers[id] {
			r, _ := utf8.DecodeRuneInString(mk)
			markerStarts[r] = append(markerStarts[r], markerRef{t, i})
			markerHead[r&markerHeadMask] = true
		}
	}
}

// compactMarkers are templateMarkers in compact form, computed once.
var compactMarkers = func() map[string][]string {
	out := map[string][]string{}
	for id, ms := range templateMarkers {
		for _, mk := range ms {
			out[id] = append(out[id], compact(mk))
		}
	}
	return out
}()
