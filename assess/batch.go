package assess

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
	"github.com/ogi-checker/ogi/similarity"
)

// entry is what a batch keeps of one report between its passes: a few
// hundred bytes whatever the report's size, so that memory grows slowly
// with the batch. Documents and results live in the store or the spool.
type entry struct {
	in       check.Input
	key      string // the report's identity: input hash plus manifest overrides
	agency   string
	body     string
	year     int
	template string
	err      string
	// unreadable is the reason code when the input gave no report to
	// check (err is then set too); see unreadableReport.
	unreadable string
	// lost is set when the report's document or result could not be kept
	// (a full disk): its cause is reported once for the batch, and the run
	// exits 5 rather than calling the report unreadable.
	lost bool
	// sig is the narrative's signature until the peers are found; then it
	// is dropped, as it is a third of an entry.
	sig    *similarity.Signature
	narOff int64 // the narrative in the narrative spool (narLen 0: not there)
	narLen int
	// prep is the report evaluated by the rules that read only the
	// document, and grid its tables, taken in the convert pass while the
	// document was in memory: the check pass then finishes it without
	// reading the document back (nil: it reads it back). Both are dropped
	// once the result is made.
	prep *check.Prepared
	grid report.PackedGrid
	// spillOff and spillLen are where prep and grid are in the documents'
	// spool when the memory had no room for them (spillLen 0: not there).
	spillOff int64
	spillLen int

	// Filled by the check pass: the result's summary, enough for the CSV
	// and the workbook's 汇总 without reading the result back, and where the
	// result (the report's JSON line) and its grid are in the spool.
	code     check.Code
	resOff   int64
	resLen   int
	gridOff  int64
	gridLen  int
	score    float64
	hasScore bool
	grade    string
	counts   report.Counts
	// twinOf is 1 + the entry whose result this one took as its twin (0:
	// none): the same result but for the file name, read back once for both.
	twinOf int
}

// spool is an append-only temporary file of JSON records addressed by
// offset: where a batch keeps documents (without a store) and per-report
// results until the final outputs are written in batch order.
type spool struct {
	mu  sync.Mutex
	f   *os.File
	off int64
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "ogi-spool-*")
	if err != nil {
		return nil, err
	}
	return &spool{f: f}, nil
}

func (s *spool) put(b []byte) (int64, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	off := s.off
	n, err := s.f.WriteAt(b, off)
	s.off += int64(n)
	return off, n, err
}

func (s *spool) get(off int64, n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := s.f.ReadAt(b, off)
	return b, err
}

// readBuffers are the buffers records are read into for use to decode:
// both decoders copy what they keep, so a buffer serves the next read.
// A new buffer for each read was 11% of the bytes the check and output
// passes allocate (BenchmarkPass); over 100,000 generated reports the
// results alone, which the outputs read back, are 1 GB.
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// read reads the record at off into a buffer of the pool and hands it to
// use, which must not keep it.
func (s *spool) read(off int64, n int, use func([]byte) error) error {
	bp := readBuffers.Get().(*[]byte)
	defer readBuffers.Put(bp)
	if cap(*bp) < n {
		*bp = make([]byte, n)
	}
	b := (*bp)[:n]
	if _, err := s.f.ReadAt(b, off); err != nil {
		return err
	}
	return use(b)
}

func (s *spool) close() {
	name := s.f.Name()
	_ = s.f.Close()
	_ = os.Remove(name)
}

// docKeeper holds converted documents for the check pass: in the store
// when there is one, else in a spool. With a store, the documents this run
// converts are also kept in memory, compressed as the store keeps them,
// while they fit in budget, and the rest in the spool, compressed too: the
// check pass then reads none of them back from the store (a query and a
// copy each, a twentieth of a first run of 10,000 reports; over 100,000,
// where most do not fit, 9 s of CPU against a read from a file).
type docKeeper struct {
	db    *store.Store
	w     *store.Writer
	sp    *spool
	mu    sync.Mutex
	where map[string][2]int64 // spool offsets by report key (with a store, of compressed documents)
	// packed are compressed documents by report key, in arena: chunks
	// that only grow, so that thousands of documents are a few
	// allocations without pointers for the collector to follow.
	packed map[string][]byte
	arena  []byte
	// budget is the bytes left for packed and for prepared reports
	// (entry.prep), which take it first: a prepared report saves decoding
	// its document, a packed one only reading it from the spool.
	budget int
}

// docArena is the size of one chunk of a docKeeper's arena.
const docArena = 1 << 20

// entryBytes is about what one entry of a batch holds on the heap (its
// struct, key, names and result key), measured over 100,000 reports.
const entryBytes = 400

// docBudget is how much of the heap a batch of n reports gives to
// documents and prepared reports kept in memory: what its entries leave
// of a quarter of the memory limit (ogi assess sets 192 MiB unless told
// otherwise), at most 256 MiB. Over 100,000 reports the entries take 40 MB, and documents
// kept beside them took the live heap to 150 MB of the 192 MiB limit, where
// the collector runs without pause; those documents are read back from the
// store instead.
func docBudget(n int) int {
	limit := debug.SetMemoryLimit(-1) // reads it
	return max(0, int(min(limit/4, 256<<20))-n*entryBytes)
}

