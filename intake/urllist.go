package intake

import (
	"net/url"
	"strings"
)

// ParseURLList returns the http and https URLs in text, as pasted from a
// spreadsheet, a notice or an e-mail: one per line or separated by any
// white space (full-width spaces too), each possibly wrapped in quotes,
// brackets or trailing punctuation, or preceded by a label such as 网址：.
// Words without a URL are ignored; a URL given twice is kept once, where it
// first appears (scheme and host compared without case).
func ParseURLList(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, tok := range strings.Fields(text) {
		// ASCII-only lowering keeps byte offsets valid on invalid UTF-8
		// (strings.ToLower would widen a stray byte to three).
		lower := asciiLower(tok)
		i := strings.Index(lower, "http://")
		if j := strings.Index(lower, "https://"); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			continue
		}
		tok = strings.TrimRight(tok[i:], trailing)
		u, err := url.Parse(tok)
		if err != nil || u.Host == "" || (strings.ToLower(u.Scheme) != "http" && strings.ToLower(u.Scheme) != "https") {
			continue
		}
		k := *u
		k.Host = strings.ToLower(k.Host)
		key := k.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, tok)
	}
	return out
}

// trailing is punctuation that ends a sentence or closes a bracket around
// a URL rather than belonging to it.
const trailing = `.,;:!?'")]}>` + "，。；：！？、）】》」』“”‘’"

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
