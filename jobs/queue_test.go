package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/pgtest"
	"github.com/ogi-checker/ogi/internal/store"
)

// queueEnv is a PostgreSQL store and a data directory shared by several
// runners, as replicas and workers on one machine share them.
type queueEnv struct {
	*env
	dsn string
}

func newQueueEnv(t *testing.T) *queueEnv {
	t.Helper()
	dsn := pgtest.Location(t)
	ctx := context.Background()
	if _, err := MigrateQueue(ctx, dsn, false); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	e := &env{t: t, dir: dir, dbPath: dsn, blobs: &testBlobs{dir: filepath.Join(dir, "blobs")}}
	if err := mkdir(e.blobs.dir); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e.st = st
	return &queueEnv{env: e, dsn: dsn}
}

// process is a runner over the shared store and data directory with its
// own store connection, as another process would have; workers 0 only
// queues.
func (q *queueEnv) process(workers int) *Runner {
	q.t.Helper()
	r := q.runner(workers)
	if err := r.Start(context.Background()); err != nil {
		q.t.Fatal(err)
	}
	return r
}

// runner is a process's runner, not started.
func (q *queueEnv) runner(workers int) *Runner {
	q.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, q.dsn)
	if err != nil {
		q.t.Fatal(err)
	}
	q.t.Cleanup(func() { _ = st.Close() })
	r, err := New(Config{Store: st, StorePath: q.dsn, Blobs: q.blobs, DataDir: filepath.Join(q.dir, "data"),
		Checker: builtin, Version: "test", Converter: "test", Workers: 2,
		Queue: &QueueConfig{Workers: workers, Poll: 100 * time.Millisecond}, Log: testLog})
	if err != nil {
		q.t.Fatal(err)
	}
	q.t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	return r
}