// put keeps r's document for the check pass. The document of a prepared
// report is read back only if its check needs it after all, or as a later
// report's previous one: it goes to the spool, and the memory to the
// prepared reports.
func (k *docKeeper) put(r store.Report, prepared bool) error {
	if k.db != nil {
		packed, err := k.w.PutReportPacked(r)
		if err == nil && r.Unreadable == "" {
			if prepared {
				k.spool(r.Hash, packed)
			} else {
				k.keep(r.Hash, packed)
			}
		}
		return err
	}
	off, n, err := k.sp.put(r.Document)
	if err != nil {
		return err
	}
	k.mu.Lock()
	k.where[r.Hash] = [2]int64{off, int64(n)}
	k.mu.Unlock()
	return nil
}

// keep copies a compressed document into the arena, if it fits in
// budget, else into the spool, if there is one; failing both, the check
// pass reads it from the store.
func (k *docKeeper) keep(key string, packed []byte) {
	if !k.inArena(key, packed) {
		k.spool(key, packed)
	}
}

// spool writes a compressed document to the spool, if there is one.
func (k *docKeeper) spool(key string, packed []byte) {
	if k.sp == nil {
		return
	}
	if off, n, err := k.sp.put(packed); err == nil {
		k.mu.Lock()
		k.where[key] = [2]int64{off, int64(n)}
		k.mu.Unlock()
	}
}

// room tells whether the budget has room left; spend takes n bytes of it,
// for what a batch keeps in memory besides documents (prepared reports).
func (k *docKeeper) room() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.budget > 0
}

func (k *docKeeper) spend(n int) {
	k.mu.Lock()
	k.budget -= n
	k.mu.Unlock()
}

// inArena copies packed into the arena if it fits in budget.
func (k *docKeeper) inArena(key string, packed []byte) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := len(packed)
	if n > k.budget {
		return false
	}
	if cap(k.arena)-len(k.arena) < n {
		k.arena = make([]byte, 0, max(docArena, n))
	}
	at := len(k.arena)
	k.arena = append(k.arena, packed...)
	if k.packed == nil {
		k.packed = map[string][]byte{}
	}
	k.packed[key] = k.arena[at : at+n : at+n]
	k.budget -= n
	return true
}

func (k *docKeeper) get(ctx context.Context, key string) (*schema.Document, error) {
	var data []byte
	k.mu.Lock()
	packed, inMemory := k.packed[key]
	spooled, inSpool := k.where[key]
	k.mu.Unlock()
	doc := &schema.Document{}
	switch {
	case !inMemory && inSpool && k.db != nil:
		// Unpack makes a buffer of its own: the spool's goes back.
		err := k.sp.read(spooled[0], int(spooled[1]), func(b []byte) error {
			var err error
			data, err = store.Unpack(b)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("stored document %s: %w", key, err)
		}
	case inMemory:
		b, err := store.Unpack(packed)
		if err != nil {
			return nil, fmt.Errorf("stored document %s: %w", key, err)
		}
		data = b
	case k.db != nil:
		b, ok, err := k.db.Document(ctx, key)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("the store has no document %s", key)
		}
		data = b
	default:
		k.mu.Lock()
		w, ok := k.where[key]
		k.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("no document %s", key)
		}
		if err := k.sp.read(w[0], int(w[1]), func(b []byte) error { return decodeStored(b, doc) }); err != nil {
			return nil, fmt.Errorf("stored document %s: %w", key, err)
		}
		return doc, nil
	}
	if err := decodeStored(data, doc); err != nil {
		return nil, fmt.Errorf("stored document %s: %w", key, err)
	}
	return doc, nil
}

// batchSettings are the run's identity for the store: a stored result is
// reused only when all three match.
type batchSettings struct {
	converter string // what converted the documents
	rules     string // digest of every rule and fixture file loaded
	config    string // digest of the options that change results
}

// itemKey identifies a report input: its bytes and what the manifest says
// about it (a different agency in the manifest is a different document).
func itemKey(data []byte, in check.Input) string {
	h := sha256.New()
	_, _ = h.Write(data)
	_, _ = fmt.Fprintf(h, "\x00%s\x00%s\x00%d\x00%s", in.Agency, in.Kind, in.Year, in.Body)
	return hex.EncodeToString(h.Sum(nil))
}

// StoreKey is the key under which a run keeps an input's converted
// document in the store (store.Document), so that a caller can read the
// document a batch checked without converting it again.
func StoreKey(data []byte, in check.Input) string { return itemKey(data, in) }

// storedResult is what the store keeps of one checked report: its JSON
// result, the exit code it implies and the dashboard's grid.
type storedResult struct {
	Report report.FileReport `json:"report"`
	Code   check.Code        `json:"code"`
	Grid   *report.Grid      `json:"grid,omitempty"`
	// lost: the document was not there to check because it could not be
	// kept (see entry.lost).
	lost bool
}

// batchStats is the run summary.
type batchStats struct {
	reports, converted, reusedDocs, checked, reusedResults, unreadable int
	// finished counts prepared reports checked without their document;
	// readBack those whose check needed it read back after all (a rule
	// read it with the peers known). The tests read both.
	finished, readBack int
}

// progress counts one pass's steps for Options.Progress.
type progress struct {
	fn      func(phase string, done, total int)
	mu      sync.Mutex
	phase   string
	done, n int
}

func (p *progress) begin(phase string, n int) {
	p.mu.Lock()
	p.phase, p.done, p.n = phase, 0, n
	p.mu.Unlock()
}

func (p *progress) step() {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.fn(p.phase, p.done, p.n)
}

func entryBody(in check.Input, agency string) string {
	if in.Body != "" {
		return bodyKey(in.Body)
	}
	return bodyKey(agency)
}

