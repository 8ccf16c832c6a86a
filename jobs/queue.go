package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/internal/store"
)

// QueueConfig makes a Runner share its work with other processes through
// River, a job queue kept in the PostgreSQL database that is the store:
// every batch is a job, and every report of it a job of its own, so that
// any number of replicas (ogi serve) queue work and any number of workers
// (ogi worker, or ogi serve itself) do it.
type QueueConfig struct {
	// Workers is the number of report jobs this process works at once;
	// 0 makes a process that only queues (a replica whose work the
	// ogi worker processes do).
	Workers int
	// RescueAfter is how long a job may run before River takes it for
	// stuck (its worker killed) and gives it to another worker; 0: one
	// hour. A batch's last job, which writes its outputs, must finish
	// within it, or another worker repeats it (to the same bytes).
	RescueAfter time.Duration
	// Poll is how often a batch waiting for its reports looks again, and
	// how often progress is read for subscribers; 0: 500 ms.
	Poll time.Duration
}

// The job kinds and queues: a batch job fans its reports out, waits for
// them and writes the batch's results; a report job converts and checks
// one report into the store.
const (
	kindBatch   = "ogi_batch"
	kindReport  = "ogi_report"
	queueBatch  = "ogi_batch"
	queueReport = "ogi_report"
	// smallBatch is the size under which a batch's jobs go first: an
	// officer checking a handful of reports does not wait behind a
	// province's thousands.
	smallBatch = 50
)

// batchArgs are a batch job's: one per batch waiting or running.
type batchArgs struct {
	Batch int64 `json:"batch" river:"unique"`
}

// Kind names the job for River.
func (batchArgs) Kind() string { return kindBatch }

// InsertOpts keeps one job per batch among those not finished: a batch
// submitted again while it waits or runs is the same run.
func (batchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueBatch, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled}}}
}

// reportArgs are a report job's. The unique ones say what its document
// and result depend on: the bytes, the rules, the profile and the
// jurisdiction; the same report in two batches (or submitted twice) is
// converted and checked once. The decisions are not among them: they
// change while a batch runs (officers review), and a batch queueing its
// reports again must find the same jobs, not a new set per decision. A
// result prepared under older decisions is checked again by the batch's
// run, whose key holds the decisions in force.
type reportArgs struct {
	Blob         string `json:"blob" river:"unique"`
	Profile      string `json:"profile" river:"unique"`
	Jurisdiction string `json:"jurisdiction" river:"unique"`
	Rules        string `json:"rules" river:"unique"`
	// Decisions is the decisions version when queued, for the record.
	Decisions int64 `json:"decisions"`
	// Name is the file name as uploaded: the readers go by its extension.
	Name string `json:"name"`
}

// Kind names the job for River.
func (reportArgs) Kind() string { return kindReport }

// reportUnique also counts finished jobs (completed, and failed for good),
// so that a report is not prepared again while River keeps the job; a
// batch's last job converts and checks whatever was not prepared.
var reportUnique = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable,
	rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	rivertype.JobStateCompleted, rivertype.JobStateDiscarded, rivertype.JobStateCancelled}}

// queue is a Runner's River side.
type queue struct {
	r      *Runner
	cfg    QueueConfig
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]

	// reviewed caches, per profile and jurisdiction, the checker carrying
	// the decisions of one decisions version.
	mu       sync.Mutex
	reviewed map[[2]string]*check.Checker
	version  int64

	// counts are the jobs by state, read by poll for Load.
	counts struct {
		sync.Mutex
		queued, running, failed int
	}
}

// openQueuePool connects to the PostgreSQL database dsn names for River:
// a pgx pool of its own, as River's driver takes one (the store speaks
// database/sql).
func openQueuePool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("jobs: %s: %w", store.Redact(dsn), err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %s: %w", store.Redact(dsn), err)
	}
	return pool, nil
}

// queueLock serialises River's migrations among processes starting at
// once (the store's migrations hold their own lock).
const queueLock = 0x6f6769726976 // "ogiriv"

