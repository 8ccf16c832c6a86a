package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// orderPair spells a pair one way, so that (a, b) and (b, a) are one row.
func orderPair(a, b string) (string, string) {
	if b < a {
		return b, a
	}
	return a, b
}

// PairScore returns the stored narrative similarity of two reports; ok is
// false when the pair was never compared. The score depends only on the two
// documents, which the hashes fix.
func (s *Store) PairScore(ctx context.Context, a, b string) (score float64, ok bool, err error) {
	a, b = orderPair(a, b)
	err = s.r.QueryRowContext(ctx, `SELECT score FROM pairs WHERE a = ? AND b = ?`, a, b).Scan(&score)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: pair %s %s: %w", a, b, err)
	}
	return score, true, nil
}

// PutPairScore records the narrative similarity of two reports.
func (s *Store) PutPairScore(ctx context.Context, a, b string, score float64) error {
	a, b, err := preparePair(a, b)
	if err != nil {
		return err
	}
	return putPair(ctx, s.w, a, b, score)
}

// preparePair orders and checks a pair before it is queued or written.
func preparePair(a, b string) (string, string, error) {
	a, b = orderPair(a, b)
	if a == "" || a == b {
		return a, b, fmt.Errorf("store: put pair %q %q: two different hashes needed", a, b)
	}
	return a, b, nil
}

// putPair writes an ordered, checked pair through e.
func putPair(ctx context.Context, e execer, a, b string, score float64) error {
	if _, err := e.ExecContext(ctx, `INSERT INTO pairs (a, b, score) VALUES (?, ?, ?)
		ON CONFLICT (a, b) DO UPDATE SET score = excluded.score`, a, b, score); err != nil {
		return fmt.Errorf("store: put pair %s %s: %w", a, b, err)
	}
	return nil
}
