package assess

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
	"github.com/ogi-checker/ogi/similarity"
)

// passBatchSize is the generated batch the pass benchmarks run over: large
// enough that clustering and the outputs do real work, small enough for
// scripts/bench to run each pass six times on two builds.
const passBatchSize = 500

var (
	passOnce sync.Once
	passGen  []render.Generated
	passErr  error
)

// passInputs writes the batch `ogi generate --count 500` writes
// (render.Generate over the two sample documents, seed 1, error rate 0.3)
// into a temporary directory of tb. It is generated once per process.
func passInputs(tb testing.TB) []check.Input {
	tb.Helper()
	passOnce.Do(func() {
		bases := []*schema.Document{engine.SampleDocument(schema.Template2019), engine.SampleDocument(schema.Template2021)}
		passGen, passErr = render.Generate(bases, passBatchSize, 1, 0.3)
	})
	if passErr != nil {
		tb.Fatal(passErr)
	}
	dir := tb.TempDir()
	items := make([]check.Input, 0, len(passGen))
	for _, g := range passGen {
		p := filepath.Join(dir, g.Name)
		if err := os.WriteFile(p, g.Data, 0o644); err != nil {
			tb.Fatal(err)
		}
		items = append(items, check.Input{File: p})
	}
	return items
}

// passBatch is a batch set up as Run sets one up without a store or a
// roster, so that each pass can be timed on its own. The passes are Run's,
// called in Run's order; TestPassBatchMatchesRun holds the two to the same
// outputs.
type passBatch struct {
	b       *batch
	cohort  *report.CohortStats
	streams []*stream
	prevs   []string
	peers   map[int][]peerRef
}

func newPassBatch(tb testing.TB, items []check.Input, opts Options) *passBatch {
	tb.Helper()
	if opts.Similarity <= 0 {
		opts.Similarity = engine.DefaultSimilarityThreshold
	}
	rulesHash, err := opts.Checker.RulesDigest()
	if err != nil {
		tb.Fatal(err)
	}
	b := &batch{ctx: context.Background(), opts: &opts, chk: opts.Checker, lim: opts.Checker.Limits(), jobs: opts.Jobs,
		fails: outfile.NewProblems(func(line string) { tb.Error(line) }),
		set:   batchSettings{converter: opts.Converter, rules: rulesHash}, prog: &progress{}}
	if b.jobs <= 0 {
		b.jobs = runtime.GOMAXPROCS(0)
	}
	b.set.config = b.chk.ConfigDigest(opts.Lang)
	b.docs = &docKeeper{where: map[string][2]int64{}, budget: docBudget(len(items))}
	dir := tb.TempDir()
	for _, sp := range []**spool{&b.results, &b.narratives, &b.docs.sp} {
		if *sp, err = newSpool(dir); err != nil {
			tb.Fatal(err)
		}
		s := *sp
		tb.Cleanup(s.close)
	}
	b.entries = make([]entry, len(items))
	for i, in := range items {
		b.entries[i].in = in
	}
	b.stats.reports = len(items)
	pb := &passBatch{b: b, cohort: report.NewCohortStats(opts.Checker.Engine().Rules())}
	for _, spec := range opts.Outputs {
		if spec.Format.Name != "jsonl" {
			continue
		}
		js, err := openStream(spec, io.Discard)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(js.abort)
		pb.streams = append(pb.streams, js)
	}
	var mu sync.Mutex
	b.onResult = func(_ int, sr *storedResult, raw []byte) {
		mu.Lock()
		defer mu.Unlock()
		pb.cohort.Add(sr.Report)
		for _, js := range pb.streams {
			js.line(raw, b.fails)
		}
	}
	return pb
}

func (p *passBatch) convert() { p.b.convert() }
func (p *passBatch) pair()    { p.prevs = p.b.previous() }
func (p *passBatch) compare() { p.peers = p.b.peers() }
func (p *passBatch) check()   { p.b.check(p.prevs, p.peers) }
func (p *passBatch) outputs() { p.b.writeOutputs(p.streams, p.cohort, p.b.coverage()) }

