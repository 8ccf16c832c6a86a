package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

// cellAt resolves a dotted path such as requests.granted.total or
// active.art20_5.other_services.change.
func cellAt(t *testing.T, doc *schema.Document, path string) *schema.Cell {
	t.Helper()
	p := strings.Split(path, ".")
	var c *schema.Cell
	switch {
	case p[0] == "requests" && len(p) == 3:
		c = doc.Tables.Requests[p[1]][p[2]]
	case p[0] == "review_litigation" && len(p) == 3:
		c = doc.Tables.ReviewLitigation[p[1]][p[2]]
	case p[0] == "active" && len(p) == 4:
		c = doc.Tables.Active[p[1]][p[2]][p[3]]
	}
	if c == nil {
		t.Fatalf("no cell %s", path)
	}
	return c
}

func seed(name string) string {
	return filepath.Join("..", "testdata", "seeds", name)
}

func realFile(name string) string {
	return filepath.Join("..", "testdata", "real", name)
}

// TestSpotChecks are the cells the issue names, checked against the source.
func TestSpotChecks(t *testing.T) {
	type want struct {
		path   string
		status string
		value  float64
		raw    string // checked when non-empty
	}
	num := func(path string, v float64) want { return want{path: path, status: schema.StatusNumber, value: v} }
	cases := []struct {
		file  string
		cells []want
	}{
		{seed("002_a141446f969544e3.txt"), []want{
			num("requests.granted.natural_person", 1),
			num("requests.granted.total", 0),
			num("requests.new_received.total", 1),
			num("active.art20_5.other_services.change", 18),
			num("active.art20_6.penalty.change", -5),
			num("active.art20_9.procurement.amount", 106.36),
			num("active.art20_5.other_services.decisions", 1100),
		}},
		{seed("000_80384ef52a1d3930.txt"), []want{
			{path: "requests.new_received.total", status: schema.StatusPlaceholder, raw: "无"},
			{path: "requests.new_received.natural_person", status: schema.StatusBlank},
			{path: "requests.granted.commercial", status: schema.StatusBlank},
			{path: "requests.other.total", status: schema.StatusPlaceholder, raw: "无"},
			{path: "requests.other.other_org", status: schema.StatusBlank},
			{path: "requests.carried_forward.total", status: schema.StatusPlaceholder, raw: "无"},
			{path: "review_litigation.reconsideration.total", status: schema.StatusPlaceholder, raw: "无"},
			{path: "review_litigation.reconsideration.pending", status: schema.StatusBlank},
			{path: "review_litigation.litigation_after_review.total", status: schema.StatusPlaceholder, raw: "无"},
		}},
		{seed("003_c95910d04a7fd181.txt"), []want{
			{path: "review_litigation.reconsideration.upheld", status: schema.StatusBlank},
			{path: "review_litigation.reconsideration.total", status: schema.StatusBlank},
			num("review_litigation.litigation_direct.upheld", 0),
			num("requests.unable_not_held.total", 7),
			num("requests.denied_internal_affairs.total", 0),
			num("active.art20_9.procurement.amount", 6.933),
		}},
		{seed("004_cee81fd346254158.txt"), []want{
			num("requests.rejected_duplicate.total", 0),
			{path: "requests.rejected_publication.total", status: schema.StatusMissing},
			{path: "requests.rejected_abusive.natural_person", status: schema.StatusMissing},
			{path: "requests.other.total", status: schema.StatusMissing},
			{path: "requests.total_handled.total", status: schema.StatusMissing},
			{path: "requests.carried_forward.total", status: schema.StatusMissing},
			num("review_litigation.litigation_after_review.total", 0),
		}},
		{seed("001_1dc63dd6a21548ca.txt"), []want{
			num("requests.new_received.total", 5),
			num("requests.unable_not_held.natural_person", 3),
			num("requests.total_handled.total", 4),
			num("requests.carried_forward.natural_person", 1),
			num("active.art20_1.normative_docs.total_published", 1),
		}},
		{realFile("huaian-city-2024.pdf"), []want{
			num("requests.new_received.total", 3119),
			num("requests.carried_over.total", 34),
			num("review_litigation.reconsideration.upheld", 72),
			num("review_litigation.reconsideration.corrected", 64),
			num("review_litigation.reconsideration.other", 178),
			num("review_litigation.reconsideration.pending", 37),
			num("review_litigation.reconsideration.total", 351),
			num("requests.other_no_correction.total", 71),
			num("requests.other_no_fee.total", 6),
			num("requests.other_other.total", 110),
			num("active.art20_8.fees.amount", 96171.6),
		}},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			doc := convertFile(t, tc.file)
			for _, w := range tc.cells {
				c := cellAt(t, doc, w.path)
				if c.Status != w.status {
					t.Errorf("%s: status %q (raw %q), want %q", w.path, c.Status, c.Raw, w.status)
					continue
				}
				if w.status == schema.StatusNumber && (c.Value == nil || *c.Value != w.value) {
					t.Errorf("%s: value %v (raw %q), want %v", w.path, c.Value, c.Raw, w.value)
				}
				if w.status != schema.StatusNumber && c.Value != nil {
					t.Errorf("%s: status %s must not carry a value, got %v", w.path, c.Status, *c.Value)
				}
				if w.raw != "" && c.Raw != w.raw {
					t.Errorf("%s: raw %q, want %q", w.path, c.Raw, w.raw)
				}
			}
		})
	}
}

