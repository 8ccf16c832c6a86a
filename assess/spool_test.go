package assess

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestSpoolRead: records read through the pool's buffers are each exactly
// what was put, from goroutines reading side by side, long after short
// and short after long; a record past the end is an error.
func TestSpoolRead(t *testing.T) {
	sp, err := newSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	type rec struct {
		off  int64
		n    int
		want []byte
	}
	var recs []rec
	for i := range 200 {
		b := bytes.Repeat(fmt.Appendf(nil, "record %d;", i), 1+i%7*50)
		off, n, err := sp.put(b)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec{off, n, b})
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range recs {
				r := recs[(k*7+g)%len(recs)]
				err := sp.read(r.off, r.n, func(b []byte) error {
					if !bytes.Equal(b, r.want) {
						return fmt.Errorf("read %d bytes at %d: %.40q, want %.40q", r.n, r.off, b, r.want)
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := sp.read(sp.off, 10, func([]byte) error { return nil }); err == nil {
		t.Error("a read past the end of the spool gave no error")
	}
}
