package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
	// Version counts the decisions made about the finding (the id of its
	// latest history row; 0 when none was ever made): a reviewer who
	// decides having seen version n is refused when it is no longer n
	// (PutDecisionIf), so that of two reviewers the second sees the first's
	// decision instead of silently replacing it. Ignored by PutDecision.
	Version int64
}

// ConflictError is a decision refused because another was made about the
// finding since the reviewer saw it: Current is the one in force (its
// Verdict is VerdictWithdrawn when it was undone).
type ConflictError struct {
	Finding string
	Current Decision
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("store: decision %s: changed by %s at %s (version %d)", e.Finding, e.Current.Reviewer,
		e.Current.Decided.UTC().Format(time.RFC3339), e.Current.Version)
}

const decisionCols = `finding, cells, verdict, reason, reviewer, decided, source, owner, due`

// versionCol is a decision's Version: its latest history row.
const versionCol = `(SELECT COALESCE(MAX(h.id), 0) FROM decision_history h WHERE h.finding = decisions.finding)`

// PutDecision records a decision, replacing an earlier one about the same
// finding (the latest review wins), and appends it to the finding's
// history in the same transaction. It checks only that there is a finding
// and a verdict: what a verdict needs (engine.CheckReview) is the caller's
// to check, where it can tell the officer.
func (s *Store) PutDecision(ctx context.Context, d Decision) error { return s.putDecision(ctx, d, nil) }

// PutDecisionIf is PutDecision for a reviewer who saw the finding at
// version seen (Decision.Version; 0: no decision yet): when another
// decision was made since, nothing is written and the error is a
// *ConflictError holding the one in force.
func (s *Store) PutDecisionIf(ctx context.Context, d Decision, seen int64) error {
	return s.putDecision(ctx, d, &seen)
}

