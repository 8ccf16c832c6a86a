package store

import (
	"context"
	"fmt"
)

// Holding says what a store holds that a run could reuse, so that a first
// run, which can find nothing, skips the lookup of every report's document,
// result, previous report and similarity scores: thousands of queries, each
// a miss.
type Holding struct {
	// Documents: a report converted by the run's converter (ReportMeta
	// reuses no other).
	Documents bool
	// Reports: any report, whatever converted it (ReportsFor finds last
	// year's report among them all).
	Reports bool
	// Results: a result of the run's rule pack (Result matches the whole
	// Key).
	Results bool
	// Pairs: any similarity score (PairScore).
	Pairs bool
}

// Holds tells which of the lookups a run of converter and the rule pack
// rulesDigest makes can find anything. It is asked once, before the run
// writes: what the run writes itself it knows without asking. Each answer
// is one indexed EXISTS, whatever the size of the store.
func (s *Store) Holds(ctx context.Context, converter, rulesDigest string) (Holding, error) {
	var h Holding
	err := s.r.QueryRowContext(ctx, `SELECT
	EXISTS (SELECT 1 FROM reports WHERE converter = ?),
	EXISTS (SELECT 1 FROM reports),
	EXISTS (SELECT 1 FROM results WHERE rules_hash = ?),
	EXISTS (SELECT 1 FROM pairs)`, converter, rulesDigest).Scan(&h.Documents, &h.Reports, &h.Results, &h.Pairs)
	if err != nil {
		return Holding{}, fmt.Errorf("store: what the store holds: %w", err)
	}
	return h, nil
}