// maxPeers bounds the peers listed for one report.
const maxPeers = 3

// batch runs ogi assess's passes over the items.
type batch struct {
	ctx   context.Context
	opts  *Options
	chk   *check.Checker
	lim   ingest.Limits
	db    *store.Store
	dbw   *store.Writer // queued writes to db, flushed between passes
	runID int64
	set   batchSettings
	// holding is what the store held for this run when it began, and
	// holdingKnown whether it was asked: a lookup that cannot find
	// anything is skipped (a first run's every lookup).
	holding      store.Holding
	holdingKnown bool
	docs         *docKeeper
	docTwins     docTwins // dropped after the convert pass
	results      *spool
	// narratives keeps the texts compared for 内容雷同, so that comparing
	// does not decode whole documents again.
	narratives *spool
	entries    []entry
	jobs       int
	prog       *progress
	stats      batchStats
	statsMu    sync.Mutex
	onResult   func(i int, sr *storedResult, raw []byte)
	// fails reports store and temporary-file write errors once per cause.
	fails   *outfile.Problems
	timings []string
	// roster is set by prepareRoster when the run has a roster.
	roster *rosterRun
}

// may tells whether the store can have what a lookup asks: there is a
// store, and it held rows of that kind (what) when the run began, or
// nobody asked.
func (b *batch) may(what func(store.Holding) bool) bool {
	return b.db != nil && (!b.holdingKnown || what(b.holding))
}

// reportContext is the context of one report's conversion or check: the
// batch's, within the time limit per report when there is one.
func (b *batch) reportContext() (context.Context, context.CancelFunc) {
	if b.lim.Timeout > 0 {
		return context.WithTimeout(b.ctx, b.lim.Timeout)
	}
	return b.ctx, func() {}
}

func (b *batch) count(f func(s *batchStats)) {
	b.statsMu.Lock()
	f(&b.stats)
	b.statsMu.Unlock()
}

// convert is the first pass: each report is read, hashed and, unless the
// store already has it from the same converter, converted and kept.
func (b *batch) convert() {
	b.prog.begin("convert", len(b.entries))
	parallel(len(b.entries), b.jobs, func(i int) {
		defer b.prog.step()
		e := &b.entries[i]
		data, err := check.ReadInput(e.in.File, b.lim)
		if err != nil {
			b.unreadable(e, err)
			return
		}
		e.key = itemKey(data, e.in)
		if f, first := b.docTwins.claim(e.key, i); first {
			defer b.docTwins.finish(i)
		} else if b.docTwins.wait(f); adoptDocument(e, &b.entries[f]) {
			b.count(func(s *batchStats) { s.reusedDocs++ })
			return
		}
		if b.may(func(h store.Holding) bool { return h.Documents }) {
			if m, ok, err := b.db.ReportMeta(b.ctx, e.key); err == nil && ok && m.Converter == b.set.converter {
				b.count(func(s *batchStats) { s.reusedDocs++ })
				if m.Unreadable != "" {
					// Known to hold no report: the same bytes, the same converter.
					b.unreadable(e, &ingest.UnreadableError{File: e.in.File, Code: m.Unreadable})
					return
				}
				e.agency, e.body, e.template = m.Agency, m.Body, m.Template
				if m.Year != nil {
					e.year = *m.Year
				}
				if sig, ok := similarity.SignatureFromBytes(m.Signature); ok {
					e.sig = &sig
				}
				return
			}
		}
		ctx, cancel := b.reportContext()
		defer cancel()
		doc, err := b.chk.ConvertBytes(ctx, e.in, data)
		if err != nil {
			b.unreadable(e, err)
			var ue *ingest.UnreadableError
			if !errors.As(err, &ue) {
				return
			}
			b.count(func(s *batchStats) { s.converted++ })
			if b.db != nil {
				// Kept, so that a re-run knows it without converting it again;
				// an input error (corrupt, too slow) is retried instead.
				if err := b.docs.put(store.Report{Hash: e.key, Converter: b.set.converter, File: filepath.ToSlash(e.in.OutputName()),
					Document: []byte("null"), Unreadable: ue.Code}, false); err != nil {
					b.fails.Add("cannot keep unreadable inputs in the store: %v", err)
				}
			}
			return
		}
		e.agency, e.body = doc.Meta.Agency, entryBody(e.in, doc.Meta.Agency)
		if doc.Meta.Year != nil {
			e.year = *doc.Meta.Year
		}
		if doc.Meta.Template != nil {
			e.template = *doc.Meta.Template
		}
		if nar := engine.Narrative(doc); nar != "" {
			if sh := similarity.Shingles(nar); len(sh) > 0 {
				sig := similarity.Sign(sh)
				e.sig = &sig
				if off, n, err := b.narratives.put([]byte(nar)); err == nil {
					e.narOff, e.narLen = off, n
				}
			}
		}
		b.prepare(e, doc)
		buf := encodeBuffers.Get().(*bytes.Buffer)
		defer encodeBuffers.Put(buf) // put copies or compresses the document
		js, err := encodeStoredTo(buf, doc)
		if err == nil {
			var y *int
			if e.year != 0 {
				y = &e.year
			}
			err = b.docs.put(store.Report{Hash: e.key, Converter: b.set.converter, File: filepath.ToSlash(e.in.OutputName()),
				Agency: e.agency, Body: e.body, Year: y, Template: e.template, Document: js, Signature: sigBytes(e.sig)}, e.prepared())
		}
		if err != nil {
			b.fails.Add("cannot keep the converted documents: %v", err)
			e.err, e.lost = fmt.Sprintf("%s: cannot keep the converted document: %v", e.in.OutputName(), err), true
			return
		}
		b.count(func(s *batchStats) { s.converted++ })
	})
}

