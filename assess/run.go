// Package assess runs a batch of reports the way an oversight office
// assesses them each spring: every report converted and checked in
// parallel with one Checker, paired with the same body's report for the
// year before, compared with every other body's (内容雷同), ranked, and
// written to JSON Lines, a workbook, a CSV and a dashboard. A store keeps
// documents and results, so that a re-run converts and checks only what
// changed. Memory stays at a few hundred bytes per report: documents and
// results wait in the store or in temporary files.
package assess

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

// Options configure a batch run.
type Options struct {
	// Checker checks each report; its engine's 内容雷同 threshold is the
	// one Similarity should repeat.
	Checker *check.Checker
	// Lang is the language of stored messages and of the outputs: zh or en.
	Lang string
	// CSVEncoding is the csv output's encoding (report.Source.CSVEncoding).
	CSVEncoding string
	// Jobs is the number of reports converted and checked at once (0: one
	// per CPU).
	Jobs int
	// Similarity is the narrative similarity (0–1) at which two reports
	// count as the same text; 0: engine.DefaultSimilarityThreshold.
	Similarity float64
	// Store is the SQLite store's path ("" for none).
	Store string
	// Version is the tool version recorded with each run in the store;
	// Converter identifies the build that converts documents (a stored
	// document is reused only from the same converter).
	Version, Converter string
	// Outputs are written once every report is checked, in their order;
	// a jsonl output is also streamed while the batch runs (see Run).
	Outputs []report.Spec
	// Stdout receives the outputs whose path is "-".
	Stdout io.Writer
	// MaxDetails caps the reports whose findings and tables the dashboard
	// embeds, lowest scores first (0: all).
	MaxDetails int
	// Review are decisions read from an edited 问题清单 (ReadReview): with
	// a store they are kept there and apply to this and every later run;
	// without one, to this run only. ReviewSource names their file and
	// Reviewer who made them (recorded with each decision).
	Review       []ReviewRow
	ReviewSource string
	Reviewer     string
	// Progress, when set, is told of every report done in each pass
	// (convert, check).
	Progress func(phase string, done, total int)
	// Problem, when set, is told once of each cause of an output or store
	// failure (a full disk fails every write after it the same way).
	Problem func(line string)
	// Roster, when set, is the bodies that owe a report: the outputs get
	// their coverage and aggregate reports the parent-vs-children checks.
	// Years are the report years it covers (none: every year in the batch).
	Roster *Roster
	Years  []int
}

// Stats sum up a run.
type Stats struct {
	Reports, Converted, ReusedDocs, Checked, ReusedResults, Unreadable int
	// Scored is the number of reports with a score; Mean their mean.
	Scored int
	Mean   float64
	// RunID is the run's number in the store (0 without one).
	RunID int64
	// Timings name each pass and output with its seconds ("convert 1.2s").
	Timings []string
	Elapsed time.Duration
}

// Outcome is what a run did.
type Outcome struct {
	// Code is the exit code the run implies (worst of every report's, and
	// ExitOutput when an output or the store could not be written).
	Code  check.Code
	Stats Stats
	// Unreadable are the reports that gave nothing to check, in batch order.
	Unreadable []report.FileReport
	// Coverage is the roster's coverage (nil without Options.Roster).
	Coverage *report.Coverage
}

