package similarity

import (
	"cmp"
	"slices"
	"sync"
)

// Banding of the 64 signature slots: 16 bands of 4 rows. Two texts become
// candidates with probability 1-(1-J⁴)¹⁶: about 12% at J=0.3, 64% at 0.5,
// 99% at 0.7, so copied reports are almost always found while unrelated
// ones rarely need an Estimate.
const (
	bands = 16
	rows  = len(Signature{}) / bands
)

// Index finds candidate near-duplicate pairs among many reports (locality-
// sensitive hashing) so that a batch of 100,000 reports does not need 5·10⁹
// comparisons. It keeps only each report's Signature and key, and builds
// the band buckets only while Candidates runs, so it holds little more
// than 256 bytes per report. The zero value is ready to use.
//
// It is safe for concurrent use: reports are typically signed by several
// worker goroutines that Add as they finish.
type Index struct {
	mu   sync.RWMutex
	keys []int
	sigs []Signature
	pos  map[int]int // key → position in keys and sigs
}

// NewIndex returns an empty Index; it exists so that callers need not know
// that the zero value works.
func NewIndex() *Index {
	return &Index{pos: make(map[int]int)}
}

// Add records the signature of the report identified by key (typically its
// position in the batch). Adding a key again replaces its signature, so a
// report re-read after a fix does not pair with its own old version.
//
// Empty signatures (texts with no wording) are not kept: thousands of
// blank sections would otherwise fall into one bucket and pair with each
// other quadratically, and "both empty" is not copying.
func (x *Index) Add(key int, sig Signature) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.pos == nil {
		x.pos = make(map[int]int)
	}
	i, ok := x.pos[key]
	switch {
	case sig == emptySignature && ok:
		last := len(x.keys) - 1
		x.keys[i], x.sigs[i] = x.keys[last], x.sigs[last]
		x.pos[x.keys[i]] = i
		x.keys, x.sigs = x.keys[:last], x.sigs[:last]
		delete(x.pos, key)
	case sig == emptySignature:
	case ok:
		x.sigs[i] = sig
	default:
		x.pos[key] = len(x.keys)
		x.keys = append(x.keys, key)
		x.sigs = append(x.sigs, sig)
	}
}

// Pair is a candidate near-duplicate: the two caller keys, A < B, and the
// signature estimate of their Jaccard similarity, to rank pairs before
// loading their texts for Compare.
type Pair struct {
	// A and B are the keys given to Add, ordered so that each pair has
	// one spelling.
	A, B int
	// Estimate is the fraction of equal signature slots, an estimate of
	// the Jaccard similarity of the two texts.
	Estimate float64
}

// bandEntry is one report's 4-slot band packed into 128 bits, so that a
// bucket is a run of equal entries after sorting: exact, with no bucket-key
// hash collisions and no per-bucket maps.
type bandEntry struct {
	hi, lo uint64
	idx    int
}

// Candidates returns every pair of reports that share at least one band
// bucket and whose Estimate is at least minEstimate, each pair once, sorted
// by (A, B) so that output is stable across runs and goroutine schedules.
//
// No bucket is skipped however large: a big bucket of non-empty texts means
// many reports really are near-identical, and the caller asked for all of
// them. Work and output therefore grow with the square of the largest group
// of near-identical reports. Each pair is reported only from the first band
// it shares, so pairs sharing several bands cost no de-duplication memory.
func (x *Index) Candidates(minEstimate float64) []Pair {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.sigs)
	if n < 2 {
		return nil
	}
	var pairs []Pair
	x.buckets(func(band int, bucket []bandEntry) {
		for p := range bucket {
			for q := p + 1; q < len(bucket); q++ {
				i, j := bucket[p].idx, bucket[q].idx
				if sharesBandBefore(&x.sigs[i], &x.sigs[j], band) {
					continue
				}
				est := estimate(&x.sigs[i], &x.sigs[j])
				if est < minEstimate {
					continue
				}
				a, b := x.keys[i], x.keys[j]
				if a > b {
					a, b = b, a
				}
				pairs = append(pairs, Pair{A: a, B: b, Estimate: est})
			}
		}
	})
	slices.SortFunc(pairs, func(p, q Pair) int {
		if c := cmp.Compare(p.A, q.A); c != 0 {
			return c
		}
		return cmp.Compare(p.B, q.B)
	})
	return pairs
}

// sharesBandBefore reports whether s and t already met in an earlier band,
// in which case that band has reported the pair.
func sharesBandBefore(s, t *Signature, band int) bool {
	for b := range band {
		o := b * rows
		if [rows]uint32(s[o:o+rows]) == [rows]uint32(t[o:o+rows]) {
			return true
		}
	}
	return false
}

// Clusters groups the reports that LSH puts together, in time and memory
// linear in the number of reports: within each band bucket every member is
// linked to the bucket's first member when their Estimate is at least
// minEstimate, and linked reports are merged (union-find). Unlike
// Candidates, a bucket of ten thousand near-identical reports costs ten
// thousand estimates, not fifty million; the price is that a cluster can
// hold reports that are similar only through a chain, so callers confirm
// the pairs they report. Clusters of two or more keys are returned, each
// sorted, ordered by their first key.
func (x *Index) Clusters(minEstimate float64) [][]int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := len(x.sigs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	x.buckets(func(_ int, bucket []bandEntry) {
		head := bucket[0].idx
		for _, e := range bucket[1:] {
			if estimate(&x.sigs[head], &x.sigs[e.idx]) >= minEstimate {
				if ra, rb := find(head), find(e.idx); ra != rb {
					parent[rb] = ra
				}
			}
		}
	})
	byRoot := map[int][]int{}
	for i := range n {
		r := find(i)
		byRoot[r] = append(byRoot[r], x.keys[i])
	}
	var out [][]int
	for _, ks := range byRoot {
		if len(ks) > 1 {
			slices.Sort(ks)
			out = append(out, ks)
		}
	}
	slices.SortFunc(out, func(a, b []int) int { return cmp.Compare(a[0], b[0]) })
	return out
}

// buckets calls fn with each band's buckets of two or more reports, in
// band order and, within a band, in sorted order.
func (x *Index) buckets(fn func(band int, bucket []bandEntry)) {
	n := len(x.sigs)
	ents := make([]bandEntry, n)
	for band := range bands {
		x.sortBand(ents, band*rows)
		for start := 0; start < n; {
			end := start + 1
			for end < n && ents[end].hi == ents[start].hi && ents[end].lo == ents[start].lo {
				end++
			}
			if end-start > 1 {
				fn(band, ents[start:end])
			}
			start = end
		}
	}
}

// sortBand fills ents with every report's band starting at slot o and sorts
// them, so that each bucket is a run of equal entries.
func (x *Index) sortBand(ents []bandEntry, o int) {
	for i := range x.sigs {
		s := &x.sigs[i]
		ents[i] = bandEntry{hi: uint64(s[o])<<32 | uint64(s[o+1]), lo: uint64(s[o+2])<<32 | uint64(s[o+3]), idx: i}
	}
	slices.SortFunc(ents, func(a, b bandEntry) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
}
