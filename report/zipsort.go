package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"sort"
)

// sortedZip is the zip writer handed to excelize. excelize adds the
// streamed sheets in map order, so the same workbook came out with its
// entries in a different order from run to run. Each entry is deflated as
// it is written (into memory while small, then into a temp file) and the
// archive is written in name order on Close: the same bytes every run, and
// never the whole archive in memory.
type sortedZip struct {
	w       io.Writer
	entries []*zipEntry
	tmpDir  string
}

// zipEntry is one deflated member waiting for Close.
type zipEntry struct {
	name  string
	crc   uint32
	size  uint64
	spill *spillBuffer
	fw    *flate.Writer
}

// spillMem is how much compressed data an entry keeps in memory before it
// moves to a temp file.
const spillMem = 1 << 20

// spillBuffer holds bytes in memory up to spillMem, then in a temp file.
type spillBuffer struct {
	dir  string
	mem  bytes.Buffer
	file *os.File
	n    int64
}

func (b *spillBuffer) Write(p []byte) (int, error) {
	b.n += int64(len(p))
	if b.file == nil && b.mem.Len()+len(p) <= spillMem {
		return b.mem.Write(p)
	}
	if b.file == nil {
		f, err := os.CreateTemp(b.dir, "ogi-xlsx-*")
		if err != nil {
			return 0, err
		}
		b.file = f
		if _, err := b.mem.WriteTo(f); err != nil {
			return 0, err
		}
	}
	return b.file.Write(p)
}

// reader returns the buffered bytes from the start.
func (b *spillBuffer) reader() (io.Reader, error) {
	if b.file == nil {
		return bytes.NewReader(b.mem.Bytes()), nil
	}
	if _, err := b.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return b.file, nil
}

// close removes the temp file, if any; closing twice is harmless.
func (b *spillBuffer) close() error {
	if b.file == nil {
		return nil
	}
	name := b.file.Name()
	err := b.file.Close()
	b.file = nil
	return errors.Join(err, os.Remove(name))
}

func (e *zipEntry) Write(p []byte) (int, error) {
	e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
	e.size += uint64(len(p))
	return e.fw.Write(p)
}

// Create implements excelize.ZipWriter.
func (z *sortedZip) Create(name string) (io.Writer, error) {
	e := &zipEntry{name: name, spill: &spillBuffer{dir: z.tmpDir}}
	fw, err := flate.NewWriter(e.spill, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	e.fw = fw
	z.entries = append(z.entries, e)
	return e, nil
}

// discard removes the temp files of every entry; Close calls it, and so
// does a writer giving up before Close.
func (z *sortedZip) discard() error {
	var err error
	for _, e := range z.entries {
		err = errors.Join(err, e.spill.close())
	}
	return err
}

// AddFS implements excelize.ZipWriter; excelize does not call it.
func (z *sortedZip) AddFS(fs.FS) error {
	return errors.New("xlsx: adding a file system to the workbook is not supported")
}

// Close writes the archive in name order and removes the temp files.
func (z *sortedZip) Close() (err error) {
	defer func() { err = errors.Join(err, z.discard()) }()
	sort.SliceStable(z.entries, func(i, j int) bool { return z.entries[i].name < z.entries[j].name })
	zw := zip.NewWriter(z.w)
	for _, e := range z.entries {
		if err := e.fw.Close(); err != nil {
			return err
		}
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: e.crc,
			CompressedSize64: uint64(e.spill.n), UncompressedSize64: e.size}
		w, err := zw.CreateRaw(h)
		if err != nil {
			return err
		}
		r, err := e.spill.reader()
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, r); err != nil {
			return err
		}
	}
	return zw.Close()
}
