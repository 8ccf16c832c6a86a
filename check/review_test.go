package check

import (
	"context"
	"testing"

	"github.com/ogi-checker/ogi/engine"
)

// TestWithReviewsRectify: a finding sent for 整改 carries its owner and due
// date and is not waived (it stays a deduction until it is dismissed); when
// its cells change, the reopened decision still names them.
func TestWithReviewsRectify(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	base, err := c.Check(ctx, Input{File: seed002})
	if err != nil {
		t.Fatal(err)
	}
	var target engine.Finding
	for _, f := range base.Report.Findings {
		if f.Status == engine.StatusFail && f.Severity == engine.SeverityError && !f.Waived {
			target = f
			break
		}
	}
	if target.ID == "" {
		t.Fatal("seed 002 has no failing error finding")
	}
	identity, values := engine.SplitFindingID(target.ID)
	rectify := engine.Review{Verdict: engine.VerdictRectify, By: "张三", At: "2025-03-01T08:00:00Z", Owner: "办公室 李四", Due: "2025-06-30"}
	cases := []struct {
		name     string
		decision Decision
		want     engine.Review
		waived   bool
	}{
		{"rectify holds", Decision{Identity: identity, Values: values, Review: rectify}, rectify, false},
		{"rectified keeps owner and due", Decision{Identity: identity, Values: values,
			Review: engine.Review{Verdict: engine.VerdictRectified, Owner: "李四", Due: "2025-06-30"}},
			engine.Review{Verdict: engine.VerdictRectified, Owner: "李四", Due: "2025-06-30"}, false},
		{"changed cells reopen, owner and due stay", Decision{Identity: identity, Values: "000000", Review: rectify},
			engine.Review{Verdict: engine.VerdictReopened, Was: engine.VerdictRectify, By: "张三", At: rectify.At, Owner: rectify.Owner, Due: rectify.Due}, false},
		{"dismissed is waived", Decision{Identity: identity, Values: values, Review: engine.Review{Verdict: engine.VerdictDismissed, Reason: "印刷错误"}},
			engine.Review{Verdict: engine.VerdictDismissed, Reason: "印刷错误"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.WithReviews([]Decision{tc.decision}).Check(ctx, Input{File: seed002})
			if err != nil {
				t.Fatal(err)
			}
			var got *engine.Finding
			for i, f := range res.Report.Findings {
				if f.ID == target.ID {
					got = &res.Report.Findings[i]
				}
				if f.ID != target.ID && f.Review != nil {
					t.Errorf("%s got a review %+v meant for %s", f.ID, f.Review, target.ID)
				}
			}
			if got == nil || got.Review == nil {
				t.Fatalf("finding %s: %+v, want a review", target.ID, got)
			}
			if *got.Review != tc.want || got.Waived != tc.waived {
				t.Errorf("review %+v waived %v, want %+v waived %v", *got.Review, got.Waived, tc.want, tc.waived)
			}
			if !tc.waived && *res.Report.Score != *base.Report.Score {
				t.Errorf("score %v, want %v: only a dismissal changes it", *res.Report.Score, *base.Report.Score)
			}
		})
	}
	// A result cached under one owner or due date must not serve another.
	d := Decision{Identity: identity, Values: values, Review: rectify}
	other := d
	other.Review.Due = "2025-07-31"
	if a, b := c.WithReviews([]Decision{d}).ReviewsDigest(), c.WithReviews([]Decision{other}).ReviewsDigest(); a == b {
		t.Errorf("ReviewsDigest %s for both due dates", a)
	}
}