// TestQueueBatch: a replica that only queues and two workers over one
// PostgreSQL store. The batch's reports are converted by report jobs, the
// replica sees the progress and the end, a second submission while it
// runs is the same run, and the results and exports are the bytes a
// single process writes on SQLite.
func TestQueueBatch(t *testing.T) {
	ctx := context.Background()
	q := newQueueEnv(t)
	replica := q.process(0)
	q.process(2)
	q.process(2)
	id := q.batch("2024年度", 0, fullUploads...)
	ch, unsub := replica.Subscribe(id)
	defer unsub()
	if err := replica.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := replica.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	last, seen := waitEnd(t, ch)
	if last.State != store.BatchDone {
		t.Fatalf("batch ended %+v", last)
	}
	b, _, err := q.st.Batch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.Runs != 1 || b.Total != len(fullUploads) {
		t.Errorf("stored batch: %d runs, total %d; want 1 run of %d", b.Runs, b.Total, len(fullUploads))
	}
	var sawConvert bool
	for _, p := range seen {
		sawConvert = sawConvert || p.Phase == "convert" && p.State == store.BatchRunning
	}
	if !sawConvert {
		t.Errorf("the replica saw no convert progress: %+v", seen)
	}

	// Every report was a job of its own, done once.
	var reports, done int
	if err := replica.q.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE state = 'completed') FROM river_job WHERE kind = $1`,
		kindReport).Scan(&reports, &done); err != nil {
		t.Fatal(err)
	}
	if reports != len(fullUploads) || done != reports {
		t.Errorf("report jobs: %d, %d completed; want %d", reports, done, len(fullUploads))
	}

	// The batch's run found every report converted by the report jobs.
	runs, err := q.st.Runs(ctx)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %+v, %v; want the batch's one", runs, err)
	}
	if runs[0].Reports != len(fullUploads) || runs[0].Converted != 0 {
		t.Errorf("the batch's run converted %d of %d reports, want none (the report jobs did)", runs[0].Converted, runs[0].Reports)
	}

	// The same batch in one process on SQLite.
	local := newEnv(t)
	lid := local.batch("2024年度", 0, fullUploads...)
	lr := local.runner()
	lch, lunsub := lr.Subscribe(lid)
	defer lunsub()
	if err := lr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lr.Shutdown(ctx) }()
	if err := lr.Enqueue(ctx, lid); err != nil {
		t.Fatal(err)
	}
	waitEnd(t, lch)
	got, err := replica.Results(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want, err := lr.Results(ctx, lid)
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Errorf("results differ between the shared queue and one process")
	}
	for _, f := range []string{"xlsx", "csv", "json"} {
		var g, w bytes.Buffer
		if _, err := replica.Export(ctx, id, f, &g); err != nil {
			t.Fatal(err)
		}
		if _, err := lr.Export(ctx, lid, f, &w); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.Bytes(), w.Bytes()) {
			t.Errorf("%s export differs between the shared queue and one process", f)
		}
		// Asked again: the same file, no second job.
		var again bytes.Buffer
		if _, err := replica.Export(ctx, id, f, &again); err != nil || !bytes.Equal(again.Bytes(), g.Bytes()) {
			t.Errorf("%s export asked again: %v, same bytes %v", f, err, bytes.Equal(again.Bytes(), g.Bytes()))
		}
	}
	var exports int
	if err := replica.q.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kindExport).Scan(&exports); err != nil {
		t.Fatal(err)
	}
	if exports != 3 {
		t.Errorf("%d export jobs for 3 formats asked twice each, want 3", exports)
	}
	// A decision changes what an export shows: a new export job.
	if err := q.st.PutDecision(ctx, store.Decision{Finding: "f-x", Verdict: "confirmed", Reviewer: "王", Decided: time.Unix(1700000000, 0)}); err != nil {
		t.Fatal(err)
	}
	var g bytes.Buffer
	if _, err := replica.Export(ctx, id, "csv", &g); err != nil {
		t.Fatal(err)
	}
	if err := replica.q.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kindExport).Scan(&exports); err != nil || exports != 4 {
		t.Errorf("after a decision: %d export jobs (%v), want 4", exports, err)
	}
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o700) }

// TestQueueShutdown: a worker stopped in the middle of a report job gives
// it back to the queue at once, without spending an attempt, and another
// worker finishes the batch.
func TestQueueShutdown(t *testing.T) {
	ctx := context.Background()
	q := newQueueEnv(t)
	replica := q.process(0)
	id := q.batch("2024年度", 0, seed000, seed002)
	held := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	q.blobs.block = func() {
		once.Do(func() {
			close(held)
			<-release
		})
	}
	first := q.process(1)
	ch, unsub := replica.Subscribe(id)
	defer unsub()
	if err := replica.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("no report job started")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- first.Shutdown(ctx) }()
	// The job's context is cancelled; the blob lookup returns when let go.
	time.Sleep(200 * time.Millisecond)
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	// Both report jobs wait in the queue: the one the worker held came
	// back at once, with no failed attempt recorded.
	var available, failedAttempts int
	if err := replica.q.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'available'),
		count(*) FILTER (WHERE COALESCE(jsonb_array_length(to_jsonb(errors)), 0) > 0 OR state = 'retryable')
		FROM river_job WHERE kind = $1`, kindReport).Scan(&available, &failedAttempts); err != nil {
		t.Fatal(err)
	}
	if available != 2 || failedAttempts != 0 {
		t.Errorf("after the worker stopped: %d report jobs available, %d with a failed attempt; want 2 and 0", available, failedAttempts)
	}
	q.process(1)
	if last, _ := waitEnd(t, ch); last.State != store.BatchDone {
		t.Fatalf("batch ended %+v", last)
	}
	res, err := replica.Results(ctx, id)
	if err != nil || len(res) != 2 {
		t.Fatalf("results %d, %v", len(res), err)
	}
	for _, fr := range res {
		if fr.Score == nil {
			t.Errorf("%s: not scored: %s", fr.File, fr.Error)
		}
	}
}

