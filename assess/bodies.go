package assess

import (
	"sort"
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// bodyKey normalises an agency name for matching a body across years (see
// schema.BodyKey).
func bodyKey(agency string) string { return schema.BodyKey(agency) }

// genericNames are what is left of a body's name without its place: never
// enough to say two reports come from one body.
var genericNames = map[string]bool{"人民政府": true, "人民政府办公室": true, "人民政府办公厅": true, "管理委员会": true,
	"政府": true, "政府办公室": true, "办公室": true}

// sameBody: equal names, or one name the other with a place prefix
// (洪泽区人民政府 and 淮安市洪泽区人民政府): the prefix ends in a level of
// administration and what remains is more than a generic name.
func sameBody(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	short, long := a, b
	if len(short) > len(long) {
		short, long = long, short
	}
	if len([]rune(short)) < 4 || genericNames[short] || !strings.HasSuffix(long, short) {
		return false
	}
	prefix := []rune(strings.TrimSuffix(long, short))
	return strings.ContainsRune("省市县区州盟旗", prefix[len(prefix)-1])
}

// bodyIndex finds the same body's report for a given year among a batch of
// any size without comparing every pair: exact names through a map, names
// with a place prefix through the sorted reversed names (a suffix of a name
// is a prefix of its reverse).
type bodyIndex struct {
	exact    map[string][]int // body key → entry positions
	keys     []string         // body key of each entry
	years    []int
	reversed []revKey // sorted by rev
}

type revKey struct {
	rev string
	i   int
}

// maxSuffixScan bounds the work for a short name that ends many others
// (人民政府): past it the match is refused rather than guessed.
const maxSuffixScan = 2000

func newBodyIndex(keys []string, years []int) *bodyIndex {
	x := &bodyIndex{exact: map[string][]int{}, keys: keys, years: years}
	for i, k := range keys {
		if k == "" || years[i] == 0 {
			continue
		}
		x.exact[k] = append(x.exact[k], i)
		x.reversed = append(x.reversed, revKey{reverse(k), i})
	}
	sort.Slice(x.reversed, func(a, b int) bool {
		if x.reversed[a].rev != x.reversed[b].rev {
			return x.reversed[a].rev < x.reversed[b].rev
		}
		return x.reversed[a].i < x.reversed[b].i
	})
	return x
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// find returns the position of body key's report for year, or -1. An exact
// name wins; otherwise the closest name (shortest difference, then batch
// order) that is the same body by sameBody.
func (x *bodyIndex) find(key string, year int) int {
	if key == "" || year == 0 {
		return -1
	}
	for _, i := range x.exact[key] {
		if x.years[i] == year {
			return i
		}
	}
	best, bestDiff := -1, 0
	consider := func(i int) {
		if x.years[i] != year || !sameBody(key, x.keys[i]) {
			return
		}
		d := len(x.keys[i]) - len(key)
		if d < 0 {
			d = -d
		}
		if best < 0 || d < bestDiff || (d == bestDiff && i < best) {
			best, bestDiff = i, d
		}
	}
	// Entries whose name is a suffix of key: try each suffix of key.
	r := []rune(key)
	for s := 1; s <= len(r)-4; s++ {
		for _, i := range x.exact[string(r[s:])] {
			consider(i)
		}
	}
	// Entries whose name ends with key: their reverses start with key's.
	rk := reverse(key)
	lo := sort.Search(len(x.reversed), func(a int) bool { return x.reversed[a].rev >= rk })
	for a, n := lo, 0; a < len(x.reversed) && strings.HasPrefix(x.reversed[a].rev, rk) && n < maxSuffixScan; a, n = a+1, n+1 {
		consider(x.reversed[a].i)
	}
	return best
}

// SameBody reports whether two agency names are one body across years by
// the rule a batch pairs reports with: equal normalised names, or one the
// other with a place prefix.
func SameBody(a, b string) bool { return sameBody(bodyKey(a), bodyKey(b)) }

// PreviousYear pairs reports as a batch does: bodies[i] names report i's
// body (a manifest's body column, else its agency) and years[i] its year
// (0: unknown). It returns, for each report, the position of the same
// body's report for the year before, or -1.
func PreviousYear(bodies []string, years []int) []int {
	keys := make([]string, len(bodies))
	for i, b := range bodies {
		keys[i] = bodyKey(b)
	}
	x := newBodyIndex(keys, years)
	out := make([]int, len(bodies))
	for i := range out {
		out[i] = -1
		if years[i] > 1 {
			out[i] = x.find(keys[i], years[i]-1)
		}
	}
	return out
}
