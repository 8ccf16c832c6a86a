package intake

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Limits bound what Unzip inflates. A zero field takes its default.
type Limits struct {
	MaxFile  int64 // bytes of one entry once inflated
	MaxFiles int   // entries in the archive, directories and skipped ones included
	MaxTotal int64 // bytes of all the kept entries together once inflated
	// MaxRatio is the most an entry may inflate relative to its compressed
	// size. Entries that inflate to at most 1 MiB are exempt: a small file of
	// blanks compresses well beyond any sensible ratio and is no danger.
	MaxRatio int64
}

// DefaultLimits are 50 MB per file, 2,000 entries, 1 GB in all, ratio 200.
func DefaultLimits() Limits {
	return Limits{MaxFile: 50 << 20, MaxFiles: 2000, MaxTotal: 1 << 30, MaxRatio: 200}
}

const ratioGrace = 1 << 20

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFile <= 0 {
		l.MaxFile = d.MaxFile
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxTotal <= 0 {
		l.MaxTotal = d.MaxTotal
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// File is one report taken in: from an archive or a download.
type File struct {
	// Name is a base name (no directories), cleaned, valid UTF-8; GBK names
	// in zips are decoded.
	Name string
	Data []byte
}

// errMethod marks an entry compressed with something other than store or
// deflate (LZMA, Deflate64, ...), which archive/zip cannot inflate.
var errMethod = errors.New("unsupported compression method")

// nested lists the archive extensions whose entries are skipped rather than
// opened: archives inside archives are how bombs nest, and no office
// uploads its reports that way on purpose. (DOCX is a zip too, but it is a
// report, so it is kept.)
var nested = map[string]bool{
	".zip": true, ".rar": true, ".7z": true, ".tar": true, ".gz": true, ".tgz": true,
	".bz2": true, ".tbz2": true, ".xz": true, ".txz": true, ".zst": true, ".lz": true,
	".lzma": true, ".z": true, ".cab": true, ".iso": true, ".arj": true,
}

// Unzip returns the files of a zip archive in the archive's order. The
// archive is refused whole (an error, no files) when any entry is unsafe
// (*UnsafeEntryError: an absolute name, a ".." element, a symbolic link),
// encrypted (*EncryptedEntryError), when there are more than MaxFiles
// entries (*TooManyFilesError), or when it is a bomb (*BombError): an entry
// over MaxFile, everything over MaxTotal, or an entry inflating more than
// MaxRatio times. Sizes are checked first against the headers, so a bomb
// that admits to it is refused before anything is inflated; then the bytes
// are counted while inflating, never past the smaller of the limits and
// the declared size, so a header that lies is caught within a byte of it.
// Directories, __MACOSX/, dot files and folders, Thumbs.db and desktop.ini,
// and nested archives are skipped. Memory use is at most MaxTotal plus the
// central directory; UnzipEach holds one file at a time.
func Unzip(r io.ReaderAt, size int64, lim Limits) ([]File, error) {
	var out []File
	if err := UnzipEach(r, size, lim, func(f File) error {
		out = append(out, f)
		return nil
	}); err != nil {
		return nil, err
	}
	if out == nil {
		out = []File{}
	}
	return out, nil
}

// UnzipEach hands the files of a zip archive to fn one at a time, in the
// archive's order, under the checks of Unzip: every entry's name, kind
// and declared size are judged before fn sees the first file, so an unsafe
// or admitted bomb is refused with fn never called; a header that lies is
// caught while its entry inflates, after fn has had the files before it
// (fn's caller must treat the archive as refused on any error). An error
// from fn stops the walk and is returned.
func UnzipEach(r io.ReaderAt, size int64, lim Limits, fn func(File) error) error {
	lim = lim.withDefaults()
	if r == nil || size < 0 {
		return &ArchiveError{Err: errors.New("no archive")}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// ErrInsecurePath comes with a usable reader (GODEBUG
		// zipinsecurepath=0); the names are judged below either way.
		return &ArchiveError{Err: err}
	}
	if len(zr.File) > lim.MaxFiles {
		return &TooManyFilesError{Count: len(zr.File), Max: lim.MaxFiles}
	}
	type entry struct {
		f    *zip.File
		name string // decoded full name, for messages
		base string
	}
	var keep []entry
	var declared uint64
	for _, f := range zr.File {
		name := entryName(f)
		if unsafeName(name) {
			return &UnsafeEntryError{Name: clip(name)}
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			return &UnsafeEntryError{Name: clip(name), Link: true}
		}
		if skipEntry(f, name) {
			continue
		}
		base := baseName(name)
		if base == "" {
			continue
		}
		shown := clip(name)
		if f.Flags&0x1 != 0 {
			return &EncryptedEntryError{Name: shown}
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return &ArchiveError{Name: shown, Err: errMethod}
		}
		if f.UncompressedSize64 > uint64(lim.MaxFile) {
			return &BombError{Name: shown, Limit: BombFile, Max: lim.MaxFile, Declared: true}
		}
		declared += f.UncompressedSize64
		if declared > uint64(lim.MaxTotal) {
			return &BombError{Name: shown, Limit: BombTotal, Max: lim.MaxTotal, Declared: true}
		}
		if f.UncompressedSize64 > ratioGrace && f.UncompressedSize64/max(compressed(f, size), 1) > uint64(lim.MaxRatio) {
			return &BombError{Name: shown, Limit: BombRatio, Max: lim.MaxRatio, Declared: true}
		}
		keep = append(keep, entry{f: f, name: shown, base: base})
	}
	var total int64
	for _, e := range keep {
		data, err := inflate(e.f, e.name, size, lim, lim.MaxTotal-total)
		if err != nil {
			return err
		}
		total += int64(len(data))
		if err := fn(File{Name: e.base, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// compressed is the entry's compressed size as far as it can be true: the
// reader never reads past the archive's end.
func compressed(f *zip.File, size int64) uint64 {
	return min(f.CompressedSize64, uint64(size))
}

// inflate reads one entry, counting: it never reads more than one byte
// past the smallest of MaxFile, what is left of MaxTotal, the ratio's
// allowance and the declared size.
func inflate(f *zip.File, name string, size int64, lim Limits, left int64) ([]byte, error) {
	type bound struct {
		n    int64
		kind BombLimit
		max  int64
	}
	bounds := []bound{
		{lim.MaxFile, BombFile, lim.MaxFile},
		{left, BombTotal, lim.MaxTotal},
	}
	if c := compressed(f, size); c < (1<<62)/uint64(lim.MaxRatio) {
		bounds = append(bounds, bound{max(int64(c)*lim.MaxRatio, ratioGrace), BombRatio, lim.MaxRatio})
	}
	// The header already passed every limit, so the declared size is the
	// tightest bound; it comes last so that a lie is reported as one.
	bounds = append(bounds, bound{int64(f.UncompressedSize64), BombMismatch, int64(f.UncompressedSize64)})
	b := bounds[0]
	for _, c := range bounds[1:] {
		if c.n <= b.n {
			b = c
		}
	}
	// The entry is inflated here rather than through f.Open so that the
	// count is ours: archive/zip's own size check reports an overlong entry
	// as a corrupt one, and a bomb should be called a bomb.
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, &ArchiveError{Name: name, Err: err}
	}
	src := raw
	if f.Method == zip.Deflate {
		fr := flate.NewReader(raw)
		defer func() { _ = fr.Close() }()
		src = fr
	}
	var buf bytes.Buffer
	// The header is not trusted for the allocation beyond a modest start.
	buf.Grow(int(min(b.n, 1<<20)) + 1)
	n, err := buf.ReadFrom(io.LimitReader(src, b.n+1))
	if n > b.n {
		return nil, &BombError{Name: name, Limit: b.kind, Max: b.max}
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, &ArchiveError{Name: name, Err: err}
	}
	if uint64(n) != f.UncompressedSize64 {
		return nil, &ArchiveError{Name: name, Err: io.ErrUnexpectedEOF}
	}
	// As archive/zip does: a zero CRC is taken as "not set".
	if f.CRC32 != 0 && crc32.ChecksumIEEE(buf.Bytes()) != f.CRC32 {
		return nil, &ArchiveError{Name: name, Err: zip.ErrChecksum}
	}
	return buf.Bytes(), nil
}

// entryName is the entry's name as UTF-8. Zips made on Chinese Windows
// write names in GBK without the UTF-8 flag; archive/zip then sets NonUTF8.
// Such a name is taken from the Info-ZIP Unicode path field when present,
// kept when it is valid UTF-8 anyway (writers that forget the flag: GBK
// text is almost never valid UTF-8), and decoded as GB18030 otherwise.
func entryName(f *zip.File) string {
	if !f.NonUTF8 {
		return strings.ToValidUTF8(f.Name, "\uFFFD")
	}
	if u, ok := unicodePath(f); ok {
		return u
	}
	if utf8.ValidString(f.Name) {
		return f.Name
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().String(f.Name)
	if err != nil {
		return strings.ToValidUTF8(f.Name, "\uFFFD")
	}
	return strings.ToValidUTF8(dec, "\uFFFD")
}

// unicodePath reads the Info-ZIP Unicode Path extra field (0x7075): version
// 1, the CRC-32 of the raw name it replaces, then the UTF-8 name. A CRC that
// does not match means the name was changed by a tool that did not know the
// field, so the field is ignored.
func unicodePath(f *zip.File) (string, bool) {
	extra := f.Extra
	for len(extra) >= 4 {
		tag := binary.LittleEndian.Uint16(extra)
		n := int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if n > len(extra) {
			return "", false
		}
		field := extra[:n]
		extra = extra[n:]
		if tag != 0x7075 || len(field) < 5 || field[0] != 1 {
			continue
		}
		if binary.LittleEndian.Uint32(field[1:]) != crc32.ChecksumIEEE([]byte(f.Name)) {
			continue
		}
		if name := string(field[5:]); utf8.ValidString(name) && name != "" {
			return name, true
		}
	}
	return "", false
}

// unsafeName: absolute (/x, \x, C:x), a ".." element (with either
// separator, as Windows tools would read it), or a NUL byte.
func unsafeName(name string) bool {
	if name == "" {
		return false
	}
	if name[0] == '/' || name[0] == '\\' || strings.ContainsRune(name, 0) {
		return true
	}
	if len(name) >= 2 && name[1] == ':' && (name[0]|0x20 >= 'a' && name[0]|0x20 <= 'z') {
		return true
	}
	for _, el := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if el == ".." {
			return true
		}
	}
	return false
}

// skipEntry: what is not a report an office meant to send.
func skipEntry(f *zip.File, name string) bool {
	if f.FileInfo().IsDir() || strings.HasSuffix(name, "/") || strings.HasSuffix(name, `\`) {
		return true
	}
	if !f.Mode().IsRegular() {
		return true
	}
	els := strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' })
	for _, el := range els {
		if el == "__MACOSX" || strings.HasPrefix(el, ".") && el != "." {
			return true
		}
	}
	if len(els) == 0 {
		return true
	}
	base := strings.ToLower(els[len(els)-1])
	if base == "thumbs.db" || base == "desktop.ini" {
		return true
	}
	return nested[strings.ToLower(path.Ext(base))]
}