// MigrateQueue creates or updates River's tables in the PostgreSQL
// database dsn names; check only reports whether they are current.
func MigrateQueue(ctx context.Context, dsn string, check bool) (current bool, err error) {
	pool, err := openQueuePool(ctx, dsn)
	if err != nil {
		return false, err
	}
	defer pool.Close()
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return false, fmt.Errorf("jobs: the job queue: %w", err)
	}
	if check {
		res, err := m.Validate(ctx, nil)
		if err != nil {
			return false, fmt.Errorf("jobs: the job queue: %w", err)
		}
		return res.OK, nil
	}
	// Each of River's migrations commits on its own (a new enum value
	// cannot be used in the transaction that adds it); a session lock held
	// on a connection of its own makes the others wait.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("jobs: the job queue: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(queueLock)); err != nil {
		return false, fmt.Errorf("jobs: the job queue: %w", err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(queueLock))
	}()
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return false, fmt.Errorf("jobs: migrating the job queue: %w", err)
	}
	return true, nil
}

func newQueue(ctx context.Context, r *Runner, cfg QueueConfig) (*queue, error) {
	if !store.IsPostgres(r.cfg.StorePath) {
		return nil, errors.New("jobs: the shared job queue needs a PostgreSQL store (postgres://…)")
	}
	if cfg.Workers < 0 {
		cfg.Workers = 0
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 500 * time.Millisecond
	}
	pool, err := openQueuePool(ctx, r.cfg.StorePath)
	if err != nil {
		return nil, err
	}
	q := &queue{r: r, cfg: cfg, pool: pool, reviewed: map[[2]string]*check.Checker{}}
	workers := river.NewWorkers()
	river.AddWorker(workers, &batchWorker{q: q})
	river.AddWorker(workers, &reportWorker{q: q})
	river.AddWorker(workers, &exportWorker{q: q})
	// River tells of every fetch and every few seconds' counts at Info:
	// an operator's log gets its warnings and errors only.
	rc := &river.Config{Workers: workers, Logger: slog.New(minLevel{r.cfg.Log.Handler(), slog.LevelWarn}), RescueStuckJobsAfter: q.rescueAfter(),
		// River's default limit (a minute) must not exceed RescueAfter; every
		// worker here sets its own anyway.
		JobTimeout: q.timeout(time.Minute),
		// Report jobs take milliseconds, and a producer fetches at most once
		// per cooldown: at 20 ms one worker slot did no more than 50 a second
		// (38 measured).
		FetchCooldown: 2 * time.Millisecond, FetchPollInterval: cfg.Poll}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{
			queueReport: {MaxWorkers: cfg.Workers},
			// A batch job mostly waits (snoozed, holding no worker) and then
			// writes the outputs, which use every core themselves.
			queueBatch: {MaxWorkers: 2},
			// Exports re-run a batch from the store; someone waits for each.
			queueExport: {MaxWorkers: 2},
		}
	}
	q.client, err = river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("jobs: the job queue: %w", err)
	}
	return q, nil
}

// start starts working the queues (a process with no workers only
// inserts) and reading progress for subscribers.
func (q *queue) start(ctx context.Context) error {
	if q.cfg.Workers > 0 {
		if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("jobs: the job queue: %w", err)
		}
	}
	go q.r.poll(q.cfg.Poll)
	return nil
}

// stop cancels the jobs in hand, which go back to the queue at once (see
// the workers), and waits for them.
func (q *queue) stop(ctx context.Context, started bool) error {
	defer q.pool.Close()
	if q.cfg.Workers == 0 || !started {
		return nil
	}
	return q.client.StopAndCancel(ctx)
}

// rescueAfter is QueueConfig.RescueAfter or its default.
func (q *queue) rescueAfter() time.Duration {
	if q.cfg.RescueAfter > 0 {
		return q.cfg.RescueAfter
	}
	return time.Hour
}

// timeout is a job kind's time limit: its own, but no longer than
// RescueAfter, because River rescues a job only once both have passed.
// A worker killed mid-job thus has its job taken over after RescueAfter,
// whatever the kind.
func (q *queue) timeout(own time.Duration) time.Duration { return min(own, q.rescueAfter()) }

// priority is a batch's and its reports' place in the queue (1 first).
func priority(items int) int {
	if items <= smallBatch {
		return 1
	}
	return 2
}