// testLog is the runners' log in these tests (nil: discarded).
var testLog *slog.Logger

// TestQueueTimeouts: no job kind runs without a limit, and none longer
// than RescueAfter: River rescues a job only when both have passed, and
// never one whose limit is infinite, so a worker killed in a batch's last
// job would otherwise leave the batch running for ever.
func TestQueueTimeouts(t *testing.T) {
	for _, tc := range []struct {
		rescue                  time.Duration
		batch, report, exported time.Duration
	}{
		{0, time.Hour, 5 * time.Minute, exportWait},
		{10 * time.Second, 10 * time.Second, 10 * time.Second, 10 * time.Second},
		{2 * time.Hour, 2 * time.Hour, 5 * time.Minute, exportWait},
	} {
		q := &queue{cfg: QueueConfig{RescueAfter: tc.rescue}}
		b := (&batchWorker{q: q}).Timeout(nil)
		r := (&reportWorker{q: q}).Timeout(nil)
		e := (&exportWorker{q: q}).Timeout(nil)
		if b != tc.batch || r != tc.report || e != tc.exported {
			t.Errorf("rescue after %v: timeouts batch %v, report %v, export %v; want %v, %v, %v", tc.rescue, b, r, e, tc.batch, tc.report, tc.exported)
		}
	}
}

// TestQueueBatchTimeLimit: a batch whose last job runs past its time
// limit (RescueAfter) fails with a sentence that says what to raise,
// instead of being cut off again at every attempt.
func TestQueueBatchTimeLimit(t *testing.T) {
	ctx := context.Background()
	q := newQueueEnv(t)
	id := q.batch("2024年度", 0, seed000, seed002)
	var mu sync.Mutex
	calls := 0
	q.blobs.block = func() {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n > 2 { // the batch's own run, after the two report jobs
			time.Sleep(3 * time.Second)
		}
	}
	st, err := store.Open(ctx, q.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	r, err := New(Config{Store: st, StorePath: q.dsn, Blobs: q.blobs, DataDir: filepath.Join(q.dir, "data"),
		Checker: builtin, Version: "test", Converter: "test", Workers: 1,
		Queue: &QueueConfig{Workers: 1, Poll: 100 * time.Millisecond, RescueAfter: 2 * time.Second}, Log: testLog})
	if err != nil {
		t.Fatal(err)
	}
	ch, unsub := r.Subscribe(id)
	defer unsub()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Shutdown(context.Background()) })
	if err := r.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	last, _ := waitEnd(t, ch)
	if last.State != store.BatchFailed || !strings.Contains(last.Error, "--rescue-after") || !strings.Contains(last.Error, "2s") {
		t.Fatalf("batch over its time limit ended %+v", last)
	}
}

// TestQueueFanOutOnce: queueing a batch's reports again — a retried batch
// job looks again at every poll, while officers keep deciding — adds no
// report job: the decisions are not part of a report job's identity. (With
// them, a cluster test's killed batch job queued 2,000 new jobs every half
// second while a reviewer decided.)
func TestQueueFanOutOnce(t *testing.T) {
	ctx := context.Background()
	q := newQueueEnv(t)
	r := q.process(1)
	id := q.batch("2024年度", 0, seed000, seed002)
	ch, unsub := r.Subscribe(id)
	defer unsub()
	if err := r.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	if last, _ := waitEnd(t, ch); last.State != store.BatchDone {
		t.Fatalf("batch ended %+v", last)
	}
	b, _, err := q.st.Batch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	items, err := q.st.Items(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := q.st.PutDecision(ctx, store.Decision{Finding: fmt.Sprintf("f-%d", i), Verdict: "confirmed", Reviewer: "王",
			Decided: time.Unix(1700000000, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := r.q.fanOut(ctx, b, items, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := r.q.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kindReport).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(items) {
		t.Errorf("%d report jobs after queueing %d reports 4 times with new decisions in between, want %d", n, len(items), len(items))
	}
}
