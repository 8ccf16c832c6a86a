package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// docxFastMax is the largest document.xml the byte scanner takes: it holds
// the entry whole, and a larger one is read as a stream as before.
const docxFastMax = 4 << 20

// docxFastBufs hold document.xml for the byte scanner, one per conversion
// running at a time.
var docxFastBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256<<10); return &b }}

// errDocxSlow says the byte scanner met XML it does not read exactly as
// encoding/xml does; the entry is then read again by the decoder.
var errDocxSlow = errors.New("docx: not for the byte scanner")

// readDOCXFast reads document.xml with the byte scanner when the entry is
// small, comes out whole within the guard's limits and holds only the XML
// the scanner reads exactly as the decoder: start and end tags with
// ASCII names and quoted attribute values, the five named entities, and
// processing instructions. Anything else — a comment, CDATA, a DOCTYPE, a
// character reference, a syntax error, any read error or limit the guard
// met — gives ok false before a result is made, and the caller reads the
// entry from the start as a stream, so every error and limit is the
// decoder's and the guard's as before. The XML decoder spent 1.2 s of
// 1.4 s reading the DOCX of a 10,000-report batch.
func readDOCXFast(f *zip.File, lim Limits) (lay *Layout, ok bool, err error) {
	if f.UncompressedSize64 > docxFastMax {
		return nil, false, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false, nil
	}
	defer func() { _ = rc.Close() }()
	g := &docxGuard{r: rc, max: lim.MaxDOCXUncompressed, maxRun: lim.MaxTextBytes}
	if g.max <= 0 {
		g.max = 1 << 62
	}
	bp := docxFastBufs.Get().(*[]byte)
	defer docxFastBufs.Put(bp)
	buf := (*bp)[:0]
	for {
		if len(buf) == cap(buf) {
			if cap(buf) >= docxFastMax {
				return nil, false, nil
			}
			buf = append(buf, 0)[:len(buf)]
		}
		n, rerr := g.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if rerr == io.EOF {
			break
		}
		if rerr != nil || g.err != nil {
			*bp = buf[:0]
			return nil, false, nil
		}
	}
	*bp = buf[:0]
	if g.err != nil || len(buf) > docxFastMax {
		return nil, false, nil
	}
	r := &docxReader{lay: &Layout{Format: FormatDOCX, Layout: LayoutDOCXTable, Encoding: "utf-8"}, lim: lim}
	if err := r.scan(buf); err != nil {
		if err == errDocxSlow {
			return nil, false, nil
		}
		return nil, true, err
	}
	return r.lay, true, nil
}

// scan is read over the bytes of document.xml. It returns errDocxSlow at
// the first construct it leaves to the decoder.
func (r *docxReader) scan(b []byte) error {
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		return errDocxSlow
	}
	var text []byte // decoded character data, reused
	i := 0
	for {
		if r.err != nil {
			return r.err
		}
		if i >= len(b) {
			return nil
		}
		if b[i] != '<' {
			j := bytes.IndexByte(b[i:], '<')
			if j < 0 {
				j = len(b)
			} else {
				j += i
			}
			t, ok := docxCharData(b[i:j], text[:0])
			if !ok {
				return errDocxSlow
			}
			if t != nil {
				text = t
			} else {
				t = b[i:j]
			}
			r.text(t)
			i = j
			continue
		}
		i++
		if i >= len(b) {
			return errDocxSlow
		}
		switch b[i] {
		case '!':
			return errDocxSlow
		case '?':
			n, ok := docxProcInst(b[i+1:])
			if !ok {
				return errDocxSlow
			}
			i += 1 + n
		case '/':
			name, n := docxName(b[i+1:])
			if n == 0 {
				return errDocxSlow
			}
			i += 1 + n
			for i < len(b) && xmlSpace(b[i]) {
				i++
			}
			if i >= len(b) || b[i] != '>' {
				return errDocxSlow
			}
			i++
			if err := r.end(name); err != nil {
				return err
			}
		default:
			name, n := docxName(b[i:])
			if n == 0 {
				return errDocxSlow
			}
			i += n
			val, haveVal := "", false
			empty := false
			for {
				for i < len(b) && xmlSpace(b[i]) {
					i++
				}
				if i >= len(b) {
					return errDocxSlow
				}
				if b[i] == '/' {
					if i+1 >= len(b) || b[i+1] != '>' {
						return errDocxSlow
					}
					i += 2
					empty = true
					break
				}
				if b[i] == '>' {
					i++
					break
				}
				aname, n := docxName(b[i:])
				if n == 0 {
					return errDocxSlow
				}
				i += n
				for i < len(b) && xmlSpace(b[i]) {
					i++
				}
				if i >= len(b) || b[i] != '=' {
					return errDocxSlow
				}
				i++
				for i < len(b) && xmlSpace(b[i]) {
					i++
				}
				if i >= len(b) || b[i] != '"' && b[i] != '\'' {
					return errDocxSlow
				}
				q := b[i]
				i++
				j := bytes.IndexByte(b[i:], q)
				if j < 0 {
					return errDocxSlow
				}
				v := b[i : i+j]
				if !docxPlainValue(v) {
					return errDocxSlow
				}
				i += j + 1
				if aname == "val" && !haveVal && docxWantsVal(name) {
					val, haveVal = string(v), true
				}
			}
			if err := r.start(name, val); err != nil {
				return err
			}
			if empty {
				if r.err != nil {
					return r.err
				}
				if err := r.end(name); err != nil {
					return err
				}
			}
		}
	}
}

