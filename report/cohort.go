package report

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
)

// Ranked is a report's place in its cohort.
type Ranked struct {
	Report FileReport
	// Rank is 1 for the best score; reports without a score have rank 0.
	Rank int
	// Percentile is the share of scored reports at or below this score.
	Percentile float64
}

// RuleStat counts what one rule did across a cohort.
type RuleStat struct {
	Rule           string
	Title          engine.Text
	Fired          int // reports with a failing (or needs_review) finding
	CannotEvaluate int
	Errors         int // reports where the rule broke
	Reports        int
}

// FireRate is the share of reports in which the rule fired.
func (s RuleStat) FireRate() float64 {
	if s.Reports == 0 {
		return 0
	}
	return float64(s.Fired) / float64(s.Reports)
}

// CohortStats accumulates, one report at a time, what ranking and rule
// statistics need: a batch of any size keeps one score per report, not the
// reports themselves.
type CohortStats struct {
	scores     []float64
	sorted     bool
	stats      map[string]*RuleStat
	categories map[string]int
	reports    int
	failed     int
	findings   int
	reviews    ReviewCounts
}

// NewCohortStats starts the statistics for a batch checked with rules.
func NewCohortStats(rules []*engine.Rule) *CohortStats {
	c := &CohortStats{stats: map[string]*RuleStat{}, categories: map[string]int{}}
	for _, r := range rules {
		c.stats[r.ID] = &RuleStat{Rule: r.ID, Title: r.Title}
	}
	return c
}

// Add counts one report.
func (c *CohortStats) Add(fr FileReport) {
	c.reports++
	if fr.IsUnreadable() {
		// Counted apart: no score, no rule outcome, no rank.
		c.failed++
		return
	}
	if fr.Score != nil {
		c.scores = append(c.scores, *fr.Score)
		c.sorted = false
	}
	for _, rr := range fr.Rules {
		st, ok := c.stats[rr.Rule]
		if !ok {
			continue
		}
		st.Reports++
		switch rr.Status {
		case engine.StatusFail, engine.StatusNeedsReview:
			st.Fired++
		case engine.StatusCannotEvaluate:
			st.CannotEvaluate++
		case engine.StatusError:
			st.Errors++
		}
	}
	c.findings += len(fr.Findings)
	c.reviews = c.reviews.Add(fr.Counts.Reviews)
	for _, f := range fr.Findings {
		if !f.Waived && (f.Status == engine.StatusFail || f.Status == engine.StatusNeedsReview) {
			c.categories[f.Category]++
		}
	}
}

// Reviews tallies the batch's findings by the office's decisions.
func (c *CohortStats) Reviews() ReviewCounts { return c.reviews }

// Place gives a score's rank (1 for the best; ties share a rank; 0 when
// there is no score) and percentile (share of scored reports at or below it).
func (c *CohortStats) Place(score *float64) (rank int, percentile float64) {
	if score == nil || len(c.scores) == 0 {
		return 0, 0
	}
	scores := c.Scores()
	atOrBelow := sort.Search(len(scores), func(i int) bool { return scores[i] > *score })
	return len(c.scores) - atOrBelow + 1, float64(atOrBelow) / float64(len(c.scores))
}

// Rank wraps a report with its place in the cohort.
func (c *CohortStats) Rank(fr FileReport) Ranked {
	r := Ranked{Report: fr}
	r.Rank, r.Percentile = c.Place(fr.Score)
	return r
}

// Scores returns the scores counted so far, ascending.
func (c *CohortStats) Scores() []float64 {
	if !c.sorted {
		sort.Float64s(c.scores)
		c.sorted = true
	}
	return c.scores
}

// Categories counts failing findings per rule category, sorted by category.
func (c *CohortStats) Categories() []CategoryCount {
	out := make([]CategoryCount, 0, len(c.categories))
	for k, v := range c.categories {
		out = append(out, CategoryCount{Category: k, Findings: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Category < out[j].Category })
	return out
}

// CategoryCount is how many failing findings a rule category produced.
type CategoryCount struct {
	Category string
	Findings int
}

// Reports counts the reports added, and those that could not be read.
func (c *CohortStats) Reports() (all, unreadable int) { return c.reports, c.failed }

// Rules returns per-rule statistics, the most often fired first.
func (c *CohortStats) Rules() []RuleStat {
	out := make([]RuleStat, 0, len(c.stats))
	for _, s := range c.stats {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Fired != out[j].Fired {
			return out[i].Fired > out[j].Fired
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// Slice turns ranked reports held in memory into the sequence the writers
// take.
func Slice(ranked []Ranked) func() iter.Seq[Ranked] {
	return func() iter.Seq[Ranked] { return slices.Values(ranked) }
}

func yearString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func scoreString(p *float64) string {
	if p == nil {
		return ""
	}
	return num(*p)
}

// cellListMax is how many cells a finding's list names: a missing table
// has dozens, and the first few say where to look.
const cellListMax = 8

// cellList names a finding's cells by their printed labels, the first
// cellListMax of them and how many there are in all.
func cellList(f engine.Finding, lang string) string {
	var cs []string
	for i, c := range f.Cells {
		if i == cellListMax {
			cs = append(cs, pick(lang, fmt.Sprintf("等%d个单元格", len(f.Cells)), fmt.Sprintf("%d cells in all", len(f.Cells))))
			break
		}
		cs = append(cs, engine.CellName(c, lang))
	}
	return strings.Join(cs, pick(lang, "；", "; "))
}
