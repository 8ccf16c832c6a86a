package store

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Documents and result summaries are stored zstd-compressed: at its
// fastest level zstd compresses canonical JSON about ten times faster than
// gzip's fastest (pooled) and a little smaller, and reads it back three
// times faster; gzip was a tenth of a first run's CPU. Rows written before
// (gzip) are still read: a blob says which it is by its first bytes.
var (
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	gzipMagic = []byte{0x1f, 0x8b}
)

// maxBlob bounds what one blob may decompress to, so that a damaged frame
// header cannot make a reader allocate without limit; it is far above any
// document the converter's limits let through.
const maxBlob = 1 << 30

// codecs are made once: EncodeAll and DecodeAll are safe for concurrent
// use, each call taking one of a few pooled states, and a state costs
// hundreds of kilobytes to make.
var codecs = sync.OnceValues(func() (*codec, error) {
	n := max(runtime.GOMAXPROCS(0), 2)
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(n))
	if err != nil {
		return nil, fmt.Errorf("zstd encoder: %w", err)
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(n), zstd.WithDecoderMaxMemory(maxBlob))
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	return &codec{enc, dec}, nil
})

type codec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

// compress returns b as the store keeps it: one zstd frame with its
// checksum, so that a damaged row is an error rather than other text
// (zstdcat reads it, like zcat read the gzip of older rows).
func compress(b []byte) ([]byte, error) {
	c, err := codecs()
	if err != nil {
		return nil, err
	}
	return c.enc.EncodeAll(b, make([]byte, 0, len(b)/6+64)), nil
}

// Unpack returns the bytes a stored blob holds: a document as
// Writer.PutReport returns it, or any document or summary the store keeps
// (zstd, or gzip from an older ogi). A blob in neither format means the
// database was damaged or written by something else, which the caller
// must hear about rather than receive garbage.
func Unpack(b []byte) ([]byte, error) { return decompress(b) }

// decompress reverses compress, and reads the gzip of older rows.
func decompress(b []byte) ([]byte, error) {
	switch {
	case len(b) == 0:
		return nil, errors.New("empty blob, want zstd or gzip data")
	case bytes.HasPrefix(b, zstdMagic):
		c, err := codecs()
		if err != nil {
			return nil, err
		}
		out, err := c.dec.DecodeAll(b, nil)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = []byte{} // an empty document is not an absent one
		}
		return out, nil
	case bytes.HasPrefix(b, gzipMagic):
		return gunzip(b)
	}
	return nil, fmt.Errorf("blob starts % x, neither zstd nor gzip", b[:min(len(b), 4)])
}

var gzipReaders sync.Pool

// gunzip reads a blob written by an ogi from before zstd.
func gunzip(b []byte) ([]byte, error) {
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
