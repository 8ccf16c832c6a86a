// Package similarity detects near-duplicate narrative text (内容雷同) between
// government information-disclosure annual reports: a report against last
// year's report of the same body, and across the reports of many bodies in
// one batch.
//
// Text is compared as sets of hashed character shingles rather than words,
// because Chinese has no spaces to split on and a word segmenter would make
// results depend on its dictionary. Numbers are kept on purpose: a report
// copied from last year with only the year and counts changed should score
// high but not 1, and the differing numbers are what keeps it below 1.
//
// For a batch, only a 256-byte MinHash Signature per report is kept; an
// Index over those signatures yields candidate pairs, and only the candidate
// pairs need their full texts loaded again for Compare.
//
// All hashes are fixed (no per-process seeds) so that shingles and signatures
// computed on different machines or in different runs can be compared.
// Changing K, the normalization or the hash seeds invalidates any stored
// signature.
package similarity

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// K is the shingle length in normalized runes. Eight runes is about one
// short Chinese phrase: long enough that unrelated reports rarely share a
// shingle by chance, short enough that a changed number invalidates only the
// few shingles spanning it.
const K = 8

// maxPassageRunes bounds a returned passage so that a report quoting a
// whole copied page stays readable.
const maxPassageRunes = 120

// span is the byte range of the original text that a normalized rune came
// from; a rune produced by NFKC expansion (㎡ → m2) shares its source range.
type span struct{ start, end int }

// Normalize reduces text to the runes that carry its wording, so that two
// reports that differ only in layout, full-width forms, spacing or
// punctuation (a common artefact of PDF and Word extraction) compare as
// equal. Digits and Chinese numerals are kept because changed figures are
// exactly what distinguishes an honest update from a copy.
//
// Invisible format characters (zero-width space, BOM, soft hyphen) and
// control characters are dropped along with white space, since extraction
// inserts them at random. Invalid UTF-8 is dropped. Only ASCII letters are
// lower-cased; NFKC has already folded full-width Latin letters to ASCII.
func Normalize(s string) []rune {
	rs, _ := normalize(s, false)
	return rs
}

// normalize is Normalize that can also report where each kept rune came
// from, which Passages needs to quote the original text. Normalizing one
// NFKC segment at a time keeps that mapping exact. The runes that make up
// nearly all report text (ASCII, CJK ideographs, full-width punctuation)
// are their own segments with a fixed NFKC image, so they skip the norm
// package, which would otherwise dominate the cost.
func normalize(s string, withOffsets bool) ([]rune, []span) {
	rs := make([]rune, 0, len(s)/2+1)
	var offs []span
	if withOffsets {
		offs = make([]span, 0, cap(rs))
	}
	emit := func(r rune, start, end int) {
		if r, ok := fold(r); ok {
			rs = append(rs, r)
			if withOffsets {
				offs = append(offs, span{start, end})
			}
		}
	}
	var buf []byte
	r, size := utf8.DecodeRuneInString(s)
	for i := 0; i < len(s); {
		next, nextSize := utf8.DecodeRuneInString(s[i+size:])
		if simple(r) && (i+size == len(s) || simple(next)) {
			emit(simpleNFKC(r), i, i+size)
			i += size
			r, size = next, nextSize
			continue
		}
		n := norm.NFKC.NextBoundaryInString(s[i:], true)
		if n <= 0 {
			// Not expected at EOF, but guarantee progress on any input.
			n = size
		}
		seg := s[i : i+n]
		if norm.NFKC.QuickSpanString(seg) == len(seg) {
			for _, r := range seg {
				emit(r, i, i+n)
			}
		} else {
			buf = norm.NFKC.AppendString(buf[:0], seg)
			for _, r := range string(buf) {
				emit(r, i, i+n)
			}
		}
		i += n
		r, size = utf8.DecodeRuneInString(s[i:])
	}
	return rs, offs
}

