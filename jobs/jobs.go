// Package jobs runs the server's batches: one at a time, in the order they
// were submitted, each through assess with the store, so that a re-run
// converts and checks only what changed and every result carries the
// office's decisions. Progress goes to the store (a restarted server, or
// another page, sees how far a run got) and to subscribers (a page's live
// progress). A batch under way when the server stops is left queued and
// runs again on the next Start.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

// Blobs is where the uploaded originals are kept by content hash; an
// *intake.Blobs is one. jobs asks for no more than this so that it does not
// depend on how uploads are taken in.
type Blobs interface {
	// Path is the file holding the blob with that sha256 (hex).
	Path(hash string) (string, error)
}

// Config is what a Runner needs.
type Config struct {
	// Store is the server's store; StorePath is the same store by path,
	// because assess opens the store itself.
	Store     *store.Store
	StorePath string
	// Blobs holds the uploaded originals; DataDir is where each batch's
	// results and work files go (DataDir/batches/<id>/).
	Blobs   Blobs
	DataDir string
	// Checker gives the checker for a batch's scoring profile and
	// jurisdiction (the server caches them).
	Checker func(profile, jurisdiction string) (*check.Checker, error)
	// Version is recorded with each run; Converter identifies the build
	// that converts documents (see assess.Options).
	Version, Converter string
	// Workers is the number of reports checked at once (0: GOMAXPROCS).
	Workers int
	// Lang is the language of stored messages and exports: zh (default)
	// or en.
	Lang string
	// Log receives what goes wrong outside a request (nil: discarded).
	Log *slog.Logger
	// Observe, when set, is told of each pass a run finished (convert,
	// check, and "outputs" for what follows the last report) with its
	// duration, and of each run's end with its state, duration and
	// number of reports: the server turns them into metrics.
	Observe Observer
	// Queue, when set, shares the work with other processes through the
	// job queue in the PostgreSQL store (see QueueConfig); nil runs the
	// batches in this process, one at a time.
	Queue *QueueConfig
}

// Observer receives what a run did, for metrics.
type Observer interface {
	Pass(phase string, d time.Duration)
	RunEnded(state string, d time.Duration, reports int)
}

// Progress is a batch's state as subscribers see it.
type Progress struct {
	Batch        int64
	State, Phase string
	Done, Total  int
	Error        string
}

// progressEvery bounds how often a run's progress is written to the store:
// a pass reports every report done, which would be a write per report.
const progressEvery = 200 * time.Millisecond

// Runner runs batches one at a time.
type Runner struct {
	cfg Config

	mu      sync.Mutex
	queue   []int64
	queued  map[int64]bool
	running int64
	cancel  context.CancelFunc // the running batch's
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{} // closed when the loop has returned
	started bool
	closed  bool
	subs    map[int64]map[chan Progress]struct{}

	// cacheMu guards cache and the results files it is read from: reading
	// them back does not hold up progress.
	cacheMu sync.Mutex
	cache   map[int64]*results
	docs    docCache

	// q is the shared job queue (nil: batches run in this process).
	q *queue
}