// enqueue submits a batch: queued unless a worker runs it, and one job
// however many times it is submitted.
func (q *queue) enqueue(ctx context.Context, id int64) error {
	st := q.r.cfg.Store
	items, err := st.Items(ctx, id)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	// Queued first: the job cannot start before it is inserted, so a
	// worker's "running" always comes after.
	running, err := st.QueueBatch(ctx, id)
	if err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if running {
		// The run under way is the run, unless its job is gone (a worker
		// killed on its last attempt): then a new job takes it over.
		if live, err := q.liveBatchJob(ctx, id); err != nil || live {
			return err
		}
	}
	res, err := q.client.Insert(ctx, batchArgs{Batch: id}, &river.InsertOpts{Priority: priority(len(items))})
	if err != nil {
		if !running {
			_ = st.SetBatchState(context.WithoutCancel(ctx), id, store.BatchFailed, "无法加入任务队列（cannot queue the batch）："+err.Error(), time.Now())
		}
		return fmt.Errorf("jobs: queueing batch %d: %w", id, err)
	}
	if !running {
		q.r.publish(q.r.current(ctx, id))
	}
	q.r.cfg.Log.Debug("batch queued", "batch", id, "job", res.Job.ID, "duplicate", res.UniqueSkippedAsDuplicate)
	return nil
}

// checker is the batch's checker carrying the decisions in force, as the
// batch's Run will make it, so that reports prepared with it are found
// by that Run; version is the decisions version it carries.
func (q *queue) checker(ctx context.Context, profile, juris string) (chk *check.Checker, version int64, err error) {
	st := q.r.cfg.Store
	v, err := st.DecisionsVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	k := [2]string{profile, juris}
	q.mu.Lock()
	if q.version != v {
		q.version, q.reviewed = v, map[[2]string]*check.Checker{}
	}
	chk = q.reviewed[k]
	q.mu.Unlock()
	if chk != nil {
		return chk, v, nil
	}
	base, err := q.r.cfg.Checker(profile, juris)
	if err != nil {
		return nil, 0, err
	}
	kept, err := st.Decisions(ctx)
	if err != nil {
		return nil, 0, err
	}
	chk = base
	if len(kept) > 0 {
		chk = base.WithReviews(assess.Reviews(kept))
	}
	q.mu.Lock()
	if q.version == v {
		q.reviewed[k] = chk
	}
	q.mu.Unlock()
	return chk, v, nil
}

// fanOut queues a report job for every item (those already prepared or
// under way are not queued again).
// With again set (a retry of the batch's job), it first counts the files
// that have a report job of these rules in any state and queues nothing
// when all have: a retried job looks again every poll.
func (q *queue) fanOut(ctx context.Context, b store.Batch, items []store.Item, again bool) error {
	chk, v, err := q.checker(ctx, b.Profile, b.Jurisdiction)
	if err != nil {
		return nil // the batch's Run says why the configuration is not valid
	}
	rules, err := chk.RulesDigest()
	if err != nil {
		return nil
	}
	if again {
		var known int
		if err := q.pool.QueryRow(ctx, `SELECT count(DISTINCT args->>'blob') FROM river_job WHERE kind = $1
			AND args->>'blob' = ANY($2) AND args->>'rules' = $3 AND args->>'profile' = $4 AND args->>'jurisdiction' = $5`,
			kindReport, blobsOf(items), rules, b.Profile, b.Jurisdiction).Scan(&known); err != nil {
			return fmt.Errorf("jobs: the job queue: %w", err)
		}
		if known >= len(items) {
			return nil
		}
	}
	opts := &river.InsertOpts{Queue: queueReport, Priority: priority(len(items)), MaxAttempts: 5, UniqueOpts: reportUnique}
	const chunk = 1000
	for start := 0; start < len(items); start += chunk {
		var params []river.InsertManyParams
		for _, it := range items[start:min(start+chunk, len(items))] {
			params = append(params, river.InsertManyParams{InsertOpts: opts, Args: reportArgs{Blob: it.Blob, Name: it.Name,
				Profile: b.Profile, Jurisdiction: b.Jurisdiction, Rules: rules, Decisions: v}})
		}
		if _, err := q.client.InsertMany(ctx, params); err != nil {
			return fmt.Errorf("jobs: queueing the reports of batch %d: %w", b.ID, err)
		}
	}
	return nil
}