// TestPingtanRecovery: the four run-together 平潭 reports are recovered by
// the table identities; values agree with the totals the narrative repeats
// (2021: 收到70件、办结69件、1件结转; 2022: 收到75件，自然人72件、商业企业3件，
// 行政诉讼1件、行政复议2件; 2024: 办理申请218件) and carry a lowered confidence.
func TestPingtanRecovery(t *testing.T) {
	cases := map[string]map[string]float64{
		"pingtan-2019.txt": {"requests.new_received.total": 23, "requests.total_handled.total": 23,
			"requests.granted.total": 7, "review_litigation.reconsideration.total": 0},
		"pingtan-2021.txt": {"requests.new_received.total": 70, "requests.new_received.natural_person": 64,
			"requests.total_handled.total": 69, "requests.carried_forward.total": 1, "requests.granted.total": 30,
			"requests.unable_not_held.total": 25, "review_litigation.reconsideration.total": 3},
		"pingtan-2022.txt": {"requests.new_received.natural_person": 71, "requests.new_received.commercial": 3,
			"requests.carried_over.total": 1, "requests.total_handled.total": 75,
			"review_litigation.reconsideration.total": 2, "review_litigation.litigation_direct.total": 1},
		"pingtan-2024.txt": {"requests.new_received.total": 218, "requests.total_handled.total": 218,
			"requests.denied_internal_affairs.total": 32, "review_litigation.reconsideration.total": 7,
			"review_litigation.litigation_after_review.total": 19},
	}
	for file, cells := range cases {
		doc := convertFile(t, realFile(file))
		for path, want := range cells {
			c := cellAt(t, doc, path)
			if c.Status != schema.StatusNumber || c.Value == nil || *c.Value != want {
				t.Errorf("%s %s: %s %v (candidates %v), want %v", file, path, c.Status, c.Value, c.Candidates, want)
			}
		}
		for row, cols := range doc.Tables.Requests {
			for col, c := range cols {
				if c.Status != schema.StatusNumber {
					t.Errorf("%s requests.%s.%s is %s, want recovered", file, row, col, c.Status)
				}
			}
		}
	}
	if c := cellAt(t, convertFile(t, realFile("pingtan-2021.txt")), "requests.new_received.total"); c.Confidence >= 1 {
		t.Errorf("a recovered cell has confidence %v, want < 1", c.Confidence)
	}
}

// TestTemplateDetection: the template comes from the tables' labels.
func TestTemplateDetection(t *testing.T) {
	cases := map[string]string{
		seed("000_80384ef52a1d3930.txt"):     "2019",
		seed("001_1dc63dd6a21548ca.txt"):     "2019",
		seed("003_c95910d04a7fd181.txt"):     "2019",
		seed("004_cee81fd346254158.txt"):     "2019",
		realFile("huaian-city-2024.pdf"):     "2021",
		realFile("hongze-district-2023.pdf"): "2021",
		realFile("shanghai-office-2025.md"):  "2021",
		realFile("pingtan-2019.txt"):         "2019",
		realFile("pingtan-2021.txt"):         "2021",
	}
	for path, want := range cases {
		doc := convertFile(t, path)
		if doc.Meta.Template == nil || *doc.Meta.Template != want {
			t.Errorf("%s: template %v, want %s", filepath.Base(path), doc.Meta.Template, want)
		}
	}
}

// TestMetadata checks title, agency, year and 落款 date of the seeds.
func TestMetadata(t *testing.T) {
	cases := []struct {
		file, agency, published, kind string
		year                          int
	}{
		{seed("000_80384ef52a1d3930.txt"), "临港区宣传文化办公室", "2020-01-15", "department", 2019},
		{seed("001_1dc63dd6a21548ca.txt"), "天津市静海区人民政府办公室", "", "department", 2019},
		{seed("002_a141446f969544e3.txt"), "威海市科学技术局", "2020-01-19", "department", 2019},
		{seed("003_c95910d04a7fd181.txt"), "湛河区政府办公室", "", "department", 2020},
		{seed("004_cee81fd346254158.txt"), "威海市文登区信访局", "2021-01-26", "department", 2020},
		{realFile("huaian-city-2024.pdf"), "淮安市人民政府", "", "government", 2024},
		{realFile("shanghai-office-2025.md"), "上海市人民政府办公厅", "", "department", 2025},
		{realFile("pingtan-2019.txt"), "平潭综合实验区", "2020-01-20", "unknown", 2019},
	}
	for _, tc := range cases {
		doc := convertFile(t, tc.file)
		m := doc.Meta
		name := filepath.Base(tc.file)
		if m.Agency != tc.agency {
			t.Errorf("%s: agency %q, want %q (title %q)", name, m.Agency, tc.agency, m.Title)
		}
		if m.Year == nil || *m.Year != tc.year {
			t.Errorf("%s: year %v, want %d", name, m.Year, tc.year)
		}
		got := ""
		if m.Published != nil {
			got = *m.Published
		}
		if got != tc.published {
			t.Errorf("%s: published %q, want %q", name, got, tc.published)
		}
		if m.AgencyKind != tc.kind {
			t.Errorf("%s: agency kind %q, want %q", name, m.AgencyKind, tc.kind)
		}
	}
}