// prepareOff makes the check pass read every document back, as before
// reports were prepared: the tests compare the two.
var prepareOff bool

// prepare evaluates the rules that read only the document while the
// convert pass holds it, and flattens its tables for the dashboard, so
// that the check pass need not read the document back and decode it (a
// twelfth of a first run's CPU). Only on a run whose results are not in
// the store (they would be read instead). The prepared reports take the
// docKeeper's budget first; past it, they are spilled to its spool.
func (b *batch) prepare(e *entry, doc *schema.Document) {
	if prepareOff || b.may(func(h store.Holding) bool { return h.Results }) {
		return
	}
	inMemory := b.docs.room() && !spillAll
	if !inMemory && b.docs.sp == nil {
		return
	}
	ctx, cancel := b.reportContext() // a limit of its own, as the check pass gives each report
	defer cancel()
	p, err := b.chk.Prepare(ctx, e.in.OutputName(), doc, e.in.Related())
	if err != nil {
		return // the check pass meets the time limit again, and says so
	}
	grid := report.GridOf(doc, b.opts.Lang).Pack()
	if inMemory {
		e.prep, e.grid = p, grid
		b.docs.spend(p.Size() + grid.Size())
		return
	}
	b.spill(e, p, grid)
}

// prepared tells whether e was prepared, in memory or spilled.
func (e *entry) prepared() bool { return e.prep != nil || e.spillLen > 0 }

// spillAll makes prepare spill every prepared report, as if the memory had
// no room for any: the tests compare that with keeping them.
var spillAll bool

// spill writes a prepared report and its grid to the documents' spool,
// where the check pass reads them back (unspill, 20 µs): otherwise a report
// the memory has no room for (over 100,000 reports, nine in ten) has its
// document read back and decoded (140 µs) and every rule evaluated again.
// A report that cannot be written is checked from its document.
func (b *batch) spill(e *entry, p *check.Prepared, grid report.PackedGrid) {
	pb, rb := spillBuffers.Get().(*[]byte), spillBuffers.Get().(*[]byte)
	defer spillBuffers.Put(pb)
	defer spillBuffers.Put(rb)
	prep, err := p.AppendBinary((*pb)[:0])
	*pb = prep
	if err != nil {
		return
	}
	rec := binary.AppendUvarint((*rb)[:0], uint64(len(prep)))
	rec = grid.AppendBinary(append(rec, prep...))
	*rb = rec
	if off, n, err := b.docs.sp.put(rec); err == nil {
		e.spillOff, e.spillLen = off, n
	}
}

var spillBuffers = sync.Pool{New: func() any { return new([]byte) }}

// unspill reads back what spill wrote for entry e.
func (b *batch) unspill(e *entry) (*check.Prepared, report.PackedGrid, error) {
	var p *check.Prepared
	var grid report.PackedGrid
	rec, err := b.docs.sp.get(e.spillOff, e.spillLen) // ReadPrepared keeps it
	if err != nil {
		return nil, grid, err
	}
	n, k := binary.Uvarint(rec)
	if k <= 0 || n > uint64(len(rec)-k) {
		return nil, grid, errors.New("a spilled prepared report is cut short")
	}
	if p, err = b.chk.ReadPrepared(rec[k : k+int(n)]); err != nil {
		return nil, grid, err
	}
	grid, err = report.ReadPackedGrid(rec[k+int(n):])
	return p, grid, err
}

// unreadableReport is the report of an entry that gave nothing to check,
// with the body and year its manifest gives: an office looks for the body
// whose report could not be read, not for a file name.
func (e *entry) unreadableReport() report.FileReport {
	fr := check.UnreadableReport(e.in.OutputName(), e.unreadable, e.err)
	fr.Agency = e.in.Agency
	if e.in.Year != 0 {
		y := e.in.Year
		fr.Year = &y
	}
	return fr
}

// unreadable marks an entry as giving no report to check.
func (b *batch) unreadable(e *entry, err error) {
	e.err, e.unreadable = err.Error(), check.UnreadableCode(err)
	if e.in.Name != "" {
		// Messages name the report as the outputs do, not by a path the
		// caller keeps it under.
		e.err = strings.ReplaceAll(e.err, e.in.File, e.in.Name)
	}
	b.count(func(s *batchStats) { s.unreadable++ })
}

func sigBytes(sig *similarity.Signature) []byte {
	if sig == nil {
		return nil
	}
	return sig.Bytes()
}

// previous pairs every report with the report key of the same body's
// report for the year before ("" when there is none), from the batch first
// and then from the store.
func (b *batch) previous() []string {
	keys := make([]string, len(b.entries))
	years := make([]int, len(b.entries))
	for i, e := range b.entries {
		if e.err == "" {
			keys[i], years[i] = e.body, e.year
		}
	}
	x := newBodyIndex(keys, years)
	out := make([]string, len(b.entries))
	for i, e := range b.entries {
		if e.err != "" || e.year == 0 || e.body == "" {
			continue
		}
		if j := x.find(e.body, e.year-1); j >= 0 {
			out[i] = b.entries[j].key
			continue
		}
		if b.may(func(h store.Holding) bool { return h.Reports }) {
			if rs, err := b.db.ReportsFor(b.ctx, e.body, e.year-1); err == nil && len(rs) > 0 {
				out[i] = rs[0].Hash
			}
		}
	}
	return out
}

