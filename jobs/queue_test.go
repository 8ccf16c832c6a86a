package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
	ctx := context.Background()
	st, err := store.Open(ctx, q.dsn)
	if err != nil {
		q.t.Fatal(err)
	}
	q.t.Cleanup(func() { _ = st.Close() })
	r, err := New(Config{Store: st, StorePath: q.dsn, Blobs: q.blobs, DataDir: filepath.Join(q.dir, "data"),
		Checker: builtin, Version: "test", Converter: "test", Workers: 2,
		Queue: &QueueConfig{Workers: workers, Poll: 100 * time.Millisecond}})
	if err != nil {
		q.t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
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
	}
}

func mkdir(dir string) error { return os.MkdirAll(dir, 0o700) }