// passOutputs are the outputs of `ogi assess -o jsonl=… -o csv=… -o xlsx=…`
// plus the dashboard, in dir.
func passOutputs(tb testing.TB, dir string) []report.Spec {
	tb.Helper()
	var specs []report.Spec
	for _, text := range []string{"jsonl=" + filepath.Join(dir, "a.jsonl"), "csv=" + filepath.Join(dir, "a.csv"),
		"xlsx=" + filepath.Join(dir, "a.xlsx"), "dashboard=" + filepath.Join(dir, "a.html")} {
		s, err := report.ParseSpec(text)
		if err != nil {
			tb.Fatal(err)
		}
		specs = append(specs, s)
	}
	return specs
}

// BenchmarkPass times each pass of a batch of 500 generated reports without
// a store (one op = the pass over the whole batch), the passes before it run
// with the timer stopped. Compare two builds with scripts/bench.
func BenchmarkPass(b *testing.B) {
	items := passInputs(b)
	chk := newChecker(b, check.Options{})
	opts := func(b *testing.B) Options {
		return Options{Checker: chk, Lang: "zh", Converter: "bench", Outputs: passOutputs(b, b.TempDir())}
	}
	b.Run("convert", func(b *testing.B) {
		o := opts(b)
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			p := newPassBatch(b, items, o)
			b.StartTimer()
			p.convert()
		}
		b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "reports/s")
	})
	// pair only reads the entries: it runs again on one converted batch.
	b.Run("pair", func(b *testing.B) {
		p := newPassBatch(b, items, opts(b))
		p.convert()
		b.ReportAllocs()
		for b.Loop() {
			p.pair()
		}
	})
	// compare consumes the signatures: they are put back between runs.
	b.Run("compare", func(b *testing.B) {
		p := newPassBatch(b, items, opts(b))
		p.convert()
		saved := make([]*similarity.Signature, len(p.b.entries))
		for i := range p.b.entries {
			saved[i] = p.b.entries[i].sig
		}
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			for i := range p.b.entries {
				p.b.entries[i].sig = saved[i]
			}
			b.StartTimer()
			p.compare()
		}
	})
	// check drops the prepared reports it finishes: each op checks a batch
	// converted afresh, with the timer stopped, as a first run does (run
	// again on one batch, it measured reading every document back). The
	// spilled case is a batch too large for its prepared reports to stay
	// in memory, as over 100,000 reports.
	for _, spilled := range []bool{false, true} {
		name := "check"
		if spilled {
			name = "check/spilled"
		}
		b.Run(name, func(b *testing.B) {
			spillAll = spilled
			defer func() { spillAll = false }()
			o := opts(b)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				p := newPassBatch(b, items, o)
				p.convert()
				p.pair()
				p.compare()
				b.StartTimer()
				p.check()
				if st := p.b.stats; st.finished == 0 || st.readBack != 0 {
					b.Fatalf("%d checked, %d finished without the document, %d read back", st.checked, st.finished, st.readBack)
				}
			}
			b.ReportMetric(float64(len(items)*b.N)/b.Elapsed().Seconds(), "reports/s")
		})
	}
	b.Run("outputs", func(b *testing.B) {
		p := newPassBatch(b, items, opts(b))
		p.convert()
		p.pair()
		p.compare()
		p.check()
		b.ReportAllocs()
		for b.Loop() {
			p.outputs()
		}
	})
}

// BenchmarkSingleReport is the single-report path of `ogi check`: read one
// generated report from disk, convert it and check it with the built-in
// pack (one op = one report, the layouts in turn).
func BenchmarkSingleReport(b *testing.B) {
	items := passInputs(b)[:6] // one of each of the six layouts
	chk := newChecker(b, check.Options{})
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := chk.Check(ctx, items[i%len(items)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestPassBatchMatchesRun: the passes as BenchmarkPass calls them write the
// same outputs as Run, so the benchmark measures what ogi assess does.
func TestPassBatchMatchesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("converts and checks 500 reports twice")
	}
	items := passInputs(t)[:60]
	chk := newChecker(t, check.Options{})
	runDir, passDir := t.TempDir(), t.TempDir()
	runBatch(t, items, Options{Checker: chk, Outputs: passOutputs(t, runDir)})
	p := newPassBatch(t, items, Options{Checker: chk, Lang: "zh", Converter: "test", Outputs: passOutputs(t, passDir)})
	p.convert()
	p.pair()
	p.compare()
	p.check()
	p.outputs()
	for _, name := range []string{"a.jsonl", "a.csv"} {
		want, err := os.ReadFile(filepath.Join(runDir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(passDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("%s: the pass batch wrote %d bytes, Run %d, and they differ", name, len(got), len(want))
		}
	}
}
