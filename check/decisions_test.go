package check

import (
	"reflect"
	"testing"

	"github.com/ogi-checker/ogi/engine"
)

// TestApplyDecisions: decisions applied again to findings of an earlier
// run replace the reviews they had, and take back only the waiver an
// earlier dismissal gave.
func TestApplyDecisions(t *testing.T) {
	dismissed := engine.Review{Verdict: engine.VerdictDismissed, Reason: "印刷有误", By: "张三", At: "2025-03-01T00:00:00Z"}
	confirmed := engine.Review{Verdict: engine.VerdictConfirmed, By: "李四", At: "2025-03-02T00:00:00Z"}
	ds := map[string]Decision{
		"aaa": {Identity: "aaa", Values: "v1", Review: confirmed},
		"bbb": {Identity: "bbb", Values: "v1", Review: dismissed},
	}
	cases := []struct {
		name string
		in   engine.Finding
		want engine.Finding
	}{
		{"no ID", engine.Finding{}, engine.Finding{}},
		{"confirmed", engine.Finding{ID: "aaa-v1"}, engine.Finding{ID: "aaa-v1", Review: &confirmed}},
		{"cells changed", engine.Finding{ID: "aaa-v2"},
			engine.Finding{ID: "aaa-v2", Review: &engine.Review{Verdict: engine.VerdictReopened, Was: engine.VerdictConfirmed, By: "李四", At: confirmed.At}}},
		{"dismissed", engine.Finding{ID: "bbb-v1"},
			engine.Finding{ID: "bbb-v1", Review: &dismissed, Waived: true, WaiverReason: "印刷有误（张三 2025-03-01T00:00:00Z）"}},
		{"dismissal withdrawn", engine.Finding{ID: "ccc-v1", Review: &dismissed, Waived: true, WaiverReason: "印刷有误（张三 2025-03-01T00:00:00Z）"},
			engine.Finding{ID: "ccc-v1"}},
		{"dismissed once, confirmed now", engine.Finding{ID: "aaa-v1", Review: &dismissed, Waived: true, WaiverReason: "印刷有误（张三 2025-03-01T00:00:00Z）"},
			engine.Finding{ID: "aaa-v1", Review: &confirmed}},
		{"a waiver stays", engine.Finding{ID: "ccc-v1", Review: &dismissed, Waived: true, WaiverReason: "waivers.yaml"},
			engine.Finding{ID: "ccc-v1", Waived: true, WaiverReason: "waivers.yaml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := []engine.Finding{tc.in}
			ApplyDecisions(fs, ds)
			if !reflect.DeepEqual(fs[0], tc.want) {
				t.Errorf("got  %+v\nwant %+v", fs[0], tc.want)
			}
		})
	}
}

func TestInputOutputName(t *testing.T) {
	for _, tc := range []struct {
		in   Input
		want string
	}{
		{Input{File: "in/3-a.pdf"}, "in/3-a.pdf"},
		{Input{File: "in/3-a.pdf", Name: "洪泽区 2024.pdf"}, "洪泽区 2024.pdf"},
	} {
		if got := tc.in.OutputName(); got != tc.want {
			t.Errorf("%+v: OutputName = %q, want %q", tc.in, got, tc.want)
		}
	}
}
