package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Key identifies a result by everything that determines it: the report, the
// rule pack, the configuration and the previous year's report used by
// cross-year checks. A re-run may reuse a result only when all four match.
type Key struct {
	// ReportHash is the Report.Hash the result is for.
	ReportHash string
	// RulesHash identifies the rule pack's content.
	RulesHash string
	// ConfigDigest identifies the configuration that affects checking.
	ConfigDigest string
	// PrevHash is the Report.Hash of last year's report, or "" when there
	// was none; a result computed without it is not valid once it appears.
	PrevHash string
}

// Finding is one rule outcome within a result.
type Finding struct {
	// Seq orders the findings of a result and must be unique within it.
	Seq      int
	Rule     string
	Severity string
	Status   string
	Message  string
	// Cells locates the finding in the document, in whatever encoding the
	// checker uses; the store does not interpret it.
	Cells string
}

// Result is the outcome of checking one report.
type Result struct {
	Key
	// RunID is the run that produced the result, or 0 for none (stored as
	// NULL, because runs(id) is a foreign key).
	RunID int64
	// Score is nil when the rule pack does not score.
	Score    *float64
	Grade    string
	Errors   int
	Warnings int
	// Summary is the per-file JSON result, uncompressed in the API; the
	// store compresses it.
	Summary []byte
	// Findings are written by PutResult but left nil by Result, so that
	// checking whether a result can be reused does not load them; read
	// them with Store.Findings when they are needed.
	Findings []Finding
}

// PutResult inserts or replaces the result and all of its findings in one
// transaction, so that a reader never sees a result with another run's
// findings and a crash never leaves half a result.
func (s *Store) PutResult(ctx context.Context, r Result) error {
	summary, err := prepareResult(r)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: put result %s: %w", r.ReportHash, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	if err := putResult(ctx, tx, r, summary); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: put result %s: %w", r.ReportHash, err)
	}
	return nil
}

// prepareResult validates r and compresses its summary; it runs outside
// the writer connection so that goroutines compress in parallel.
func prepareResult(r Result) ([]byte, error) {
	if r.ReportHash == "" {
		return nil, errors.New("store: put result: empty report hash")
	}
	summary, err := compress(r.Summary)
	if err != nil {
		return nil, fmt.Errorf("store: put result %s: compress: %w", r.ReportHash, err)
	}
	return summary, nil
}

// findingsPerInsert bounds the rows of one multi-row INSERT, keeping the
// statement well below SQLite's limit of bound parameters.
const findingsPerInsert = 100

// putResult writes r through e, which must be a transaction because the
// result and its findings are several statements.
func putResult(ctx context.Context, e execer, r Result, summary []byte) error {
	k := r.Key
	if _, err := e.ExecContext(ctx, `INSERT INTO results (`+resultColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+resultConflict,
		resultArgs(r, summary)...); err != nil {
		return fmt.Errorf("store: put result %s: %w", k.ReportHash, err)
	}
	if _, err := e.ExecContext(ctx, `DELETE FROM findings
	WHERE report_hash = ? AND rules_hash = ? AND config_digest = ? AND prev_hash = ?`,
		k.ReportHash, k.RulesHash, k.ConfigDigest, k.PrevHash); err != nil {
		return fmt.Errorf("store: put result %s: clearing findings: %w", k.ReportHash, err)
	}
	// One multi-row INSERT per chunk instead of one statement per finding:
	// the driver prepares every statement afresh, so this is several
	// times faster for typical results.
	for fs := r.Findings; len(fs) > 0; {
		n := min(len(fs), findingsPerInsert)
		var q strings.Builder
		q.WriteString(`INSERT INTO findings (` + findingColumns + `) VALUES `)
		args := make([]any, 0, n*10)
		for i, f := range fs[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, k.ReportHash, k.RulesHash, k.ConfigDigest, k.PrevHash,
				f.Seq, f.Rule, f.Severity, f.Status, f.Message, f.Cells)
		}
		if _, err := e.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("store: put result %s: findings (seq must be unique): %w", k.ReportHash, err)
		}
		fs = fs[n:]
	}
	return nil
}

// Result returns a stored result with its Summary but without findings,
// which is all a re-run needs to reuse it. ok is false when absent.
func (s *Store) Result(ctx context.Context, k Key) (Result, bool, error) {
	var (
		r       = Result{Key: k}
		runID   sql.NullInt64
		score   sql.NullFloat64
		summary []byte
	)
	err := s.r.QueryRowContext(ctx, `SELECT run_id, score, grade, errors, warnings, summary FROM results
	WHERE report_hash = ? AND rules_hash = ? AND config_digest = ? AND prev_hash = ?`,
		k.ReportHash, k.RulesHash, k.ConfigDigest, k.PrevHash).
		Scan(&runID, &score, &r.Grade, &r.Errors, &r.Warnings, &summary)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, fmt.Errorf("store: result %s: %w", k.ReportHash, err)
	}
	r.RunID = runID.Int64
	if score.Valid {
		v := score.Float64
		r.Score = &v
	}
	if r.Summary, err = decompress(summary); err != nil {
		return Result{}, false, fmt.Errorf("store: result %s: decompress summary: %w", k.ReportHash, err)
	}
	return r, true, nil
}

// Findings returns the findings of a result ordered by seq, so that output
// built from a reused result is identical to a fresh one. It returns none,
// without error, for an absent result.
func (s *Store) Findings(ctx context.Context, k Key) ([]Finding, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, rule, severity, status, message, cells FROM findings
	WHERE report_hash = ? AND rules_hash = ? AND config_digest = ? AND prev_hash = ?
	ORDER BY seq`, k.ReportHash, k.RulesHash, k.ConfigDigest, k.PrevHash)
	if err != nil {
		return nil, fmt.Errorf("store: findings %s: %w", k.ReportHash, err)
	}
	defer func() { _ = rows.Close() }()
	var out []Finding
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.Seq, &f.Rule, &f.Severity, &f.Status, &f.Message, &f.Cells); err != nil {
			return nil, fmt.Errorf("store: findings %s: %w", k.ReportHash, err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: findings %s: %w", k.ReportHash, err)
	}
	return out, nil
}
