package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/pgtest"
	"github.com/ogi-checker/ogi/internal/store"
)

// The batch the tests check: its name and year, the same in the cluster
// and in the single-process run its exports are compared with.
const (
	bigBatchName = "集群故障测试"
	bigBatchYear = 2024
	clusterCount = 2000
)

// TestClusterFaults: a deployment of 2 ogi serve replicas (queueing only)
// and 3 ogi worker processes on one PostgreSQL schema and one --data
// directory checks 2,000 generated reports uploaded as one zip while a
// worker is killed holding a report job, a replica is restarted, and a
// reviewer records decisions through both replicas. Nothing is lost or
// done twice: every file has one result, the batch ran once, the store
// holds exactly the decisions the replicas acknowledged, the killed
// worker's job was finished by another worker, and the exports are byte
// for byte those of ogi serve on SQLite, one process, given the same zip
// and the same decisions.
func TestClusterFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 5 processes and checks 2,000 reports")
	}
	skipUnderRace(t)
	dsn := pgtest.Location(t)
	files := generated(t, clusterCount)
	bigZip := map[string][]byte{"reports.zip": zipFiles(t, files)}
	seeds := seedFiles(t)

	c := newCluster(t, dsn)
	createReviewer(t, dsn, "reviewer")
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	pg := openPG(t, dsn)

	a, b := c.serve("replica-a"), c.serve("replica-b")
	workers := []*ogiProc{c.worker("worker-1", 1), c.worker("worker-2", 1), c.worker("worker-3", 1)}
	api := apiLogin(t, a.url, "reviewer")

	// The replicas' addresses as the reviewer knows them: B's changes when
	// it restarts.
	var urlMu sync.Mutex
	urls := [2]string{a.url, b.url}
	urlOf := func(i int) string {
		urlMu.Lock()
		defer urlMu.Unlock()
		return urls[i]
	}

	// A small batch first, whose findings the reviewer decides on while the
	// big one runs.
	small := api.createBatch(t, a.url, "种子", bigBatchYear)
	api.upload(t, a.url, small, seeds)
	api.run(t, a.url, small)
	if ab := api.waitDone(t, func() string { return a.url }, small, 5*time.Minute, nil); ab.State != "done" {
		t.Fatalf("seed batch: %+v", ab)
	}
	var fids []string
	for _, fr := range api.results(t, a.url, small).Reports {
		for _, f := range fr.Findings {
			if f.ID != "" && !slices.Contains(fids, f.ID) && len(fids) < 6 {
				fids = append(fids, f.ID)
			}
		}
	}
	if len(fids) < 2 {
		t.Fatalf("the seeds have %d findings with an ID, want at least 2", len(fids))
	}

	big := api.createBatch(t, a.url, bigBatchName, bigBatchYear)
	api.upload(t, a.url, big, bigZip)
	if ab, err := api.batch(a.url, big); err != nil || ab.Items != clusterCount {
		t.Fatalf("after the upload: %+v %v", ab, err)
	}

	// The reviewer: a decision every 100 ms on the seeds' findings,
	// alternately through A and B, on the other replica when one does not
	// answer; each with the version the reviewer last saw (read from the
	// store, as a page reload would show it).
	var (
		acked     []clusterDecision
		fallbacks int
		problems  syncLog
		decMu     sync.Mutex
	)
	stopDeciding := make(chan struct{})
	decided := make(chan struct{})
	go func() {
		defer close(decided)
		for i := 0; ; i++ {
			select {
			case <-stopDeciding:
				return
			case <-time.After(100 * time.Millisecond):
			}
			fid := fids[i%len(fids)]
			identity, _ := engine.SplitFindingID(fid)
			cur, _, err := st.Decision(ctx, identity)
			if err != nil {
				problems.add("reading the decision of %s: %v", fid, err)
				return
			}
			d := clusterDecision{Finding: fid, Verdict: engine.VerdictConfirmed}
			if i%3 == 1 {
				d = clusterDecision{Finding: fid, Verdict: engine.VerdictDismissed, Reason: fmt.Sprintf("第 %d 次复核：不影响", i)}
			}
			status, body, err := api.decide(urlOf(i%2), small, d, cur.Version)
			if err != nil {
				decMu.Lock()
				fallbacks++
				decMu.Unlock()
				status, body, err = api.decide(urlOf(1-i%2), small, d, cur.Version)
			}
			switch {
			case err != nil:
				problems.add("decision %d: %v: %v", i, errNoAnswer, err)
			case status == http.StatusOK:
				decMu.Lock()
				acked = append(acked, d)
				decMu.Unlock()
			default:
				// The reviewer is the only one deciding: a 409 would be a
				// decision recorded although no replica acknowledged it.
				problems.add("decision %d on %s: %d %.300s", i, fid, status, body)
			}
		}
	}()
	stopReviewer := func() {
		select {
		case <-stopDeciding:
		default:
			close(stopDeciding)
		}
		<-decided
	}
	defer stopReviewer()

	t0 := time.Now()
	api.run(t, a.url, big)

	// Mid-way: some reports converted, not all.
	mid := api.waitDoneOr(t, func() string { return a.url }, big, 3*time.Minute, func(ab apiBatch) bool {
		return ab.Phase == "convert" && ab.Done > 0 && ab.Done < ab.Total*3/4
	})
	if mid.State == "done" || mid.State == "failed" {
		t.Fatalf("the batch ended before it was seen mid-way: %+v", mid)
	}
	t.Logf("mid-way: %d of %d converted after %s", mid.Done, mid.Total, time.Since(t0).Round(time.Millisecond))

	// Which job worker-1 holds: it is stopped (SIGSTOP), and a report job
	// still running 1.5 s later with the same attempt is its own (the
	// others' take milliseconds). River records each attempt's client in
	// attempted_by, so the last entry names worker-1's client. When it
	// was between two jobs, it goes on and is stopped again a little later.
	victim := workers[0]
	var held []int64
	var killedClient string
	for try := 0; try < 20 && len(held) == 0; try++ {
		if err := victim.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		s1 := runningReports(t, pg)
		time.Sleep(1500 * time.Millisecond)
		s2 := runningReports(t, pg)
		clients := map[string]bool{}
		var ids []int64
		for id, j := range s2 {
			if j1, ok := s1[id]; ok && j1 == j {
				ids = append(ids, id)
				clients[j.client] = true
			}
		}
		var client string
		for cl := range clients {
			client = cl
		}
		if len(ids) > 0 && len(clients) == 1 {
			held, killedClient = ids, client
			break
		}
		_ = victim.cmd.Process.Signal(syscall.SIGCONT)
		time.Sleep(200 * time.Millisecond)
	}
	if len(held) == 0 {
		t.Fatal("worker-1 was never seen holding a report job")
	}
	batchToo := holdsBatchJob(t, pg, killedClient)
	c.kill(victim)
	t.Logf("SIGKILLed worker-1 (client %s) holding report job(s) %v; the batch's own job too: %v", killedClient, held, batchToo)
	if ab, err := api.batch(a.url, big); err == nil && ab.Phase == "convert" && ab.Done >= ab.Total {
		t.Fatalf("killed too late: %+v", ab)
	}

	// Replica B: SIGTERM, and back (on a new port) only once the reviewer
	// has had to turn to A.
	decMu.Lock()
	before := fallbacks
	decMu.Unlock()
	c.stop(b)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		decMu.Lock()
		n := fallbacks
		decMu.Unlock()
		if n > before {
			break
		}
	}
	c.restart(b)
	urlMu.Lock()
	urls[1] = b.url
	urlMu.Unlock()
	t.Logf("replica B restarted at %s after %s", b.url, time.Since(t0).Round(time.Millisecond))

	// Polled through B, the restarted replica, to the end.
	lastLog := time.Now()
	end := api.waitDone(t, func() string { return urlOf(1) }, big, 5*time.Minute, func(ab apiBatch) {
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			t.Logf("%s: %s %d/%d; report jobs %s", time.Since(t0).Round(time.Second), ab.Phase, ab.Done, ab.Total, jobStates(t, pg))
		}
	})
	wall := time.Since(t0)
	stopReviewer()
	t.Logf("run to done: %s (%d reports, %.1f reports/s) with a worker killed and a replica restarted", wall.Round(time.Millisecond), clusterCount, clusterCount/wall.Seconds())
	for _, p := range problems.all() {
		t.Error(p)
	}
	if end.State != "done" || end.Runs != 1 || end.Error != "" {
		t.Fatalf("big batch: %+v, want done after 1 run", end)
	}

	// One result per uploaded file.
	res := api.results(t, urlOf(1), big)
	seen := map[string]int{}
	for _, fr := range res.Reports {
		seen[fr.File]++
	}
	for name, n := range seen {
		if n != 1 {
			t.Errorf("%s has %d results", name, n)
		}
	}
	for name := range files {
		if seen[name] == 0 {
			t.Errorf("%s has no result", name)
		}
	}
	if len(res.Reports) != clusterCount || len(seen) != clusterCount {
		t.Errorf("%d results for %d names, want %d", len(res.Reports), len(seen), clusterCount)
	}

	// The killed worker's job(s): finished, by another worker.
	for _, id := range held {
		var state string
		var by []string
		if err := pg.QueryRow(`SELECT state, attempted_by FROM river_job WHERE id = $1`, id).Scan(&state, (*pgTextArray)(&by)); err != nil {
			t.Fatal(err)
		}
		if state != "completed" || len(by) < 2 || by[len(by)-1] == killedClient {
			t.Errorf("report job %d held by the killed worker: state %s, attempted by %v", id, state, by)
		}
	}

	// The decisions: exactly those acknowledged, the last of each finding
	// in force, one history row per acknowledgement.
	decMu.Lock()
	t.Logf("%d decisions acknowledged, %d sent to the other replica because one did not answer", len(acked), fallbacks)
	if fallbacks == 0 {
		t.Error("no decision was retried on the other replica: B was never down when the reviewer asked")
	}
	final := map[string]clusterDecision{}
	count := map[string]int{}
	for _, d := range acked {
		final[d.Finding] = d
		count[d.Finding]++
	}
	decMu.Unlock()
	kept, err := st.Decisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != len(final) {
		t.Errorf("the store holds %d decisions, %d findings were decided", len(kept), len(final))
	}
	for fid, want := range final {
		identity, _ := engine.SplitFindingID(fid)
		got, ok, err := st.Decision(ctx, identity)
		if err != nil || !ok {
			t.Errorf("%s: no decision in the store (%v)", fid, err)
			continue
		}
		if got.Verdict != want.Verdict || got.Reason != want.Reason {
			t.Errorf("%s: the store has %s %q, the last acknowledged was %s %q", fid, got.Verdict, got.Reason, want.Verdict, want.Reason)
		}
		hist, err := st.DecisionHistory(ctx, identity)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != count[fid] {
			t.Errorf("%s: %d history rows, %d decisions acknowledged", fid, len(hist), count[fid])
		}
	}

	exports := map[string][]byte{}
	for _, f := range []string{"xlsx", "csv", "json"} {
		exports[f] = api.export(t, urlOf(0), big, f)
	}

	// Everything that is left stops cleanly.
	for _, p := range []*ogiProc{workers[1], workers[2], a, b} {
		c.stop(p)
	}

	// The same zip on SQLite, one process.
	ref := referenceExports(t, seeds, bigZip, final)
	for f, want := range ref {
		if !bytes.Equal(exports[f], want) {
			p := filepath.Join(t.TempDir(), "cluster."+f)
			_ = os.WriteFile(p, exports[f], 0o644)
			_ = os.WriteFile(p+".ref", want, 0o644)
			t.Errorf("the cluster's %s export (%d bytes) differs from the single process's (%d bytes): %s", f, len(exports[f]), len(want), p)
		}
	}
}

