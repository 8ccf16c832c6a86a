package ingest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

func pdfFixture(name string) string { return filepath.Join("testdata", "pdf", name) }

func needPdftotext(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
}

// checkRow compares a row's cells with a spec: one field per column, "_"
// for a blank cell, a number for a number, anything else for the raw text
// of a number cell (增 18).
func checkRow(t *testing.T, what string, cells map[string]*schema.Cell, cols []string, spec string) {
	t.Helper()
	want := strings.Fields(spec)
	if len(want) != len(cols) {
		t.Fatalf("%s: spec has %d fields for %d columns", what, len(want), len(cols))
	}
	for i, col := range cols {
		c := cells[col]
		if c == nil {
			t.Errorf("%s.%s: no cell", what, col)
			continue
		}
		w := want[i]
		if w == "_" {
			if c.Status != schema.StatusBlank {
				t.Errorf("%s.%s: status %s raw %q, want blank", what, col, c.Status, c.Raw)
			}
		} else {
			v, err := strconv.ParseFloat(strings.NewReplacer("增", "", "减", "-", "万元", "").Replace(w), 64)
			if err != nil {
				t.Fatalf("bad spec %q", w)
			}
			if c.Status != schema.StatusNumber || c.Value == nil || *c.Value != v {
				t.Errorf("%s.%s: status %s value %v raw %q, want %v", what, col, c.Status, c.Value, c.Raw, v)
			}
		}
	}
}

// TestPDFByPosition reads the Chromium-printed fixtures cell by cell. Every
// cell of tables 2, 3 and 4 is stated: blank columns must come out blank,
// never as a neighbour's number, and a number as printed, never cut.
func TestPDFByPosition(t *testing.T) {
	needPdftotext(t)
	reqCols := []string{"natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"}
	revCols := []string{"upheld", "corrected", "other", "pending", "total"}
	type page struct {
		row  string
		page int
	}
	cases := []struct {
		file     string
		template string
		requests map[string]string
		review   map[string]string
		active   map[string]map[string]string
		pages    []page // rows of table 3 and the page their cells are on
	}{
		{
			file:     "blank-columns.pdf",
			template: schema.Template2021,
			requests: map[string]string{
				"new_received":             "258 12 _ _ 1 _ 271",
				"carried_over":             "5 _ _ _ _ _ 5",
				"granted":                  "120 6 _ _ 1 _ 127",
				"partially_granted":        "31 _ _ _ _ _ 31",
				"denied_state_secret":      "2 _ _ _ _ _ 2",
				"denied_prohibited_by_law": "_ _ _ _ _ _ _",
				"denied_three_safeties":    "1 _ _ _ _ _ 1",
				"denied_third_party":       "4 1 _ _ _ _ 5",
				"denied_internal_affairs":  "3 _ _ _ _ _ 3",
				"denied_process_info":      "7 _ _ _ _ _ 7",
				"denied_enforcement_file":  "2 _ _ _ _ _ 2",
				"denied_admin_query":       "15 _ _ _ _ _ 15",
				"unable_not_held":          "40 3 _ _ _ _ 43",
				"unable_needs_creation":    "6 _ _ _ _ _ 6",
				"unable_unclear":           "1 _ _ _ _ _ 1",
				"rejected_petition":        "9 2 _ _ _ _ 11",
				"rejected_duplicate":       "4 _ _ _ _ _ 4",
				"rejected_publication":     "_ _ _ _ _ _ _",
				"rejected_abusive":         "1 _ _ _ _ _ 1",
				"rejected_confirmation":    "1 _ _ _ _ _ 1",
				"other_no_correction":      "3 _ _ _ _ _ 3",
				"other_no_fee":             "_ _ _ _ _ _ _",
				"other_other":              "2 _ _ _ _ _ 2",
				"total_handled":            "252 12 _ _ 1 _ 265",
				"carried_forward":          "11 _ _ _ _ _ 11",
			},
			review: map[string]string{
				"reconsideration":         "3 _ 1 _ 4",
				"litigation_direct":       "2 1 _ _ 3",
				"litigation_after_review": "_ _ _ _ _",
			},
			active: map[string]map[string]string{
				"art20_1": {"rules": "1 _ 11", "normative_docs": "8 26 66"},
				"art20_5": {"licensing": "447228"},
				"art20_6": {"penalty": "3985758", "coercion": "88283"},
				"art20_8": {"fees": "96171.6"},
			},
			pages: []page{{"denied_process_info", 3}, {"denied_enforcement_file", 4}, {"carried_forward", 4}},
		},
		{
			file:     "left-right-2019.pdf",
			template: schema.Template2019,
			requests: map[string]string{
				"new_received":             "36 _ _ _ _ 2 38",
				"carried_over":             "3 _ _ _ _ _ 3",
				"granted":                  "20 _ _ _ _ 1 21",
				"partially_granted":        "4 _ _ _ _ _ 4",
				"denied_state_secret":      "1 _ _ _ _ _ 1",
				"denied_prohibited_by_law": "_ _ _ _ _ _ _",
				"denied_three_safeties":    "_ _ _ _ _ _ _",
				"denied_third_party":       "_ _ _ _ _ _ _",
				"denied_internal_affairs":  "_ _ _ _ _ _ _",
				"denied_process_info":      "_ _ _ _ _ _ _",
				"denied_enforcement_file":  "_ _ _ _ _ _ _",
				"denied_admin_query":       "_ _ _ _ _ _ _",
				"unable_not_held":          "6 _ _ _ _ 1 7",
				"unable_needs_creation":    "_ _ _ _ _ _ _",
				"unable_unclear":           "_ _ _ _ _ _ _",
				"rejected_petition":        "_ _ _ _ _ _ _",
				"rejected_duplicate":       "2 _ _ _ _ _ 2",
				"rejected_publication":     "_ _ _ _ _ _ _",
				"rejected_abusive":         "_ _ _ _ _ _ _",
				"rejected_confirmation":    "_ _ _ _ _ _ _",
				"other":                    "1 _ _ _ _ _ 1",
				"total_handled":            "34 _ _ _ _ 2 36",
				"carried_forward":          "5 _ _ _ _ _ 5",
			},
			review: map[string]string{
				"reconsideration":         "1 0 0 _ 1",
				"litigation_direct":       "_ _ _ _ _",
				"litigation_after_review": "0 0 0 0 0",
			},
			active: map[string]map[string]string{
				"art20_1": {"rules": "0 0 0", "normative_docs": "6 5 32"},
				"art20_5": {"licensing": "0 0 0", "other_services": "32 增18 1100"},
				"art20_6": {"penalty": "7 减5 0", "coercion": "0 0 0"},
				"art20_8": {"fees": "0 0"},
				"art20_9": {"procurement": "2 106.36万元"},
			},
		},
	}
	// The same table with its header rows repeated on the next page.
	repeated := cases[0]
	repeated.file = "repeated-header.pdf"
	cases = append(cases, repeated)
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			doc := convertFile(t, pdfFixture(tc.file))
			if got := doc.Meta.Source.Layout; got != LayoutPDFBBox {
				t.Errorf("layout %q, want %q", got, LayoutPDFBBox)
			}
			if doc.Meta.Template == nil || *doc.Meta.Template != tc.template {
				t.Errorf("template %v, want %s", doc.Meta.Template, tc.template)
			}
			if n := len(schema.Templates[tc.template].RequestRows); len(tc.requests) != n {
				t.Fatalf("spec has %d table-3 rows, the template %d", len(tc.requests), n)
			}
			for row, spec := range tc.requests {
				checkRow(t, "requests."+row, doc.Tables.Requests[row], reqCols, spec)
			}
			for g, spec := range tc.review {
				checkRow(t, "review_litigation."+g, doc.Tables.ReviewLitigation[g], revCols, spec)
			}
			tpl := schema.Templates[tc.template]
			for _, st := range tpl.Active {
				rows, ok := tc.active[st.ID]
				if !ok {
					t.Fatalf("no spec for active.%s", st.ID)
				}
				var cols []string
				for _, c := range st.Cols {
					cols = append(cols, c.ID)
				}
				for row, spec := range rows {
					checkRow(t, "active."+st.ID+"."+row, doc.Tables.Active[st.ID][row], cols, spec)
				}
			}
			for _, p := range tc.pages {
				c := doc.Tables.Requests[p.row]["natural_person"]
				if c == nil || c.Source == nil || c.Source.Page != p.page {
					t.Errorf("requests.%s: source %+v, want page %d", p.row, c.Source, p.page)
				}
			}
			for _, sec := range doc.Sections {
				if sec.Source.Page == 0 {
					t.Errorf("section %s has no page", sec.ID)
				}
			}
			if len(doc.Sections) != len(schema.Sections) {
				t.Errorf("%d sections found, want %d", len(doc.Sections), len(schema.Sections))
			}
			for _, d := range doc.Diagnostics {
				if d.Code == "uncertain_values" || d.Code == "unrecognised_row" || d.Code == "row_missing" {
					t.Errorf("diagnostic %s %s.%s: %s", d.Code, d.Table, d.Row, d.Message)
				}
			}
		})
	}
}

