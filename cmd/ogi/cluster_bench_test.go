package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/pgtest"
)

var clusterBench = flag.Bool("cluster-bench", false, "run TestClusterThroughput, a measurement of the shared deployment (minutes)")

// TestClusterThroughput measures, and asserts nothing about speed: the
// 2,000 generated reports checked by 1 replica and 1, 2 or 3 workers of
// one report worker each (and one worker of two), each on a fresh schema,
// from POST run to done; then the cost of the PostgreSQL store against
// SQLite for ogi assess over the same files (first run, median of 3).
//
//	go test ./cmd/ogi -run TestClusterThroughput -cluster-bench -v
func TestClusterThroughput(t *testing.T) {
	if !*clusterBench {
		t.Skip("a measurement: run with -cluster-bench")
	}
	pgtest.Location(t) // skips without PostgreSQL
	files := generated(t, clusterCount)
	bigZip := map[string][]byte{"reports.zip": zipFiles(t, files)}

	type setup struct{ workers, each int }
	var rows []string
	for _, s := range []setup{{1, 1}, {2, 1}, {3, 1}, {1, 2}} {
		t.Run(fmt.Sprintf("workers=%d,each=%d", s.workers, s.each), func(t *testing.T) {
			dsn := pgtest.Location(t)
			c := newCluster(t, dsn)
			createReviewer(t, dsn, "reviewer")
			a := c.serve("replica")
			var ws []*ogiProc
			for i := range s.workers {
				ws = append(ws, c.worker(fmt.Sprintf("worker-%d", i+1), s.each))
			}
			api := apiLogin(t, a.url, "reviewer")
			id := api.createBatch(t, a.url, bigBatchName, bigBatchYear)
			api.upload(t, a.url, id, bigZip)
			t0 := time.Now()
			api.run(t, a.url, id)
			var convert time.Duration
			ab := api.waitDone(t, func() string { return a.url }, id, 30*time.Minute, func(ab apiBatch) {
				if convert == 0 && ab.Phase != "convert" && ab.Phase != "" {
					convert = time.Since(t0)
				}
			})
			wall := time.Since(t0)
			if ab.State != "done" {
				t.Fatalf("batch: %+v", ab)
			}
			rows = append(rows, fmt.Sprintf("| %d × --queue-workers %d | %6.1f | %6.1f | %6.1f |", s.workers, s.each,
				convert.Seconds(), wall.Seconds(), float64(clusterCount)/wall.Seconds()))
			for _, w := range ws {
				c.stop(w)
			}
			c.stop(a)
		})
	}

	// ogi assess, one process: the PostgreSQL store against SQLite.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "in"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, "in", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type cost struct{ wall, cpu time.Duration }
	median := func(cs []cost) cost {
		slices.SortFunc(cs, func(a, b cost) int { return int(a.wall - b.wall) })
		return cs[len(cs)/2]
	}
	var pgCosts, liteCosts []cost
	for i := range 3 {
		for _, backend := range []string{"postgres", "sqlite"} {
			db := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
			if backend == "postgres" {
				db = pgtest.Location(t)
			}
			cmd := ogiChild(t, dir, nil, "assess", "in", "--db", db)
			t0 := time.Now()
			out, err := cmd.CombinedOutput()
			wall := time.Since(t0)
			if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() > 1 {
				t.Fatalf("ogi assess --db %s: %v\n%s", backend, err, out)
			}
			if !strings.Contains(string(out), fmt.Sprintf("%d reports", clusterCount)) {
				t.Fatalf("ogi assess --db %s:\n%s", backend, out)
			}
			c := cost{wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
			if backend == "postgres" {
				pgCosts = append(pgCosts, c)
			} else {
				liteCosts = append(liteCosts, c)
			}
		}
	}
	pgc, lc := median(pgCosts), median(liteCosts)
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / clusterCount }
	t.Logf("ogi serve + ogi worker on PostgreSQL, %d generated reports, run to done:\n"+
		"| workers | convert phase s | wall s | reports/s |\n|---|---|---|---|\n%s\n\n"+
		"ogi assess, first run, median of 3 (by wall):\n"+
		"| store | wall s | CPU s (user+sys) | wall ms/report | CPU ms/report |\n|---|---|---|---|---|\n"+
		"| PostgreSQL | %.2f | %.2f | %.2f | %.2f |\n| SQLite | %.2f | %.2f | %.2f | %.2f |",
		clusterCount, strings.Join(rows, "\n"),
		pgc.wall.Seconds(), pgc.cpu.Seconds(), per(pgc.wall), per(pgc.cpu),
		lc.wall.Seconds(), lc.cpu.Seconds(), per(lc.wall), per(lc.cpu))
}