// referenceExports runs ogi serve on SQLite with the seeds and the big
// zip, in the cluster's order, and returns the big batch's exports with
// the cluster's final decisions recorded. It also finds out whether those
// decisions change the exports' bytes at all: they are on the seeds'
// findings, which the generated reports do not have, so they should not;
// the comparison is made with them anyway, so that it holds either way.
func referenceExports(t *testing.T, seeds, bigZip map[string][]byte, final map[string]clusterDecision) map[string][]byte {
	t.Helper()
	r := newProcs(t, "")
	db := filepath.Join(r.dir, "ref.db")
	createReviewer(t, db, "reviewer")
	srv := r.start("sqlite", []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--data", r.data})
	api := apiLogin(t, srv.url, "reviewer")
	base := func() string { return srv.url }
	small := api.createBatch(t, srv.url, "种子", bigBatchYear)
	api.upload(t, srv.url, small, seeds)
	api.run(t, srv.url, small)
	api.waitDone(t, base, small, 5*time.Minute, nil)
	big := api.createBatch(t, srv.url, bigBatchName, bigBatchYear)
	api.upload(t, srv.url, big, bigZip)
	t0 := time.Now()
	api.run(t, srv.url, big)
	if ab := api.waitDone(t, base, big, 3*time.Minute, nil); ab.State != "done" || ab.Runs != 1 {
		t.Fatalf("single-process batch: %+v", ab)
	}
	t.Logf("single process on SQLite: run to done %s", time.Since(t0).Round(time.Millisecond))
	formats := []string{"xlsx", "csv", "json"}
	undecided := map[string][]byte{}
	for _, f := range formats {
		undecided[f] = api.export(t, srv.url, big, f)
	}
	for _, d := range final {
		if st, body, err := api.decide(srv.url, small, d, 0); err != nil || st != http.StatusOK {
			t.Fatalf("single process, decision on %s: %d %s %v", d.Finding, st, body, err)
		}
	}
	out := map[string][]byte{}
	var changed []string
	for _, f := range formats {
		out[f] = api.export(t, srv.url, big, f)
		if !bytes.Equal(out[f], undecided[f]) {
			changed = append(changed, f)
		}
	}
	if len(changed) > 0 {
		t.Logf("the seeds' decisions change the big batch's %s export", strings.Join(changed, ", "))
	} else {
		t.Logf("the seeds' decisions do not change the big batch's exports")
	}
	r.stop(srv)
	return out
}

// runningJob is a running report job's attempt and the client making it.
type runningJob struct {
	attempt int
	client  string
}

// runningReports is River's running report jobs, by id.
func runningReports(t *testing.T, pg *sql.DB) map[int64]runningJob {
	t.Helper()
	rows, err := pg.Query(`SELECT id, attempt, attempted_by[cardinality(attempted_by)] FROM river_job WHERE state = 'running' AND kind = 'ogi_report'`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	out := map[int64]runningJob{}
	for rows.Next() {
		var id int64
		var j runningJob
		var client sql.NullString
		if err := rows.Scan(&id, &j.attempt, &client); err != nil {
			t.Fatal(err)
		}
		j.client = client.String
		out[id] = j
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// pgTextArray scans a PostgreSQL text[] through database/sql.
type pgTextArray []string

func (a *pgTextArray) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case nil:
		*a = nil
		return nil
	default:
		return fmt.Errorf("text[]: unexpected %T", src)
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	*a = nil
	if s == "" {
		return nil
	}
	for _, e := range strings.Split(s, ",") {
		*a = append(*a, strings.Trim(e, `"`))
	}
	return nil
}

// waitDoneOr polls until the batch ends or cond holds and returns the
// state seen then.
func (c *apiClient) waitDoneOr(t *testing.T, base func() string, id int64, limit time.Duration, cond func(apiBatch) bool) apiBatch {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last apiBatch
	for time.Now().Before(deadline) {
		ab, err := c.batch(base(), id)
		if err == nil {
			last = ab
			if ab.State == "done" || ab.State == "failed" || cond(ab) {
				return ab
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("batch %d: neither ended nor came to the state waited for within %s: %+v", id, limit, last)
	return last
}

// jobStates counts River's report jobs by state, for the log of a run.
func jobStates(t *testing.T, pg *sql.DB) string {
	t.Helper()
	rows, err := pg.Query(`SELECT state, count(*) FROM river_job WHERE kind = 'ogi_report' GROUP BY state ORDER BY state`)
	if err != nil {
		return err.Error()
	}
	defer func() { _ = rows.Close() }()
	var parts []string
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return err.Error()
		}
		parts = append(parts, fmt.Sprintf("%s %d", st, n))
	}
	return strings.Join(parts, ", ")
}

// holdsBatchJob tells whether River has a batch job running by client.
func holdsBatchJob(t *testing.T, pg *sql.DB, client string) bool {
	t.Helper()
	var n int
	if err := pg.QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'ogi_batch' AND state = 'running' AND $1 = attempted_by[cardinality(attempted_by)]`, client).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}
