package assess

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

// TestDocKeeperMemory: with a store, a document the run converted is read
// back from memory while it fits in the budget, past it from the spool
// (compressed as in memory), and from the store when there is no spool.
// The keeper's writer writes to another store here, so that a document
// found came from memory or the spool.
func TestDocKeeperMemory(t *testing.T) {
	ctx := context.Background()
	open := func(name string) *store.Store {
		db, err := store.Open(ctx, filepath.Join(t.TempDir(), name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	}
	doc := []byte(`{"meta":{"agency":"某某市人民政府办公室"}}`)
	tests := []struct {
		name     string
		budget   int
		spool    bool
		prepared bool // its memory goes to the prepared report
		wantErr  string
	}{
		{"in budget", 1 << 20, false, false, ""},
		{"no budget", 0, false, false, "the store has no document"},
		{"over budget", 8, false, false, "the store has no document"},
		{"no budget, spooled", 0, true, false, ""},
		{"over budget, spooled", 8, true, false, ""},
		{"in budget, with a spool", 1 << 20, true, false, ""},
		{"prepared, with a spool", 1 << 20, true, true, ""},
		{"prepared, no spool", 1 << 20, false, true, "the store has no document"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := open("elsewhere.db").NewWriter(ctx, 8)
			defer func() { _ = w.Close() }()
			k := &docKeeper{db: open("s.db"), w: w, budget: tc.budget, where: map[string][2]int64{}}
			if tc.spool {
				sp, err := newSpool(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				defer sp.close()
				k.sp = sp
			}
			if err := k.put(store.Report{Hash: "h", Document: doc}, tc.prepared); err != nil {
				t.Fatal(err)
			}
			got, err := k.get(ctx, "h")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("get: %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got.Meta.Agency != "某某市人民政府办公室" {
				t.Fatalf("get: %+v, %v", got, err)
			}
			if inMemory := tc.budget >= 1<<20 && !tc.prepared; inMemory && k.budget >= tc.budget {
				t.Errorf("budget %d after keeping a document, was %d", k.budget, tc.budget)
			} else if !inMemory && len(k.where) != 1 {
				t.Errorf("%d documents spooled, want 1", len(k.where))
			}
		})
	}
}

// TestStoreRuns: a first run on a new store (no lookups), its re-run
// (everything reused), a run of another converter (documents again,
// results reused) and a run without a store write the same bytes.
func TestStoreRuns(t *testing.T) {
	inputs, err := Expand([]string{"../testdata/seeds", "../testdata/real"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	outputs := func(name string) ([]report.Spec, func() map[string][]byte) {
		var specs []report.Spec
		for _, f := range []string{"jsonl", "csv", "xlsx", "dashboard"} {
			specs = append(specs, report.FlagSpec("-o", f, filepath.Join(dir, name+"."+f)))
		}
		return specs, func() map[string][]byte {
			m := map[string][]byte{}
			for _, f := range []string{"jsonl", "csv", "xlsx", "dashboard"} {
				b, err := os.ReadFile(filepath.Join(dir, name+"."+f))
				if err != nil {
					t.Fatal(err)
				}
				m[f] = b
			}
			return m
		}
	}
	specs, read := outputs("nostore")
	runBatch(t, inputs, Options{Outputs: specs})
	want := read()
	type counts struct{ converted, reusedDocs, checked, reusedResults int }
	var first counts
	steps := []struct {
		name      string
		converter string
		want      func() counts
	}{
		{"first run", "c1", func() counts { return first }},
		{"re-run", "c1", func() counts { return counts{reusedDocs: first.converted, reusedResults: first.checked} }},
		{"another converter", "c2", func() counts { return counts{converted: first.converted, reusedResults: first.checked} }},
	}
	for i, st := range steps {
		specs, read := outputs(strings.ReplaceAll(st.name, " ", "-"))
		out := runBatch(t, inputs, Options{Store: db, Converter: st.converter, Outputs: specs})
		got := counts{out.Stats.Converted, out.Stats.ReusedDocs, out.Stats.Checked, out.Stats.ReusedResults}
		if i == 0 {
			first = got
			if got.converted != len(inputs) || got.checked == 0 || got.reusedDocs+got.reusedResults != 0 {
				t.Errorf("first run: %+v for %d inputs", got, len(inputs))
			}
		}
		if got != st.want() {
			t.Errorf("%s: %+v, want %+v", st.name, got, st.want())
		}
		for f, b := range read() {
			if !bytes.Equal(b, want[f]) {
				t.Errorf("%s: %s differs from a run without a store", st.name, f)
			}
		}
	}
}
