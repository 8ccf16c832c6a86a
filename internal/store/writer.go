package store

import (
	"context"
	"fmt"
	"sync"
)

// Writer queues writes and commits them in batches on one goroutine, so a
// batch of thousands of reports pays one transaction per batch of writes
// rather than one per report: the workers that convert and check never wait
// for the disk. Compression happens in the calling goroutine. Reads see a
// write only after Flush.
type Writer struct {
	s    *Store
	ctx  context.Context
	ops  chan writeOp
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error // the first failed write, reported by Flush and Close
	size int
	// relaxed commits without waiting for the disk (see Relax).
	relaxed bool
}

type writeOp struct {
	fn    func(ctx context.Context, e execer) error
	flush chan error // set on a flush marker
}

// NewWriter starts a writer committing at most size writes per transaction.
func (s *Store) NewWriter(ctx context.Context, size int) *Writer {
	if size < 1 {
		size = 1
	}
	w := &Writer{s: s, ctx: ctx, ops: make(chan writeOp, 4*size), size: size}
	w.wg.Add(1)
	go w.loop()
	return w
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *Writer) firstErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *Writer) loop() {
	defer w.wg.Done()
	for op := range w.ops {
		batch := []writeOp{op}
	fill:
		for len(batch) < w.size && batch[len(batch)-1].flush == nil {
			select {
			case next, ok := <-w.ops:
				if !ok {
					break fill
				}
				batch = append(batch, next)
			default:
				break fill
			}
		}
		w.commit(batch)
		if f := batch[len(batch)-1].flush; f != nil {
			f <- w.firstErr()
		}
	}
}

func (w *Writer) commit(batch []writeOp) {
	n := 0
	for _, op := range batch {
		if op.fn != nil {
			n++
		}
	}
	if n == 0 {
		return
	}
	tx, err := w.s.w.BeginTx(w.ctx, nil)
	if err != nil {
		w.fail(fmt.Errorf("store: begin: %w", err))
		return
	}
	defer func() { _ = tx.Rollback() }()
	if w.relaxed && w.s.w.dialect == postgresDialect {
		if _, err := tx.ExecContext(w.ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			w.fail(fmt.Errorf("store: %w", err))
			return
		}
	}
	for _, op := range batch {
		if op.fn == nil {
			continue
		}
		// Each write is all or nothing inside the batch (a result and its
		// findings are several statements): one bad write is undone and
		// reported, and the others are committed without it.
		if _, err := tx.ExecContext(w.ctx, `SAVEPOINT w`); err != nil {
			w.fail(fmt.Errorf("store: savepoint: %w", err))
			return
		}
		if err := op.fn(w.ctx, tx); err != nil {
			w.fail(err)
			_, _ = tx.ExecContext(w.ctx, `ROLLBACK TO w`)
		}
		if _, err := tx.ExecContext(w.ctx, `RELEASE w`); err != nil {
			w.fail(fmt.Errorf("store: release: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		w.fail(fmt.Errorf("store: commit: %w", err))
	}
}

// Relax makes the writer's commits on PostgreSQL return before the write
// is on disk (synchronous_commit off for its transactions): for writes
// that are a cache, which a crash may lose because whoever needs them
// computes them again — a report job's prepared document and result,
// which the batch's run converts or checks itself when they are missing.
// A commit costs a round trip instead of a flush of the WAL. Call it
// before the first write; SQLite's commits are unchanged.
func (w *Writer) Relax() { w.relaxed = true }

// PutReport queues Store.PutReport.
func (w *Writer) PutReport(r Report) error {
	doc, err := prepareReport(r)
	if err != nil {
		return err
	}
	w.ops <- writeOp{fn: func(ctx context.Context, e execer) error { return putReport(ctx, e, r, doc) }}
	return nil
}

// PutResult queues Store.PutResult.
func (w *Writer) PutResult(r Result) error {
	summary, err := prepareResult(r)
	if err != nil {
		return err
	}
	w.ops <- writeOp{fn: func(ctx context.Context, e execer) error { return putResult(ctx, e, r, summary) }}
	return nil
}

// PutPairScore queues Store.PutPairScore.
func (w *Writer) PutPairScore(a, b string, score float64) error {
	a, b, err := preparePair(a, b)
	if err != nil {
		return err
	}
	w.ops <- writeOp{fn: func(ctx context.Context, e execer) error { return putPair(ctx, e, a, b, score) }}
	return nil
}

// Flush waits until every queued write is committed and returns the first
// error any write met so far.
func (w *Writer) Flush() error {
	done := make(chan error, 1)
	w.ops <- writeOp{flush: done}
	return <-done
}

// Close flushes and stops the writer.
func (w *Writer) Close() error {
	err := w.Flush()
	close(w.ops)
	w.wg.Wait()
	return err
}
