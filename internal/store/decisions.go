package store

import (
	"context"
	"fmt"
	"time"
)

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
}

// PutDecision records a decision, replacing an earlier one about the same
// finding: the latest review wins.
func (s *Store) PutDecision(ctx context.Context, d Decision) error {
	if d.Finding == "" || d.Verdict == "" {
		return fmt.Errorf("store: put decision %q: finding and verdict needed", d.Finding)
	}
	_, err := s.w.ExecContext(ctx, `INSERT OR REPLACE INTO decisions (finding, cells, verdict, reason, reviewer, decided, source)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.Finding, d.Cells, d.Verdict, d.Reason, d.Reviewer, formatTime(d.Decided), d.Source)
	if err != nil {
		return fmt.Errorf("store: put decision %s: %w", d.Finding, err)
	}
	return nil
}

// Decisions returns every recorded decision, by finding.
func (s *Store) Decisions(ctx context.Context) ([]Decision, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT finding, cells, verdict, reason, reviewer, decided, source FROM decisions ORDER BY finding`)
	if err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []Decision
	for rows.Next() {
		var d Decision
		var decided string
		if err := rows.Scan(&d.Finding, &d.Cells, &d.Verdict, &d.Reason, &d.Reviewer, &decided, &d.Source); err != nil {
			return nil, fmt.Errorf("store: decisions: %w", err)
		}
		if d.Decided, err = parseTime(decided); err != nil {
			return nil, fmt.Errorf("store: decision %s: %w", d.Finding, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