// peerRef is a confirmed peer: its batch position and similarity. The
// shared passages are quoted only when the report is checked, so a batch
// holds a few bytes per peer rather than the passages.
type peerRef struct {
	j     int
	score float64
}

// peerScan bounds the members of a cluster a report is compared with while
// looking for its peers: past it, a huge cluster of copies has shown enough.
const peerScan = 20

// peers finds, for every report, other bodies' reports whose narrative is
// nearly the same. LSH clusters the signatures (linear in the batch, even
// when thousands of bodies copied one template); inside a cluster each
// report is compared exactly with the next members of other bodies until it
// has maxPeers confirmed peers or peerScan tries.
func (b *batch) peers() map[int][]peerRef {
	idx := similarity.NewIndex()
	for i := range b.entries {
		if e := &b.entries[i]; e.err == "" && e.sig != nil {
			idx.Add(i, *e.sig)
			e.sig = nil
		}
	}
	type task struct {
		i       int
		cluster []int
	}
	var tasks []task
	// Candidates down to the lowest threshold any report's jurisdiction
	// sets; each report keeps only the peers at its own.
	low := b.opts.Similarity
	for i := range b.entries {
		low = min(low, b.similarity(i))
	}
	for _, c := range idx.Clusters(low * 0.8) {
		if !b.anotherBody(c) {
			continue
		}
		for _, i := range c {
			tasks = append(tasks, task{i, c})
		}
	}
	out := make([][]peerRef, len(tasks))
	parallel(len(tasks), b.jobs, func(k int) {
		t := tasks[k]
		var sh []uint64 // this report's shingles, made on the first comparison
		pos := sort.SearchInts(t.cluster, t.i)
		for step, tried := 1, 0; step < len(t.cluster) && tried < peerScan && len(out[k]) < maxPeers; step++ {
			j := t.cluster[(pos+step)%len(t.cluster)]
			if sameBody(b.entries[t.i].body, b.entries[j].body) {
				continue
			}
			tried++
			jac, ok := 1.0, b.entries[t.i].key == b.entries[j].key // one input twice (a copy in another folder)
			if !ok {
				jac, ok = b.pairScore(t.i, j)
			}
			if !ok {
				if sh == nil {
					sh = similarity.Shingles(b.narrative(t.i))
				}
				jac = round3(similarity.Jaccard(sh, similarity.Shingles(b.narrative(j))))
				if b.db != nil {
					if err := b.dbw.PutPairScore(b.entries[t.i].key, b.entries[j].key, jac); err != nil {
						b.fails.Add("cannot keep similarity scores in the store: %v", err)
					}
				}
			}
			if jac < b.similarity(t.i) {
				continue
			}
			out[k] = append(out[k], peerRef{j: j, score: jac})
		}
	})
	res := map[int][]peerRef{}
	for k, ps := range out {
		if len(ps) == 0 {
			continue
		}
		sort.SliceStable(ps, func(a, c int) bool {
			if ps[a].score != ps[c].score {
				return ps[a].score > ps[c].score
			}
			return ps[a].j < ps[c].j
		})
		res[tasks[k].i] = ps
	}
	return res
}

// similarity is the 内容雷同 threshold of a report: its jurisdiction's
// (the manifest row's, else the checker's) when that sets one, else the
// batch's.
func (b *batch) similarity(i int) float64 {
	j := b.entries[i].in.Jurisdiction
	if j == nil {
		j = b.chk.Jurisdiction()
	}
	if j != nil && j.SimilarityThreshold > 0 {
		return j.SimilarityThreshold
	}
	return b.opts.Similarity
}

// pairScore is the stored similarity of two reports, when the store has it.
func (b *batch) pairScore(i, j int) (float64, bool) {
	if !b.may(func(h store.Holding) bool { return h.Pairs }) {
		return 0, false
	}
	v, ok, err := b.db.PairScore(b.ctx, b.entries[i].key, b.entries[j].key)
	return v, ok && err == nil
}

// narrative reads a report's narrative back: from the narrative spool when
// this run converted it, else from its stored document.
func (b *batch) narrative(i int) string {
	e := &b.entries[i]
	if e.narLen > 0 {
		var nar string
		if b.narratives.read(e.narOff, e.narLen, func(t []byte) error { nar = string(t); return nil }) == nil {
			return nar
		}
	}
	doc, err := b.docs.get(b.ctx, e.key)
	if err != nil {
		return ""
	}
	return engine.Narrative(doc)
}

// anotherBody tells whether a cluster holds reports of more than one body.
func (b *batch) anotherBody(members []int) bool {
	for _, j := range members[1:] {
		if !sameBody(b.entries[members[0]].body, b.entries[j].body) {
			return true
		}
	}
	return false
}

// marshalJSON is json.Marshal without HTML escaping, as the other JSON
// outputs write it, and without the trailing newline an Encoder adds.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// resultKey names a report's result in the store: the report, the rules, the
// configuration, and what the batch told the rules (last year's report and
// the peers, the manifest row's jurisdiction).
func (b *batch) resultKey(e *entry, prev string, peers []peerRef) store.Key {
	ctxDigest := prev
	if j := e.in.Jurisdiction; j != nil {
		ctxDigest += "+j=" + j.Digest()
	}
	if len(peers) > 0 {
		h := sha256.New()
		for _, p := range peers {
			ep := &b.entries[p.j] // only fields fixed before this pass are read
			_, _ = fmt.Fprintf(h, "%s\x00%s\x00%s\x00%g\n", ep.key, ep.agency, filepath.ToSlash(ep.in.OutputName()), p.score)
		}
		ctxDigest += "+" + hex.EncodeToString(h.Sum(nil)[:8])
	}
	return store.Key{ReportHash: e.key, RulesHash: b.set.rules, ConfigDigest: b.set.config, PrevHash: ctxDigest}
}