// New checks the configuration and makes the batches directory.
func New(cfg Config) (*Runner, error) {
	switch {
	case cfg.Store == nil || cfg.StorePath == "":
		return nil, errors.New("jobs: no store")
	case cfg.Blobs == nil:
		return nil, errors.New("jobs: no blobs")
	case cfg.DataDir == "":
		return nil, errors.New("jobs: no data directory")
	case cfg.Checker == nil:
		return nil, errors.New("jobs: no checker")
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Lang == "" {
		cfg.Lang = "zh"
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	for _, d := range []string{"batches", "work"} {
		if err := os.MkdirAll(filepath.Join(cfg.DataDir, d), 0o700); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	r := &Runner{cfg: cfg, queued: map[int64]bool{}, wake: make(chan struct{}, 1), stop: make(chan struct{}),
		done: make(chan struct{}), subs: map[int64]map[chan Progress]struct{}{}, cache: map[int64]*results{}}
	if cfg.Queue != nil {
		q, err := newQueue(context.Background(), r, *cfg.Queue)
		if err != nil {
			return nil, err
		}
		r.q = q
	}
	return r, nil
}

// workRoot is where report jobs put their inputs for the readers: in the
// data directory, so that a hard link to the blob is possible.
func (r *Runner) workRoot() string { return filepath.Join(r.cfg.DataDir, "work") }

// batchDir is where a batch's results and work files are.
func (r *Runner) batchDir(id int64) string {
	return filepath.Join(r.cfg.DataDir, "batches", strconv.FormatInt(id, 10))
}

// Start queues again the batches a stopped server left queued or running,
// oldest first, and starts running the queue. It is called once.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.started || r.closed {
		r.mu.Unlock()
		return errors.New("jobs: Start called twice or after Shutdown")
	}
	r.started = true
	r.mu.Unlock()
	if r.q != nil {
		// River keeps the jobs: what a stopped process left is in the queue.
		close(r.done)
		return r.q.start(ctx)
	}
	left, err := r.cfg.Store.BatchesInState(ctx, store.BatchQueued, store.BatchRunning)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	for _, b := range left {
		if err := r.Enqueue(ctx, b.ID); err != nil {
			return err
		}
	}
	go r.loop()
	return nil
}

// Enqueue submits a batch: its state becomes queued and it runs after the
// batches submitted before it. A batch already queued or running is left
// as it is.
func (r *Runner) Enqueue(ctx context.Context, batch int64) error {
	if _, ok, err := r.cfg.Store.Batch(ctx, batch); err != nil {
		return fmt.Errorf("jobs: %w", err)
	} else if !ok {
		return fmt.Errorf("jobs: no batch %d", batch)
	}
	if r.q != nil {
		r.mu.Lock()
		closed := r.closed
		r.mu.Unlock()
		if closed {
			return errors.New("jobs: the runner is shut down")
		}
		return r.q.enqueue(ctx, batch)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("jobs: the runner is shut down")
	}
	if r.queued[batch] || r.running == batch {
		return nil
	}
	if err := r.cfg.Store.SetBatchState(ctx, batch, store.BatchQueued, "", time.Now()); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	r.queue = append(r.queue, batch)
	r.queued[batch] = true
	r.publishLocked(Progress{Batch: batch, State: store.BatchQueued})
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return nil
}

// loop runs the queue until Shutdown.
func (r *Runner) loop() {
	defer close(r.done)
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		if len(r.queue) == 0 {
			r.mu.Unlock()
			select {
			case <-r.wake:
				continue
			case <-r.stop:
				return
			}
		}
		id := r.queue[0]
		r.queue = r.queue[1:]
		delete(r.queued, id)
		ctx, cancel := context.WithCancel(context.Background())
		r.running, r.cancel = id, cancel
		r.mu.Unlock()

		r.run(ctx, id)
		cancel()

		r.mu.Lock()
		r.running, r.cancel = 0, nil
		r.mu.Unlock()
	}
}

// Shutdown stops taking work and cancels the running batch, which stays
// queued so that the next Start runs it again; it returns once the loop
// has stopped, or with ctx's error.
func (r *Runner) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.stop)
		if r.cancel != nil {
			r.cancel()
		}
	}
	started := r.started
	r.mu.Unlock()
	if r.q != nil {
		return r.q.stop(ctx, started)
	}
	if !started {
		return nil
	}
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Subscribe gives a batch's progress: its current state first, then every
// change. The channel holds the latest change only, so a slow reader skips
// intermediate ones and never holds up the run; the state a run ends in
// is always delivered. The function unsubscribes and closes the channel.
func (r *Runner) Subscribe(batch int64) (<-chan Progress, func()) {
	ch := make(chan Progress, 1)
	// Under the lock, so that no change comes between the state read and
	// the subscription.
	r.mu.Lock()
	ch <- r.current(context.Background(), batch)
	if r.subs[batch] == nil {
		r.subs[batch] = map[chan Progress]struct{}{}
	}
	r.subs[batch][ch] = struct{}{}
	r.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			r.mu.Lock()
			delete(r.subs[batch], ch)
			if len(r.subs[batch]) == 0 {
				delete(r.subs, batch)
			}
			close(ch)
			r.mu.Unlock()
		})
	}
}

func progressOf(b store.Batch) Progress {
	return Progress{Batch: b.ID, State: b.State, Phase: b.Phase, Done: b.Done, Total: b.Total, Error: b.Error}
}

func (r *Runner) publish(p Progress) {
	r.mu.Lock()
	r.publishLocked(p)
	r.mu.Unlock()
}

// publishLocked replaces what a subscriber has not read yet with p.
func (r *Runner) publishLocked(p Progress) {
	for ch := range r.subs[p.Batch] {
		select {
		case ch <- p:
			continue
		default:
		}
		select {
		case <-ch:
		default:
		}
		select {
		case ch <- p:
		default:
		}
	}
}