// unfinished counts the report jobs not finished among those of the
// batch's files (whichever batch queued them).
func (q *queue) unfinished(ctx context.Context, items []store.Item) (int, error) {
	blobs := blobsOf(items)
	var n int
	err := q.pool.QueryRow(ctx, `SELECT count(DISTINCT args->>'blob') FROM river_job
		WHERE kind = $1 AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled') AND args->>'blob' = ANY($2)`,
		kindReport, blobs).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("jobs: the job queue: %w", err)
	}
	return n, nil
}

// blobsOf are the items' blob hashes.
func blobsOf(items []store.Item) []string {
	blobs := make([]string, len(items))
	for i, it := range items {
		blobs[i] = it.Blob
	}
	return blobs
}

// refreshCounts reads the jobs waiting and running, for Load.
func (q *queue) refreshCounts(ctx context.Context) {
	var queued, running, failed int
	err := q.pool.QueryRow(ctx, `SELECT
		count(*) FILTER (WHERE state IN ('available', 'pending', 'retryable', 'scheduled')),
		count(*) FILTER (WHERE state = 'running'),
		count(*) FILTER (WHERE state = 'discarded')
		FROM river_job WHERE kind IN ($1, $2, $3) AND state IN ('available', 'pending', 'retryable', 'scheduled', 'running', 'discarded')`,
		kindBatch, kindReport, kindExport).Scan(&queued, &running, &failed)
	if err != nil {
		return
	}
	q.counts.Lock()
	q.counts.queued, q.counts.running, q.counts.failed = queued, running, failed
	q.counts.Unlock()
}

// interrupted is what a job returns when this process stops under it: the
// job goes back to the queue at once, without counting as an attempt, and
// another worker (or this one, restarted) takes it.
func interrupted(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return river.JobSnooze(0)
	}
	return err
}

// reportWorker converts and checks one report into the store.
type reportWorker struct {
	river.WorkerDefaults[reportArgs]
	q *queue
}

// Timeout bounds one report: the readers bound themselves far below it.
func (w *reportWorker) Timeout(*river.Job[reportArgs]) time.Duration {
	return w.q.timeout(5 * time.Minute)
}