// check is the second pass: each report is evaluated with its previous
// report and peers, unless the store has the result for exactly that.
func (b *batch) check(prevs []string, peers map[int][]peerRef) {
	b.prog.begin("check", len(b.entries))
	keys := make([]store.Key, len(b.entries))
	valid := make([]bool, len(b.entries))
	for i := range b.entries {
		if e := &b.entries[i]; e.err == "" {
			keys[i], valid[i] = b.resultKey(e, prevs[i], peers[i]), true
		}
	}
	twins := newResultTwins(keys, valid)
	parallel(len(b.entries), b.jobs, func(i int) {
		defer b.prog.step()
		e := &b.entries[i]
		// The prepared report, used by evaluate or left unused by a twin or
		// a stored result, is dropped when the entry is done.
		defer func() { e.prep, e.grid, e.spillLen = nil, report.PackedGrid{}, 0 }()
		var sr storedResult
		// reuse takes a stored result as this entry's.
		reuse := func(summary []byte) bool {
			if summary == nil || decodeStored(summary, &sr) != nil {
				sr = storedResult{}
				return false
			}
			// The file name is the item's, whatever name the stored result had.
			sr.Report.File = filepath.ToSlash(e.in.OutputName())
			if sr.Report.Status == "" {
				sr.Report.Status = report.StatusChecked // kept before results had a status
			}
			// The stored summary leaves the review tally out (it is not
			// JSON); the findings carry the decisions it counts.
			sr.Report.Counts.Reviews = report.CountReviews(sr.Report.Findings)
			b.count(func(s *batchStats) { s.reusedResults++ })
			return true
		}
		var mine *twinResult // what this entry shares, as the first of twins
		var enc *encodedResult
		switch {
		case e.err != "":
			sr.Report, sr.Code = e.unreadableReport(), check.ExitInput
		default:
			k := keys[i]
			tw, first := twins.claim(k, i)
			if tw != nil && !first {
				got := twins.take(tw)
				if got.sr != nil && b.takeTwin(i, tw.first, got) {
					return
				}
				if reuse(got.summary) {
					break
				}
			}
			if first {
				mine = &twinResult{}
				defer func() { tw.share(*mine) }()
			}
			if b.may(func(h store.Holding) bool { return h.Results }) {
				if r, ok, err := b.db.Result(b.ctx, k); err == nil && ok && reuse(r.Summary) {
					if mine != nil {
						mine.summary = r.Summary
					}
					break
				}
			}
			sr = b.evaluate(i, prevs[i], peers[i])
			// Each rule's findings are also in the report's findings: the
			// batch keeps them once (its JSON lines would double otherwise).
			for k := range sr.Report.Rules {
				sr.Report.Rules[k].Findings = nil
			}
			b.count(func(s *batchStats) { s.checked++ })
			if (b.db != nil || first) && sr.Report.Error == "" && !sr.lost {
				var summary []byte
				var err error
				if b.rosterFindings(i) {
					summary, err = encodeStored(sr)
				} else {
					// The line and grid kept for the outputs are the same
					// bytes: encoded once for both.
					if enc, err = encodeResult(&sr); err == nil {
						summary = enc.summary()
					}
				}
				if mine != nil && err == nil {
					mine.summary = summary
				}
				if b.db == nil {
					break
				}
				if err == nil {
					err = b.dbw.PutResult(store.Result{Key: k, RunID: b.runID, Score: sr.Report.Score, Grade: sr.Report.Grade,
						Errors: sr.Report.Counts.Error, Warnings: sr.Report.Counts.Warning, Summary: summary, Findings: storeFindings(sr.Report.Findings, b.opts.Lang)})
				}
				if err != nil {
					b.fails.Add("cannot keep results in the store: %v", err)
				}
			}
		}
		b.withRosterFindings(i, &sr) // after the store: they depend on the roster and the batch
		raw, ok := b.keepResult(i, &sr, enc)
		if ok && mine != nil && mine.summary != nil && b.roster == nil {
			// The twins take this result as it is (roster findings are
			// the entry's own, so with a roster they decode the summary).
			mine.sr, mine.raw, mine.gridOff, mine.gridLen = &sr, raw, e.gridOff, e.gridLen
		}
	})
}

// keepResult records entry i's result: its summary in the entry, its JSON
// line and grid in the results spool; then tells onResult. It returns the
// JSON line, and false when it could not be kept.
func (b *batch) keepResult(i int, sr *storedResult, enc *encodedResult) ([]byte, bool) {
	e := &b.entries[i]
	e.noteSummary(sr)
	if sr.lost {
		e.err, e.lost = sr.Report.Error, true
	}
	if sr.Report.IsUnreadable() && e.err == "" {
		// Failed while checking (too slow, the document not read back).
		e.err, e.unreadable = sr.Report.Error, report.UnreadableInput
		if sr.Report.Unreadable != nil {
			e.unreadable = sr.Report.Unreadable.Code
		}
		b.count(func(s *batchStats) { s.unreadable++ })
	}
	var err error
	if enc == nil {
		enc, err = encodeResult(sr)
	}
	var raw []byte
	if err == nil {
		raw = enc.raw
		e.resOff, e.resLen, err = b.results.put(raw)
	}
	if err == nil && enc.grid != nil {
		e.gridOff, e.gridLen, err = b.results.put(enc.grid)
	}
	if err != nil {
		b.fails.Add("cannot keep the results in a temporary file: %v", err)
		e.err, e.lost = err.Error(), true
	}
	if b.onResult != nil {
		b.onResult(i, sr, raw)
	}
	return raw, err == nil
}

