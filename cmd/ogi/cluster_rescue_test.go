package main

import (
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/pgtest"
)

// TestClusterBatchJobRescue kills the only worker while it writes a
// batch's results (the batch job, after its reports are prepared) and
// starts another: the batch ends once River takes the job for stuck
// (--rescue-after, the rescuer running every 30 s). With the batch job's
// time limit infinite, as it once was, River never rescued it and the
// batch stayed running for ever.
func TestClusterBatchJobRescue(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 3 processes and waits for a rescue")
	}
	skipUnderRace(t)
	dsn := pgtest.Location(t)
	files := generated(t, 400)
	c := newCluster(t, dsn)
	createReviewer(t, dsn, "reviewer")
	a := c.serve("replica")
	w1 := c.worker("worker-1", 1)
	api := apiLogin(t, a.url, "reviewer")
	id := api.createBatch(t, a.url, bigBatchName, bigBatchYear)
	api.upload(t, a.url, id, map[string][]byte{"reports.zip": zipFiles(t, files)})
	api.run(t, a.url, id)
	base := func() string { return a.url }
	ab := api.waitDoneOr(t, base, id, 3*time.Minute, func(ab apiBatch) bool { return ab.Phase != "" && ab.Phase != "convert" })
	if ab.State == "done" || ab.State == "failed" {
		t.Fatalf("the batch ended before its results were being written: %+v", ab)
	}
	c.kill(w1)
	t.Logf("killed the only worker in phase %s %d/%d", ab.Phase, ab.Done, ab.Total)
	c.worker("worker-2", 1)
	// rescue-after, one rescuer interval, and a minute to write the results.
	ab = api.waitDone(t, base, id, 3*time.Minute+30*time.Second, nil)
	if ab.State != "done" || ab.Runs != 1 {
		t.Fatalf("batch: %+v", ab)
	}
}
