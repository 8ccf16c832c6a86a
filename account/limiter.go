package account

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// LimiterKeys is the most keys a Limiter remembers. Keys come from the
// login form (user names) and the network (addresses), so an attacker can
// make as many as they like; past this the key attempted least recently is
// forgotten.
const LimiterKeys = 10000

// Limiter limits login attempts per key (the server uses one key for the
// user name and one for the remote address) to max in a sliding window.
// It is safe for concurrent use. Memory is bounded: at most LimiterKeys
// keys, each stored as its SHA-256 (a long user name costs no more than a
// short one) with at most max attempt times.
type Limiter struct {
	max    int
	window time.Duration

	mu    sync.Mutex
	keys  map[[sha256.Size]byte]*list.Element
	order *list.List // of *limitEntry, most recently attempted first
}

type limitEntry struct {
	key [sha256.Size]byte
	// times are the allowed attempts still possibly inside the window,
	// oldest first; refused attempts are not kept, so there are at most
	// max of them.
	times []time.Time
}

// NewLimiter returns a limiter allowing maxAttempts attempts per key in any
// window of the given length. Fewer than 1 attempt counts as 1 and a window
// below one second as one second, so a misconfiguration still limits.
func NewLimiter(maxAttempts int, window time.Duration) *Limiter {
	return &Limiter{
		max:    max(maxAttempts, 1),
		window: max(window, time.Second),
		keys:   map[[sha256.Size]byte]*list.Element{},
		order:  list.New(),
	}
}

// Allow records an attempt for key at now and reports whether it is within
// the limit: false when max attempts were already allowed in the window
// ending at now. A refused attempt does not extend the wait, so a person
// locked out can try again once the oldest allowed attempt leaves the
// window.
func (l *Limiter) Allow(key string, now time.Time) bool {
	h := sha256.Sum256([]byte(key))
	l.mu.Lock()
	defer l.mu.Unlock()
	var e *limitEntry
	if el, ok := l.keys[h]; ok {
		l.order.MoveToFront(el)
		e = el.Value.(*limitEntry)
	} else {
		if l.order.Len() >= LimiterKeys {
			oldest := l.order.Back()
			l.order.Remove(oldest)
			delete(l.keys, oldest.Value.(*limitEntry).key)
		}
		e = &limitEntry{key: h}
		l.keys[h] = l.order.PushFront(e)
	}
	cutoff := now.Add(-l.window)
	kept := e.times[:0]
	for _, t := range e.times {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	e.times = kept
	if len(e.times) >= l.max {
		return false
	}
	e.times = append(e.times, now)
	return true
}

// Reset forgets key's attempts, for after a successful login: a person who
// mistyped a few times before getting in starts afresh.
func (l *Limiter) Reset(key string) {
	h := sha256.Sum256([]byte(key))
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[h]; ok {
		l.order.Remove(el)
		delete(l.keys, h)
	}
}

// Refund takes back key's latest attempt: the server refunds a successful
// login's attempt on the per-address key, so that an office signing in
// through one address counts only its failures.
func (l *Limiter) Refund(key string) {
	h := sha256.Sum256([]byte(key))
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.keys[h]; ok {
		e := el.Value.(*limitEntry)
		if n := len(e.times); n > 0 {
			e.times = e.times[:n-1]
		}
	}
}
