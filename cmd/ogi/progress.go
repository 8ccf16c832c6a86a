package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress draws one status line on a terminal; it is silent otherwise.
type progress struct {
	w     io.Writer
	on    bool
	mu    sync.Mutex
	phase string
	start time.Time
	last  time.Time
}

// update is told of every report done in a pass (assess.Options.Progress).
func (p *progress) update(phase string, done, n int) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if phase != p.phase {
		p.phase, p.start = phase, now
	}
	if done != n && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width * done / max(n, 1)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = '.'
		if i < filled {
			bar[i] = '#'
		}
	}
	rate := float64(done) / max(now.Sub(p.start).Seconds(), 1e-9)
	eta := ""
	if rate > 0 && done < n {
		eta = fmt.Sprintf(" ETA %s", (time.Duration(float64(n-done)/rate) * time.Second).Round(time.Second))
	}
	say(p.w, "\r%-10s [%s] %d/%d %.0f/s%s   ", phase, bar, done, n, rate, eta)
	if done == n {
		say(p.w, "\n")
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
