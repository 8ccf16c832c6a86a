package assess

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	gojson "github.com/goccy/go-json"
)

// decodeStored decodes JSON that this program wrote (documents and results
// spooled or stored between the passes of a batch). Decoding them was a
// fifth of a batch's CPU with encoding/json; go-json decodes the same
// bytes about five times faster. Anything it rejects, or a panic inside it,
// falls back to encoding/json on a zeroed value, whose error is the one
// reported: the fast path can only save time, never change what is read.
func decodeStored(data []byte, v any) (err error) {
	fallback := func() error {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv.Elem().SetZero()
		}
		return json.Unmarshal(data, v)
	}
	defer func() {
		if r := recover(); r != nil {
			if err = fallback(); err != nil {
				err = fmt.Errorf("%w (and the fast decoder failed: %v)", err, r)
			}
		}
	}()
	if gojson.Unmarshal(data, v) == nil {
		return nil
	}
	return fallback()
}

// encodeStored encodes what the batch keeps for itself (documents, stored
// results, grids) with go-json, about three times faster than
// encoding/json and the same bytes (a test holds it to that); a panic
// inside it falls back to encoding/json. What a user reads (the JSON
// lines) is still written by encoding/json.
// encodeStoredTo is encodeStored into buf, whose bytes it returns (reset
// first): a document is encoded only to be compressed, and a buffer kept
// between documents saves the 40 KB or so that encoding it allocates.
func encodeStoredTo(buf *bytes.Buffer, v any) (b []byte, err error) {
	buf.Reset()
	defer func() {
		if r := recover(); r != nil {
			b, err = json.Marshal(v)
		}
	}()
	if err := gojson.NewEncoder(buf).Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeBuffers are the buffers of encodeStoredTo.
var encodeBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func encodeStored(v any) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = json.Marshal(v)
		}
	}()
	return gojson.Marshal(v)
}
