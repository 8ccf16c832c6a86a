package intake

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes keeps names within what every file system accepts (255
// bytes) with room for the "<seq>-" prefix the jobs add.
const maxNameBytes = 200

// baseName reduces a name from an archive or a download to a file name
// that is safe anywhere: the last element after / or \, valid UTF-8,
// without control characters or the characters Windows refuses, without
// leading dots (no hidden files) or trailing dots and spaces, and at most
// maxNameBytes long with its extension kept. It returns "" when nothing is
// left.
func baseName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// Control and format characters (bidi overrides among them)
			// would let a name read differently from what it is.
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	name = strings.TrimRight(name, ". ")
	name = strings.TrimSpace(name)
	if len(name) > maxNameBytes {
		ext := extOf(name)
		if len(ext) > 16 {
			ext = ""
		}
		stem := name[:len(name)-len(ext)]
		cut := maxNameBytes - len(ext)
		for cut > 0 && !utf8.RuneStart(stem[cut]) {
			cut--
		}
		name = stem[:cut] + ext
	}
	return name
}

// extOf is the extension with its dot ("" when none); a leading dot does
// not start an extension.
func extOf(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	ext := name[i:]
	if strings.ContainsAny(ext, " ") {
		return ""
	}
	return ext
}
