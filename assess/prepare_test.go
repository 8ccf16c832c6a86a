package assess

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

// TestPrepareThenRun: reports prepared one at a time, as workers do, then
// a Run of the whole batch: the Run converts nothing, checks again only
// the reports it must (those with peers), and writes the same bytes as a
// Run that did all the work, decisions included.
func TestPrepareThenRun(t *testing.T) {
	inputs, err := Expand([]string{"../testdata/seeds", "../testdata/real"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	decide := func(db *store.Store) {
		t.Helper()
		// A decision on a finding the seeds have, so that the checkers of
		// both paths must carry it alike.
		if err := db.PutDecision(ctx, store.Decision{Finding: "f-test", Verdict: "confirmed", Reviewer: "王", Decided: time.Unix(1700000000, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, prepare bool) (Stats, map[string][]byte) {
		path := filepath.Join(dir, name+".db")
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		decide(db)
		base := newChecker(t, check.Options{})
		if prepare {
			kept, err := db.Decisions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			chk := base.WithReviews(Reviews(kept))
			for _, in := range inputs {
				if _, err := Prepare(ctx, db, []check.Input{in}, Options{Checker: chk, Lang: "zh", Converter: "test", Jobs: 1}); err != nil {
					t.Fatalf("Prepare %s: %v", in.File, err)
				}
			}
		}
		_ = db.Close()
		outs := map[string][]byte{}
		var specs []report.Spec
		for _, f := range []string{"jsonl", "csv", "xlsx"} {
			specs = append(specs, report.FlagSpec("-o", f, filepath.Join(dir, name+"."+f)))
		}
		out := runBatch(t, inputs, Options{Checker: base, Store: path, Outputs: specs})
		for _, f := range []string{"jsonl", "csv", "xlsx"} {
			b, err := os.ReadFile(filepath.Join(dir, name+"."+f))
			if err != nil {
				t.Fatal(err)
			}
			outs[f] = b
		}
		return out.Stats, outs
	}
	whole, want := run("whole", false)
	shared, got := run("shared", true)
	for f := range want {
		if !bytes.Equal(want[f], got[f]) {
			t.Errorf("%s differs between a whole run and prepared reports", f)
		}
	}
	if whole.Converted == 0 || shared.Converted != 0 {
		t.Errorf("converted: whole run %d, after Prepare %d (want >0 and 0)", whole.Converted, shared.Converted)
	}
	if shared.ReusedResults == 0 || shared.Checked >= whole.Checked {
		t.Errorf("after Prepare the run checked %d and reused %d results; the whole run checked %d", shared.Checked, shared.ReusedResults, whole.Checked)
	}
	t.Logf("%d reports: whole run converted %d checked %d; after Prepare converted %d checked %d reused %d",
		whole.Reports, whole.Converted, whole.Checked, shared.Converted, shared.Checked, shared.ReusedResults)
}
