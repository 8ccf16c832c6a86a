package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestBatchesSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, _ := bk.newStore(t)
		objs := schemaObjects(t, s.w)
		for _, name := range []string{"batches", "batches_state", "batch_items"} {
			if !objs[name] {
				t.Errorf("schema object %q missing; have %v", name, objs)
			}
		}
	})
}

func TestBatchRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		created := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
		want := Batch{Name: "2024年度区县年报", Year: 2024, Profile: "default", Jurisdiction: "jiangsu", RosterName: "名单.csv",
			Roster: []byte("body\n洪泽区\n"), CreatedBy: "admin", Created: created}
		id, err := s.CreateBatch(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		want.ID, want.State = id, BatchDraft
		got, ok, err := s.Batch(ctx, id)
		if err != nil || !ok {
			t.Fatalf("Batch(%d) = %v, %v", id, ok, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Batch(%d) =\n%+v\nwant\n%+v", id, got, want)
		}
		if _, ok, err := s.Batch(ctx, id+1); ok || err != nil {
			t.Fatalf("Batch(missing) = %v, %v; want false, nil", ok, err)
		}

		t1, t2 := created.Add(time.Hour), created.Add(2*time.Hour)
		steps := []struct {
			state, err string
			at         time.Time
			want       func(b *Batch)
		}{
			{BatchQueued, "", t1, func(b *Batch) { b.State = BatchQueued }},
			{BatchRunning, "", t1, func(b *Batch) { b.State, b.Started, b.Runs = BatchRunning, t1, 1 }},
			{BatchFailed, "磁盘已满", t2, func(b *Batch) { b.State, b.Error, b.Finished = BatchFailed, "磁盘已满", t2 }},
			// A re-run clears the failure and the finish time and counts again.
			{BatchRunning, "", t2, func(b *Batch) { b.State, b.Error, b.Started, b.Finished, b.Runs = BatchRunning, "", t2, time.Time{}, 2 }},
			{BatchDone, "ignored", t2, func(b *Batch) { b.State, b.Finished = BatchDone, t2 }},
		}
		for _, st := range steps {
			if err := s.SetBatchState(ctx, id, st.state, st.err, st.at); err != nil {
				t.Fatal(err)
			}
			st.want(&want)
			got, _, _ := s.Batch(ctx, id)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after %s:\n%+v\nwant\n%+v", st.state, got, want)
			}
		}
		if err := s.SetBatchProgress(ctx, id, "check", 3, 5); err != nil {
			t.Fatal(err)
		}
		got, _, _ = s.Batch(ctx, id)
		if got.Phase != "check" || got.Done != 3 || got.Total != 5 {
			t.Fatalf("progress %q %d/%d, want check 3/5", got.Phase, got.Done, got.Total)
		}
		for name, err := range map[string]error{
			"state of a missing batch":    s.SetBatchState(ctx, id+9, BatchQueued, "", t1),
			"progress of a missing batch": s.SetBatchProgress(ctx, id+9, "check", 1, 1),
			"unknown state":               s.SetBatchState(ctx, id, "paused", "", t1),
		} {
			if err == nil {
				t.Errorf("%s: no error", name)
			}
		}
	})
}

func TestBatchesOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		var ids []int64
		for _, st := range []string{BatchQueued, BatchDone, BatchRunning, BatchDraft} {
			id, err := s.CreateBatch(ctx, Batch{Name: st, Year: 2024, State: st})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		all, err := s.Batches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, b := range all {
			names = append(names, b.Name)
		}
		if want := []string{BatchDraft, BatchRunning, BatchDone, BatchQueued}; !reflect.DeepEqual(names, want) {
			t.Errorf("Batches = %v, want newest first %v", names, want)
		}
		open, err := s.BatchesInState(ctx, BatchQueued, BatchRunning)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 2 || open[0].ID != ids[0] || open[1].ID != ids[2] {
			t.Errorf("BatchesInState(queued, running) = %+v, want batches %d, %d oldest first", open, ids[0], ids[2])
		}
		if none, err := s.BatchesInState(ctx); none != nil || err != nil {
			t.Errorf("BatchesInState() = %v, %v", none, err)
		}
	})
}

func TestItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		id, err := s.CreateBatch(ctx, Batch{Name: "b", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateBatch(ctx, Batch{Name: "other", Year: 2024})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		n, err := s.AddItems(ctx, id, []Item{
			{Name: "洪泽区.pdf", Blob: "aa", Size: 10, Source: "upload", Added: at},
			{Name: "淮安市.pdf", Blob: "bb", Size: 20, Source: "zip", Added: at},
			{Name: "洪泽区 副本.pdf", Blob: "aa", Size: 10, Source: "upload", Added: at}, // the same bytes again
		})
		if err != nil || n != 2 {
			t.Fatalf("AddItems = %d, %v; want 2", n, err)
		}
		// The same bytes in another batch are that batch's item.
		if n, err := s.AddItems(ctx, other, []Item{{Name: "x.pdf", Blob: "aa", Added: at}}); err != nil || n != 1 {
			t.Fatalf("AddItems(other) = %d, %v; want 1", n, err)
		}
		if n, err := s.AddItems(ctx, id, []Item{{Name: "again.pdf", Blob: "bb", Added: at}, {Name: "c.txt", Blob: "cc", Size: 3, Source: "https://example.org/c.txt", Added: at}}); err != nil || n != 1 {
			t.Fatalf("second AddItems = %d, %v; want 1", n, err)
		}
		if err := s.RemoveItem(ctx, id, 2); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveItem(ctx, id, 2); err == nil {
			t.Error("removing a removed item: no error")
		}
		items, err := s.Items(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := []Item{
			{Batch: id, Seq: 1, Name: "洪泽区.pdf", Blob: "aa", Size: 10, Source: "upload", Added: at},
			{Batch: id, Seq: 3, Name: "c.txt", Blob: "cc", Size: 3, Source: "https://example.org/c.txt", Added: at},
		}
		if !reflect.DeepEqual(items, want) {
			t.Fatalf("Items =\n%+v\nwant\n%+v", items, want)
		}
		if _, err := s.AddItems(ctx, id+9, []Item{{Name: "x", Blob: "dd"}}); !errors.Is(err, errNoBatch) {
			t.Errorf("AddItems to a missing batch: %v", err)
		}
		if _, err := s.AddItems(ctx, id, []Item{{Name: "x"}}); err == nil {
			t.Error("AddItems without a blob: no error")
		}
	})
}
