package rules

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

// digitsFixtures are the reports of testdata/digits: pingtan-2021 with one
// number of its run-together tables changed.
var digitsFixtures = []struct{ file, old, new string }{
	{"pingtan-2021-granted-28.txt", "（一）予以公开270020130", "（一）予以公开280020130"},
	{"pingtan-2021-granted-47.txt", "（一）予以公开270020130", "（一）予以公开470020130"},
	{"pingtan-2021-internal-2.txt", "5.属于三类内部事务信息1000001", "5.属于三类内部事务信息1000002"},
	{"pingtan-2021-review-2.txt", "尚未审结总计10203120001200000五", "尚未审结总计20203120001200000五"},
	{"pingtan-2021-review-tie.txt", "尚未审结总计10203120001200000五", "尚未审结总计10203220001200000五"},
}

// TestDigitsFixturesDerived: each fixture is the real report with exactly
// the change its README states, so it stays a published report with one
// error and nothing else.
func TestDigitsFixturesDerived(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "testdata", "real", "pingtan-2021.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range digitsFixtures {
		got, err := os.ReadFile(filepath.Join("..", "testdata", "digits", f.file))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(orig), f.old) != 1 {
			t.Fatalf("%s: %q is not once in the original", f.file, f.old)
		}
		if want := strings.Replace(string(orig), f.old, f.new, 1); string(got) != want {
			t.Errorf("%s is not pingtan-2021.txt with %q → %q", f.file, f.old, f.new)
		}
	}
}

func findingsOf(t *testing.T, doc *schema.Document, rule string) []engine.Finding {
	t.Helper()
	var out []engine.Finding
	for _, f := range enginetest.Eval(builtin(t), doc).Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// TestRunTogetherFindingsGiveTheReading: an error found in cells cut out of
// run-together digits says so and quotes the reading, in both languages;
// a review item on tied readings lists the values each cell may have.
func TestRunTogetherFindingsGiveTheReading(t *testing.T) {
	cases := []struct {
		file, rule, item, status string
		zh, en                   []string
	}{
		{"pingtan-2021-granted-28.txt", "requests.row_total", "granted", engine.StatusFail,
			[]string{"连写数字", "280020130 读作 28|0|0|2|0|1|30", "违反勾稽关系最少的唯一读法"},
			[]string{"run-together digits", "280020130 read as 28|0|0|2|0|1|30", "fewest identities"}},
		{"pingtan-2021-granted-28.txt", "requests.outcome_total", "natural_person", engine.StatusFail,
			[]string{"连写数字", "（七）总计 630020469 读作 63|0|0|2|0|4|69"},
			[]string{"run-together digits", "total_handled 630020469 read as 63|0|0|2|0|4|69"}},
		{"pingtan-2021-internal-2.txt", "requests.row_total", "denied_internal_affairs", engine.StatusFail,
			[]string{"1000002 读作 1|0|0|0|0|0|2", "读法唯一"},
			[]string{"1000002 read as 1|0|0|0|0|0|2", "the only possible cut"}},
		{"pingtan-2021-review-2.txt", "review.group_total", "reconsideration", engine.StatusFail,
			[]string{"表四由连写数字拆分读出", "20203120001200000 读作 2|0|2|0|3|12|0|0|0|12|0|0|0|0|0"},
			[]string{"table 4 was read from run-together digits"}},
		{"pingtan-2021-granted-47.txt", "requests.row_total", "unable_not_held", engine.StatusNeedsReview,
			[]string{"可能为2或22", "可能为0或20"},
			[]string{"could be 2 or 22", "could be 0 or 20"}},
	}
	for _, tc := range cases {
		doc, err := convert(filepath.Join("..", "testdata", "digits", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range findingsOf(t, doc, tc.rule) {
			if f.Item != tc.item {
				continue
			}
			found = true
			if f.Status != tc.status {
				t.Errorf("%s %s %s: status %s, want %s", tc.file, tc.rule, tc.item, f.Status, tc.status)
			}
			for _, s := range tc.zh {
				if !strings.Contains(f.Message.Zh, s) {
					t.Errorf("%s %s %s: zh message %q lacks %q", tc.file, tc.rule, tc.item, f.Message.Zh, s)
				}
			}
			for _, s := range tc.en {
				if !strings.Contains(f.Message.En, s) {
					t.Errorf("%s %s %s: en message %q lacks %q", tc.file, tc.rule, tc.item, f.Message.En, s)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s finding for %s", tc.file, tc.rule, tc.item)
		}
	}
}

// TestSeedsRunTogether: a seed report with one table-3 cell made wrong,
// written the way a crawler flattens a page (every cell of a row run
// together), is read back so that the broken identities are errors naming
// the changed cell's row and column, not review items.
func TestSeedsRunTogether(t *testing.T) {
	cases := []struct {
		seed, row, col string
		delta          float64
	}{
		{"001_1dc63dd6a21548ca.txt", "unable_not_held", "natural_person", 1},
		{"001_1dc63dd6a21548ca.txt", "granted", "total", 2},
		{"002_a141446f969544e3.txt", "carried_forward", "natural_person", 3},
	}
	for _, tc := range cases {
		t.Run(tc.seed+"/"+tc.row+"."+tc.col, func(t *testing.T) {
			doc, err := convert(filepath.Join("..", "testdata", "seeds", tc.seed))
			if err != nil {
				t.Fatal(err)
			}
			c := doc.Tables.Requests[tc.row][tc.col]
			v := *c.Value + tc.delta
			c.Value, c.Raw = &v, ""
			data, err := render.TextLayout(doc, render.LayoutRunTogether)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ingest.Convert(context.Background(), "report.txt", data, ingest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if g := got.Tables.Requests[tc.row][tc.col]; g.Value == nil || *g.Value != v || len(g.Digits) == 0 {
				t.Fatalf("requests.%s.%s read as %s %q (digits %v), want %v from the digits", tc.row, tc.col, g.Status, g.Raw, g.Digits, v)
			}
			var rowTotal, column bool
			for _, f := range enginetest.Eval(builtin(t), got).Findings {
				if !strings.HasPrefix(f.Rule, "requests.") {
					continue
				}
				if f.Status == engine.StatusNeedsReview {
					t.Errorf("%s %s is needs_review: %s", f.Rule, f.Item, f.Message.Zh)
				}
				if f.Status != engine.StatusFail {
					continue
				}
				rowTotal = rowTotal || f.Rule == "requests.row_total" && f.Item == tc.row
				column = column || f.Rule != "requests.row_total" && f.Item == tc.col
				if !strings.Contains(f.Message.Zh, "连写数字") {
					t.Errorf("%s %s: message does not say the cells were read from run-together digits: %s", f.Rule, f.Item, f.Message.Zh)
				}
			}
			if !rowTotal || !column {
				t.Errorf("want errors on row %s (%v) and column %s (%v)", tc.row, rowTotal, tc.col, column)
			}
		})
	}
}
