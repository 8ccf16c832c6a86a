package brief

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/schema"
)

var update = flag.Bool("update", false, "rewrite the golden briefs in testdata/golden")

// corpusDoc converts a report of the corpus, as ogi brief does.
func corpusDoc(t *testing.T, name string) *schema.Document {
	t.Helper()
	if strings.HasSuffix(name, ".pdf") {
		if _, err := exec.LookPath("pdftotext"); err != nil {
			t.Skip("pdftotext not installed")
		}
	}
	doc, err := check.ConvertFile(context.Background(), filepath.Join("..", "testdata", "real", name), ingest.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// fig is a figure's expectation: this year, last year, change, percent
// change (nil: none) and whether the percentage was refused (样本过少).
type fig struct {
	this, last, change float64
	pct                *float64
	guarded            bool
}

// rt is a rate's expectation for one year: corrected, total, rate (nil:
// none) and whether it was refused.
type rt struct {
	corrected, total float64
	rate             *float64
	guarded          bool
}

func p(f float64) *float64 { return &f }

// TestCorpusPairs holds the briefs of the corpus's same-body pairs to the
// figures read off their tables (ogi parse FILE | jq .tables…).
func TestCorpusPairs(t *testing.T) {
	cases := []struct {
		this, last string
		notes      int
		figs       map[string]fig
		rates      map[string][2]rt
		jaccard    float64
		sections   []*float64
		// followed, partial, repeated, not found, too short
		follow [5]int
	}{
		{
			this: "hongze-district-2024.pdf", last: "hongze-district-2023.pdf",
			// names differ (淮安市洪泽区人民政府 / 洪泽区人民政府); last year's
			// table 4 prints 总计 0 for 行政复议 (10+1) and 复议后起诉 (5).
			notes: 3,
			figs: map[string]fig{
				"new_received":    {95, 21, 74, p(352.4), false},
				"carried_over":    {0, 0, 0, nil, true},
				"total_handled":   {95, 21, 74, p(352.4), false},
				"carried_forward": {0, 0, 0, nil, true},
				"reconsideration": {2, 0, 2, nil, true},
				"litigation":      {4, 0, 4, nil, true},
			},
			rates: map[string][2]rt{
				"reconsideration_corrected": {{1, 2, nil, true}, {1, 0, nil, true}},
				"litigation_corrected":      {{0, 4, nil, true}, {0, 0, nil, true}},
			},
			jaccard:  0.256,
			sections: []*float64{p(0.24), p(0.244), nil},
			follow:   [5]int{1, 1, 2, 2, 0},
		},
		{
			this: "pingtan-2022.txt", last: "pingtan-2021.txt",
			figs: map[string]fig{
				"new_received":    {74, 70, 4, p(5.7), false},
				"carried_over":    {1, 0, 1, nil, true},
				"total_handled":   {75, 69, 6, p(8.7), false},
				"carried_forward": {0, 1, -1, nil, true},
				"reconsideration": {2, 3, -1, nil, true},
				"litigation":      {1, 12, -11, p(-91.7), false},
			},
			rates: map[string][2]rt{
				"reconsideration_corrected": {{1, 2, nil, true}, {0, 3, nil, true}},
				"litigation_corrected":      {{0, 1, nil, true}, {0, 12, p(0), false}},
			},
			jaccard:  0.01,
			sections: []*float64{p(0.008), p(0.007), nil},
			follow:   [5]int{1, 3, 0, 3, 1},
		},
		{
			// Not consecutive: the corpus has no 平潭 report for 2023.
			this: "pingtan-2024.txt", last: "pingtan-2022.txt", notes: 1,
			figs: map[string]fig{
				"new_received":    {218, 74, 144, p(194.6), false},
				"carried_over":    {0, 1, -1, nil, true},
				"total_handled":   {218, 75, 143, p(190.7), false},
				"carried_forward": {0, 0, 0, nil, true},
				"reconsideration": {7, 2, 5, nil, true},
				"litigation":      {19, 1, 18, nil, true},
			},
			rates: map[string][2]rt{
				"reconsideration_corrected": {{1, 7, nil, true}, {1, 2, nil, true}},
				"litigation_corrected":      {{2, 19, p(10.5), false}, {0, 1, nil, true}},
			},
			jaccard:  0.017,
			sections: []*float64{p(0.016), p(0.014), nil},
			follow:   [5]int{1, 1, 0, 6, 0},
		},
	}
	for _, c := range cases {
		t.Run(c.this, func(t *testing.T) {
			b := Build(corpusDoc(t, c.this), corpusDoc(t, c.last), c.this, c.last, Options{})
			if len(b.Notes) != c.notes {
				t.Errorf("notes = %d %v, want %d", len(b.Notes), b.Notes, c.notes)
			}
			if len(b.Figures) != len(c.figs) {
				t.Fatalf("%d figures, want %d", len(b.Figures), len(c.figs))
			}
			for _, f := range b.Figures {
				w := c.figs[f.ID]
				if f.This.Value == nil || f.Last.Value == nil || f.Change == nil {
					t.Errorf("%s: this %+v last %+v: want numbers", f.ID, f.This, f.Last)
					continue
				}
				if *f.This.Value != w.this || *f.Last.Value != w.last || *f.Change != w.change || !eqp(f.ChangePct, w.pct) || f.PctGuarded != w.guarded {
					t.Errorf("%s = %v, %v, %v, %v, guarded %v; want %+v", f.ID, *f.This.Value, *f.Last.Value, *f.Change, fp(f.ChangePct), f.PctGuarded, w)
				}
			}
			for _, r := range b.Rates {
				w, ok := c.rates[r.ID]
				if !ok {
					t.Errorf("unexpected rate %s", r.ID)
					continue
				}
				for i, got := range []RateValue{r.This, r.Last} {
					if got.Corrected.Value == nil || got.Total.Value == nil || *got.Corrected.Value != w[i].corrected ||
						*got.Total.Value != w[i].total || !eqp(got.Rate, w[i].rate) || got.Guarded != w[i].guarded {
						t.Errorf("%s year %d = %+v rate %v; want %+v", r.ID, i, got, fp(got.Rate), w[i])
					}
				}
			}
			if !eqp(b.Overlap.Jaccard, &c.jaccard) {
				t.Errorf("narrative jaccard = %v, want %v", fp(b.Overlap.Jaccard), c.jaccard)
			}
			for i, s := range b.Overlap.Sections {
				if !eqp(s.Jaccard, c.sections[i]) {
					t.Errorf("section %s jaccard = %v, want %v", s.ID, fp(s.Jaccard), fp(c.sections[i]))
				}
			}
			f := b.FollowUp
			if got := [5]int{f.Followed, f.Partial, f.Repeated, f.NotFound, f.TooShort}; got != c.follow {
				t.Errorf("follow-up counts = %v, want %v", got, c.follow)
			}
		})
	}
}

func eqp(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func fp(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TestGolden: the text (zh, en), Markdown and JSON of the 洪泽区 brief, byte
// for byte (go test ./brief -run Golden -update).
func TestGolden(t *testing.T) {
	this, last := "hongze-district-2024.pdf", "hongze-district-2023.pdf"
	set := &Set{Briefs: []*Brief{Build(corpusDoc(t, this), corpusDoc(t, last), this, last, Options{})},
		Unpaired: []Side{{File: "pingtan-2021.txt", Agency: "平潭综合实验区", Year: 2021}}}
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"hongze.zh.txt", func(b *bytes.Buffer) error { return WriteText(b, set, "zh") }},
		{"hongze.en.txt", func(b *bytes.Buffer) error { return WriteText(b, set, "en") }},
		{"hongze.zh.md", func(b *bytes.Buffer) error { return WriteMarkdown(b, set, "zh") }},
		{"hongze.json", func(b *bytes.Buffer) error { return WriteJSON(b, set) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got, again bytes.Buffer
			if err := c.write(&got); err != nil {
				t.Fatal(err)
			}
			if err := c.write(&again); err != nil || !bytes.Equal(got.Bytes(), again.Bytes()) {
				t.Fatalf("second write differs (err %v)", err)
			}
			path := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from the golden file:\n%s", c.name, got.String())
			}
		})
	}
}
