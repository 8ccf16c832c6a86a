package account

import (
	"testing"
	"time"
)

func TestLimiterRefund(t *testing.T) {
	l := NewLimiter(2, time.Minute)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	// Forty successful sign-ins through one address: each refunded.
	for i := range 40 {
		if !l.Allow("ip:10.0.0.9", now) {
			t.Fatalf("attempt %d refused although every earlier one was refunded", i)
		}
		l.Refund("ip:10.0.0.9")
	}
	// Failures count.
	for i := range 2 {
		if !l.Allow("ip:10.0.0.9", now) {
			t.Fatalf("failure %d refused early", i+1)
		}
	}
	if l.Allow("ip:10.0.0.9", now) {
		t.Fatal("third failure allowed")
	}
	l.Refund("ip:unknown") // no panic on a key never seen
}
