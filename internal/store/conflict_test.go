package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestDecisionConflict: a reviewer who decides on an outdated view is
// refused with the decision in force; of twenty deciding at once from the
// same view exactly one wins, and nothing is lost from the history.
func TestDecisionConflict(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, err := Open(ctx, bk.location(t))
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = s.Close() }()
		at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		d := func(verdict, by string) Decision {
			return Decision{Finding: "f1", Cells: "c1", Verdict: verdict, Reason: "理由", Reviewer: by, Decided: at, Source: "web"}
		}
		if err := s.PutDecisionIf(ctx, d("confirmed", "li"), 0); err != nil {
			t.Fatal(err)
		}
		cur, ok, err := s.Decision(ctx, "f1")
		if err != nil || !ok || cur.Version == 0 {
			t.Fatalf("decision %+v %v %v", cur, ok, err)
		}
		// wang saw no decision either: refused, told li's.
		err = s.PutDecisionIf(ctx, d("dismissed", "wang"), 0)
		var ce *ConflictError
		if !errors.As(err, &ce) || ce.Current.Reviewer != "li" || ce.Current.Verdict != "confirmed" || ce.Current.Version != cur.Version {
			t.Fatalf("stale decision: %v", err)
		}
		if got, _, _ := s.Decision(ctx, "f1"); got.Verdict != "confirmed" {
			t.Fatalf("the refused decision was written: %+v", got)
		}
		// With li's version it goes through; an undo on the old one does not.
		if err := s.PutDecisionIf(ctx, d("dismissed", "wang"), cur.Version); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteDecisionIf(ctx, "f1", "li", at, cur.Version); !errors.As(err, &ce) || ce.Current.Reviewer != "wang" {
			t.Fatalf("stale undo: %v", err)
		}
		now, _, _ := s.Decision(ctx, "f1")
		// Twenty at once from the same view.
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, lost := 0, 0
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := s.PutDecisionIf(ctx, d("rectified", "r"+string(rune('a'+i))), now.Version)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.As(err, new(*ConflictError)):
					lost++
				default:
					t.Errorf("decision %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if won != 1 || lost != 19 {
			t.Fatalf("%d won, %d refused: want 1 and 19", won, lost)
		}
		hist, err := s.DecisionHistory(ctx, "f1")
		if err != nil || len(hist) != 3 {
			t.Fatalf("history %d rows (%v): want li, wang and the one winner", len(hist), err)
		}
		hs, err := s.DecisionHistories(ctx, []string{"f1", "none"})
		if err != nil || len(hs) != 1 || len(hs["f1"]) != 3 || hs["f1"][2] != hist[2] {
			t.Fatalf("histories %v (%v), want f1's three rows", hs, err)
		}
		vs, err := s.DecisionVersions(ctx)
		if err != nil || vs["f1"] != hist[2].Version || len(vs) != 1 {
			t.Fatalf("versions %v (%v), want f1 at %d", vs, err, hist[2].Version)
		}
		// PutDecision (the workbook's path) still writes unconditionally.
		if err := s.PutDecision(ctx, d("confirmed", "xlsx")); err != nil {
			t.Fatal(err)
		}
	})
}
