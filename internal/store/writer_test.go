package store

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// queued is a Writer whose writes are only queued, for a test to commit
// as one batch of its own making.
func queued(s *Store) *Writer {
	return &Writer{s: s, ctx: context.Background(), ops: make(chan writeOp, 4096), size: 4096}
}

func (w *Writer) drain() []writeOp {
	var batch []writeOp
	for len(w.ops) > 0 {
		batch = append(batch, <-w.ops)
	}
	return batch
}

// TestWriterBatch commits batches the way the writer does: more rows than
// one statement takes, rows written twice (the last one stays, findings
// and all), and a bad write among good ones (the good ones stay).
func TestWriterBatch(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		type check func(t *testing.T)
		tests := []struct {
			name    string
			queue   func(w *Writer) error
			wantErr string
			check   check
		}{
			{"more rows than a statement", func(w *Writer) error {
				for i := range 2*rowsPerStatement + 7 {
					h := fmt.Sprintf("m%04d", i)
					if err := w.PutReport(Report{Hash: h, Converter: "c", Year: intp(2000 + i%30), Document: []byte(h)}); err != nil {
						return err
					}
					if err := w.PutResult(Result{Key: Key{ReportHash: h, RulesHash: "r"}, Summary: []byte(h), Findings: testFindings(3)}); err != nil {
						return err
					}
					if err := w.PutPairScore(h, "z", float64(i)); err != nil {
						return err
					}
				}
				return nil
			}, "", func(t *testing.T) {
				for _, i := range []int{0, rowsPerStatement, 2*rowsPerStatement + 6} {
					h := fmt.Sprintf("m%04d", i)
					if d, ok, err := s.Document(ctx, h); !ok || err != nil || string(d) != h {
						t.Errorf("document %s: %q %v %v", h, d, ok, err)
					}
					if fs, err := s.Findings(ctx, Key{ReportHash: h, RulesHash: "r"}); err != nil || !reflect.DeepEqual(fs, testFindings(3)) {
						t.Errorf("findings %s: %v %v", h, fs, err)
					}
					if v, ok, err := s.PairScore(ctx, "z", h); !ok || err != nil || v != float64(i) {
						t.Errorf("pair %s: %v %v %v", h, v, ok, err)
					}
				}
			}},
			{"rows written twice", func(w *Writer) error {
				for v := range 3 {
					doc := []byte(fmt.Sprintf(`{"v":%d}`, v))
					if err := w.PutReport(Report{Hash: "twice", Converter: fmt.Sprint(v), Document: doc}); err != nil {
						return err
					}
					if err := w.PutResult(Result{Key: Key{ReportHash: "twice", RulesHash: "r"}, Grade: fmt.Sprint(v), Summary: doc,
						Findings: testFindings(3 - v)}); err != nil {
						return err
					}
					if err := w.PutPairScore("twice", "z", float64(v)); err != nil {
						return err
					}
				}
				return nil
			}, "", func(t *testing.T) {
				if m, _, _ := s.ReportMeta(ctx, "twice"); m.Converter != "2" {
					t.Errorf("report: converter %q, want the last write's", m.Converter)
				}
				r, _, _ := s.Result(ctx, Key{ReportHash: "twice", RulesHash: "r"})
				fs, _ := s.Findings(ctx, r.Key)
				if r.Grade != "2" || string(r.Summary) != `{"v":2}` || !reflect.DeepEqual(fs, testFindings(1)) {
					t.Errorf("result: grade %q summary %q findings %v, want the last write's", r.Grade, r.Summary, fs)
				}
				if v, _, _ := s.PairScore(ctx, "z", "twice"); v != 2 {
					t.Errorf("pair: %v, want the last write's", v)
				}
			}},
			{"a bad write among good ones", func(w *Writer) error {
				if err := w.PutReport(Report{Hash: "good1", Document: []byte(`1`)}); err != nil {
					return err
				}
				if err := w.PutResult(Result{Key: Key{ReportHash: "bad", RulesHash: "r"}, Summary: []byte(`{}`),
					Findings: []Finding{{Seq: 0}, {Seq: 0}}}); err != nil {
					return err
				}
				return w.PutPairScore("good1", "good2", 0.25)
			}, "bad", func(t *testing.T) {
				if _, ok, _ := s.Document(ctx, "good1"); !ok {
					t.Error("the report before the bad write was lost")
				}
				if _, ok, _ := s.Result(ctx, Key{ReportHash: "bad", RulesHash: "r"}); ok {
					t.Error("half of the bad result was kept")
				}
				if v, ok, _ := s.PairScore(ctx, "good1", "good2"); !ok || v != 0.25 {
					t.Error("the pair after the bad write was lost")
				}
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				w := queued(s)
				if err := tc.queue(w); err != nil {
					t.Fatal(err)
				}
				batch := w.drain()
				if tc.wantErr == "" {
					// The batch must go through in one go, not only by falling
					// back to one write at a time.
					tx, err := w.begin()
					if err != nil {
						t.Fatal(err)
					}
					err = execBatch(ctx, tx, batch)
					_ = tx.Rollback()
					if err != nil {
						t.Fatalf("execBatch: %v", err)
					}
				}
				w.commit(batch)
				if err := w.firstErr(); (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
					t.Errorf("error %v, want one naming %q", err, tc.wantErr)
				}
				tc.check(t)
			})
		}
	})
}

// TestPutReportPacked: the bytes returned are the stored ones.
func TestPutReportPacked(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	w := s.NewWriter(ctx, 8)
	doc := testDocument(8<<10, 5)
	packed, err := w.PutReportPacked(Report{Hash: "p", Document: doc})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var raw []byte
	if err := s.r.QueryRow(`SELECT document FROM reports WHERE hash = 'p'`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if got, err := Unpack(packed); !bytes.Equal(raw, packed) || err != nil || !bytes.Equal(got, doc) {
		t.Errorf("packed %d bytes, stored %d, unpacked %d (%v)", len(packed), len(raw), len(got), err)
	}
}
