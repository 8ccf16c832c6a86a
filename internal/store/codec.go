package store

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
)

// Documents and result summaries are stored as S2 streams (the Snappy
// extension of klauspost/compress, with a CRC-32C per block, so that a
// damaged row is an error rather than other text): over the generated
// reports S2 compresses a 26 KB canonical document in 12 µs against zstd's
// 65 µs at its fastest, which was 7% of a first run's CPU, for a blob half
// as large again (16% of the document against 11%). Rows written before
// (zstd, and gzip before that) are still read: a blob says which it is by
// its first bytes.
var (
	s2Magic   = []byte("\xff\x06\x00\x00S2sTwO")
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
	gzipMagic = []byte{0x1f, 0x8b}
)

// maxBlob bounds what one blob may decompress to, so that a damaged frame
// header cannot make a reader allocate without limit; it is far above any
// document the converter's limits let through.
const maxBlob = 1 << 30

// zstdDecoder is made once, for the rows an older ogi wrote: DecodeAll is
// safe for concurrent use, each call taking one of a few pooled states,
// and a state costs hundreds of kilobytes to make.
var zstdDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(max(runtime.GOMAXPROCS(0), 2)), zstd.WithDecoderMaxMemory(maxBlob))
	if err != nil {
		return nil, fmt.Errorf("zstd decoder: %w", err)
	}
	return dec, nil
})

// compress returns b as the store keeps it: one S2 stream.
func compress(b []byte) ([]byte, error) {
	w := s2Writers.Get().(*s2.Writer)
	defer func() {
		w.Reset(nil) // a pooled Writer holds on to no blob
		s2Writers.Put(w)
	}()
	out := bytes.NewBuffer(make([]byte, 0, len(b)/5+64))
	w.Reset(out)
	if err := w.EncodeBuffer(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// s2Writers are reset for each blob: a Writer keeps buffers of a block's
// size, too dear to make per blob. One goroutine per Writer, since a blob
// is small and the callers are already one per core.
var s2Writers = sync.Pool{New: func() any {
	return s2.NewWriter(nil, s2.WriterConcurrency(1), s2.WriterBlockSize(s2BlockSize))
}}

var s2Readers = sync.Pool{New: func() any {
	return s2.NewReader(nil, s2.ReaderMaxBlockSize(s2BlockSize))
}}

// s2BlockSize is the largest block a stream the store writes holds; a
// reader allocates no more than that for a block, whatever a damaged
// header claims.
const s2BlockSize = 1 << 20

// Unpack returns the bytes a stored blob holds: a document as
// Writer.PutReport returns it, or any document or summary the store keeps
// (S2, or zstd or gzip from an older ogi). A blob in none of them means the
// database was damaged or written by something else, which the caller
// must hear about rather than receive garbage.
func Unpack(b []byte) ([]byte, error) { return decompress(b) }

// decompress reverses compress, and reads the zstd and gzip of older rows.
func decompress(b []byte) ([]byte, error) {
	switch {
	case len(b) == 0:
		return nil, errors.New("empty blob, want S2, zstd or gzip data")
	case bytes.HasPrefix(b, s2Magic):
		return unS2(b)
	case bytes.HasPrefix(b, zstdMagic):
		dec, err := zstdDecoder()
		if err != nil {
			return nil, err
		}
		out, err := dec.DecodeAll(b, nil)
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
	return nil, fmt.Errorf("blob starts % x, not S2, zstd or gzip", b[:min(len(b), 10)])
}

// unS2 reads an S2 stream, bounded by maxBlob.
func unS2(b []byte) ([]byte, error) {
	r := s2Readers.Get().(*s2.Reader)
	defer func() {
		r.Reset(nil)
		s2Readers.Put(r)
	}()
	r.Reset(bytes.NewReader(b))
	out := bytes.NewBuffer(make([]byte, 0, min(len(b)*8, 64<<20)))
	n, err := out.ReadFrom(io.LimitReader(r, maxBlob+1))
	if err != nil {
		return nil, err
	}
	if n > maxBlob {
		return nil, fmt.Errorf("blob decompresses to more than %d bytes", maxBlob)
	}
	return out.Bytes(), nil
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