// simple reports whether r is a starter that never composes or reorders
// with its neighbours and whose NFKC image is simpleNFKC(r); a run of
// simple runes can therefore be normalized one rune at a time.
// TestSimpleRunes checks this against the norm tables.
func simple(r rune) bool {
	return r < utf8.RuneSelf ||
		0x4E00 <= r && r <= 0x9FFF || // CJK unified ideographs
		0x3000 <= r && r <= 0x3002 || // ideographic space, 、。
		0x3008 <= r && r <= 0x3011 || // 〈〉《》「」『』【】
		0x2018 <= r && r <= 0x201D || // ‘’“”
		0xFF01 <= r && r <= 0xFF5E // full-width ASCII
}

// simpleNFKC is NFKC of a simple rune without a table lookup.
func simpleNFKC(r rune) rune {
	switch {
	case 0xFF01 <= r && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// fold decides whether a normalized rune is wording, and maps ASCII letters
// to lower case so that "PDF" and "pdf" match.
func fold(r rune) (rune, bool) {
	if r < utf8.RuneSelf {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A'), true
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r, true
		}
		// Every other ASCII rune is a control, space, punctuation or symbol.
		return 0, false
	}
	if 0x4E00 <= r && r <= 0x9FFF {
		return r, true // the bulk of report text: skip the category tables
	}
	if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsPunct(r) ||
		unicode.IsSymbol(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
		return 0, false
	}
	return r, true
}

// FNV-1a 64 parameters, written out so the hash cannot change with a
// library or platform.
const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// fnv1a hashes a shingle's UTF-8 bytes; it matches hash/fnv's New64a so
// the values can be reproduced with standard tools.
func fnv1a(b []byte) uint64 {
	h := fnvOffset
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// windowHashes hashes every K-rune window of rs in order, as FNV-1a 64 of
// its UTF-8 encoding (the same value hash/fnv gives for string(window)).
// Positions are kept because Passages needs to know where matches are.
func windowHashes(rs []rune) []uint64 {
	if len(rs) < K {
		return nil
	}
	enc := make([]byte, 0, len(rs)*3)
	idx := make([]int, len(rs)+1)
	for i, r := range rs {
		idx[i] = len(enc)
		enc = utf8.AppendRune(enc, r)
	}
	idx[len(rs)] = len(enc)
	out := make([]uint64, len(rs)-K+1)
	for i := range out {
		out[i] = fnv1a(enc[idx[i]:idx[i+K]])
	}
	return out
}

// shingleSet turns positional window hashes into the sorted set form. A text
// shorter than K still gets one shingle for its whole content, so that two
// identical short answers (e.g. 无) are recognised as identical rather than
// as two empty sets.
func shingleSet(rs []rune, win []uint64) []uint64 {
	if len(rs) == 0 {
		return nil
	}
	if len(rs) < K {
		return []uint64{fnv1a([]byte(string(rs)))}
	}
	set := slices.Clone(win)
	slices.Sort(set)
	return slices.Clip(slices.Compact(set))
}

// Shingles is the set form of a text that Jaccard, Containment and Sign
// work on. It is sorted and de-duplicated so that set operations are a
// linear merge and so that repeated boilerplate inside one report does not
// weigh more than once.
func Shingles(text string) []uint64 {
	rs, _ := normalize(text, false)
	return shingleSet(rs, windowHashes(rs))
}

// intersect counts common elements of two sorted sets.
func intersect(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Jaccard measures how much of the combined wording two reports share; it
// is the score to use when both texts should be whole, independent
// documents. The inputs must be Shingles output. An empty text shares
// nothing with anything, so that blank sections never look copied.
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := intersect(a, b)
	return float64(n) / float64(len(a)+len(b)-n)
}

// Containment catches the case Jaccard underrates: a short section copied
// whole into a longer one (or the reverse) scores 1 here even though the
// union is large. The inputs must be Shingles output.
func Containment(a, b []uint64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return float64(intersect(a, b)) / float64(min(len(a), len(b)))
}

// Signature is a fixed-size summary of a shingle set whose slot-wise
// agreement estimates Jaccard similarity, so that a batch of 100,000
// reports needs 25 MB of signatures instead of all their texts. Each slot
// is a 32-bit minimum, which keeps it at 256 bytes while making accidental
// slot collisions between unrelated texts negligible.
type Signature [64]uint32

// emptySignature marks a text with no shingles; no real shingle set can
// realistically produce it, so it doubles as a sentinel.
var emptySignature = func() (s Signature) {
	for i := range s {
		s[i] = ^uint32(0)
	}
	return s
}()

// hashParams are the fixed multiply-add constants of the 64 hash functions.
// They are derived from a constant seed so that signatures are comparable
// across runs and machines.
var hashParams = func() (p [len(Signature{})]struct{ a, b uint64 }) {
	state := uint64(0x6f67692d73696d31) // "ogi-sim1"
	for i := range p {
		p[i].a = splitmix64(&state) | 1
		p[i].b = splitmix64(&state)
	}
	return p
}()

// splitmix64 generates the hash constants; its output is fixed by the seed.
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return mix64(*state)
}

// mix64 is the splitmix64 finalizer. FNV-1a leaves the high bits poorly
// mixed for short inputs, so shingle hashes are re-mixed before the cheap
// per-slot multiply-shift hashes take their high 32 bits.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Sign computes the MinHash signature of a shingle set. One strong mix per
// shingle followed by a multiply-add-shift per slot keeps signing a
// 3,000-rune report well under a millisecond. An empty set yields the
// all-0xFFFFFFFF signature, which Estimate and Index treat as "nothing to
// compare".
func Sign(shingles []uint64) Signature {
	sig := emptySignature
	for _, x := range shingles {
		m := mix64(x)
		for i := range sig {
			if h := uint32((m*hashParams[i].a + hashParams[i].b) >> 32); h < sig[i] {
				sig[i] = h
			}
		}
	}
	return sig
}

// Estimate approximates the Jaccard similarity of the two underlying
// shingle sets (standard error at most 1/16 with 64 slots), so a batch can
// rank pairs without their texts. Empty texts estimate 0 to match Jaccard.
func (s Signature) Estimate(t Signature) float64 {
	return estimate(&s, &t)
}

// estimate takes pointers so that Index does not copy 512 bytes per pair.
func estimate(s, t *Signature) float64 {
	if *s == emptySignature || *t == emptySignature {
		return 0
	}
	n := 0
	for i := range s {
		if s[i] == t[i] {
			n++
		}
	}
	return float64(n) / float64(len(s))
}

// Passages shows a reviewer what was copied: the longest stretches of a, as
// written (punctuation and spacing included), whose normalized wording also
// occurs in b. Matching is by normalized K-rune shingles, so a passage
// survives reformatting and punctuation changes, and overlapping or
// adjacent matches are merged into one passage; a changed number splits a
// passage in two.
//
// minRunes is measured in normalized runes (runs are never shorter than K).
// Results are ordered longest first, then by position in a, and at most
// max are returned (none if max <= 0). A passage is widened over directly
// adjacent opening and closing punctuation (《…》, “…”, a final 。) so that
// quotes read naturally, and is cut to 120 runes with "…" appended when
// longer. Invalid UTF-8 in a is shown as U+FFFD.
func Passages(a, b string, minRunes, max int) []string {
	if max <= 0 {
		return nil
	}
	return Prepare(a).Passages(b, minRunes, max)
}

// Text is a text normalized and hashed once, to quote passages it shares
// with several others (a report and each of its peers).
type Text struct {
	raw  string
	n    []rune
	offs []span
	w    []uint64
}

// Prepare normalizes and hashes a for Passages.
func Prepare(a string) *Text {
	na, offs := normalize(a, true)
	return &Text{raw: a, n: na, offs: offs, w: windowHashes(na)}
}

// Passages is the package-level Passages with t as a.
func (t *Text) Passages(b string, minRunes, max int) []string {
	if max <= 0 {
		return nil
	}
	nb, _ := normalize(b, false)
	return passages(t.raw, t.n, t.offs, t.w, nb, windowHashes(nb), minRunes, max)
}

// passages is Passages on texts already normalized and hashed, so that
// Compare does that work once per text.
func passages(a string, na []rune, offs []span, wa []uint64, nb []rune, wb []uint64, minRunes, max int) []string {
	if max <= 0 || len(wa) == 0 || len(wb) == 0 {
		return nil
	}
	first := make(map[uint64]int, len(wb))
	for i, h := range wb {
		if _, ok := first[h]; !ok {
			first[h] = i
		}
	}
	type run struct{ s, e int } // half-open range of normalized runes of a
	var runs []run
	cur := run{-1, -1}
	flush := func() {
		if cur.s >= 0 && cur.e-cur.s >= minRunes {
			runs = append(runs, cur)
		}
	}
	for i, h := range wa {
		p, ok := first[h]
		// Compare the runes too, so that a hash collision can never
		// produce a passage that is not really in b.
		if !ok || !slices.Equal(na[i:i+K], nb[p:p+K]) {
			continue
		}
		if cur.s >= 0 && i <= cur.e {
			cur.e = i + K
			continue
		}
		flush()
		cur = run{i, i + K}
	}
	flush()
	slices.SortStableFunc(runs, func(x, y run) int {
		if d := (y.e - y.s) - (x.e - x.s); d != 0 {
			return d
		}
		return x.s - y.s
	})
	if len(runs) > max {
		runs = runs[:max]
	}
	out := make([]string, 0, len(runs))
	for _, r := range runs {
		out = append(out, quote(a, offs[r.s].start, offs[r.e-1].end))
	}
	return out
}

// quote cuts the passage a[start:end] out of the original text, widened over
// adjacent brackets and sentence-final punctuation, and bounded in length.
func quote(a string, start, end int) string {
	// A few runes at most: enough for “《 or 。” and no risk of swallowing
	// a long line of decoration.
	for n := 0; n < 3 && start > 0; n++ {
		r, size := utf8.DecodeLastRuneInString(a[:start])
		if !unicode.In(r, unicode.Ps, unicode.Pi) {
			break
		}
		start -= size
	}
	for n := 0; n < 3 && end < len(a); n++ {
		r, size := utf8.DecodeRuneInString(a[end:])
		if !unicode.In(r, unicode.Pe, unicode.Pf) && !strings.ContainsRune("。．.！!？?；;…", r) {
			break
		}
		end += size
	}
	p := strings.ToValidUTF8(strings.TrimSpace(a[start:end]), "\uFFFD")
	if utf8.RuneCountInString(p) <= maxPassageRunes {
		return p
	}
	i := 0
	for n := 0; n < maxPassageRunes; n++ {
		_, size := utf8.DecodeRuneInString(p[i:])
		i += size
	}
	return p[:i] + "…"
}

// Match is everything a finding about two texts needs: Jaccard for "these
// are the same document", Containment for "one was pasted into the other",
// and Passages as evidence a reviewer can check.
type Match struct {
	// Jaccard is high only when the two texts are largely the same text.
	Jaccard float64
	// Containment is high when the shorter text is largely inside the
	// longer one, even if the longer one has much more besides.
	Containment float64
	// Passages quotes a, so the evidence reads as the report was written.
	Passages []string
}

// Compare is the one-call form for a single pair (a report against last
// year's, or a candidate pair from an Index); it normalizes each text once
// and reports up to three shared passages of at least 20 normalized runes,
// quoted from a.
func Compare(a, b string) Match {
	na, offs := normalize(a, true)
	nb, _ := normalize(b, false)
	wa, wb := windowHashes(na), windowHashes(nb)
	sa, sb := shingleSet(na, wa), shingleSet(nb, wb)
	return Match{
		Jaccard:     Jaccard(sa, sb),
		Containment: Containment(sa, sb),
		Passages:    passages(a, na, offs, wa, nb, wb, 20, 3),
	}
}

// Bytes is the signature as 256 big-endian bytes, the form a store keeps:
// a re-run compares reports without reading their texts again.
func (s Signature) Bytes() []byte {
	out := make([]byte, 4*len(s))
	for i, v := range s {
		binary.BigEndian.PutUint32(out[4*i:], v)
	}
	return out
}

// SignatureFromBytes reads what Bytes wrote; ok is false for any other
// length (no signature stored, or one from a different layout).
func SignatureFromBytes(b []byte) (sig Signature, ok bool) {
	if len(b) != 4*len(sig) {
		return sig, false
	}
	for i := range sig {
		sig[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return sig, true
}