// run assesses one batch and records how it ended. A cancelled run (the
// server stopping) leaves the batch queued and its last results in place.
func (r *Runner) run(ctx context.Context, id int64) {
	st := r.cfg.Store
	now := time.Now()
	if err := st.SetBatchState(ctx, id, store.BatchRunning, "", now); err != nil {
		r.cfg.Log.Error("batch cannot start", "batch", id, "err", err)
		return
	}
	r.publish(Progress{Batch: id, State: store.BatchRunning})
	err := r.assess(ctx, id, false)
	if o := r.cfg.Observe; o != nil {
		defer func() {
			b, _, _ := st.Batch(context.WithoutCancel(ctx), id)
			o.RunEnded(b.State, time.Since(now), b.Total)
		}()
	}
	// The state is written whatever ctx says: the run is over.
	bg := context.WithoutCancel(ctx)
	switch {
	case ctx.Err() != nil:
		if err := st.SetBatchState(bg, id, store.BatchQueued, "", time.Now()); err != nil {
			r.cfg.Log.Error("batch state not kept", "batch", id, "err", err)
		}
		r.publish(r.current(bg, id))
		return
	case err != nil:
		r.cfg.Log.Warn("batch failed", "batch", id, "err", err)
		if err := st.SetBatchState(bg, id, store.BatchFailed, err.Error(), time.Now()); err != nil {
			r.cfg.Log.Error("batch state not kept", "batch", id, "err", err)
		}
	default:
		if err := st.SetBatchState(bg, id, store.BatchDone, "", time.Now()); err != nil {
			r.cfg.Log.Error("batch state not kept", "batch", id, "err", err)
		}
	}
	r.publish(r.current(bg, id))
}

// current is the batch's state as the store has it.
func (r *Runner) current(ctx context.Context, id int64) Progress {
	b, ok, err := r.cfg.Store.Batch(ctx, id)
	if err != nil || !ok {
		return Progress{Batch: id}
	}
	return progressOf(b)
}

// runError is why a run failed, for an officer, in Chinese and English.
func runError(zh, en string, err error) error {
	if err == nil {
		return fmt.Errorf("%s（%s）", zh, en)
	}
	return fmt.Errorf("%s（%s）：%w", zh, en, err)
}

// assess runs the batch and, when it completes, puts its results in place.
// shared: its reports were prepared by report jobs, whose progress the
// batch showed as the convert pass; this run's own quick convert pass is
// not shown again.
func (r *Runner) assess(ctx context.Context, id int64, shared bool) error {
	b, ok, err := r.cfg.Store.Batch(ctx, id)
	if err != nil || !ok {
		return runError("读取批次失败", "cannot read the batch", err)
	}
	items, err := r.cfg.Store.Items(ctx, id)
	if err != nil {
		return runError("读取批次文件列表失败", "cannot read the batch's files", err)
	}
	if len(items) == 0 {
		return runError("批次中没有文件", "the batch has no files", nil)
	}
	dir := r.batchDir(id)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return runError("无法创建工作目录", "cannot create the work directory", err)
	}
	// A directory of this run's own: another process may be running the
	// same batch (a job taken for stuck), and readers keep reading the
	// last results until the new ones are complete.
	work, err := os.MkdirTemp(dir, runPrefix)
	if err != nil {
		return runError("无法创建工作目录", "cannot create the work directory", err)
	}
	kept := false
	defer func() {
		if !kept {
			_ = os.RemoveAll(work)
		}
	}()
	inputs, err := r.materialise(filepath.Join(work, "in"), items)
	if err != nil {
		return err
	}
	tmp := filepath.Join(work, "results.jsonl")
	var problems []string
	var mu sync.Mutex
	opts, err := r.options(&b, []report.Spec{jsonlSpec(tmp)}, func(line string) {
		mu.Lock()
		problems = append(problems, line)
		mu.Unlock()
	})
	if err != nil {
		return err
	}
	prog := &progressSink{r: r, id: id, since: time.Now()}
	if shared {
		prog.hide = "convert"
	}
	opts.Progress = prog.step
	out, err := assess.Run(ctx, inputs, opts)
	prog.flush()
	// What follows the last report (pairing, comparing, the outputs) is
	// the outputs pass.
	if o := r.cfg.Observe; o != nil && ctx.Err() == nil {
		o.Pass("outputs", time.Since(prog.since))
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return transientError{runError("运行失败", "the run failed", err)}
	}
	if len(problems) > 0 || out.Code == check.ExitOutput {
		return transientError{runError("结果无法写入", "the results could not be written", errors.New(strings.Join(problems, "; ")))}
	}
	if err := writeRunItems(filepath.Join(work, "items.json"), items); err != nil {
		return transientError{runError("结果无法写入", "the results could not be written", err)}
	}
	_ = os.RemoveAll(filepath.Join(work, "in"))
	r.cacheMu.Lock()
	defer r.cacheMu.Unlock()
	delete(r.cache, id)
	if err := publishRun(dir, filepath.Base(work)); err != nil {
		return transientError{runError("结果无法写入", "the results could not be written", err)}
	}
	kept = true
	return nil
}

