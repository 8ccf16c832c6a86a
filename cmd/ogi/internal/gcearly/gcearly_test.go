package gcearly

import (
	"runtime/debug"
	"testing"
)

// TestTune: the runtime's setters reached by their names do what
// runtime/debug's do, for the commands that are one-shot only.
func TestTune(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	cases := []struct {
		args []string
		off  bool
	}{
		{[]string{"check", "r.txt"}, true},
		{[]string{"--config", "serve", "parse", "r.txt"}, true},
		{[]string{"-v", "explain"}, true},
		{[]string{"assess", "in"}, false},
		{[]string{"worker"}, false},
		{[]string{"--config", "c.yaml"}, false},
		{nil, false},
	}
	for _, tc := range cases {
		prevPct := debug.SetGCPercent(100)
		prevLim := debug.SetMemoryLimit(1 << 40)
		Tune(tc.args)
		pct := debug.SetGCPercent(prevPct)
		lim := debug.SetMemoryLimit(prevLim)
		if off := pct < 0; off != tc.off {
			t.Errorf("%q: collector off %v, want %v", tc.args, off, tc.off)
		}
		wantLim := int64(1 << 40)
		if tc.off {
			wantLim = DefaultMemoryLimitMiB << 20
		}
		if lim != wantLim {
			t.Errorf("%q: memory limit %d, want %d", tc.args, lim, wantLim)
		}
	}
}
