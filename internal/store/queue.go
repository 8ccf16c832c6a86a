package store

import (
	"context"
	"fmt"
)

// QueueBatch marks a batch queued unless it is running: several processes
// share a job queue, and a batch submitted again while a worker runs it is
// one run, not two. It reports whether the batch was running.
func (s *Store) QueueBatch(ctx context.Context, id int64) (running bool, err error) {
	res, err := s.w.ExecContext(ctx, `UPDATE batches SET state = ?, error = '' WHERE id = ? AND state <> ?`, BatchQueued, id, BatchRunning)
	if err != nil {
		return false, fmt.Errorf("store: batch %d: queue: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: batch %d: queue: %w", id, err)
	}
	if n == 1 {
		return false, nil
	}
	if _, ok, err := s.Batch(ctx, id); err != nil {
		return false, err
	} else if !ok {
		return false, fmt.Errorf("store: batch %d: queue: %w", id, errNoBatch)
	}
	return true, nil
}

// DecisionsVersion changes whenever a decision is made, changed or
// withdrawn (it is the newest history row): a worker that keeps a checker
// carrying the decisions rebuilds it only when this moves.
func (s *Store) DecisionsVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM decision_history`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: decisions version: %w", err)
	}
	return v, nil
}