// jsonlSpec is the JSON Lines output to path.
func jsonlSpec(path string) report.Spec {
	return report.FlagSpec("results", "jsonl", path)
}

// options are assess's options for a batch.
func (r *Runner) options(b *store.Batch, outs []report.Spec, problem func(string)) (assess.Options, error) {
	chk, err := r.cfg.Checker(b.Profile, b.Jurisdiction)
	if err != nil {
		return assess.Options{}, runError("检查配置无效", "the check configuration is not valid", err)
	}
	opts := assess.Options{Checker: chk, Lang: r.cfg.Lang, Jobs: r.cfg.Workers, Store: r.cfg.StorePath,
		Version: r.cfg.Version, Converter: r.cfg.Converter, Outputs: outs, Problem: problem}
	if len(b.Roster) > 0 {
		ro, err := assess.ParseRoster(b.RosterName, b.Roster)
		if err != nil {
			return assess.Options{}, runError("名单无法读取", "the roster cannot be read", err)
		}
		opts.Roster = ro
	}
	if b.Year != 0 {
		opts.Years = []int{b.Year}
	}
	return opts, nil
}

// progressSink passes a run's progress on: every step to subscribers, to
// the store at most every progressEvery and at the end of each pass.
type progressSink struct {
	r     *Runner
	id    int64
	mu    sync.Mutex
	last  time.Time
	cur   Progress
	saved bool
	// since is when the current pass began (the run's start for the
	// first).
	since time.Time
	// hide is a pass not shown (see Runner.assess).
	hide string
}

func (p *progressSink) step(phase string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if phase == p.hide {
		p.since = time.Now()
		return
	}
	if phase != p.cur.Phase {
		p.endPass(time.Now())
	}
	p.cur = Progress{Batch: p.id, State: store.BatchRunning, Phase: phase, Done: done, Total: total}
	p.saved = false
	p.r.publish(p.cur)
	if now := time.Now(); done == total || now.Sub(p.last) >= progressEvery {
		p.last = now
		p.save()
	}
}

// endPass tells the observer the current pass is over.
func (p *progressSink) endPass(now time.Time) {
	if p.cur.Phase != "" && p.r.cfg.Observe != nil {
		p.r.cfg.Observe.Pass(p.cur.Phase, now.Sub(p.since))
	}
	p.since = now
}

// flush writes the last progress if it was not written.
func (p *progressSink) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endPass(time.Now())
	if !p.saved && p.cur.Phase != "" {
		p.save()
	}
}

func (p *progressSink) save() {
	p.saved = true
	if err := p.r.cfg.Store.SetBatchProgress(context.Background(), p.id, p.cur.Phase, p.cur.Done, p.cur.Total); err != nil {
		p.r.cfg.Log.Warn("batch progress not kept", "batch", p.id, "err", err)
	}
}

// Load is how much work the runner holds: batches waiting and running.
func (r *Runner) Load() (queued, running int) {
	if r.q != nil {
		r.q.counts.Lock()
		defer r.q.counts.Unlock()
		return r.q.counts.queued, r.q.counts.running
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running != 0 {
		running = 1
	}
	return len(r.queue), running
}

// Failed is the number of jobs that failed for good and that the shared
// queue still keeps (River keeps them a week); always 0 in a process that
// runs its batches itself, whose failed runs are counted as they end.
func (r *Runner) Failed() int {
	if r.q == nil {
		return 0
	}
	r.q.counts.Lock()
	defer r.q.counts.Unlock()
	return r.q.counts.failed
}

// Ready reports whether the runner takes work: started and not shutting
// down.
func (r *Runner) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.started && !r.closed
}

// poll publishes, every interval, the progress of the batches someone
// subscribed to, as the store has it: with a shared queue the work is done
// in other processes, which reach this one only through the store.
func (r *Runner) poll(interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last := map[int64]Progress{}
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		ctx := context.Background()
		if r.q != nil {
			r.q.refreshCounts(ctx)
		}
		r.mu.Lock()
		ids := make([]int64, 0, len(r.subs))
		for id := range r.subs {
			ids = append(ids, id)
		}
		r.mu.Unlock()
		seen := map[int64]Progress{}
		for _, id := range ids {
			p := r.current(ctx, id)
			seen[id] = p
			if last[id] != p {
				r.publish(p)
			}
		}
		last = seen
	}
}
