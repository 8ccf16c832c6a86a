package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestDecisionHistory: put, replace and delete leave three history rows,
// oldest first, and the latest state is what is in force.
func TestDecisionHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		steps := []struct {
			put     *Decision // nil: delete
			want    Decision  // the history row the step adds
			inForce bool
		}{
			{put: &Decision{Finding: "f1", Cells: "v1", Verdict: "confirmed", Reviewer: "张三", Decided: at, Source: "web"},
				want: Decision{Finding: "f1", Cells: "v1", Verdict: "confirmed", Reviewer: "张三", Decided: at, Source: "web"}, inForce: true},
			{put: &Decision{Finding: "f1", Cells: "v1", Verdict: "rectify", Reviewer: "李四", Decided: at.Add(time.Hour), Source: "web", Owner: "办公室 王五", Due: "2026-06-30"},
				want: Decision{Finding: "f1", Cells: "v1", Verdict: "rectify", Reviewer: "李四", Decided: at.Add(time.Hour), Source: "web", Owner: "办公室 王五", Due: "2026-06-30"}, inForce: true},
			{want: Decision{Finding: "f1", Cells: "v1", Verdict: VerdictWithdrawn, Reviewer: "赵六", Decided: at.Add(2 * time.Hour)}},
		}
		// Another finding's decision must stay out of f1's history and survive f1's undo.
		other := Decision{Finding: "f2", Cells: "w", Verdict: "dismissed", Reason: "印刷错误", Reviewer: "张三", Decided: at}
		if err := s.PutDecision(ctx, other); err != nil {
			t.Fatal(err)
		}
		for i, st := range steps {
			var err error
			if st.put != nil {
				err = s.PutDecision(ctx, *st.put)
			} else {
				err = s.DeleteDecision(ctx, "f1", st.want.Reviewer, st.want.Decided)
			}
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			h, err := s.DecisionHistory(ctx, "f1")
			if err != nil {
				t.Fatal(err)
			}
			if len(h) != i+1 || !sameDecision(h[i], st.want) {
				t.Fatalf("step %d: history %+v, want %d rows ending in %+v", i, h, i+1, st.want)
			}
			d, ok, err := s.Decision(ctx, "f1")
			if err != nil || ok != st.inForce || (ok && !sameDecision(d, *st.put)) {
				t.Errorf("step %d: Decision = %+v, %v, %v; want in force %v", i, d, ok, err, st.inForce)
			}
		}
		// Undoing what is not there changes nothing.
		if err := s.DeleteDecision(ctx, "f1", "赵六", at.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if h, _ := s.DecisionHistory(ctx, "f1"); len(h) != 3 {
			t.Errorf("a second undo wrote history: %+v", h)
		}
		ds, err := s.Decisions(ctx)
		if err != nil || len(ds) != 1 || !sameDecision(ds[0], other) {
			t.Errorf("decisions in force %+v %v, want only %+v", ds, err, other)
		}
		if h, _ := s.DecisionHistory(ctx, "f2"); len(h) != 1 || !sameDecision(h[0], other) {
			t.Errorf("f2 history %+v", h)
		}
		if h, err := s.DecisionHistory(ctx, "nope"); err != nil || len(h) != 0 {
			t.Errorf("history of an undecided finding: %+v %v", h, err)
		}
	})
}

// sameDecision compares two decisions but for their Version, which
// TestDecisionConflict checks.
func sameDecision(a, b Decision) bool {
	eq := a.Decided.Equal(b.Decided)
	a.Decided, b.Decided = time.Time{}, time.Time{}
	a.Version, b.Version = 0, 0
	return eq && a == b
}

// TestDecisionHistoryUpgrade: a store whose decisions predate owners and
// history gets them, each decision already made as its first history row.
func TestDecisionHistoryUpgrade(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		before := -1
		for i, m := range migrations {
			if strings.Contains(m.sqlite, "CREATE TABLE decisions (") {
				before = i + 1
			}
		}
		if before < 0 {
			t.Fatal("no migration creates the decisions table")
		}
		path := bk.location(t)
		old, err := openAt(ctx, path, before)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := old.w.ExecContext(ctx, `INSERT INTO decisions (finding, cells, verdict, reason, reviewer, decided, source)
		VALUES ('f1', 'v1', 'confirmed', '', '张三', '2025-01-02T03:04:05.000000000Z', 'x.xlsx')`); err != nil {
			t.Fatal(err)
		}
		if err := old.Close(); err != nil {
			t.Fatal(err)
		}
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = s.Close() }()
		want := Decision{Finding: "f1", Cells: "v1", Verdict: "confirmed", Reviewer: "张三", Decided: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Source: "x.xlsx"}
		if d, ok, err := s.Decision(ctx, "f1"); err != nil || !ok || !sameDecision(d, want) {
			t.Errorf("Decision after the upgrade: %+v %v %v", d, ok, err)
		}
		if h, err := s.DecisionHistory(ctx, "f1"); err != nil || len(h) != 1 || !sameDecision(h[0], want) {
			t.Errorf("history after the upgrade: %+v %v", h, err)
		}
	})
}
