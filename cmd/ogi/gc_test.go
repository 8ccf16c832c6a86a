package main

import (
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	cases := []struct {
		args []string
		off  bool
	}{
		{[]string{"check", "r.txt"}, true},
		{[]string{"--config", "assess", "check", "r.txt"}, true},
		{[]string{"--config=x.yaml", "parse", "r.txt"}, true},
		{[]string{"explain", "r.txt"}, true},
		{[]string{"assess", "in"}, false},
		{[]string{"serve"}, false},
		{[]string{"--config", "c.yaml", "worker"}, false},
		{[]string{"--help"}, false},
		{nil, false},
	}
	for _, tc := range cases {
		prevPct := debug.SetGCPercent(100)
		prevLim := debug.SetMemoryLimit(-1)
		tuneGC(tc.args)
		pct := debug.SetGCPercent(prevPct)
		lim := debug.SetMemoryLimit(prevLim)
		if off := pct < 0; off != tc.off {
			t.Errorf("%q: collector off %v, want %v", tc.args, off, tc.off)
		}
		if tc.off && lim != defaultMemoryLimitMiB<<20 {
			t.Errorf("%q: memory limit %d, want %d", tc.args, lim, defaultMemoryLimitMiB<<20)
		}
	}
	t.Setenv("GOGC", "50")
	prev := debug.SetGCPercent(100)
	tuneGC([]string{"check", "r.txt"})
	if pct := debug.SetGCPercent(prev); pct != 100 {
		t.Errorf("with GOGC set, tuneGC changed the collector to %d", pct)
	}
}

// TestBatchMemoryLimit: the default limit grows by 1 KiB per report; a
// limit the user set does not.
func TestBatchMemoryLimit(t *testing.T) {
	cases := []struct {
		mib, n    int
		isDefault bool
		want      int64
	}{
		{192, 0, true, 192 << 20},
		{192, 6, true, 192<<20 + 6<<10},
		{192, 100_000, true, 192<<20 + 100_000<<10},
		{192, 100_000, false, 192 << 20},
		{64, 10, false, 64 << 20},
	}
	for _, c := range cases {
		if got := batchMemoryLimit(c.mib, c.n, c.isDefault); got != c.want {
			t.Errorf("batchMemoryLimit(%d, %d, %v) = %d, want %d", c.mib, c.n, c.isDefault, got, c.want)
		}
	}
}
