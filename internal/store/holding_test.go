package store

import (
	"context"
	"testing"
)

// TestHolds: each answer turns true with the first row that a run of that
// converter and rule pack could reuse, and with no other.
func TestHolds(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		steps := []struct {
			name  string
			write func() error
			want  Holding // for converter "c1", rules "r1"
		}{
			{"empty", func() error { return nil }, Holding{}},
			{"another converter's report", func() error {
				return s.PutReport(ctx, Report{Hash: "h1", Converter: "c0", Body: "甲", Year: intp(2023), Document: []byte(`{}`)})
			}, Holding{Reports: true}},
			{"another rule pack's result", func() error {
				return s.PutResult(ctx, Result{Key: Key{ReportHash: "h1", RulesHash: "r0"}, Summary: []byte(`{}`)})
			}, Holding{Reports: true}},
			{"this converter's report", func() error {
				return s.PutReport(ctx, Report{Hash: "h2", Converter: "c1", Document: []byte(`{}`)})
			}, Holding{Documents: true, Reports: true}},
			{"a pair", func() error { return s.PutPairScore(ctx, "h1", "h2", 0.5) }, Holding{Documents: true, Reports: true, Pairs: true}},
			{"this rule pack's result", func() error {
				return s.PutResult(ctx, Result{Key: Key{ReportHash: "h2", RulesHash: "r1"}, Summary: []byte(`{}`)})
			}, Holding{Documents: true, Reports: true, Results: true, Pairs: true}},
		}
		for _, st := range steps {
			if err := st.write(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got, err := s.Holds(ctx, "c1", "r1")
			if err != nil || got != st.want {
				t.Errorf("after %s: Holds = %+v, %v; want %+v", st.name, got, err, st.want)
			}
		}
	})
}
