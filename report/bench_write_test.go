package report_test

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
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
		benchRanked, benchCohort = rankAll(reports, eng.Rules())
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

// seedCopies is how many copies of each seed report BenchmarkWorkbook
// writes: 500 reports with some 8,000 findings, the shape of the seed batch
// (many findings each, long messages and cell lists) at a quarter of its size.
const seedCopies = 100

var (
	seedOnce   sync.Once
	seedRanked []report.Ranked
	seedCohort *report.CohortStats
	seedRules  []*engine.Rule
	seedErr    error
)

// seedBatch converts and checks the seed reports once and repeats them
// seedCopies times under their own file names, ranked as a batch ranks them.
func seedBatch(b *testing.B) ([]report.Ranked, *report.CohortStats, []*engine.Rule) {
	b.Helper()
	seedOnce.Do(func() {
		eng, err := engine.New([]engine.Pack{{Name: "builtin", FS: rules.FS}}, engine.Options{})
		if err != nil {
			seedErr = err
			return
		}
		paths, err := filepath.Glob("../testdata/seeds/*.txt")
		if err != nil || len(paths) == 0 {
			seedErr = fmt.Errorf("no seeds: %v", err)
			return
		}
		var reports []report.FileReport
		for i := range seedCopies {
			for _, p := range paths {
				data, err := os.ReadFile(p)
				if err != nil {
					seedErr = err
					return
				}
				doc, err := ingest.Convert(context.Background(), filepath.Base(p), data, ingest.Options{})
				if err != nil {
					seedErr = err
					return
				}
				res := enginetest.Eval(eng, doc)
				fr := report.NewFileReport(fmt.Sprintf("in/%05d_%s", i, filepath.Base(p)), doc, res, eng.ScoreResult(doc, res, engine.DefaultScoreConfig()))
				fr.Document = nil
				reports = append(reports, fr)
			}
		}
		seedRanked, seedCohort = rankAll(reports, eng.Rules())
		seedRules = eng.Rules()
	})
	if seedErr != nil {
		b.Fatal(seedErr)
	}
	return seedRanked, seedCohort, seedRules
}

// BenchmarkWorkbook writes the workbook and the CSV of the seed batch (one
// op = the whole file): the outputs whose rows are one per finding or per
// report, with the seeds' many findings.
func BenchmarkWorkbook(b *testing.B) {
	ranked, c, rs := seedBatch(b)
	src := &report.Source{Tool: report.Tool{Name: "ogi", Version: "bench"}, Rules: rs, Lang: "zh", Cohort: c,
		Reports: func(bool) iter.Seq[report.Ranked] { return slices.Values(ranked) }}
	for _, name := range []string{"xlsx", "csv"} {
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

// rankAll places every report in the cohort of all of them, as a batch does.
func rankAll(reports []report.FileReport, rules []*engine.Rule) ([]report.Ranked, *report.CohortStats) {
	c := report.NewCohortStats(rules)
	for _, r := range reports {
		c.Add(r)
	}
	ranked := make([]report.Ranked, 0, len(reports))
	for _, r := range reports {
		ranked = append(ranked, c.Rank(r))
	}
	return ranked, c
}
