package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// isCompatHan reports whether r is a Kangxi or supplementary radical or a
// CJK compatibility ideograph: PDF text extraction often yields ⼀ (U+2F00)
// for 一 and ⾏ for 行, which look the same to a reader but match nothing.
func isCompatHan(r rune) bool {
	return r >= 0x2E80 && r <= 0x2FDF || r >= 0xF900 && r <= 0xFAFF
}

// foldCompatHan maps such a rune to the unified ideograph NFKC gives it.
func foldCompatHan(r rune) string {
	return norm.NFKC.String(string(r))
}

// fold maps full-width ASCII (digits, brackets, letters) to half-width and
// the ideographic space to a plain space. width.Fold is used rather than
// width.Narrow because Narrow turns 、 and 。 into half-width katakana
// punctuation, which corrupts Chinese text.
func fold(s string) string {
	// Most text has nothing to fold, and the full-width ASCII block maps by
	// a fixed offset; the transformer handles the rest of the width forms.
	need, other, han := false, false, false
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E, r == 0x3000:
			need = true
		case r >= 0xFF5F && r <= 0xFFEF:
			other = true
		case isCompatHan(r):
			han = true
		}
	}
	if han {
		var b strings.Builder
		for _, r := range s {
			if isCompatHan(r) {
				b.WriteString(foldCompatHan(r))
			} else {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if other {
		return width.Fold.String(s)
	}
	if !need {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// compact is fold without any white space: the form used to compare headings
// and labels whose spacing differs between layouts (商业企 业, 三本 年度).
func compact(s string) string {
	// Text already compact (most cells) is returned as it is; otherwise
	// the unchanged stretches are copied whole, not rune by rune.
	i := 0
	for i < len(s) {
		c := s[i]
		if c < 0x80 {
			if asciiSpace(c) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if compactChanges(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	appendCompact(&b, s)
	return b.String()
}

// compactLine is compact(l.Text()) without joining the cells first:
// compact drops the spaces Text joins them with and trims.
func compactLine(l Line) string {
	if len(l.Cells) == 1 {
		return compact(l.Cells[0].Text)
	}
	n := 0
	for _, c := range l.Cells {
		n += len(c.Text)
	}
	var b strings.Builder
	b.Grow(n)
	for _, c := range l.Cells {
		appendCompact(&b, c.Text)
	}
	return b.String()
}

// appendCompact writes compact(s) to b. The stretches compact leaves as
// they are are copied whole; a byte or rune at a time, the copying was
// most of compactLine's time.
func appendCompact(b *strings.Builder, s string) {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			if asciiSpace(c) {
				b.WriteString(s[start:i])
				start = i + 1
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !compactChanges(r, n) {
			i += n
			continue
		}
		b.WriteString(s[start:i])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case r >= 0xFF5F && r <= 0xFFEF:
			b.WriteString(width.Fold.String(string(r)))
		case isCompatHan(r):
			b.WriteString(foldCompatHan(r))
		case r == 0x3000 || r == 0xA0 || unicode.IsSpace(r):
		case r == utf8.RuneError && n == 1:
			b.WriteRune(r) // an invalid byte reads as U+FFFD
		}
		i += n
		start = i
	}
	b.WriteString(s[start:])
}

// asciiSpace is the ASCII white space compact drops.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// compactChanges reports whether compact writes the non-ASCII rune r (n
// bytes in its source) other than as those bytes.
func compactChanges(r rune, n int) bool {
	if r >= 0x4E00 && r <= 0x9FFF {
		return false // the main CJK block, most of every report
	}
	return r >= 0xFF01 && r <= 0xFFEF || isCompatHan(r) || r == 0x3000 || r == 0xA0 ||
		r == utf8.RuneError && n == 1 || unicode.IsSpace(r)
}

// isKeyRune reports whether r survives in a matching key: Han characters,
// letters and digits. Punctuation and brackets differ too much between
// reports (（一） vs (一), 1. vs 1、, “” vs "") to be compared.
func isKeyRune(r rune) bool {
	// The common cases first: ASCII and the main CJK block are most of
	// every label, and the Unicode tables are binary searches.
	switch {
	case r < 0x80:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	}
	return unicode.Is(unicode.Han, r) || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// key reduces a label to the runes that identify it.
func key(s string) string {
	// Without anything to fold (most labels), the key is s less the runes
	// it drops, and s itself when it drops none.
	i := 0
	for i < len(s) {
		c := s[i]
		if c < 0x80 {
			if !isKeyRune(rune(c)) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldChanges(r) || !isKeyRune(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	if !wideFold(s[i:]) {
		// Only full-width ASCII and the ideographic space to fold: fold
		// maps them rune by rune, so they are folded as they are kept.
		b.Grow(len(s))
		b.WriteString(s[:i])
		for i < len(s) {
			if c := s[i]; c < 0x80 {
				if isKeyRune(rune(c)) {
					b.WriteByte(c)
				}
				i++
				continue
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			switch {
			case r >= 0xFF01 && r <= 0xFF5E:
				if a := r - 0xFEE0; isKeyRune(a) {
					b.WriteByte(byte(a))
				}
			case r == 0x3000: // a space
			case isKeyRune(r):
				b.WriteString(s[i : i+n])
			}
			i += n
		}
		return b.String()
	}
	s = fold(s)
	i = 0
	b.Grow(len(s))
	for i < len(s) {
		if c := s[i]; c < 0x80 {
			if isKeyRune(rune(c)) {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isKeyRune(r) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// foldChanges reports whether fold changes the rune r.
func foldChanges(r rune) bool {
	return r >= 0xFF01 && r <= 0xFFEF || r == 0x3000 || isCompatHan(r)
}

// wideFold reports whether s holds a rune fold changes other than by the
// fixed offset of full-width ASCII: the other width forms (which make fold
// run width.Fold over the whole text) and radicals.
func wideFold(s string) bool {
	for _, r := range s {
		if r >= 0xFF5F && r <= 0xFFEF || isCompatHan(r) {
			return true
		}
	}
	return false
}

// keyMap is key with, for each kept rune, its rune index in the original
// string, so that a match in the key can be mapped back to the source text.
func keyMap(s string) ([]rune, []int) {
	orig := []rune(s)
	out := make([]rune, 0, len(orig))
	idx := make([]int, 0, len(orig))
	for i, r := range orig {
		fr := []rune(fold(string(r)))
		if len(fr) != 1 {
			continue
		}
		if isKeyRune(fr[0]) {
			out = append(out, fr[0])
			idx = append(idx, i)
		}
	}
	return out, idx
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// collapseSpace trims s and joins its runs of white space into one space,
// as strings.Join(strings.Fields(s), " ") does, without allocating when s
// is already in that form (most cells are).
func collapseSpace(s string) string {
	clean := true
	prevSpace := true // a leading space is not clean
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			clean = false // unicode.IsSpace beyond ASCII (U+3000…): the slow path decides
			break
		}
		sp := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if sp && (prevSpace || c != ' ') {
			clean = false
			break
		}
		prevSpace = sp
	}
	if clean && !prevSpace || s == "" {
		return s
	}
	if !clean {
		// Non-ASCII text without any space is common (Chinese cells).
		if strings.IndexFunc(s, unicode.IsSpace) < 0 {
			return s
		}
	}
	return strings.Join(strings.Fields(s), " ")
}
