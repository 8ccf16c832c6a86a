package ingest

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ogi-checker/ogi/schema"
)

// Labels, column headers and section headings are all matched the same way:
// the written text is normalised (key: width fold, radicals, no spaces or
// punctuation), compared exactly, then with the known synonyms applied
// (schema.Synonyms), then by similarity (tiling and edit distance), and
// finally placed by a sequence alignment that keeps the template's order
// (alignScores). Whatever matched only in the second or third step is read
// and reported as a variant.

// matchKind says how a written label was matched to a template label.
type matchKind int

const (
	matchNone matchKind = iota
	matchExact
	// matchSynonym: equal once a known synonym or misprint was replaced.
	matchSynonym
	// matchFuzzy: the closest template label, by similarity.
	matchFuzzy
)

// canon rewrites keys with the synonyms of one template version.
type canon struct {
	whole map[string]string
	parts []schema.Synonym
}

var (
	canonOnce sync.Once
	canons    map[string]*canon
)

// canonFor returns the synonyms in force for a template ("" for those that
// hold in both versions).
func canonFor(tpl string) *canon {
	canonOnce.Do(func() {
		canons = map[string]*canon{}
		for _, id := range []string{"", schema.Template2019, schema.Template2021} {
			c := &canon{whole: map[string]string{}}
			for _, s := range schema.Synonyms {
				if s.Template != "" && s.Template != id {
					continue
				}
				if s.Whole {
					c.whole[s.Written] = s.Means
				} else {
					c.parts = append(c.parts, s)
				}
			}
			canons[id] = c
		}
	})
	if c, ok := canons[tpl]; ok {
		return c
	}
	return canons[""]
}

// apply returns k with the synonyms replaced; k itself when none applies.
func (c *canon) apply(k string) string {
	if c == nil {
		return k
	}
	if w, ok := c.whole[k]; ok {
		return w
	}
	for _, s := range c.parts {
		if strings.Contains(k, s.Written) {
			k = strings.ReplaceAll(k, s.Written, s.Means)
		}
	}
	return k
}

// partIn reports whether s holds the written form of one of c's part
// synonyms, the test applyMap makes before it rewrites anything.
func (c *canon) partIn(s string) bool {
	if c == nil {
		return false
	}
	for _, p := range c.parts {
		if strings.Contains(s, p.Written) {
			return true
		}
	}
	return false
}

// applyMap is apply on runes that carry an index into some original text:
// every rune of a replacement takes the index of the written rune at the
// same offset, and its last rune that of the written text's last, so that a
// match found in the rewritten text maps back to the source. Whole-label synonyms do not apply
// inside running text.
func (c *canon) applyMap(rs []rune, idx []int) ([]rune, []int) {
	if c == nil || len(c.parts) == 0 {
		return rs, idx
	}
	s := string(rs)
	hit := false
	for _, p := range c.parts {
		if strings.Contains(s, p.Written) {
			hit = true
			break
		}
	}
	if !hit {
		return rs, idx
	}
	out := make([]rune, 0, len(rs))
	oidx := make([]int, 0, len(idx))
	for i := 0; i < len(rs); {
		replaced := false
		for _, p := range c.parts {
			w := []rune(p.Written)
			if !runesAt(rs, i, w) {
				continue
			}
			means := []rune(p.Means)
			for k, r := range means {
				src := i + k
				if src >= i+len(w) || k == len(means)-1 {
					src = i + len(w) - 1
				}
				out = append(out, r)
				oidx = append(oidx, idx[src])
			}
			i += len(w)
			replaced = true
			break
		}
		if !replaced {
			out = append(out, rs[i])
			oidx = append(oidx, idx[i])
			i++
		}
	}
	return out, oidx
}

// maxEditRunes bounds the labels compared by edit distance: labels are a few
// dozen characters, and the distance costs the product of the lengths.
const maxEditRunes = 48

