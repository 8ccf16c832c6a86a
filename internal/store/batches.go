package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Batch states: a batch is drafted while files are added, queued when it
// is submitted, running while assessed, then done or failed.
const (
	BatchDraft   = "draft"
	BatchQueued  = "queued"
	BatchRunning = "running"
	BatchDone    = "done"
	BatchFailed  = "failed"
)

// errNoBatch is what a write to a batch or item that does not exist
// wraps.
var errNoBatch = errors.New("no such batch or item")

// Batch is a set of reports the server assesses together, and the state of
// its last run.
type Batch struct {
	ID           int64
	Name         string
	Year         int
	Profile      string
	Jurisdiction string
	// RosterName and Roster are the bodies-that-owe-a-report CSV as
	// uploaded (Roster nil: none).
	RosterName string
	Roster     []byte
	CreatedBy  string
	Created    time.Time
	State      string
	// Phase, Done and Total are the last progress of the run (assess's
	// pass names: convert, check).
	Phase       string
	Done, Total int
	// Error is why the last run failed.
	Error             string
	Started, Finished time.Time
	// Runs counts the runs started, so a page can tell a re-run.
	Runs int
}

// CreateBatch records a new batch and returns its ID; State empty means
// BatchDraft.
func (s *Store) CreateBatch(ctx context.Context, b Batch) (int64, error) {
	if b.State == "" {
		b.State = BatchDraft
	}
	if b.Created.IsZero() {
		b.Created = time.Now()
	}
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO batches
	(name, year, profile, jurisdiction, roster_name, roster, created_by, created, state, phase, done, total, error, started, finished, runs)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.Name, b.Year, b.Profile, b.Jurisdiction, b.RosterName, b.Roster, b.CreatedBy, formatTime(b.Created), b.State,
		b.Phase, b.Done, b.Total, b.Error, optTime(b.Started), optTime(b.Finished), b.Runs).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create batch %q: %w", b.Name, err)
	}
	return id, nil
}

// optTime encodes a time that may be unset as "".
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

// parseOptTime reads what optTime writes.
func parseOptTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}

const batchColumns = `id, name, year, profile, jurisdiction, roster_name, roster, created_by, created, state, phase, done, total, error, started, finished, runs`

