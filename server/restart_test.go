package server

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/internal/store"
)

// manyReports are n distinct text reports made from the seeds (each with
// a line of its own, so that no two share a hash).
func manyReports(t *testing.T, n int) map[string][]byte {
	t.Helper()
	var seeds [][]byte
	for name, b := range corpusFiles(t) {
		if strings.HasSuffix(name, ".txt") && !strings.HasPrefix(name, "pingtan") {
			seeds = append(seeds, b)
		}
	}
	out := map[string][]byte{}
	for i := range n {
		b := append([]byte(nil), seeds[i%len(seeds)]...)
		b = append(b, fmt.Sprintf("\n附：第 %d 份。\n", i)...)
		out[fmt.Sprintf("report-%04d.txt", i)] = b
	}
	return out
}

// peekBatch reads a batch from a stopped server's store.
func peekBatch(t *testing.T, dir string, id int64) store.Batch {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "ogi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	b, _, err := db.Batch(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRestartResumes: a server stopped while a batch runs (SIGTERM:
// Close) leaves it queued; the next start finishes it, every report with
// one result, and the decisions made before are still there.
func TestRestartResumes(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir, func(c *Config) { c.Workers = 1 })
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	id := c.createBatch(2024)
	files := manyReports(t, 300)
	if r := c.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"many.zip": zipOf(t, files)}, ""); r.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b, _, _ := e.srv.db.Batch(context.Background(), id)
		if b.State == "running" && b.Done > 0 {
			break
		}
		if b.State == "done" || time.Now().After(deadline) {
			t.Fatalf("batch did not stay running long enough to be interrupted: %+v", b)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t0 := time.Now()
	e.close()
	t.Logf("stopped in %v", time.Since(t0))
	t.Logf("left at %s %d/%d", peekBatch(t, dir, id).Phase, peekBatch(t, dir, id).Done, peekBatch(t, dir, id).Total)
	// Close left the run checkpointed: queued, for the next start.
	mid := peekBatch(t, dir, id)
	if mid.State != "queued" {
		t.Fatalf("after stop: %+v", mid)
	}
	// The next process over the same store and data.
	e2 := newEnvAt(t, dir, nil)
	got := e2.waitDone(id)
	if got.State != "done" || got.Runs != 2 {
		t.Fatalf("after restart: %+v", got)
	}
	c2 := e2.login("li")
	out := c2.results(id)
	if len(out.Reports) != len(files) {
		t.Fatalf("%d results for %d files", len(out.Reports), len(files))
	}
	seen := map[string]int{}
	for _, fr := range out.Reports {
		seen[fr.File]++
	}
	for name := range files {
		if seen[name] != 1 {
			t.Errorf("%s: %d results", name, seen[name])
		}
	}
}