// TestPDFFallback: a PDF without any table header is read as aligned text,
// and says so.
func TestPDFFallback(t *testing.T) {
	needPdftotext(t)
	doc := convertFile(t, pdfFixture("no-table.pdf"))
	if got := doc.Meta.Source.Layout; got != LayoutPDFText && got != LayoutPlain {
		t.Errorf("layout %q, want the aligned-text path", got)
	}
	found := false
	for _, d := range doc.Diagnostics {
		if d.Code == "pdf_layout_fallback" && strings.Contains(d.Message, "no table header") {
			found = true
		}
	}
	if !found {
		t.Errorf("no pdf_layout_fallback diagnostic in %+v", doc.Diagnostics)
	}
	if len(doc.Sections) == 0 || doc.Sections[0].ID != "overview" || doc.Sections[0].Source.Page != 1 {
		t.Errorf("sections %+v", doc.Sections)
	}
}

// TestPDFRepeatedHeader: a header repeated at the top of a page starts the
// table's geometry afresh; its upper lines are text, not blank rows of the
// table above.
func TestPDFRepeatedHeader(t *testing.T) {
	needPdftotext(t)
	data, err := os.ReadFile(pdfFixture("repeated-header.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	lay, err := readPDF(context.Background(), data, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	headers := 0
	for _, l := range lay.Lines {
		txt := l.Text()
		if strings.Contains(txt, "申请人情况") && l.Table != 0 {
			t.Errorf("page %d: %q is a table row", l.Page, txt)
		}
		if strings.HasPrefix(txt, "自然人 商业企业") {
			headers++
			if l.Table == 0 {
				t.Errorf("page %d: the header line is not in a table", l.Page)
			}
		}
	}
	if headers != 2 {
		t.Errorf("%d table-3 header lines, want 2 (pages 3 and 4)", headers)
	}
}
