package store

import (
	"context"
	"fmt"
	"time"
)

// AddSetupToken keeps the hash of a one-time setup token that a starting
// server printed (a store without accounts). Every replica may add its
// own; any of them creates the first administrator, once.
func (s *Store) AddSetupToken(ctx context.Context, hash string, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO setup_tokens (hash, created) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING`, hash, formatTime(at))
	if err != nil {
		return fmt.Errorf("store: setup token: %w", err)
	}
	return nil
}

// SetupTokenValid reports whether a setup token with that hash is kept and
// no account exists yet.
func (s *Store) SetupTokenValid(ctx context.Context, hash string) (bool, error) {
	var ok bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE hash = ?) AND NOT EXISTS (SELECT 1 FROM users)`, hash).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: setup token: %w", err)
	}
	return ok, nil
}

// ClaimSetup uses up every setup token if the one with that hash is kept:
// true for the one caller, among all replicas, that may create the first
// administrator. Two tokens claimed at once (two replicas' links) give one
// true: the second statement finds the rows already gone.
func (s *Store) ClaimSetup(ctx context.Context, hash string) (bool, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM setup_tokens WHERE EXISTS (SELECT 1 FROM setup_tokens WHERE hash = ?)
		AND NOT EXISTS (SELECT 1 FROM users)`, hash)
	if err != nil {
		return false, fmt.Errorf("store: setup token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: setup token: %w", err)
	}
	return n > 0, nil
}