// xmlSpace is the white space encoding/xml skips inside tags.
func xmlSpace(c byte) bool { return c == ' ' || c == '\r' || c == '\n' || c == '\t' }

// docxName reads an element or attribute name at the start of b as
// encoding/xml's RawToken names it, and returns its local part and its
// length; n is 0 for a name the scanner leaves to the decoder (not ASCII,
// more than one colon, or a colon at either end). The local part is one of
// the names the reader acts on, or "" for any other.
func docxName(b []byte) (local string, n int) {
	if len(b) == 0 || !nameStart(b[0]) {
		return "", 0
	}
	colon := -1
	for n = 1; n < len(b); n++ {
		c := b[n]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' {
			continue
		}
		if c == ':' {
			if colon >= 0 {
				return "", 0
			}
			colon = n
			continue
		}
		if c >= utf8.RuneSelf {
			return "", 0
		}
		break
	}
	if colon == n-1 {
		return "", 0
	}
	return docxLocal(b[colon+1 : n]), n
}

// docxLocal interns the local names start, end and scan act on; the
// switch on a converted slice does not allocate.
func docxLocal(b []byte) string {
	switch string(b) {
	case "delText":
		return "delText"
	case "instrText":
		return "instrText"
	case "bookmarkStart":
		return "bookmarkStart"
	case "bookmarkEnd":
		return "bookmarkEnd"
	case "fldChar":
		return "fldChar"
	case "t":
		return "t"
	case "tab":
		return "tab"
	case "br":
		return "br"
	case "cr":
		return "cr"
	case "p":
		return "p"
	case "tbl":
		return "tbl"
	case "tr":
		return "tr"
	case "tc":
		return "tc"
	case "gridSpan":
		return "gridSpan"
	case "gridBefore":
		return "gridBefore"
	case "vMerge":
		return "vMerge"
	case "val":
		return "val"
	}
	return ""
}

// docxProcInst reads a processing instruction after "<?" and returns its
// length up to and with "?>". An xml declaration is taken only in the
// forms that declare version 1.0 and UTF-8 (or no encoding); any other is
// left to the decoder, which checks the version and encoding.
func docxProcInst(b []byte) (int, bool) {
	n := 0
	for n < len(b) && (b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || b[n] == '_' ||
		n > 0 && (b[n] >= '0' && b[n] <= '9' || b[n] == ':' || b[n] == '.' || b[n] == '-')) {
		n++
	}
	if n == 0 || n < len(b) && b[n] >= utf8.RuneSelf {
		return 0, false
	}
	target := string(b[:n])
	c := n
	for c < len(b) && xmlSpace(b[c]) {
		c++
	}
	e := bytes.Index(b[c:], []byte("?>"))
	if e < 0 {
		return 0, false
	}
	if target == "xml" {
		switch strings.TrimRight(string(b[c:c+e]), " ") {
		case `version="1.0" encoding="UTF-8" standalone="yes"`, `version="1.0" encoding="UTF-8"`,
			`version="1.0" encoding="utf-8" standalone="yes"`, `version="1.0" encoding="utf-8"`,
			`version="1.0" standalone="yes"`, `version="1.0"`:
		default:
			return 0, false
		}
	}
	return c + e + 2, true
}

// docxPlainValue reports whether an attribute value is taken as its bytes
// by the decoder: no entity, no '<', no carriage return, and only
// characters XML allows.
func docxPlainValue(v []byte) bool {
	for _, c := range v {
		if c == '&' || c == '<' || c == '\r' {
			return false
		}
	}
	return xmlChars(v)
}

// docxCharData decodes character data as the decoder does: the five named
// entities replaced, \r\n and \r made \n. It returns nil and true when the
// data is its own decoding, a decoded copy appended to buf, or ok false
// for anything left to the decoder (another entity, "]]>", a character XML
// does not allow, invalid UTF-8).
func docxCharData(s, buf []byte) (out []byte, ok bool) {
	if bytes.Contains(s, []byte("]]>")) || !xmlChars(s) {
		return nil, false
	}
	if bytes.IndexByte(s, '&') < 0 && bytes.IndexByte(s, '\r') < 0 {
		return nil, true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			buf = append(buf, '\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '&':
			rest := s[i+1:]
			var rep byte
			var n int
			switch {
			case bytes.HasPrefix(rest, []byte("amp;")):
				rep, n = '&', 4
			case bytes.HasPrefix(rest, []byte("lt;")):
				rep, n = '<', 3
			case bytes.HasPrefix(rest, []byte("gt;")):
				rep, n = '>', 3
			case bytes.HasPrefix(rest, []byte("apos;")):
				rep, n = '\'', 5
			case bytes.HasPrefix(rest, []byte("quot;")):
				rep, n = '"', 5
			default:
				return nil, false
			}
			buf = append(buf, rep)
			i += n
		default:
			buf = append(buf, c)
		}
	}
	return buf, true
}

// xmlChars reports whether s is valid UTF-8 of characters XML allows.
func xmlChars(s []byte) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 || !xmlRune(r) {
			return false
		}
		i += n
	}
	return true
}

// nameStart is the ASCII a name may start with.
func nameStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// xmlRune is encoding/xml's character range above ASCII.
func xmlRune(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