func (s *Store) putDecision(ctx context.Context, d Decision, seen *int64) error {
	if d.Finding == "" || d.Verdict == "" {
		return fmt.Errorf("store: put decision %q: finding and verdict needed", d.Finding)
	}
	err := s.decisionTx(ctx, func(tx *txn) error {
		if err := checkSeen(ctx, tx, d.Finding, seen); err != nil {
			return err
		}
		args := []any{d.Finding, d.Cells, d.Verdict, d.Reason, d.Reviewer, formatTime(d.Decided), d.Source, d.Owner, d.Due}
		if _, err := tx.ExecContext(ctx, `INSERT INTO decisions (`+decisionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (finding) DO UPDATE SET cells = excluded.cells, verdict = excluded.verdict, reason = excluded.reason,
			reviewer = excluded.reviewer, decided = excluded.decided, source = excluded.source, owner = excluded.owner, due = excluded.due`, args...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO decision_history (`+decisionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		return err
	})
	var ce *ConflictError
	if errors.As(err, &ce) {
		return err
	}
	if err != nil {
		return fmt.Errorf("store: put decision %s: %w", d.Finding, err)
	}
	return nil
}

// checkSeen refuses a decision made on an outdated view of the finding.
// On PostgreSQL a transaction-scoped advisory lock on the finding keeps
// two replicas from both passing the check before either writes (there
// may be no row yet to lock); SQLite's write transactions are immediate,
// one at a time.
func checkSeen(ctx context.Context, tx *txn, finding string, seen *int64) error {
	if seen == nil {
		return nil
	}
	if tx.dialect == postgresDialect {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, "ogi-decision:"+finding); err != nil {
			return err
		}
	}
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM decision_history WHERE finding = ?`, finding).Scan(&v); err != nil {
		return err
	}
	if v == *seen {
		return nil
	}
	cur := Decision{Finding: finding, Version: v}
	var decided string
	err := tx.QueryRowContext(ctx, `SELECT verdict, reason, reviewer, decided, owner, due FROM decision_history WHERE id = ?`, v).
		Scan(&cur.Verdict, &cur.Reason, &cur.Reviewer, &decided, &cur.Owner, &cur.Due)
	if err != nil {
		return err
	}
	cur.Decided, _ = parseTime(decided)
	return &ConflictError{Finding: finding, Current: cur}
}

// DeleteDecisionIf is DeleteDecision for a reviewer who saw the finding
// at version seen, refused with a *ConflictError when it changed since.
func (s *Store) DeleteDecisionIf(ctx context.Context, finding, reviewer string, at time.Time, seen int64) error {
	return s.deleteDecision(ctx, finding, reviewer, at, &seen)
}

// DeleteDecision undoes the decision about a finding: none is in force
// afterwards, and the history keeps a VerdictWithdrawn row saying who
// undid it and when (with the cell digest of what was undone). A finding
// without a decision is left as it is, so undoing twice is harmless.
func (s *Store) DeleteDecision(ctx context.Context, finding, reviewer string, at time.Time) error {
	return s.deleteDecision(ctx, finding, reviewer, at, nil)
}

func (s *Store) deleteDecision(ctx context.Context, finding, reviewer string, at time.Time, seen *int64) error {
	err := s.decisionTx(ctx, func(tx *txn) error {
		if err := checkSeen(ctx, tx, finding, seen); err != nil {
			return err
		}
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
	var ce *ConflictError
	if errors.As(err, &ce) {
		return err
	}
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
	ds, err := s.queryDecisions(ctx, `SELECT `+decisionCols+`, `+versionCol+` FROM decisions WHERE finding = ?`, finding)
	if err != nil || len(ds) == 0 {
		return Decision{}, false, err
	}
	return ds[0], true, nil
}

// Decisions returns every recorded decision, by finding.
func (s *Store) Decisions(ctx context.Context) ([]Decision, error) {
	return s.queryDecisions(ctx, `SELECT `+decisionCols+`, `+versionCol+` FROM decisions ORDER BY finding`)
}

// DecisionHistory returns every decision made about a finding, oldest
// first, withdrawals (VerdictWithdrawn) included.
func (s *Store) DecisionHistory(ctx context.Context, finding string) ([]Decision, error) {
	return s.queryDecisions(ctx, `SELECT `+decisionCols+`, id FROM decision_history WHERE finding = ? ORDER BY id`, finding)
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
		if err := rows.Scan(&d.Finding, &d.Cells, &d.Verdict, &d.Reason, &d.Reviewer, &decided, &d.Source, &d.Owner, &d.Due, &d.Version); err != nil {
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

// DecisionVersions is every finding's decision Version (withdrawn ones
// included), for pages that let a reviewer decide many at once.
func (s *Store) DecisionVersions(ctx context.Context) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT finding, MAX(id) FROM decision_history GROUP BY finding`)
	if err != nil {
		return nil, fmt.Errorf("store: decision versions: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]int64{}
	for rows.Next() {
		var f string
		var v int64
		if err := rows.Scan(&f, &v); err != nil {
			return nil, fmt.Errorf("store: decision versions: %w", err)
		}
		out[f] = v
	}
	return out, rows.Err()
}

// DecisionHistories is DecisionHistory for many findings in one query (a
// report page shows every finding's history), by finding.
func (s *Store) DecisionHistories(ctx context.Context, findings []string) (map[string][]Decision, error) {
	out := map[string][]Decision{}
	if len(findings) == 0 {
		return out, nil
	}
	args := make([]any, len(findings))
	for i, f := range findings {
		args[i] = f
	}
	ds, err := s.queryDecisions(ctx, `SELECT `+decisionCols+`, id FROM decision_history WHERE finding IN (?`+
		strings.Repeat(", ?", len(findings)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	stored := map[string][]Decision{}
	for _, d := range ds {
		stored[d.Finding] = append(stored[d.Finding], d)
	}
	// Keyed by the findings as the caller wrote them, which the stored
	// ones are not when text had to be cleaned (cleanText).
	for _, f := range findings {
		if h, ok := stored[cleanText(f)]; ok {
			out[f] = h
		}
	}
	return out, nil
}
