package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// VerdictWithdrawn is the verdict of the history row DeleteDecision
// leaves: the decision was undone and none is in force.
const VerdictWithdrawn = "withdrawn"

// Decision is an office's decision about one finding, by the finding's
// identity (engine.FindingID's first part).
type Decision struct {
	Finding string
	// Cells is the digest of the finding's cell values decided on.
	Cells    string
	Verdict  string
	Reason   string
	Reviewer string
	Decided  time.Time
	// Source names the sheet the decision was read from.
	Source string
	// Owner is who is responsible for the 整改 (整改责任人) and Due its
	// deadline (整改期限, YYYY-MM-DD); empty unless the verdict is about
	// 整改.
	Owner string
	Due   string
}

const decisionCols = `finding, cells, verdict, reason, reviewer, decided, source, owner, due`

// PutDecision records a decision, replacing an earlier one about the same
// finding (the latest review wins), and appends it to the finding's
// history in the same transaction. It checks only that there is a finding
// and a verdict: what a verdict needs (engine.CheckReview) is the caller's
// to check, where it can tell the officer.
func (s *Store) PutDecision(ctx context.Context, d Decision) error {
	if d.Finding == "" || d.Verdict == "" {
		return fmt.Errorf("store: put decision %q: finding and verdict needed", d.Finding)
	}
	err := s.decisionTx(ctx, func(tx *txn) error {
		args := []any{d.Finding, d.Cells, d.Verdict, d.Reason, d.Reviewer, formatTime(d.Decided), d.Source, d.Owner, d.Due}
		if _, err := tx.ExecContext(ctx, `INSERT INTO decisions (`+decisionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (finding) DO UPDATE SET cells = excluded.cells, verdict = excluded.verdict, reason = excluded.reason,
			reviewer = excluded.reviewer, decided = excluded.decided, source = excluded.source, owner = excluded.owner, due = excluded.due`, args...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO decision_history (`+decisionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put decision %s: %w", d.Finding, err)
	}
	return nil
}

// DeleteDecision undoes the decision about a finding: none is in force
// afterwards, and the history keeps a VerdictWithdrawn row saying who
// undid it and when (with the cell digest of what was undone). A finding
// without a decision is left as it is, so undoing twice is harmless.
func (s *Store) DeleteDecision(ctx context.Context, finding, reviewer string, at time.Time) error {
	err := s.decisionTx(ctx, func(tx *txn) error {
		var cells string
		err := tx.QueryRowContext(ctx, `SELECT cells FROM decisions WHERE finding = ?`+tx.dialect.forUpdate(), finding).Scan(&cells)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM decisions WHERE finding = ?`, finding); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO decision_history (`+decisionCols+`) VALUES (?, ?, ?, '', ?, ?, '', '', '')`,
			finding, cells, VerdictWithdrawn, reviewer, formatTime(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete decision %s: %w", finding, err)
	}
	return nil
}

// decisionTx runs fn in a write transaction, so that a decision and its
// history row are written together or not at all.
func (s *Store) decisionTx(ctx context.Context, fn func(*txn) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Decision returns the decision in force about a finding, if any.
func (s *Store) Decision(ctx context.Context, finding string) (Decision, bool, error) {
	ds, err := s.queryDecisions(ctx, `SELECT `+decisionCols+` FROM decisions WHERE finding = ?`, finding)
	if err != nil || len(ds) == 0 {
		return Decision{}, false, err
	}
	return ds[0], true, nil
}

// Decisions returns every recorded decision, by finding.
func (s *Store) Decisions(ctx context.Context) ([]Decision, error) {
	return s.queryDecisions(ctx, `SELECT `+decisionCols+` FROM decisions ORDER BY finding`)
}

// DecisionHistory returns every decision made about a finding, oldest
// first, withdrawals (VerdictWithdrawn) included.
func (s *Store) DecisionHistory(ctx context.Context, finding string) ([]Decision, error) {
	return s.queryDecisions(ctx, `SELECT `+decisionCols+` FROM decision_history WHERE finding = ? ORDER BY id`, finding)
}

func (s *Store) queryDecisions(ctx context.Context, query string, args ...any) ([]Decision, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Decision
	for rows.Next() {
		var d Decision
		var decided string
		if err := rows.Scan(&d.Finding, &d.Cells, &d.Verdict, &d.Reason, &d.Reviewer, &decided, &d.Source, &d.Owner, &d.Due); err != nil {
			return nil, fmt.Errorf("store: decisions: %w", err)
		}
		if d.Decided, err = parseTime(decided); err != nil {
			return nil, fmt.Errorf("store: decision %s: %w", d.Finding, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	return out, nil
}