// Work prepares the report (assess.Prepare).
func (w *reportWorker) Work(ctx context.Context, job *river.Job[reportArgs]) error {
	r, a := w.q.r, job.Args
	chk, _, err := w.q.checker(ctx, a.Profile, a.Jurisdiction)
	if err != nil {
		// Not this report's fault: the batch's Run reports the configuration.
		return river.JobCancel(err)
	}
	src, err := r.cfg.Blobs.Path(a.Blob)
	if err != nil {
		return river.JobCancel(err)
	}
	dir, err := os.MkdirTemp(r.workRoot(), "report-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	dst := filepath.Join(dir, safeFileName(a.Name))
	if err := linkOrCopy(src, dst); err != nil {
		return err
	}
	_, err = assess.Prepare(ctx, r.cfg.Store, []check.Input{{File: dst, Name: a.Name}},
		assess.Options{Checker: chk, Lang: r.cfg.Lang, Jobs: 1, Version: r.cfg.Version, Converter: r.cfg.Converter})
	if err != nil {
		return interrupted(ctx, err)
	}
	return nil
}

// batchWorker runs a batch: it queues the batch's reports, waits for them
// (snoozed, so that no worker is held) and then writes the batch's
// results, which finds every report prepared.
type batchWorker struct {
	river.WorkerDefaults[batchArgs]
	q *queue
}

// Timeout: a batch's job is as long as its outputs take, up to
// RescueAfter. It must not be infinite: River never rescues a job whose
// timeout is, and a worker killed while writing a batch's results would
// leave the batch running for ever.
func (w *batchWorker) Timeout(*river.Job[batchArgs]) time.Duration { return w.q.rescueAfter() }

// Work is one look at the batch: the first queues its reports, each
// reports progress, and the one that finds them all done runs the batch.
func (w *batchWorker) Work(ctx context.Context, job *river.Job[batchArgs]) error {
	q, r := w.q, w.q.r
	st := r.cfg.Store
	id := job.Args.Batch
	b, ok, err := st.Batch(ctx, id)
	if err != nil {
		return interrupted(ctx, err)
	}
	if !ok {
		return nil // deleted meanwhile
	}
	items, err := st.Items(ctx, id)
	if err != nil {
		return interrupted(ctx, err)
	}
	first := b.State != store.BatchRunning
	if first {
		if err := st.SetBatchState(ctx, id, store.BatchRunning, "", time.Now()); err != nil {
			return interrupted(ctx, err)
		}
		b.Started = time.Now()
	}
	if len(items) > 0 {
		// After a failed or rescued attempt too: a worker may have died
		// between the state and the fan-out. Queueing twice is harmless.
		if first || job.Attempt > 1 {
			if err := q.fanOut(ctx, b, items, !first); err != nil {
				return interrupted(ctx, err)
			}
		}
		left, err := q.unfinished(ctx, items)
		if err != nil {
			return interrupted(ctx, err)
		}
		if err := st.SetBatchProgress(ctx, id, "convert", len(items)-left, len(items)); err != nil {
			return interrupted(ctx, err)
		}
		if left > 0 {
			return river.JobSnooze(q.cfg.Poll)
		}
		if o := r.cfg.Observe; o != nil && !b.Started.IsZero() {
			o.Pass("convert", time.Since(b.Started))
		}
	}
	err = r.assess(ctx, id, true)
	bg := context.WithoutCancel(ctx)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// Past its time limit the run would be cut off again at every
		// attempt: the officer is told, and the operator what to raise.
		msg := fmt.Sprintf("写入批次结果超过时限 %s，未完成；请管理员调大 --rescue-after（writing the batch's results took longer than %s: raise --rescue-after）",
			q.rescueAfter(), q.rescueAfter())
		r.cfg.Log.Error("batch over its time limit", "batch", id, "limit", q.rescueAfter().String())
		if err := q.finish(bg, job, store.BatchFailed, msg); err != nil {
			return err
		}
		return nil
	case ctx.Err() != nil:
		_ = st.SetBatchState(bg, id, store.BatchQueued, "", time.Now())
		return interrupted(ctx, ctx.Err())
	case err != nil && job.Attempt < job.MaxAttempts && isTransient(err):
		return err
	case err != nil:
		r.cfg.Log.Warn("batch failed", "batch", id, "err", err)
		if serr := q.finish(bg, job, store.BatchFailed, err.Error()); serr != nil {
			return serr
		}
	default:
		if err := q.finish(bg, job, store.BatchDone, ""); err != nil {
			return err
		}
	}
	if o := r.cfg.Observe; o != nil {
		nb, _, _ := st.Batch(bg, id)
		o.RunEnded(nb.State, time.Since(nb.Started), nb.Total)
	}
	return nil
}

// finish records how the batch ended and completes its job in one
// transaction: a batch is never done while its job still runs (a new run
// submitted then would be taken for the same) nor its job completed while
// the batch still shows running.
func (q *queue) finish(ctx context.Context, job *river.Job[batchArgs], state, msg string) error {
	stmt, args, err := store.BatchStateStatement(job.Args.Batch, state, msg, time.Now())
	if err != nil {
		return err
	}
	tx, err := q.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, stmt, args...); err != nil {
		return err
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// liveBatchJob reports whether the batch has a job not finished.
func (q *queue) liveBatchJob(ctx context.Context, id int64) (bool, error) {
	var live bool
	err := q.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = $1
		AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled') AND (args->>'batch')::bigint = $2)`, kindBatch, id).Scan(&live)
	if err != nil {
		return false, fmt.Errorf("jobs: the job queue: %w", err)
	}
	return live, nil
}

// transientError marks a run failure worth another attempt (the store or
// the disk, not the batch).
type transientError struct{ error }

func (e transientError) Unwrap() error { return e.error }

func isTransient(err error) bool {
	var t transientError
	return errors.As(err, &t)
}

// minLevel passes on the records of at least min.
type minLevel struct {
	slog.Handler
	min slog.Level
}

// Enabled drops what is below min.
func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// WithAttrs keeps the level.
func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}

// WithGroup keeps the level.
func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}