// takeTwin gives entry i the result its twin first found, under its own
// file name, with no decoding and no encoding; false when the JSON line
// cannot be given another name, and the twin's summary is decoded instead.
func (b *batch) takeTwin(i, first int, got twinResult) bool {
	e := &b.entries[i]
	name := filepath.ToSlash(e.in.OutputName())
	raw, ok := withFile(got.raw, name)
	if !ok {
		return false
	}
	sr := *got.sr // its findings and grid are shared, and only read
	sr.Report.File = name
	b.count(func(s *batchStats) { s.reusedResults++ })
	e.noteSummary(&sr)
	// Its line is not spooled: line reads the first's and renames it.
	f := &b.entries[first]
	e.resOff, e.resLen = f.resOff, f.resLen
	e.gridOff, e.gridLen = got.gridOff, got.gridLen
	e.twinOf = first + 1
	if b.onResult != nil {
		b.onResult(i, &sr, raw)
	}
	return true
}

// noteSummary keeps what the CSV and the workbook's 汇总 read of a result
// in its entry.
func (e *entry) noteSummary(sr *storedResult) {
	e.code, e.grade, e.counts = sr.Code, sr.Report.Grade, sr.Report.Counts
	if sr.Report.Score != nil {
		e.score, e.hasScore = *sr.Report.Score, true
	}
}

// encodedResult is a result as the batch keeps it: the report's JSON
// line (what the jsonl output writes and the other outputs read back)
// and its grid.
type encodedResult struct {
	raw, grid []byte
	code      check.Code
}

func encodeResult(sr *storedResult) (*encodedResult, error) {
	raw, err := marshalJSON(sr.Report)
	if err != nil {
		return nil, err
	}
	enc := &encodedResult{raw: raw, code: sr.Code}
	if sr.Grid != nil {
		if enc.grid, err = encodeStored(sr.Grid); err != nil {
			return nil, err
		}
	}
	return enc, nil
}

// summary is the stored form of the result (storedResult's JSON) made of
// the bytes already encoded, rather than by encoding the report again: it
// decodes to the same storedResult (TestEncodedSummary).
func (enc *encodedResult) summary() []byte {
	code := strconv.Itoa(int(enc.code))
	n := len(`{"report":,"code":,"grid":}`) + len(enc.raw) + len(code) + len(enc.grid)
	out := make([]byte, 0, n)
	out = append(append(append(out, `{"report":`...), enc.raw...), `,"code":`...)
	out = append(out, code...)
	if enc.grid != nil {
		out = append(append(out, `,"grid":`...), enc.grid...)
	}
	return append(out, '}')
}

func storeFindings(fs []engine.Finding, lang string) []store.Finding {
	out := make([]store.Finding, len(fs))
	for i, f := range fs {
		var cells []string
		for _, c := range f.Cells {
			cells = append(cells, c.Address())
		}
		b, _ := json.Marshal(cells)
		out[i] = store.Finding{Seq: i, Rule: f.Rule, Severity: f.Severity, Status: f.Status, Message: f.Message.Pick(lang), Cells: string(b)}
	}
	return out
}

// evaluate checks one report with what the batch knows of it.
func (b *batch) evaluate(i int, prev string, refs []peerRef) storedResult {
	e := &b.entries[i]
	fail := func(err error) storedResult {
		r := check.Failed(e.in.OutputName(), err)
		return storedResult{Report: r.Report, Code: r.Code}
	}
	// Computed once: a prepared report read back after all needs them too.
	peers := b.peerList(i, refs)
	if e.prepared() {
		if sr, ok := b.finish(i, prev, peers); ok {
			return sr
		}
	}
	doc, err := b.docs.get(b.ctx, e.key)
	if err != nil {
		sr := fail(err)
		// A document missing after a failed write was lost, not unreadable.
		sr.lost = b.fails.Any()
		return sr
	}
	var prevDoc *schema.Document
	if prev != "" {
		// Last year's report is context: if it cannot be read back, the
		// cross-year rules are not applicable rather than the report failing.
		prevDoc, _ = b.docs.get(b.ctx, prev)
	}
	ctx, cancel := b.reportContext()
	defer cancel()
	rel := e.in.Related()
	rel.Previous, rel.Peers = prevDoc, peers
	r, _ := b.chk.CheckDocument(ctx, e.in.OutputName(), doc, rel)
	fr := r.Report
	grid := report.NewGrid(doc, fr.Findings, b.opts.Lang)
	fr.Document = nil
	return storedResult{Report: fr, Code: r.Code, Grid: grid}
}

