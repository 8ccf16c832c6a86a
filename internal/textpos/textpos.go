// Package textpos turns a byte offset into the line and column a person
// looks for, and finds the first byte a YAML or JSON parser would stop at
// without saying where: a stray control character or a broken UTF-8
// sequence in an otherwise valid file.
package textpos

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Pos is a 1-based line and column (in characters) and the 0-based byte offset.
type Pos struct {
	Line, Col int
	Offset    int
}

func (p Pos) String() string {
	return fmt.Sprintf("line %d, column %d (byte %d)", p.Line, p.Col, p.Offset)
}

// At is the position of byte offset off in data (clamped to data).
func At(data []byte, off int) Pos {
	off = max(0, min(off, len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return Pos{Line: line, Col: utf8.RuneCount(before[start:]) + 1, Offset: off}
}

// Stray is the first byte of data that no YAML or JSON document may hold
// outside a quoted escape: a C0 control character other than tab, line feed
// and carriage return, DEL, or bytes that are not UTF-8. It returns what was
// found, described for a person, and its position.
func Stray(data []byte) (string, Pos, bool) {
	i := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		i = 3 // a byte-order mark is allowed where the file starts
	}
	for i < len(data) {
		b := data[i]
		if b < utf8.RuneSelf {
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				return fmt.Sprintf("control character 0x%02X", b), At(data, i), true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return fmt.Sprintf("byte 0x%02X that is not UTF-8", b), At(data, i), true
		}
		i += n
	}
	return "", Pos{}, false
}
