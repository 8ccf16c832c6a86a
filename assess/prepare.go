package assess

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/internal/store"
)

// Prepare converts and checks inputs into db as Run would, but writes no
// output and records no run: it is how several workers share one batch.
// A later Run of a batch that holds these inputs, with the same checker
// and decisions, finds every document converted and, for each report that
// has no peer in that batch (内容雷同), its result checked; it converts and
// checks only what Prepare could not know, so its outputs are the same
// bytes as a Run that did all the work itself.
//
// opts.Checker must already carry the decisions in force (WithReviews of
// Reviews(db.Decisions)), as Run's would: Prepare does not read them,
// because a worker prepares one report at a time and the decisions are
// the same for every one. opts.Outputs, Review and Roster are ignored.
// The error is a store or temporary-file failure; a report that cannot be
// read is a result like any other.
func Prepare(ctx context.Context, db *store.Store, inputs []check.Input, opts Options) (Stats, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Checker == nil || db == nil {
		return Stats{}, check.ConfigError(errors.New("assess: Prepare needs a checker and a store"))
	}
	if opts.Similarity <= 0 {
		opts.Similarity = engine.DefaultSimilarityThreshold
	}
	opts.Roster, opts.Outputs, opts.Review = nil, nil, nil
	started := time.Now()
	rulesHash, err := opts.Checker.RulesDigest()
	if err != nil {
		return Stats{}, &check.Error{Code: check.ExitRules, Err: fmt.Errorf("cannot read the rule files: %w", err)}
	}
	var problems []string
	fails := outfile.NewProblems(func(line string) { problems = append(problems, line) })
	b := &batch{ctx: ctx, opts: &opts, chk: opts.Checker, lim: opts.Checker.Limits(), jobs: opts.Jobs, fails: fails, db: db,
		set:  batchSettings{converter: opts.Converter, rules: rulesHash, config: opts.Checker.ConfigDigest(opts.Lang)},
		prog: &progress{fn: opts.Progress}}
	if b.jobs <= 0 {
		b.jobs = runtime.GOMAXPROCS(0)
	}
	b.docs = &docKeeper{db: db, where: map[string][2]int64{}}
	for _, sp := range []**spool{&b.results, &b.narratives} {
		if *sp, err = newSpool(""); err != nil {
			return Stats{}, check.OutputError(fmt.Errorf("cannot create a temporary file: %w", err))
		}
		defer (*sp).close()
	}
	b.dbw = db.NewWriter(ctx, 256)
	// What Prepare writes, a batch's Run computes again if it is lost.
	b.dbw.Relax()
	b.docs.w = b.dbw
	b.docs.budget = docBudget(len(inputs))
	b.entries = make([]entry, len(inputs))
	for i, in := range inputs {
		b.entries[i].in = in
	}
	b.stats.reports = len(inputs)
	flush := func() {
		if err := b.dbw.Flush(); err != nil {
			fails.Add("%v", err)
		}
	}
	b.convert()
	flush()
	prevs := b.previous()
	peers := b.peers()
	flush()
	b.check(prevs, peers)
	if err := b.dbw.Close(); err != nil {
		fails.Add("%v", err)
	}
	st := b.stats
	out := Stats{Reports: st.reports, Converted: st.converted, ReusedDocs: st.reusedDocs, Checked: st.checked,
		ReusedResults: st.reusedResults, Unreadable: st.unreadable, Elapsed: time.Since(started)}
	if fails.Any() {
		return out, check.OutputError(fmt.Errorf("%s: %v", "store", problems))
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	return out, nil
}

// Reviews are the store's decisions as the checker applies them
// (check.Checker.WithReviews): what Run gives its checker, and what a
// caller of Prepare must give its own so that both key results alike.
func Reviews(kept []store.Decision) []check.Decision {
	ds := make([]check.Decision, 0, len(kept))
	for _, k := range kept {
		ds = append(ds, check.Decision{Identity: k.Finding, Values: k.Cells, Review: engine.Review{Verdict: k.Verdict,
			Reason: k.Reason, By: k.Reviewer, At: k.Decided.UTC().Format(time.RFC3339), Owner: k.Owner, Due: k.Due}})
	}
	return ds
}
