package report_test

import (
	"fmt"
	"io"
	"iter"
	"sync"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/enginetest"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/rules"
)

// benchReports is how many reports BenchmarkWrite writes.
const benchReports = 300

var (
	benchOnce   sync.Once
	benchRanked []report.Ranked
	benchCohort *report.CohortStats
	benchRules  []*engine.Rule
	benchErr    error
)

// benchBatch checks benchReports sample documents, about a third of them
// with figures that do not add up, as a batch gives them to the outputs:
// ranked, with their grids. It is made once per process.
func benchBatch(b *testing.B) ([]report.Ranked, *report.CohortStats, []*engine.Rule) {
	b.Helper()
	benchOnce.Do(func() {
		eng, err := engine.New([]engine.Pack{{Name: "builtin", FS: rules.FS}}, engine.Options{})
		if err != nil {
			benchErr = err
			return
		}
		var reports []report.FileReport
		for i := range benchReports {
			doc := engine.SampleDocument([]string{"2019", "2021"}[i%2])
			doc.Meta.Agency = fmt.Sprintf("样例市第%d局", i+1)
			if i%3 == 0 {
				v := float64(900 + i)
				doc.Tables.Requests["new_received"]["total"].Value = &v
				doc.Tables.Requests["new_received"]["total"].Raw = fmt.Sprint(v)
			}
			res := enginetest.Eval(eng, doc)
			fr := report.NewFileReport(fmt.Sprintf("in/report-%06d.txt", i+1), doc, res, eng.ScoreResult(doc, res, engine.DefaultScoreConfig()))
			fr.Grid = report.NewGrid(doc, fr.Findings, "zh")
			fr.Document = nil
			reports = append(reports, fr)
		}
		benchCohort = report.NewCohortStats(eng.Rules())
		for _, r := range reports {
			benchCohort.Add(r)
		}
		for _, r := range reports {
			benchRanked = append(benchRanked, benchCohort.Rank(r))
		}
		benchRules = eng.Rules()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchRanked, benchCohort, benchRules
}

// BenchmarkWrite writes each output of a batch of benchReports checked
// reports (one op = the whole output), the reports in memory: what the
// format costs, without reading results back.
func BenchmarkWrite(b *testing.B) {
	ranked, c, rs := benchBatch(b)
	src := &report.Source{Tool: report.Tool{Name: "ogi", Version: "bench"}, Rules: rs, Lang: "zh", Cohort: c,
		Reports: func(withGrids bool) iter.Seq[report.Ranked] {
			return func(yield func(report.Ranked) bool) {
				for _, r := range ranked {
					if !withGrids {
						r.Report.Grid = nil
					}
					if !yield(r) {
						return
					}
				}
			}
		}}
	for _, name := range []string{"jsonl", "csv", "xlsx", "dashboard", "circular"} {
		f, ok := report.Lookup(name)
		if !ok {
			b.Fatalf("no format %s", name)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := f.Write(io.Discard, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