// Run assesses the inputs. An error means the run could not start (the
// store cannot be opened, no temporary file); check.CodeOf gives its exit
// code. Failures of single reports are rows of the outputs, and failures of
// outputs are told to Problem and make the Outcome's code ExitOutput.
func Run(ctx context.Context, inputs []check.Input, opts Options) (*Outcome, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Checker == nil {
		return nil, check.ConfigError(fmt.Errorf("assess: no checker"))
	}
	if opts.Similarity <= 0 {
		opts.Similarity = engine.DefaultSimilarityThreshold
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	started := time.Now()
	rulesHash, err := opts.Checker.RulesDigest()
	if err != nil {
		return nil, &check.Error{Code: check.ExitRules, Err: fmt.Errorf("cannot read the rule files: %w", err)}
	}
	fails := outfile.NewProblems(opts.Problem)
	b := &batch{ctx: ctx, opts: &opts, chk: opts.Checker, lim: opts.Checker.Limits(), jobs: opts.Jobs, fails: fails,
		set:  batchSettings{converter: opts.Converter, rules: rulesHash},
		prog: &progress{fn: opts.Progress}}
	if b.jobs <= 0 {
		b.jobs = runtime.GOMAXPROCS(0)
	}
	spoolDir := ""
	if opts.Store != "" {
		// Its directory is made as an output's would be.
		// A file store's directory is made as an output's would be; a
		// PostgreSQL store has none.
		if !store.IsPostgres(opts.Store) {
			if err := outfile.MkdirFor(opts.Store); err != nil {
				return nil, check.OutputError(fmt.Errorf("--db %s: %w", opts.Store, err))
			}
		}
		db, err := store.Open(ctx, opts.Store)
		if err != nil {
			if check.IsWriteFailure(err) {
				return nil, check.OutputError(err)
			}
			return nil, check.ConfigError(err)
		}
		defer func() { _ = db.Close() }()
		b.db = db
	}
	if err := b.applyReviews(started); err != nil {
		return nil, err
	}
	b.set.config = b.chk.ConfigDigest(opts.Lang)
	if b.db != nil {
		db := b.db
		if b.runID, err = db.BeginRun(ctx, opts.Version, rulesHash, b.set.config, started); err != nil {
			return nil, check.OutputError(fmt.Errorf("%s: %w", store.Redact(opts.Store), err))
		}
		if !store.IsPostgres(opts.Store) {
			spoolDir = filepath.Dir(opts.Store)
		}
	}
	// Results, narratives and documents wait in temporary files (with a
	// store, the documents that do not fit in memory, compressed).
	b.docs = &docKeeper{db: b.db, where: map[string][2]int64{}}
	spools := []**spool{&b.results, &b.narratives, &b.docs.sp}
	for _, sp := range spools {
		if *sp, err = newSpool(spoolDir); err != nil {
			return nil, check.OutputError(fmt.Errorf("cannot create a temporary file: %w", err))
		}
		defer (*sp).close()
	}
	if b.db != nil {
		// Asked before the run writes a document or result: what it
		// writes itself, it knows. Without an answer every lookup is made.
		if h, err := b.db.Holds(ctx, b.set.converter, b.set.rules); err == nil {
			b.holding, b.holdingKnown = h, true
		}
		b.dbw = b.db.NewWriter(ctx, 256)
		b.docs.w = b.dbw
	}
	// With a store, documents and prepared reports share the budget;
	// without one, the documents are in the spool.
	b.docs.budget = docBudget(len(inputs))
	b.entries = make([]entry, len(inputs))
	for i, in := range inputs {
		b.entries[i].in = in
	}
	b.stats.reports = len(inputs)

	var streams []*stream
	for _, spec := range opts.Outputs {
		if spec.Format.Name != "jsonl" {
			continue
		}
		js, err := openStream(spec, opts.Stdout)
		if err != nil {
			return nil, err
		}
		defer js.abort()
		streams = append(streams, js)
	}
	cohort := report.NewCohortStats(opts.Checker.Engine().Rules())
	var mu sync.Mutex
	b.onResult = func(i int, sr *storedResult, raw []byte) {
		mu.Lock()
		defer mu.Unlock()
		cohort.Add(sr.Report)
		for _, js := range streams {
			js.line(raw, fails)
		}
	}

	phase := func(name string, fn func()) {
		t0 := time.Now()
		fn()
		b.timings = append(b.timings, fmt.Sprintf("%s %.1fs", name, time.Since(t0).Seconds()))
	}
	var prevs []string
	var peers map[int][]peerRef
	// The passes read what the one before wrote: queued writes are
	// committed in between.
	flush := func() {
		if b.dbw != nil {
			if err := b.dbw.Flush(); err != nil {
				fails.Add("%s: %v", store.Redact(opts.Store), err)
			}
		}
	}
	phase("convert", func() { b.convert(); b.docTwins.drop(); flush() })
	phase("pair", func() { prevs = b.previous() })
	phase("compare", func() { peers = b.peers(); flush() })
	if opts.Roster != nil {
		phase("roster", b.prepareRoster)
	}
	phase("check", func() { b.check(prevs, peers); flush() })
	if b.dbw != nil {
		if err := b.dbw.Close(); err != nil {
			fails.Add("%s: %v", store.Redact(opts.Store), err)
		}
	}

	out := &Outcome{}
	for _, e := range b.entries {
		if e.lost {
			// Its cause was reported once for all the reports it hit.
			out.Code = out.Code.Worse(check.ExitOutput)
			continue
		}
		if e.err != "" {
			out.Unreadable = append(out.Unreadable, e.unreadableReport())
		}
		out.Code = out.Code.Worse(e.code)
	}
	out.Coverage = b.coverage()
	b.writeOutputs(streams, cohort, out.Coverage)

	scores := cohort.Scores()
	st := b.stats
	out.Stats = Stats{Reports: st.reports, Converted: st.converted, ReusedDocs: st.reusedDocs, Checked: st.checked,
		ReusedResults: st.reusedResults, Unreadable: st.unreadable, Scored: len(scores), RunID: b.runID, Timings: b.timings}
	for _, s := range scores {
		out.Stats.Mean += s
	}
	if len(scores) > 0 {
		out.Stats.Mean /= float64(len(scores))
	}
	out.Stats.Elapsed = time.Since(started)
	if b.db != nil {
		if err := b.db.FinishRun(ctx, b.runID, st.reports, st.converted, st.reusedDocs, time.Now()); err != nil {
			fails.Add("%s: %v", store.Redact(opts.Store), err)
		}
	}
	if fails.Any() {
		out.Code = out.Code.Worse(check.ExitOutput)
	}
	return out, nil
}

// applyReviews records the run's review decisions in the store and gives
// the checker every decision in force.
func (b *batch) applyReviews(now time.Time) error {
	at := now.UTC().Format(time.RFC3339)
	ds := decisionsFrom(b.opts.Review, b.opts.Reviewer, at)
	if b.db != nil {
		for _, d := range ds {
			err := b.db.PutDecision(b.ctx, store.Decision{Finding: d.Identity, Cells: d.Values, Verdict: d.Review.Verdict,
				Reason: d.Review.Reason, Reviewer: d.Review.By, Decided: now, Source: b.opts.ReviewSource, Owner: d.Review.Owner, Due: d.Review.Due})
			if err != nil {
				return check.OutputError(err)
			}
		}
		kept, err := b.db.Decisions(b.ctx)
		if err != nil {
			return check.OutputError(err)
		}
		ds = Reviews(kept)
	}
	if len(ds) > 0 {
		b.chk = b.chk.WithReviews(ds)
	}
	return nil
}

// writeOutputs writes every output in batch order: the JSON Lines
// streamed while checking are rewritten in batch order (or, on standard
// output or a device, were final as they came); the other formats are
// written from the results in the spool. The outputs to files are written
// side by side, each on a goroutine of its own, reading the results back
// through one readBack so that each result is decoded once for all of
// them; those to standard output or a device, one after another in their
// order. Failures and timings are told in the outputs' order.
func (b *batch) writeOutputs(streams []*stream, cohort *report.CohortStats, cov *report.Coverage) {
	cohort.Scores() // sorts the scores once, before the outputs rank side by side
	shared := newReadBack(b)
	source := func() *report.Source {
		read := shared
		return &report.Source{Tool: report.Tool{Name: "ogi", Version: b.opts.Version}, Rules: b.chk.Engine().Rules(), Lang: b.opts.Lang, CSVEncoding: b.opts.CSVEncoding,
			Reports: func(withGrids bool) iter.Seq[report.Ranked] {
				// A second reading (none of the formats does) decodes on
				// its own rather than hold the others back from the start.
				rb := read
				read = nil
				return b.ranked(cohort, withGrids, rb)()
			},
			Summaries: b.summaries(cohort), Cohort: cohort, MaxDetails: b.opts.MaxDetails, Coverage: cov}
	}
	outs := b.opts.Outputs
	errs := make([]error, len(outs))
	took := make([]time.Duration, len(outs))
	// An output to a file may replace it once the file before it in the
	// outputs' order is replaced (or failed), and that one waited for the
	// one before: ready[i] is the done of the previous file.
	done := make([]chan struct{}, len(outs))
	ready := make([]chan struct{}, len(outs))
	var prev chan struct{}
	for i, spec := range outs {
		done[i] = make(chan struct{})
		if outfile.IsFile(spec.Path) {
			ready[i], prev = prev, done[i]
		}
	}
	write := func(i int) {
		defer close(done[i])
		spec := outs[i]
		t0 := time.Now()
		if spec.Format.Name == "jsonl" {
			// The JSON Lines are copied from the spool, not read back:
			// they wait for their turn before starting.
			if ready[i] != nil {
				<-ready[i]
				t0 = time.Now()
			}
			errs[i] = b.finishStream(streams, spec)
		} else {
			errs[i] = spec.WriteWhen(source(), b.opts.Stdout, ready[i])
		}
		took[i] = time.Since(t0)
	}
	var wg sync.WaitGroup
	var inOrder []int
	for i, spec := range outs {
		if outfile.IsFile(spec.Path) {
			wg.Go(func() { write(i) })
		} else {
			inOrder = append(inOrder, i)
		}
	}
	wg.Go(func() {
		for _, i := range inOrder {
			write(i)
		}
	})
	wg.Wait()
	for i, spec := range outs {
		if errs[i] != nil {
			b.fails.Add("%s: %v", outputName(spec), errs[i])
		}
		b.timings = append(b.timings, fmt.Sprintf("%s %.1fs", timingName(spec), took[i].Seconds()))
	}
}

// outputName is how a failure names an output: the flag it came from.
func outputName(s report.Spec) string {
	if s.Text != "" {
		return s.Text
	}
	return "-o " + s.Format.Name + "=" + s.Path
}

// timingName names an output in the run's timings: its flag (xlsx for
// --xlsx FILE) or its format.
func timingName(s report.Spec) string {
	if flag, ok := strings.CutPrefix(s.Text, "--"); ok {
		name, _, _ := strings.Cut(flag, " ")
		return name
	}
	return s.Format.Name
}

// finishStream completes a streamed JSON Lines output.
func (b *batch) finishStream(streams []*stream, spec report.Spec) error {
	for _, js := range streams {
		if js.path != spec.Path || js.file == nil {
			continue
		}
		if js.rewrite {
			// The streamed file is rewritten in batch order: the same input
			// gives the same bytes.
			js.abort()
			return outfile.Write(spec.Path, b.opts.Stdout, b.writeJSONLines)
		}
		return js.file.Commit()
	}
	return nil
}

// stream writes results in the order they are done: to standard output or
// a device as they come, or to a temporary file beside the JSON Lines file
// that is discarded once the file is written whole in batch order.
type stream struct {
	w       *bufio.Writer
	file    *atomicfile.File
	path    string
	name    string
	rewrite bool
	failed  bool
}

func openStream(spec report.Spec, stdout io.Writer) (*stream, error) {
	s := &stream{path: spec.Path, name: outputName(spec)}
	switch spec.Path {
	case outfile.Stdout:
		s.w = bufio.NewWriter(stdout)
	default:
		err := outfile.MkdirFor(spec.Path)
		if err == nil {
			s.file, err = atomicfile.Create(spec.Path)
		}
		if err != nil {
			return nil, check.OutputError(fmt.Errorf("%s: %w", s.name, err))
		}
		s.w = bufio.NewWriter(s.file)
		s.rewrite = !outfile.IsDevice(spec.Path)
	}
	return s, nil
}

func (s *stream) line(raw []byte, fails *outfile.Problems) {
	if s.w == nil || raw == nil || s.failed {
		return
	}
	_, _ = s.w.Write(raw)
	_ = s.w.WriteByte('\n')
	if err := s.w.Flush(); err != nil {
		if !s.rewrite {
			// Nothing rewrites a stream to standard output.
			fails.Add("%s: %v", s.name, err)
		}
		s.failed = true
	}
}

func (s *stream) abort() {
	if s.file != nil {
		s.file.Abort()
	}
}

// parallel runs fn(0..n-1) on jobs goroutines.
func parallel(n, jobs int, fn func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}
