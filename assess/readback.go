package assess

import (
	"path/filepath"
	"sync"

	"github.com/ogi-checker/ogi/report"
)

// readWindow is how many results the outputs written side by side keep
// decoded between them, and so how far the first may run ahead of the
// last: a few megabytes of reports.
const readWindow = 64

// maxTwinsKept bounds the results kept for twins: a batch with more
// inputs that have twins decodes the rest one by one.
const maxTwinsKept = 256

// readBack decodes the results once for every output that reads them:
// the workbook, the dashboard and the 通报 each read every result back
// from the spool, and decoding them was a quarter of writing the outputs.
// The outputs are written side by side (writeOutputs), each reading the
// results in batch order through a reader of its own, and a result is
// decoded by the first reader to reach it and kept until the last has
// passed it. A reader more than readWindow ahead of the slowest waits, so
// that what is kept stays bounded; one that falls behind the window, or an
// output reading the results a second time, decodes on its own, which
// costs time but changes nothing read.
type readBack struct {
	b    *batch
	mu   sync.Mutex
	cond *sync.Cond
	// kept are the decoded results from the slowest active reader's place
	// (at most readWindow back from the furthest) to the furthest.
	kept map[int]*decodedResult
	// twins are the results that twins took from their first (entry.twinOf),
	// by the first's index: decoded once for all of them, whatever their
	// places, and kept to the end (at most maxTwinsKept).
	twins    map[int]*decodedResult
	furthest int
	readers  map[*resultReader]struct{}
}

// decodedResult is one result as read back, its grid decoded when a reader
// first asks for it.
type decodedResult struct {
	once     sync.Once
	fr       report.FileReport
	err      error
	gridOnce sync.Once
	grid     *report.Grid
	gridErr  error
}

// resultReader is one output's place in the batch.
type resultReader struct {
	at int
}

func newReadBack(b *batch) *readBack {
	rb := &readBack{b: b, kept: map[int]*decodedResult{}, twins: map[int]*decodedResult{}, furthest: -1, readers: map[*resultReader]struct{}{}}
	rb.cond = sync.NewCond(&rb.mu)
	return rb
}

// join adds a reader at the start of the batch.
func (rb *readBack) join() *resultReader {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	r := &resultReader{}
	rb.readers[r] = struct{}{}
	return r
}

// leave removes a reader that stopped, which may let others on.
func (rb *readBack) leave(r *resultReader) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	delete(rb.readers, r)
	rb.forget()
	rb.cond.Broadcast()
}

// slowest is the place of the reader furthest behind, -1 with none;
// rb.mu is held.
func (rb *readBack) slowest() int {
	low := -1
	for r := range rb.readers {
		if low < 0 || r.at < low {
			low = r.at
		}
	}
	return low
}

// forget drops the results every reader has passed; rb.mu is held.
func (rb *readBack) forget() {
	low := rb.slowest()
	for i := range rb.kept {
		if low < 0 || i < low || i < rb.furthest-readWindow {
			delete(rb.kept, i)
		}
	}
}

// result is result i, with its grid when withGrid is set, for reader r,
// whose place moves to i.
func (rb *readBack) result(r *resultReader, i int, withGrid bool) (report.FileReport, error) {
	rb.mu.Lock()
	for i > rb.slowest()+readWindow {
		rb.cond.Wait()
	}
	wasSlowest := r.at == rb.slowest()
	r.at = i
	// src is the entry whose result is decoded: a twin's first.
	src := i
	var d *decodedResult
	if f := rb.b.entries[i].twinOf - 1; f >= 0 {
		d = rb.twins[f]
		if d == nil && len(rb.twins) < maxTwinsKept {
			d = &decodedResult{}
			rb.twins[f] = d
		}
		if d != nil {
			src = f
		}
	}
	if d == nil {
		d = rb.kept[i]
		if d == nil && i >= rb.furthest-readWindow {
			d = &decodedResult{}
			rb.kept[i] = d
		}
	}
	if i > rb.furthest {
		rb.furthest = i
	}
	if wasSlowest {
		rb.forget()
		rb.cond.Broadcast()
	}
	rb.mu.Unlock()
	if d == nil {
		return rb.b.result(i, withGrid)
	}
	d.once.Do(func() { d.fr, d.err = rb.b.result(src, false) })
	fr := d.fr
	if src != i {
		// Its JSON line is the first's with its own name (takeTwin).
		fr.File = filepath.ToSlash(rb.b.entries[i].in.OutputName())
	}
	if d.err != nil || !withGrid {
		return fr, d.err
	}
	d.gridOnce.Do(func() { d.grid, d.gridErr = rb.b.grid(src) })
	if d.grid != nil {
		fr.Grid = d.grid
	}
	return fr, d.gridErr
}