// finish concludes entry i's prepared check (entry.prep, which the check
// pass drops when the entry is done) with its peers; false when a rule
// needs the document itself (or there is a previous report), and evaluate
// reads it back instead.
func (b *batch) finish(i int, prev string, peers []engine.Peer) (storedResult, bool) {
	if prev != "" {
		return storedResult{}, false
	}
	e := &b.entries[i]
	prep, grid := e.prep, e.grid
	if prep == nil {
		var err error
		if prep, grid, err = b.unspill(e); err != nil {
			b.count(func(s *batchStats) { s.readBack++ })
			return storedResult{}, false
		}
	}
	ctx, cancel := b.reportContext()
	defer cancel()
	rel := e.in.Related()
	rel.Peers = peers
	r, err := b.chk.Finish(ctx, e.in.OutputName(), prep, rel)
	if errors.Is(err, engine.ErrNeedsDocument) {
		b.count(func(s *batchStats) { s.readBack++ })
		return storedResult{}, false
	}
	b.count(func(s *batchStats) { s.finished++ })
	fr := r.Report
	return storedResult{Report: fr, Code: r.Code, Grid: grid.Grid().Marked(fr.Findings)}, true
}

// peerList is what the rules see of entry i's peers: who they are, and the
// passages the narratives share.
func (b *batch) peerList(i int, refs []peerRef) []engine.Peer {
	if len(refs) == 0 {
		return nil
	}
	// Normalized once for all its peers.
	mine := similarity.Prepare(b.narrative(i))
	var peers []engine.Peer
	for _, p := range refs {
		ep := &b.entries[p.j] // only fields fixed before this pass are read
		peers = append(peers, engine.Peer{Agency: ep.agency, File: filepath.ToSlash(ep.in.OutputName()), Score: p.score,
			Passages: mine.Passages(b.narrative(p.j), 20, 3)})
	}
	return peers
}

// summaries yields the results in batch order as the entries know them:
// no findings, for the outputs that list reports (CSV, 汇总).
func (b *batch) summaries(c *report.CohortStats) func() iter.Seq[report.Ranked] {
	return func() iter.Seq[report.Ranked] {
		return func(yield func(report.Ranked) bool) {
			for i := range b.entries {
				e := &b.entries[i]
				fr := report.FileReport{File: filepath.ToSlash(e.in.OutputName()), Status: report.StatusChecked, Agency: e.agency, Grade: e.grade, Counts: e.counts}
				if e.err != "" {
					fr = e.unreadableReport()
				}
				if e.year != 0 && e.err == "" {
					y := e.year
					fr.Year = &y
				}
				if e.template != "" && e.err == "" {
					t := e.template
					fr.Template = &t
				}
				if e.hasScore {
					sc := e.score
					fr.Score = &sc
				}
				if !yield(c.Rank(fr)) {
					return
				}
			}
		}
	}
}

// ranked reads the results back in batch order with their cohort places,
// for the outputs that show findings; with their grids (the tables a
// dashboard draws) when withGrids is set. Through rb, when set, the
// results are decoded once for the outputs written side by side.
func (b *batch) ranked(c *report.CohortStats, withGrids bool, rb *readBack) func() iter.Seq[report.Ranked] {
	return func() iter.Seq[report.Ranked] {
		return func(yield func(report.Ranked) bool) {
			read := b.result
			if rb != nil {
				r := rb.join()
				defer rb.leave(r)
				read = func(i int, withGrid bool) (report.FileReport, error) { return rb.result(r, i, withGrid) }
			}
			for i := range b.entries {
				fr, err := read(i, withGrids)
				if err != nil {
					fr = check.Failed(b.entries[i].in.OutputName(), err).Report
				}
				if !yield(c.Rank(fr)) {
					return
				}
			}
		}
	}
}

// line is result i's JSON line.
func (b *batch) line(i int) ([]byte, error) {
	e := &b.entries[i]
	raw, err := b.results.get(e.resOff, e.resLen)
	if err != nil || e.twinOf == 0 {
		return raw, err
	}
	// A twin's is its first's under its own name (takeTwin).
	named, ok := withFile(raw, filepath.ToSlash(e.in.OutputName()))
	if !ok {
		return nil, fmt.Errorf("the result of %s cannot be read back", e.in.OutputName())
	}
	return named, nil
}

func (b *batch) result(i int, withGrid bool) (report.FileReport, error) {
	var fr report.FileReport
	e := &b.entries[i]
	err := b.results.read(e.resOff, e.resLen, func(raw []byte) error {
		if e.twinOf != 0 {
			// A twin's is its first's under its own name (takeTwin).
			named, ok := withFile(raw, filepath.ToSlash(e.in.OutputName()))
			if !ok {
				return fmt.Errorf("the result of %s cannot be read back", e.in.OutputName())
			}
			raw = named
		}
		return decodeStored(raw, &fr)
	})
	if err != nil {
		return fr, err
	}
	if withGrid {
		g, err := b.grid(i)
		if g != nil {
			fr.Grid = g
		}
		return fr, err
	}
	return fr, nil
}

// grid is result i's grid, nil when it has none.
func (b *batch) grid(i int) (*report.Grid, error) {
	e := b.entries[i]
	if e.gridLen <= 0 {
		return nil, nil
	}
	g := &report.Grid{}
	return g, b.results.read(e.gridOff, e.gridLen, func(raw []byte) error { return decodeStored(raw, g) })
}

// writeJSONLines writes every result, one per line, in batch order.
func (b *batch) writeJSONLines(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i := range b.entries {
		line, err := b.line(i)
		if err != nil {
			return err
		}
		_, _ = bw.Write(line)
		_ = bw.WriteByte('\n')
	}
	return bw.Flush()
}

// rosterFindings says whether the roster adds findings to entry i's
// result (withRosterFindings), which then differs from what is stored.
func (b *batch) rosterFindings(i int) bool {
	return b.roster != nil && len(b.roster.findings[i]) > 0
}
