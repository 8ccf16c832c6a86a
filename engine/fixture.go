package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
)

// FixtureFile is a rule's test cases: inputs and the exact findings each
// must produce. Any unexpected or missing finding fails the case.
type FixtureFile struct {
	Rule  string        `yaml:"rule"`
	Cases []FixtureCase `yaml:"cases"`
}

// FixtureCase is one input and its expected findings.
type FixtureCase struct {
	Name string `yaml:"name"`
	// File is a report to convert, relative to the fixture file. Without it
	// the input is SampleDocument(Template) changed by the fields below.
	File     string `yaml:"file"`
	Template string `yaml:"template"`
	// Set changes cells: "requests.granted.total": 3 (a number), "无" or ""
	// (placeholder or blank, as written), null (missing).
	Set map[string]any `yaml:"set"`
	// Meta changes metadata: year, template, published, agency,
	// agency_kind, title, period_year.
	Meta map[string]any `yaml:"meta"`
	// Sections replaces section texts by id; null removes the section.
	Sections map[string]*string `yaml:"sections"`
	// Headings replaces section headings (marking them as deviations).
	Headings    map[string]string   `yaml:"headings"`
	Diagnostics []schema.Diagnostic `yaml:"diagnostics"`
	// TableInfo sets a table's status: "requests": "partial".
	TableInfo map[string]string `yaml:"table_info"`
	// Previous is last year's report of the same body (for cross-year
	// rules), built the same way.
	Previous *FixtureCase `yaml:"previous"`
	// Peers are other bodies' reports in the batch found to resemble this
	// one (what ogi assess computes), for the 内容雷同 rules.
	Peers []Peer `yaml:"peers"`
	// Jurisdiction names a built-in jurisdiction profile to assess the case
	// under (default: the statute); BodyType replaces the body type read
	// from the agency (a manifest's level).
	Jurisdiction string `yaml:"jurisdiction"`
	BodyType     string `yaml:"body_type"`
	// Expect lists the findings of the fixture's rule, exactly.
	Expect []ExpectedFinding `yaml:"expect"`
}

// ExpectedFinding is compared with an actual finding on the fields given.
type ExpectedFinding struct {
	Status string   `yaml:"status"` // fail (default) or cannot_evaluate
	Item   string   `yaml:"item"`
	Cells  []string `yaml:"cells"` // "requests.granted.total"; compared when given
}

// Converter turns a report file into a document; the engine does not read
// reports itself (cmd/ogi wires the ingest package in).
type Converter func(path string) (*schema.Document, error)

// CaseResult is the outcome of one fixture case.
type CaseResult struct {
	File  string   `json:"file"`
	Rule  string   `json:"rule"`
	Case  string   `json:"case"`
	Pass  bool     `json:"pass"`
	Diffs []string `json:"diffs,omitempty"`
	// Error is set when the case could not run (bad fixture, unknown rule).
	Error string `json:"error,omitempty"`
}

// IsFixtureFile tells fixture files from rule files: YAML under a testdata
// directory or named *_test.yaml.
func IsFixtureFile(p string) bool {
	if !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
		return false
	}
	if strings.HasSuffix(p, "_test.yaml") || strings.HasSuffix(p, "_test.yml") {
		return true
	}
	for _, part := range strings.Split(path.Dir(p), "/") {
		if part == "testdata" {
			return true
		}
	}
	return false
}

// RunFixtures runs every fixture file in fsys whose rule id matches filter
// (nil for all). dir is the file-system path of fsys's root, used to
// resolve report files for convert.
func (e *Engine) RunFixtures(fsys fs.FS, dir string, convert Converter, filter *regexp.Regexp) ([]CaseResult, error) {
	var out []CaseResult
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !IsFixtureFile(p) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		var ff FixtureFile
		if err := yaml.Unmarshal(data, &ff); err != nil {
			pos, msg := yamlError(p, data, err)
			out = append(out, CaseResult{File: p, Error: "invalid fixture: " + pos.String() + ": " + msg})
			return nil
		}
		if ff.Rule == "" {
			out = append(out, CaseResult{File: p, Error: "fixture names no rule"})
			return nil
		}
		if filter != nil && !filter.MatchString(ff.Rule) {
			return nil
		}
		r, ok := e.Rule(ff.Rule)
		if !ok {
			out = append(out, CaseResult{File: p, Rule: ff.Rule, Error: "no loaded rule has this id"})
			return nil
		}
		for _, c := range ff.Cases {
			out = append(out, e.runCase(r, p, path.Join(dir, path.Dir(p)), c, convert))
		}
		return nil
	})
	return out, err
}

func (e *Engine) runCase(r *Rule, file, dir string, c FixtureCase, convert Converter) CaseResult {
	res := CaseResult{File: file, Rule: r.ID, Case: c.Name}
	doc, err := caseDocument(dir, c, convert)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	var prev *schema.Document
	if c.Previous != nil {
		if prev, err = caseDocument(dir, *c.Previous, convert); err != nil {
			res.Error = "previous: " + err.Error()
			return res
		}
	}
	rel := Related{Previous: prev, Peers: c.Peers, BodyType: c.BodyType}
	if c.Jurisdiction != "" {
		p, ok := jurisdiction.Builtin(c.Jurisdiction)
		if !ok {
			res.Error = fmt.Sprintf("jurisdiction %q is not a built-in profile (%s)", c.Jurisdiction, strings.Join(jurisdiction.Names(), ", "))
			return res
		}
		rel.Jurisdiction = p
	}
	got, _ := e.evaluateWith(context.Background(), doc, rel, []*Rule{r})
	if len(got.Rules) == 1 && got.Rules[0].Status == StatusError {
		res.Error = "rule error: " + got.Rules[0].Error
		return res
	}
	res.Diffs = compareFindings(c.Expect, got.Findings)
	res.Pass = len(res.Diffs) == 0
	return res
}

