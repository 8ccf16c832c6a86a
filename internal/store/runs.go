package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Run records one invocation of `ogi assess`, so that results can be traced
// to the ogi version, rule pack and configuration that produced them and so
// that reuse across runs can be reported.
type Run struct {
	ID           int64
	OgiVersion   string
	RulesHash    string
	ConfigDigest string
	Started      time.Time
	// Finished is the zero time for a run that never finished, e.g. one
	// that was interrupted.
	Finished time.Time
	// Reports is the number of reports in the run; Converted of those were
	// converted afresh and Reused had a stored result that was reused.
	Reports, Converted, Reused int
}

// BeginRun records the start of a run and returns its id, which results
// written during the run refer to. The run stays unfinished until FinishRun,
// so an interrupted run remains recognisable.
func (s *Store) BeginRun(ctx context.Context, ogiVersion, rulesHash, configDigest string, started time.Time) (int64, error) {
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO runs (ogi_version, rules_hash, config_digest, started)
	VALUES (?, ?, ?, ?) RETURNING id`, ogiVersion, rulesHash, configDigest, formatTime(started)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: begin run: %w", err)
	}
	return id, nil
}

// FinishRun records the end and the counts of a run begun with BeginRun.
// An unknown id is an error because it means the caller lost track of its
// run.
func (s *Store) FinishRun(ctx context.Context, id int64, reports, converted, reused int, finished time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE runs SET finished = ?, reports = ?, converted = ?, reused = ?
	WHERE id = ?`, formatTime(finished), reports, converted, reused, id)
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: finish run %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: finish run %d: no such run", id)
	}
	return nil
}

// Runs returns every recorded run in the order they were begun (by id, which
// unlike Started cannot be skewed by the clock).
func (s *Store) Runs(ctx context.Context) ([]Run, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, ogi_version, rules_hash, config_digest, started, finished,
	reports, converted, reused FROM runs ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Run
	for rows.Next() {
		var (
			r        Run
			started  string
			finished sql.NullString
		)
		if err := rows.Scan(&r.ID, &r.OgiVersion, &r.RulesHash, &r.ConfigDigest, &started, &finished,
			&r.Reports, &r.Converted, &r.Reused); err != nil {
			return nil, fmt.Errorf("store: runs: %w", err)
		}
		if r.Started, err = parseTime(started); err != nil {
			return nil, fmt.Errorf("store: run %d: started: %w", r.ID, err)
		}
		if finished.Valid {
			if r.Finished, err = parseTime(finished.String); err != nil {
				return nil, fmt.Errorf("store: run %d: finished: %w", r.ID, err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: runs: %w", err)
	}
	return out, nil
}
