package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// gzipOld compresses b as every ogi before zstd stored documents and
// summaries.
func gzipOld(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zstdOld compresses b as ogi stored documents and summaries from zstd's
// introduction until S2's.
func zstdOld(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		t.Fatal(err)
	}
	return enc.EncodeAll(b, nil)
}

// TestCodec: what compress writes, and the zstd and gzip older versions
// wrote, read back as written; anything else is an error.
func TestCodec(t *testing.T) {
	doc := testDocument(50<<10, 3)
	s2b, err := compress(doc)
	if err != nil {
		t.Fatal(err)
	}
	zstd := zstdOld(t, doc)
	big := testDocument(3<<20, 5) // more than one block
	empty, err := compress(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		blob    []byte
		want    []byte
		wantErr bool
	}{
		{"s2", s2b, doc, false},
		{"s2, empty", empty, []byte{}, false},
		{"s2, several blocks", mustCompress(t, big), big, false},
		{"zstd of an older ogi", zstd, doc, false},
		{"zstd, empty", zstdOld(t, nil), []byte{}, false},
		{"gzip of an older ogi", gzipOld(t, doc), doc, false},
		{"gzip, empty", gzipOld(t, nil), []byte{}, false},
		{"nothing", nil, nil, true},
		{"neither", []byte(`{"a":1}`), nil, true},
		{"s2, cut short", s2b[:len(s2b)/2], nil, true},
		{"s2, damaged", flip(s2b, len(s2b)/2), nil, true},
		{"s2 magic only", s2Magic, nil, false},
		{"zstd, cut short", zstd[:len(zstd)/2], nil, true},
		{"zstd, damaged", flip(zstd, len(zstd)/2), nil, true},
		{"gzip, cut short", gzipOld(t, doc)[:100], nil, true},
		{"gzip magic only", []byte{0x1f, 0x8b}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Unpack(tc.blob)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Unpack: err = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && (got == nil || !bytes.Equal(got, tc.want)) {
				t.Errorf("Unpack = %d bytes (nil %v), want %d", len(got), got == nil, len(tc.want))
			}
		})
	}
	if !bytes.HasPrefix(s2b, s2Magic) || len(s2b) > len(doc)/3 {
		t.Errorf("compress: %d bytes for %d, starting % x", len(s2b), len(doc), s2b[:10])
	}
}

func mustCompress(t *testing.T, b []byte) []byte {
	t.Helper()
	c, err := compress(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}

// TestOlderRows: a document and a result summary stored gzip- or
// zstd-compressed, as by an older ogi, read back; rewriting them stores S2.
func TestOlderRows(t *testing.T) {
	for name, old := range map[string]func(testing.TB, []byte) []byte{"gzip": gzipOld, "zstd": zstdOld} {
		t.Run(name, func(t *testing.T) { testOlderRows(t, old) })
	}
}

func testOlderRows(t *testing.T, gzipOld func(testing.TB, []byte) []byte) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		doc, summary := testDocument(20<<10, 4), []byte(`{"report":{"file":"a.docx"},"code":0}`)
		if _, err := s.w.Exec(`INSERT INTO reports (hash, converter, file, agency, body, year, template, document, created)
		VALUES ('old', 'ogi 0.9', 'a.docx', '甲', '甲', 2023, 'gb2021', ?, '2025-01-01T00:00:00.000000000Z')`, gzipOld(t, doc)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.w.Exec(`INSERT INTO results (report_hash, rules_hash, config_digest, prev_hash, grade, errors, warnings, summary)
		VALUES ('old', 'r', 'c', '', 'A', 0, 0, ?)`, gzipOld(t, summary)); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Document(ctx, "old")
		if err != nil || !ok || !bytes.Equal(got, doc) {
			t.Fatalf("Document of an older row: %d bytes, ok %v, err %v", len(got), ok, err)
		}
		r, ok, err := s.Result(ctx, Key{ReportHash: "old", RulesHash: "r", ConfigDigest: "c"})
		if err != nil || !ok || !bytes.Equal(r.Summary, summary) {
			t.Fatalf("Result of an older row: %q, ok %v, err %v", r.Summary, ok, err)
		}
		if err := s.PutReport(ctx, Report{Hash: "old", Converter: "ogi 1.0", Document: doc}); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := s.r.QueryRow(`SELECT document FROM reports WHERE hash = 'old'`).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, s2Magic) {
			t.Errorf("rewritten document starts % x, want S2", raw[:10])
		}
	})
}

// FuzzUnpack: stored blobs come from a file anyone may have edited;
// reading one must fail, never panic, and what compress wrote reads back.
func FuzzUnpack(f *testing.F) {
	z, _ := compress([]byte(`{"a":[1,2,3]}`))
	f.Add(z)
	f.Add(gzipOld(f, []byte(`{"a":[1,2,3]}`)))
	f.Add(zstdOld(f, []byte(`{"a":[1,2,3]}`)))
	f.Add(s2Magic)
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd})
	f.Add([]byte{0x1f, 0x8b, 0x08})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Unpack(b)
		c, err := compress(b)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Unpack(c); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("round trip of %d bytes: %d bytes, %v", len(b), len(got), err)
		}
	})
}
