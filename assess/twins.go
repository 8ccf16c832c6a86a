package assess

import (
	"bytes"
	"sync"

	"github.com/ogi-checker/ogi/internal/store"
)

// Twins are entries of one batch that hold the same input: the same bytes
// under the same manifest overrides (a report uploaded twice, or found on
// two sites). The first to arrive converts it, and, where the twins are
// checked in the same context (the same result key), checks it; the others
// wait for it and take what it found, as a re-run takes it from the store.
// A first run used to get this from the store by accident, when an
// earlier worker's write landed before a twin's lookup; with no lookups on
// a first run it must be done on purpose, and is then done every time.

// twinsOff makes a batch convert and check every twin on its own: the
// tests compare the two.
var twinsOff bool

// twin is one input's first entry and when it is done.
type twin struct {
	first int
	done  chan struct{}
}

// docTwins finds the entry that converts each report key. It keeps a
// number per key and a condition variable for the few entries that wait
// for a twin, rather than a twin and a channel per entry: over 100,000
// reports those were 14 MB of the live heap until the pass ended, which
// the collector marked again at every cycle.
type docTwins struct {
	mu      sync.Mutex
	cond    sync.Cond
	m       map[string]int32   // the first entry of each key
	busy    map[int32]struct{} // firsts still converting
	waiters int
}

// claim returns the first entry of key and whether that is entry i, which
// must then call finish when it has converted the input.
func (t *docTwins) claim(key string, i int) (int, bool) {
	if twinsOff {
		return i, true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if f, ok := t.m[key]; ok {
		return int(f), false
	}
	if t.m == nil {
		t.m, t.busy = map[string]int32{}, map[int32]struct{}{}
		t.cond.L = &t.mu
	}
	t.m[key] = int32(i)
	t.busy[int32(i)] = struct{}{}
	return i, true
}

// finish tells the twins of entry i, a first, that it is done.
func (t *docTwins) finish(i int) {
	if twinsOff {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.busy, int32(i))
	if t.waiters > 0 {
		t.cond.Broadcast()
	}
}

// wait returns when the first entry f is done.
func (t *docTwins) wait(f int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		if _, ok := t.busy[int32(f)]; !ok {
			return
		}
		t.waiters++
		t.cond.Wait()
		t.waiters--
	}
}

// drop lets the pass's map go.
func (t *docTwins) drop() {
	t.mu.Lock()
	t.m, t.busy = nil, nil
	t.mu.Unlock()
}

// adoptDocument gives e what converting its twin found; false when the
// twin gave nothing to share (unreadable, or its document was not kept),
// and e is converted on its own, so that its messages name its own file.
func adoptDocument(e, first *entry) bool {
	if first.err != "" || first.lost {
		return false
	}
	e.agency, e.body, e.year, e.template = first.agency, first.body, first.year, first.template
	e.sig, e.narOff, e.narLen = first.sig, first.narOff, first.narLen
	return true
}

// resultTwin is the result of one key that several entries are checked
// under: what the first one found, kept until the last twin has read it.
type resultTwin struct {
	twin
	res  twinResult
	left int // twins that have not read it yet
}

// twinResult is what the first of twins shares. A twin takes sr as its own
// with its file name in place of the first's (the JSON line is raw with
// that name, and the grid the first's); or, when sr is nil (the batch adds
// findings of its own to a report, as with a roster), decodes summary as it
// would a stored result. Taking sr saves a twin decoding the result and
// encoding it again: of 2,000 copies of five reports, that was the check
// pass.
type twinResult struct {
	summary []byte // the stored result (nil: the first gave none to share)
	sr      *storedResult
	raw     []byte // sr's JSON line
	gridOff int64  // sr's grid in the results spool (gridLen 0: none)
	gridLen int
}

// resultTwins finds, for each result key that more than one entry is
// checked under, the entry that evaluates it.
type resultTwins struct {
	mu sync.Mutex
	m  map[store.Key]*resultTwin
}

// newResultTwins counts the keys; only keys of two or more entries are
// kept, so a batch of distinct reports holds nothing.
func newResultTwins(keys []store.Key, valid []bool) *resultTwins {
	n := map[store.Key]int{}
	for i, k := range keys {
		if valid[i] && !twinsOff {
			n[k]++
		}
	}
	t := &resultTwins{m: map[store.Key]*resultTwin{}}
	for k, c := range n {
		if c > 1 {
			t.m[k] = &resultTwin{twin: twin{first: -1, done: make(chan struct{})}, left: c - 1}
		}
	}
	return t
}

// claim returns the twin of k, nil when k has no twins, and whether entry
// i is the first, which must call share when its result is ready.
func (t *resultTwins) claim(k store.Key, i int) (*resultTwin, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rt, ok := t.m[k]
	if !ok {
		return nil, false
	}
	if rt.first < 0 {
		rt.first = i
		return rt, true
	}
	return rt, false
}

// share publishes what the first twin found.
func (rt *resultTwin) share(res twinResult) {
	rt.res = res
	close(rt.done)
}

// take waits for the first twin's result and returns it; the last twin to
// read it lets it go.
func (t *resultTwins) take(rt *resultTwin) twinResult {
	<-rt.done
	t.mu.Lock()
	defer t.mu.Unlock()
	res := rt.res
	if rt.left--; rt.left == 0 {
		rt.res = twinResult{}
	}
	return res
}

// withFile is a report's JSON line (marshalJSON of a report.FileReport,
// whose first field is its file name) with another file name: the line
// marshalJSON gives for the same report under that name. ok is false when
// raw does not start with a file name.
func withFile(raw []byte, file string) ([]byte, bool) {
	const head = `{"file":`
	if !bytes.HasPrefix(raw, []byte(head)) {
		return nil, false
	}
	end := stringEnd(raw, len(head))
	if end < 0 {
		return nil, false
	}
	name, err := marshalJSON(file)
	if err != nil {
		return nil, false
	}
	out := make([]byte, 0, len(raw)-end+len(head)+len(name))
	out = append(append(append(out, head...), name...), raw[end:]...)
	return out, true
}

// stringEnd is the offset just past the JSON string that starts at
// data[at], -1 when none does: its closing quote is the first that no
// backslash escapes.
func stringEnd(data []byte, at int) int {
	if at >= len(data) || data[at] != '"' {
		return -1
	}
	for i := at + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}
