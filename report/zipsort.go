package report

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"sort"
	"sync/atomic"
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
	// rows are the data rows of streamed sheets by entry name, written
	// into the entry where excelize's sheet ends its <sheetData> (see
	// spliceRows).
	rows    map[string]func(io.Writer) error
	spliced []*spliceRows
}

// sheetDataEnd ends a sheet's rows. It is the first of its kind in the
// stream: cell text is escaped, so no cell holds a '<'.
var sheetDataEnd = []byte("</sheetData>")

// spliceRows passes a sheet entry through and writes the sheet's data rows
// just before its </sheetData>. The rows are encoded straight into the
// deflater instead of going through excelize's stream writer, which
// built each cell in a struct, escaped it through a strings.Builder and
// buffered the whole sheet in a temp file before it was compressed (51 MB
// of XML for the seed batch's 问题清单).
type spliceRows struct {
	name string
	w    io.Writer
	rows func(io.Writer) error
	done bool
	// held is the end of what came so far that may begin sheetDataEnd.
	held []byte
}

func (s *spliceRows) Write(p []byte) (int, error) {
	if s.done {
		return s.w.Write(p)
	}
	data := p
	if len(s.held) > 0 {
		data = append(s.held, p...)
	}
	if i := bytes.Index(data, sheetDataEnd); i >= 0 {
		s.done, s.held = true, nil
		if _, err := s.w.Write(data[:i]); err != nil {
			return 0, err
		}
		if err := s.rows(s.w); err != nil {
			return 0, err
		}
		if _, err := s.w.Write(data[i:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	keep := min(len(data), len(sheetDataEnd)-1)
	if _, err := s.w.Write(data[:len(data)-keep]); err != nil {
		return 0, err
	}
	s.held = append(s.held[:0:0], data[len(data)-keep:]...)
	return len(p), nil
}

// zipEntry is one deflated member waiting for Close. Its bytes are
// deflated on a goroutine of its own, in chunks, while the caller goes on
// encoding the next ones: deflate is most of the workbook's CPU and cannot
// be split without changing the bytes, but it need not wait for the rows.
// Deflate's output does not depend on how its input is cut into writes.
type zipEntry struct {
	name  string
	crc   uint32
	size  uint64
	spill *spillBuffer
	fw    *flate.Writer
	// buf fills with what Write gets until zipChunk; full ones go to work
	// and come back emptied on free.
	buf        []byte
	work, free chan []byte
	done       chan error
	failed     atomic.Bool
	err        error
	finished   bool
}

// zipChunk is how much an entry takes before its goroutine deflates it;
// zipChunks of them are in flight at most.
const (
	zipChunk  = 256 << 10
	zipChunks = 3
)

func (e *zipEntry) start() {
	// A chunk is made only when free is empty, so there are never more
	// than zipChunks queued, one deflating and one filling: free holds
	// them all and the goroutine never waits on it.
	e.work, e.free, e.done = make(chan []byte, zipChunks), make(chan []byte, zipChunks+2), make(chan error, 1)
	go func() {
		var err error
		for b := range e.work {
			if err == nil {
				e.crc = crc32.Update(e.crc, crc32.IEEETable, b)
				e.size += uint64(len(b))
				if _, err = e.fw.Write(b); err != nil {
					e.failed.Store(true)
				}
			}
			e.free <- b[:0]
		}
		if err == nil {
			err = e.fw.Close()
		}
		e.done <- err
	}()
}

func (e *zipEntry) Write(p []byte) (int, error) {
	if e.failed.Load() {
		return 0, e.finish()
	}
	n := len(p)
	for len(p) > 0 {
		if e.buf == nil {
			select {
			case e.buf = <-e.free:
			default:
				// Most entries are a few KB: their chunk grows to fit.
				e.buf = make([]byte, 0, min(zipChunk, max(len(p), 4<<10)))
			}
		}
		k := min(len(p), zipChunk-len(e.buf))
		e.buf = append(e.buf, p[:k]...)
		p = p[k:]
		if len(e.buf) == zipChunk {
			e.send()
		}
	}
	return n, nil
}

// send hands the filled chunk over; it waits while zipChunks are queued.
func (e *zipEntry) send() {
	e.work <- e.buf
	e.buf = nil
}

// finish deflates what is left and waits for the goroutine; calling it
// again returns the same error.
func (e *zipEntry) finish() error {
	if e.finished {
		return e.err
	}
	e.finished = true
	if len(e.buf) > 0 {
		e.work <- e.buf
		e.buf = nil
	}
	close(e.work)
	e.err = <-e.done
	return e.err
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

// Create implements excelize.ZipWriter.
func (z *sortedZip) Create(name string) (io.Writer, error) {
	e := &zipEntry{name: name, spill: &spillBuffer{dir: z.tmpDir}}
	fw, err := flate.NewWriter(e.spill, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	e.fw = fw
	e.start()
	z.entries = append(z.entries, e)
	if rows, ok := z.rows[name]; ok {
		sp := &spliceRows{name: name, w: e, rows: rows}
		z.spliced = append(z.spliced, sp)
		return sp, nil
	}
	return e, nil
}

// discard removes the temp files of every entry; Close calls it, and so
// does a writer giving up before Close.
func (z *sortedZip) discard() error {
	var err error
	for _, e := range z.entries {
		_ = e.finish()
		err = errors.Join(err, e.spill.close())
	}
	return err
}

// AddFS implements excelize.ZipWriter; excelize does not call it.
func (z *sortedZip) AddFS(fs.FS) error {
	return errors.New("xlsx: adding a file system to the workbook is not supported")
}

// checkSpliced makes sure every sheet given rows got them: a sheet whose
// entry was never created, or ended without </sheetData>, would be a
// workbook without its rows.
func (z *sortedZip) checkSpliced() error {
	got := map[string]bool{}
	for _, sp := range z.spliced {
		if !sp.done {
			return fmt.Errorf("xlsx: %s has no %s for its rows", sp.name, sheetDataEnd)
		}
		got[sp.name] = true
	}
	for name := range z.rows {
		if !got[name] {
			return fmt.Errorf("xlsx: the workbook has no %s for its rows", name)
		}
	}
	return nil
}

// Close writes the archive in name order and removes the temp files.
func (z *sortedZip) Close() (err error) {
	defer func() { err = errors.Join(err, z.discard()) }()
	if err := z.checkSpliced(); err != nil {
		return err
	}
	sort.SliceStable(z.entries, func(i, j int) bool { return z.entries[i].name < z.entries[j].name })
	zw := zip.NewWriter(z.w)
	for _, e := range z.entries {
		if err := e.finish(); err != nil {
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