func scanBatch(row interface{ Scan(...any) error }) (Batch, error) {
	var (
		b                         Batch
		created, started, finishd string
	)
	if err := row.Scan(&b.ID, &b.Name, &b.Year, &b.Profile, &b.Jurisdiction, &b.RosterName, &b.Roster, &b.CreatedBy, &created,
		&b.State, &b.Phase, &b.Done, &b.Total, &b.Error, &started, &finishd, &b.Runs); err != nil {
		return Batch{}, err
	}
	var err error
	if b.Created, err = parseTime(created); err != nil {
		return Batch{}, err
	}
	if b.Started, err = parseOptTime(started); err != nil {
		return Batch{}, err
	}
	if b.Finished, err = parseOptTime(finishd); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// Batch returns the batch with that ID; ok is false when there is none.
func (s *Store) Batch(ctx context.Context, id int64) (Batch, bool, error) {
	b, err := scanBatch(s.r.QueryRowContext(ctx, `SELECT `+batchColumns+` FROM batches WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, false, nil
	}
	if err != nil {
		return Batch{}, false, fmt.Errorf("store: batch %d: %w", id, err)
	}
	return b, true, nil
}

// Batches returns every batch, newest first.
func (s *Store) Batches(ctx context.Context) ([]Batch, error) {
	return s.batches(ctx, `SELECT `+batchColumns+` FROM batches ORDER BY id DESC`)
}

// BatchesInState returns the batches in any of the states, oldest first:
// the order a restarted server queues them again.
func (s *Store) BatchesInState(ctx context.Context, states ...string) ([]Batch, error) {
	if len(states) == 0 {
		return nil, nil
	}
	q := `SELECT ` + batchColumns + ` FROM batches WHERE state IN (?` + repeatPlaceholders(len(states)-1) + `) ORDER BY id`
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = st
	}
	return s.batches(ctx, q, args...)
}

func repeatPlaceholders(n int) string {
	b := make([]byte, 0, 3*n)
	for range n {
		b = append(b, ", ?"...)
	}
	return string(b)
}

func (s *Store) batches(ctx context.Context, q string, args ...any) ([]Batch, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: batches: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("store: batches: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: batches: %w", err)
	}
	return out, nil
}

// SetBatchState moves a batch to state and records why it failed (errMsg,
// kept only for BatchFailed). Entering BatchRunning sets Started, clears
// Finished and counts a run; BatchDone and BatchFailed set Finished.
func (s *Store) SetBatchState(ctx context.Context, id int64, state, errMsg string, at time.Time) error {
	q, args, err := batchStateQuery(id, state, errMsg, at)
	if err != nil {
		return err
	}
	return s.updateOne(ctx, fmt.Sprintf("batch %d: set state %s", id, state), q, args...)
}

// BatchStateStatement is SetBatchState's statement for a PostgreSQL
// transaction that is not the store's: the job queue records a batch's
// end in the transaction that completes the batch's job, so that neither
// is kept without the other.
func BatchStateStatement(id int64, state, errMsg string, at time.Time) (string, []any, error) {
	q, args, err := batchStateQuery(id, state, errMsg, at)
	if err != nil {
		return "", nil, err
	}
	return postgresDialect.rebind(q), cleanArgs(args), nil
}

func batchStateQuery(id int64, state, errMsg string, at time.Time) (string, []any, error) {
	switch state {
	case BatchRunning:
		return `UPDATE batches SET state = ?, error = '', started = ?, finished = '', runs = runs + 1 WHERE id = ?`, []any{state, formatTime(at), id}, nil
	case BatchDone, BatchFailed:
		if state == BatchDone {
			errMsg = ""
		}
		return `UPDATE batches SET state = ?, error = ?, finished = ? WHERE id = ?`, []any{state, errMsg, formatTime(at), id}, nil
	case BatchDraft, BatchQueued:
		return `UPDATE batches SET state = ?, error = '' WHERE id = ?`, []any{state, id}, nil
	}
	return "", nil, fmt.Errorf("store: batch %d: unknown state %q", id, state)
}

// SetBatchProgress records how far the running pass has got.
func (s *Store) SetBatchProgress(ctx context.Context, id int64, phase string, done, total int) error {
	return s.updateOne(ctx, fmt.Sprintf("batch %d: set progress", id),
		`UPDATE batches SET phase = ?, done = ?, total = ? WHERE id = ?`, phase, done, total, id)
}

// updateOne runs a write that must change exactly one row.
func (s *Store) updateOne(ctx context.Context, what, q string, args ...any) error {
	res, err := s.w.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", what, errNoBatch)
	}
	return nil
}

// Item is one uploaded file of a batch.
type Item struct {
	Batch int64
	// Seq is the item's place in the batch, assigned by AddItems.
	Seq int
	// Name is the file name as the office uploaded it; Blob the sha256
	// of its bytes (where intake keeps them), Size their length.
	Name, Blob string
	Size       int64
	// Source says where it came from: an upload, a zip, a URL.
	Source string
	Added  time.Time
}

// AddItems appends items to a batch in their order, numbering them after
// the batch's last; an item whose Blob the batch already holds is skipped
// (an office uploading the same file twice means it once). It returns how
// many were added.
func (s *Store) AddItems(ctx context.Context, batch int64, items []Item) (added int, err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: batch %d: add items: %w", batch, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	// The batch's row is locked (on PostgreSQL; SQLite's writer is alone
	// anyway) so that two uploads to one batch number their items one
	// after the other instead of both taking the same seq.
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM batches WHERE id = ?`+tx.dialect.forUpdate(), batch).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: batch %d: add items: %w", batch, errNoBatch)
	}
	if err != nil {
		return 0, fmt.Errorf("store: batch %d: add items: %w", batch, err)
	}
	var seq int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM batch_items WHERE batch = ?`, batch).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: batch %d: add items: %w", batch, err)
	}
	now := time.Now()
	for _, it := range items {
		if it.Blob == "" {
			return 0, fmt.Errorf("store: batch %d: add item %q: no blob", batch, it.Name)
		}
		at := it.Added
		if at.IsZero() {
			at = now
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO batch_items (batch, seq, name, blob, size, source, added) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`,
			batch, seq+1, it.Name, it.Blob, it.Size, it.Source, formatTime(at))
		if err != nil {
			return 0, fmt.Errorf("store: batch %d: add item %q: %w", batch, it.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, fmt.Errorf("store: batch %d: add item %q: %w", batch, it.Name, err)
		} else if n == 1 {
			seq++
			added++
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: batch %d: add items: %w", batch, err)
	}
	return added, nil
}

// Items returns a batch's items by Seq.
func (s *Store) Items(ctx context.Context, batch int64) ([]Item, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT batch, seq, name, blob, size, source, added FROM batch_items WHERE batch = ? ORDER BY seq`, batch)
	if err != nil {
		return nil, fmt.Errorf("store: batch %d: items: %w", batch, err)
	}
	defer func() { _ = rows.Close() }()
	var out []Item
	for rows.Next() {
		var (
			it    Item
			added string
		)
		if err := rows.Scan(&it.Batch, &it.Seq, &it.Name, &it.Blob, &it.Size, &it.Source, &added); err != nil {
			return nil, fmt.Errorf("store: batch %d: items: %w", batch, err)
		}
		if it.Added, err = parseTime(added); err != nil {
			return nil, fmt.Errorf("store: batch %d: item %d: %w", batch, it.Seq, err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: batch %d: items: %w", batch, err)
	}
	return out, nil
}

// RemoveItem removes one item; the others keep their Seq.
func (s *Store) RemoveItem(ctx context.Context, batch int64, seq int) error {
	return s.updateOne(ctx, fmt.Sprintf("batch %d: remove item %d", batch, seq),
		`DELETE FROM batch_items WHERE batch = ? AND seq = ?`, batch, seq)
}

// ItemCounts is the number of items of every batch, in one query (the
// batch list shows them all).
func (s *Store) ItemCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT batch, COUNT(*) FROM batch_items GROUP BY batch`)
	if err != nil {
		return nil, fmt.Errorf("store: item counts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: item counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