func caseDocument(dir string, c FixtureCase, convert Converter) (*schema.Document, error) {
	if c.File != "" {
		if convert == nil {
			return nil, errors.New("this runner cannot convert report files")
		}
		return convert(path.Join(dir, c.File))
	}
	doc := SampleDocument(c.Template)
	if err := applyMeta(doc, c.Meta); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(c.Set))
	for k := range c.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := setCell(doc, k, c.Set[k]); err != nil {
			return nil, err
		}
	}
	var secs []schema.Section
	for _, s := range doc.Sections {
		if t, ok := c.Sections[s.ID]; ok {
			if t == nil {
				continue
			}
			s.Text = *t
		}
		if h, ok := c.Headings[s.ID]; ok {
			s.Heading, s.Deviation = h, true
		}
		secs = append(secs, s)
	}
	doc.Sections = secs
	doc.Diagnostics = append(doc.Diagnostics, c.Diagnostics...)
	for i := range doc.TableInfo {
		if st, ok := c.TableInfo[doc.TableInfo[i].ID]; ok {
			doc.TableInfo[i].Status = st
			if st != "found" {
				doc.TableInfo[i].RowsFound = 0
			}
		}
	}
	return doc, nil
}

func applyMeta(doc *schema.Document, meta map[string]any) error {
	for k, v := range meta {
		s := fmt.Sprint(v)
		switch k {
		case "year", "period_year":
			if v == nil {
				if k == "year" {
					doc.Meta.Year = nil
				} else {
					doc.Meta.Period = nil
				}
				continue
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("meta.%s: %v", k, err)
			}
			if k == "year" {
				doc.Meta.Year = &n
			} else if doc.Meta.Period != nil {
				doc.Meta.Period.Year = &n
			}
		case "template", "published":
			var p *string
			if v != nil {
				p = &s
			}
			if k == "template" {
				doc.Meta.Template = p
			} else {
				doc.Meta.Published = p
			}
		case "agency":
			doc.Meta.Agency = s
		case "agency_kind":
			doc.Meta.AgencyKind = s
		case "title":
			doc.Meta.Title = s
		default:
			return fmt.Errorf("meta.%s: unknown field", k)
		}
	}
	return nil
}

var fixturePlaceholders = map[string]bool{"无": true, "/": true, "-": true, "—": true, "×": true}

// setCell changes one cell given as table.row.col (active.sub.row.col).
func setCell(doc *schema.Document, addr string, v any) error {
	p := strings.Split(addr, ".")
	var row map[string]*schema.Cell
	var col string
	switch {
	case p[0] == "requests" && len(p) == 3:
		if doc.Tables.Requests[p[1]] == nil {
			doc.Tables.Requests[p[1]] = map[string]*schema.Cell{}
		}
		row, col = doc.Tables.Requests[p[1]], p[2]
	case p[0] == "review_litigation" && len(p) == 3:
		row, col = doc.Tables.ReviewLitigation[p[1]], p[2]
	case p[0] == "active" && len(p) == 4:
		row, col = doc.Tables.Active[p[1]][p[2]], p[3]
	}
	if row == nil {
		return fmt.Errorf("set: no cell %q in the sample document", addr)
	}
	c := &schema.Cell{Confidence: 1, Source: &schema.Loc{Line: 1}}
	if old := row[col]; old != nil {
		c.Source = old.Source
	}
	switch x := v.(type) {
	case nil:
		c = &schema.Cell{Status: schema.StatusMissing}
	case int:
		f := float64(x)
		c.Value, c.Raw, c.Status = &f, strconv.Itoa(x), schema.StatusNumber
	case float64:
		c.Value, c.Raw, c.Status = &x, strconv.FormatFloat(x, 'f', -1, 64), schema.StatusNumber
	case string:
		c.Raw = x
		switch {
		case strings.TrimSpace(x) == "":
			c.Status = schema.StatusBlank
		case fixturePlaceholders[x]:
			c.Status = schema.StatusPlaceholder
		case x == "?":
			c.Status, c.Confidence = schema.StatusAmbiguous, 0
		default:
			c.Status = schema.StatusText
		}
	default:
		return fmt.Errorf("set %s: unsupported value %v", addr, v)
	}
	row[col] = c
	return nil
}

// compareFindings lists the differences between expected and actual
// findings; an empty list means they match exactly.
func compareFindings(want []ExpectedFinding, got []Finding) []string {
	used := make([]bool, len(got))
	var diffs []string
	for _, w := range want {
		status := w.Status
		if status == "" {
			status = StatusFail
		}
		found := false
		for i, g := range got {
			if used[i] || g.Status != status || (w.Item != "" && g.Item != w.Item) {
				continue
			}
			if w.Cells != nil && !sameCells(w.Cells, g.Cells) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			diffs = append(diffs, fmt.Sprintf("missing finding: status=%s item=%q cells=%v", status, w.Item, w.Cells))
		}
	}
	for i, g := range got {
		if !used[i] {
			diffs = append(diffs, fmt.Sprintf("unexpected finding: status=%s item=%q cells=%v: %s", g.Status, g.Item, cellAddrs(g.Cells), g.Message.En))
		}
	}
	return diffs
}

func cellAddrs(cs []CellRef) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Address()
	}
	return out
}

func sameCells(want []string, got []CellRef) bool {
	g := cellAddrs(got)
	if len(g) != len(want) {
		return false
	}
	a := append([]string(nil), want...)
	sort.Strings(a)
	sort.Strings(g)
	for i := range a {
		if a[i] != g[i] {
			return false
		}
	}
	return true
}
