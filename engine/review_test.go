package engine

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckReview: what a decision must carry before it is recorded.
func TestCheckReview(t *testing.T) {
	cases := []struct {
		name string
		r    Review
		want string // part of the Chinese message; "" = accepted
	}{
		{"confirmed", Review{Verdict: VerdictConfirmed}, ""},
		{"dismissed with a reason", Review{Verdict: VerdictDismissed, Reason: "印刷错误"}, ""},
		{"dismissed without one", Review{Verdict: VerdictDismissed, Reason: " "}, "理由"},
		{"rectify with owner and due", Review{Verdict: VerdictRectify, Owner: "李四", Due: "2025-06-30"}, ""},
		{"rectify without an owner", Review{Verdict: VerdictRectify, Due: "2025-06-30"}, "整改责任人"},
		{"rectify without a due date", Review{Verdict: VerdictRectify, Owner: "李四"}, "整改期限"},
		{"rectify by a day that is not one", Review{Verdict: VerdictRectify, Owner: "李四", Due: "2025-02-30"}, "2025-02-30"},
		{"rectify by a date in another form", Review{Verdict: VerdictRectify, Owner: "李四", Due: "2025/6/30"}, "年-月-日"},
		{"rectified without either", Review{Verdict: VerdictRectified}, ""},
		{"reopened is ogi's", Review{Verdict: VerdictReopened}, "不是"},
		{"no verdict", Review{}, "不是"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckReview(tc.r)
			if tc.want == "" {
				if err != nil {
					t.Errorf("CheckReview: %v", err)
				}
				return
			}
			var re *ReviewError
			if !errors.As(err, &re) || !strings.Contains(re.Zh, tc.want) || re.En == "" {
				t.Errorf("CheckReview: %v, want a *ReviewError saying %q", err, tc.want)
			}
		})
	}
}
