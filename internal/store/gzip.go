package store

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"sync"
)

// A gzip.Writer allocates its deflate state (over half a megabyte) on
// creation; pooling keeps a batch of thousands of documents from churning
// the heap.
var (
	gzipWriters = sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, gzipLevel)
		return w
	}}
	gzipReaders sync.Pool
)

// gzipLevel trades a little size for speed: documents are compressed on
// every conversion, while the database size is rarely the bottleneck.
const gzipLevel = gzip.BestSpeed

// compress returns b gzip-compressed. Plain gzip (not raw deflate) so that a
// document can be inspected with the sqlite3 shell and zcat.
func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decompress reverses compress. A blob that is not gzip means the database
// was damaged or written by something else, which the caller must hear
// about rather than receive garbage.
func decompress(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("empty blob, want gzip data")
	}
	var r *gzip.Reader
	if v := gzipReaders.Get(); v != nil {
		r = v.(*gzip.Reader)
		if err := r.Reset(bytes.NewReader(b)); err != nil {
			return nil, err
		}
	} else {
		var err error
		if r, err = gzip.NewReader(bytes.NewReader(b)); err != nil {
			return nil, err
		}
	}
	defer gzipReaders.Put(r)
	// The gzip trailer records the uncompressed size (mod 4 GiB); sizing
	// the buffer from it avoids repeated growth. The cap keeps a damaged
	// trailer from forcing a huge allocation up front.
	size := int(binary.LittleEndian.Uint32(b[len(b)-4:]))
	out := bytes.NewBuffer(make([]byte, 0, min(size, 64<<20)+bytes.MinRead))
	if _, err := out.ReadFrom(r); err != nil {
		return nil, err
	}
	return out.Bytes(), r.Close()
}