// editSimilarity is 1 − (edit distance / longer length); 0 for texts longer
// than maxEditRunes. It catches the one-character slips in short labels
// (规草 for 规章) that tiling, which needs runs of two, cannot see.
func editSimilarity(a, b []rune) float64 {
	if len(a) == 0 || len(b) == 0 || len(a) > maxEditRunes || len(b) > maxEditRunes {
		return 0
	}
	var pbuf, cbuf [maxEditRunes + 1]int
	prev, cur := pbuf[:len(b)+1], cbuf[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			d := prev[j-1]
			if a[i-1] != b[j-1] {
				d++
			}
			if v := prev[j] + 1; v < d {
				d = v
			}
			if v := cur[j-1] + 1; v < d {
				d = v
			}
			cur[j] = d
		}
		prev, cur = cur, prev
	}
	n := len(a)
	if len(b) > n {
		n = len(b)
	}
	return 1 - float64(prev[len(b)])/float64(n)
}

// similarity is the better of tiling and edit similarity.
func similarity(text, label []rune) float64 {
	s := labelScore(text, label)
	if e := editSimilarity(text, label); e > s {
		return e
	}
	return s
}

// matchKey matches one written key against one label key: exactly, then
// with synonyms, then by similarity (returned for the caller to threshold).
func matchKey(written, label string, c *canon) (matchKind, float64) {
	if written == label {
		return matchExact, 1
	}
	cw := c.apply(written)
	if cw != written && cw == label {
		return matchSynonym, 1
	}
	s := similarity([]rune(cw), []rune(label))
	if s <= 0 {
		return matchNone, 0
	}
	return matchFuzzy, s
}

// alignScores is the sequence alignment behind every label match: it pairs
// items (rows, heading candidates) with template entries, both in order,
// maximising the total score of the pairs at or above threshold. It returns
// for each item the entry index or -1. With early set, equal totals are
// broken towards the earliest items (a heading repeated in a table of
// contents above the text keeps its first place, as it always did).
func alignScores(score [][]float64, nt int, threshold float64, early bool) []int {
	nr := len(score)
	at := func(i, j int) float64 {
		if early {
			return score[nr-1-i][nt-1-j]
		}
		return score[i][j]
	}
	best := make([][]float64, nr+1)
	for i := range best {
		best[i] = make([]float64, nt+1)
	}
	for i := 1; i <= nr; i++ {
		for j := 1; j <= nt; j++ {
			b := best[i-1][j]
			if best[i][j-1] > b {
				b = best[i][j-1]
			}
			if s := at(i-1, j-1); s >= threshold && best[i-1][j-1]+s > b {
				b = best[i-1][j-1] + s
			}
			best[i][j] = b
		}
	}
	assign := make([]int, nr)
	for i := range assign {
		assign[i] = -1
	}
	for i, j := nr, nt; i > 0 && j > 0; {
		s := at(i-1, j-1)
		switch {
		case s >= threshold && best[i][j] == best[i-1][j-1]+s:
			assign[i-1] = j - 1
			i--
			j--
		case best[i][j] == best[i-1][j]:
			i--
		default:
			j--
		}
	}
	if early {
		for i, k := 0, nr-1; i < k; i, k = i+1, k-1 {
			assign[i], assign[k] = assign[k], assign[i]
		}
		for i, j := range assign {
			if j >= 0 {
				assign[i] = nt - 1 - j
			}
		}
	}
	return assign
}

// variantKey identifies a reported variant, so each is reported once.
type variantKey struct{ table, row, col, written string }

// labelVariant records a label that matched only as a variant: what was
// written, what it was taken for, and where.
func (m *mapper) labelVariant(kind matchKind, score float64, written, taken, table, row, col string, loc *schema.Loc) {
	if kind != matchSynonym && kind != matchFuzzy {
		return
	}
	k := variantKey{table, row, col, written}
	if m.variants == nil {
		m.variants = map[variantKey]bool{}
	}
	if m.variants[k] {
		return
	}
	m.variants[k] = true
	what := "label"
	switch {
	case table == "sections":
		what = "heading"
	case col != "":
		what = "column header"
	}
	how := "a known variant"
	if kind == matchFuzzy {
		how = fmt.Sprintf("the closest template wording, similarity %.2f", score)
	}
	m.diagCell("label_variant", "info",
		fmt.Sprintf("%s %q was read as %q (%s)", what, written, taken, how), table, row, col, loc)
}
