package account

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	type step struct {
		key   string
		at    time.Duration // after t0
		reset bool
		want  bool
	}
	for _, tc := range []struct {
		name   string
		max    int
		window time.Duration
		steps  []step
	}{
		{
			name: "max then refused", max: 3, window: time.Minute,
			steps: []step{
				{key: "u", at: 0, want: true},
				{key: "u", at: time.Second, want: true},
				{key: "u", at: 2 * time.Second, want: true},
				{key: "u", at: 3 * time.Second, want: false},
				{key: "u", at: 59 * time.Second, want: false},
			},
		},
		{
			name: "window slides from the oldest allowed attempt", max: 2, window: time.Minute,
			steps: []step{
				{key: "u", at: 0, want: true},
				{key: "u", at: 30 * time.Second, want: true},
				{key: "u", at: 40 * time.Second, want: false},
				{key: "u", at: 60 * time.Second, want: true}, // the one at 0 has left
				{key: "u", at: 61 * time.Second, want: false},
				{key: "u", at: 90 * time.Second, want: true}, // the one at 30 s has left
			},
		},
		{
			name: "refused attempts do not extend the wait", max: 1, window: time.Minute,
			steps: []step{
				{key: "u", at: 0, want: true},
				{key: "u", at: 10 * time.Second, want: false},
				{key: "u", at: 50 * time.Second, want: false},
				{key: "u", at: 60 * time.Second, want: true},
			},
		},
		{
			name: "keys are independent", max: 1, window: time.Hour,
			steps: []step{
				{key: "user:zhang", at: 0, want: true},
				{key: "ip:192.0.2.1", at: 0, want: true},
				{key: "user:zhang", at: time.Second, want: false},
				{key: "user:Zhang", at: time.Second, want: true}, // the caller normalises
				{key: "ip:192.0.2.1", at: time.Second, want: false},
				{key: "", at: time.Second, want: true},
				{key: "", at: time.Second, want: false},
			},
		},
		{
			name: "reset after success", max: 2, window: time.Hour,
			steps: []step{
				{key: "u", at: 0, want: true},
				{key: "u", at: 1, want: true},
				{key: "u", at: 2, want: false},
				{key: "u", reset: true},
				{key: "u", at: 3, want: true},
				{key: "u", at: 4, want: true},
				{key: "u", at: 5, want: false},
				{key: "other", reset: true}, // unknown key: nothing happens
				{key: "u", at: 6, want: false},
			},
		},
		{
			name: "zero max and window are clamped", max: 0, window: 0,
			steps: []step{
				{key: "u", at: 0, want: true},
				{key: "u", at: 999 * time.Millisecond, want: false},
				{key: "u", at: time.Second, want: true},
			},
		},
		{
			name: "clock going back", max: 1, window: time.Minute,
			steps: []step{
				{key: "u", at: time.Hour, want: true},
				{key: "u", at: 0, want: false},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLimiter(tc.max, tc.window)
			for i, s := range tc.steps {
				if s.reset {
					l.Reset(s.key)
					continue
				}
				if got := l.Allow(s.key, t0.Add(s.at)); got != s.want {
					t.Errorf("step %d: Allow(%q, t0+%v) = %v, want %v", i, s.key, s.at, got, s.want)
				}
			}
		})
	}
}

func TestLimiterEvictsLeastRecentlyAttempted(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(1, time.Hour)
	if !l.Allow("old", now) || !l.Allow("kept", now) {
		t.Fatal("first attempts refused")
	}
	// LimiterKeys-2 more keys fill the limiter exactly; then "kept" is
	// tried again (refused), which makes "old" the least recent.
	for i := range LimiterKeys - 2 {
		l.Allow("k"+strconv.Itoa(i), now)
	}
	if len(l.keys) != LimiterKeys {
		t.Fatalf("%d keys, want %d", len(l.keys), LimiterKeys)
	}
	if l.Allow("kept", now) {
		t.Fatal("kept allowed twice")
	}
	l.Allow("new", now) // evicts "old"
	if len(l.keys) != LimiterKeys || l.order.Len() != LimiterKeys {
		t.Fatalf("%d keys, %d in order, want %d", len(l.keys), l.order.Len(), LimiterKeys)
	}
	if !l.Allow("old", now) {
		t.Error("old was not evicted: still refused")
	}
	// "old" coming back evicted k0, the least recent now.
	if !l.Allow("k0", now) {
		t.Error("k0 was not evicted")
	}
	if l.Allow("kept", now) {
		t.Error("kept was evicted though it was attempted recently")
	}
}

func TestLimiterLongKeys(t *testing.T) {
	// A long key costs a hash, not its length: the limiter keeps no key text.
	l := NewLimiter(1, time.Minute)
	now := time.Now()
	long := strings.Repeat("名", 1<<16)
	if !l.Allow(long, now) || l.Allow(long, now) {
		t.Error("a long key is not limited like a short one")
	}
	if !l.Allow(long+"x", now) {
		t.Error("keys differing only at the end collide")
	}
}

func TestLimiterConcurrent(t *testing.T) {
	const limit, goroutines, each = 7, 8, 50
	l := NewLimiter(limit, time.Hour)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if l.Allow("shared", now) {
					allowed.Add(1)
				}
				l.Allow("own"+strconv.Itoa(g*each+i), now)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != limit {
		t.Errorf("%d attempts allowed on one key from %d goroutines, want %d", allowed.Load(), goroutines, limit)
	}
}
