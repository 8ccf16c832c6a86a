package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	// The pgx driver for database/sql, to read River's job table.
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

// The harness of the cluster tests: ogi serve replicas and ogi worker
// processes, real ones (the test binary re-executed as ogi), sharing one
// PostgreSQL schema and one --data directory, driven through the HTTP API
// as a script of an office would.

// clusterPassword is the test reviewer's password.
const clusterPassword = "correct horse battery"

// ogiProc is one ogi process of a cluster: its arguments (to start it
// again), its log and, for ogi serve, the URL it printed.
type ogiProc struct {
	name string
	args []string
	cmd  *exec.Cmd
	log  *lockedBuffer
	url  string
	// exited is closed when the process has ended; err is Wait's.
	exited chan struct{}
	err    error
	// logs of the earlier lives of a restarted process.
	before []string
}

// cluster is the processes of one deployment and what they share.
type cluster struct {
	t     *testing.T
	dir   string
	dsn   string
	data  string
	procs []*ogiProc
}

// newCluster migrates a fresh schema (ogi migrate, as a deployment does
// before starting its replicas) and arranges for every process to be
// killed and, when the test failed, its log shown.
func newCluster(t *testing.T, dsn string) *cluster {
	t.Helper()
	c := newProcs(t, dsn)
	if code, _, stderr := runChild(t, c.dir, nil, "migrate", "--db", dsn); code != 0 {
		t.Fatalf("ogi migrate: exit %d\n%s", code, stderr)
	}
	return c
}

// newProcs is a cluster without the migration: for a single ogi serve on
// SQLite, which migrates its own store.
func newProcs(t *testing.T, db string) *cluster {
	t.Helper()
	dir := t.TempDir()
	c := &cluster{t: t, dir: dir, dsn: db, data: filepath.Join(dir, "data")}
	t.Cleanup(func() {
		for _, p := range c.procs {
			if p.cmd != nil && p.cmd.Process != nil {
				_ = p.cmd.Process.Kill()
				<-p.exited
			}
		}
		if t.Failed() {
			c.dumpLogs()
		}
	})
	return c
}

// dumpLogs shows the end of each process's standard error.
func (c *cluster) dumpLogs() {
	for _, p := range c.procs {
		logs := append(append([]string{}, p.before...), p.log.String())
		for i, l := range logs {
			if len(l) > 6000 {
				l = "…" + l[len(l)-6000:]
			}
			c.t.Logf("---- %s (life %d) stderr ----\n%s", p.name, i+1, l)
		}
	}
}

// serve starts an ogi serve replica that only queues work.
func (c *cluster) serve(name string, extra ...string) *ogiProc {
	c.t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", c.dsn, "--data", c.data, "--queue-workers", "0", "--no-migrate"}, extra...)
	return c.start(name, args)
}

// rescueAfter is the workers' --rescue-after: how long a killed worker's
// jobs wait before another worker takes them (River's rescuer also runs
// only every 30 s). Every job kind's time limit is at most this, so that
// it holds for report, batch and export jobs alike; it is also the time
// limit of a batch's last job, which checks the 2,000 reports again and
// writes the outputs: 15 s was too short on a loaded CI machine, where
// that job was cut off at every attempt.
const rescueAfter = "60s"

// worker starts an ogi worker with queueWorkers report workers.
func (c *cluster) worker(name string, queueWorkers int, extra ...string) *ogiProc {
	c.t.Helper()
	args := append([]string{"worker", "--db", c.dsn, "--data", c.data, "--no-migrate",
		"--queue-workers", fmt.Sprint(queueWorkers), "--rescue-after", rescueAfter}, extra...)
	return c.start(name, args)
}

func (c *cluster) start(name string, args []string) *ogiProc {
	c.t.Helper()
	p := &ogiProc{name: name, args: args}
	c.procs = append(c.procs, p)
	c.launch(p)
	return p
}

// launch starts p and waits for the line saying it is ready: the URL of
// ogi serve, the queue of ogi worker.
func (c *cluster) launch(p *ogiProc) {
	c.t.Helper()
	p.cmd = ogiChild(c.t, c.dir, nil, p.args...)
	p.log = &lockedBuffer{}
	p.cmd.Stderr = p.log
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		c.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	p.exited = make(chan struct{})
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads any more
			}
		}
		close(lines)
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				<-p.exited
				c.t.Fatalf("%s ended before it was ready: %v\n%s", p.name, p.err, p.log.String())
			}
			if u, ok := strings.CutPrefix(l, "ogi serve: listening on "); ok {
				p.url = strings.TrimSpace(u)
				return
			}
			if strings.HasPrefix(l, "ogi worker: working the job queue") {
				return
			}
		case <-deadline:
			c.t.Fatalf("%s did not say it was ready within a minute\n%s", p.name, p.log.String())
		}
	}
}

// kill ends p with SIGKILL, as a crash or the OOM killer would.
func (c *cluster) kill(p *ogiProc) {
	c.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		c.t.Fatal(err)
	}
	<-p.exited
}

// stop ends p with SIGTERM and wants it to exit 0 within a minute.
func (c *cluster) stop(p *ogiProc) {
	c.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		c.t.Fatal(err)
	}
	select {
	case <-p.exited:
		if p.err != nil {
			c.t.Fatalf("%s after SIGTERM: %v\n%s", p.name, p.err, p.log.String())
		}
	case <-time.After(60 * time.Second):
		c.t.Fatalf("%s did not stop within a minute of SIGTERM", p.name)
	}
}

// restart starts a stopped or killed p again with the same arguments
// (ogi serve gets a new port).
func (c *cluster) restart(p *ogiProc) {
	c.t.Helper()
	p.before = append(p.before, p.log.String())
	c.launch(p)
}

// createReviewer puts an account with the reviewer role (run and decide)
// in the store at db, as server/env_test.go does: the first administrator
// would otherwise need the setup link, a browser's affair.
func createReviewer(t *testing.T, db, name string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	hash, err := account.HashPassword(clusterPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(ctx, store.User{Name: name, Display: name, Role: "reviewer", PasswordHash: hash, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// apiClient is a script using the API with a token; base says which
// replica it talks to, so that it can follow a replica that moved.
type apiClient struct {
	hc  *http.Client
	tok string
}

// apiLogin signs name in through POST /api/login and makes an API token
// with that session: the token, kept in the store, is good on every
// replica and across their restarts.
func apiLogin(t *testing.T, base, name string) *apiClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 5 * time.Minute}
	resp, err := hc.PostForm(base+"/api/login", url.Values{"name": {name}, "password": {clusterPassword}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	c := &apiClient{hc: hc}
	st, body, err := c.do(http.MethodPost, base+"/api/tokens", "application/json", strings.NewReader(`{"name":"cluster test"}`))
	if err != nil || st != http.StatusCreated {
		t.Fatalf("token: %d %s %v", st, body, err)
	}
	var tok struct{ Token string }
	if err := json.Unmarshal(body, &tok); err != nil || tok.Token == "" {
		t.Fatalf("token: %s %v", body, err)
	}
	// From here on the token alone: no cookie.
	c.hc = &http.Client{Timeout: 5 * time.Minute}
	c.tok = tok.Token
	return c
}

// do sends one request and reads the answer; an error is a request that
// got no answer (the replica is down).
func (c *apiClient) do(method, u, ctype string, body io.Reader) (int, []byte, error) {
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return 0, nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.tok != "" {
		req.Header.Set("Authorization", "Bearer "+c.tok)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

// must is do for requests that must succeed with status want.
func (c *apiClient) must(t *testing.T, want int, method, u, ctype string, body io.Reader) []byte {
	t.Helper()
	st, b, err := c.do(method, u, ctype, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	if st != want {
		t.Fatalf("%s %s: %d, want %d: %.500s", method, u, st, want, b)
	}
	return b
}

// apiBatch is the part of GET /api/batches/{id} the tests read.
type apiBatch struct {
	ID    int64  `json:"id"`
	State string `json:"state"`
	Phase string `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	Runs  int    `json:"runs"`
	Items int    `json:"items"`
	Error string `json:"error"`
}

// createBatch makes a batch of the given name and year (default profile
// and jurisdiction).
func (c *apiClient) createBatch(t *testing.T, base, name string, year int) int64 {
	t.Helper()
	b := c.must(t, http.StatusCreated, http.MethodPost, base+"/api/batches", "application/json",
		strings.NewReader(fmt.Sprintf(`{"name":%q,"year":%d}`, name, year)))
	var ab apiBatch
	if err := json.Unmarshal(b, &ab); err != nil {
		t.Fatal(err)
	}
	return ab.ID
}

// upload posts files (name → bytes) as one multipart request.
func (c *apiClient) upload(t *testing.T, base string, id int64, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(files[name])
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	c.must(t, http.StatusOK, http.MethodPost, fmt.Sprintf("%s/api/batches/%d/files", base, id), mw.FormDataContentType(), &buf)
}

func (c *apiClient) run(t *testing.T, base string, id int64) {
	t.Helper()
	c.must(t, http.StatusAccepted, http.MethodPost, fmt.Sprintf("%s/api/batches/%d/run", base, id), "application/json", nil)
}

// batch reads the batch's state; base is asked each time, so that a
// poll follows a replica that moved.
func (c *apiClient) batch(base string, id int64) (apiBatch, error) {
	st, b, err := c.do(http.MethodGet, fmt.Sprintf("%s/api/batches/%d", base, id), "", nil)
	if err != nil {
		return apiBatch{}, err
	}
	if st != http.StatusOK {
		return apiBatch{}, fmt.Errorf("GET batch %d: %d %.300s", id, st, b)
	}
	var ab apiBatch
	err = json.Unmarshal(b, &ab)
	return ab, err
}

// waitDone polls until the batch is done or failed; each poll may
// call watch (nil: none) with the state seen.
func (c *apiClient) waitDone(t *testing.T, base func() string, id int64, limit time.Duration, watch func(apiBatch)) apiBatch {
	t.Helper()
	ab := c.waitDoneOr(t, base, id, limit, func(ab apiBatch) bool {
		if watch != nil {
			watch(ab)
		}
		return false
	})
	return ab
}

func (c *apiClient) results(t *testing.T, base string, id int64) report.CheckOutput {
	t.Helper()
	b := c.must(t, http.StatusOK, http.MethodGet, fmt.Sprintf("%s/api/batches/%d/results", base, id), "", nil)
	var out report.CheckOutput
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (c *apiClient) export(t *testing.T, base string, id int64, format string) []byte {
	t.Helper()
	return c.must(t, http.StatusOK, http.MethodGet, fmt.Sprintf("%s/api/batches/%d/export/%s", base, id, format), "", nil)
}

// decide posts one decision; versions are those the reviewer saw.
func (c *apiClient) decide(base string, id int64, d clusterDecision, version int64) (int, []byte, error) {
	body := map[string]any{"findings": []string{d.Finding}, "verdict": d.Verdict, "reason": d.Reason,
		"versions": map[string]int64{d.Finding: version}}
	b, _ := json.Marshal(body)
	return c.do(http.MethodPost, fmt.Sprintf("%s/api/batches/%d/decisions", base, id), "application/json", bytes.NewReader(b))
}

// clusterDecision is one decision the test made.
type clusterDecision struct {
	Finding, Verdict, Reason string
}

func sortedKeys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// zipFiles packs files into a zip in name order.
func zipFiles(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(files[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// generated writes n reports with ogi generate (its six layouts) and
// returns them by name, the manifest left out.
func generated(t *testing.T, n int) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	if code, _, stderr := runChild(t, dir, nil, "generate", "--count", fmt.Sprint(n), "--out", "gen"); code != 0 {
		t.Fatalf("ogi generate: exit %d\n%s", code, stderr)
	}
	ents, err := os.ReadDir(filepath.Join(dir, "gen"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range ents {
		if e.Name() == "manifest.csv" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "gen", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	if len(files) != n {
		t.Fatalf("ogi generate wrote %d reports, want %d", len(files), n)
	}
	return files
}

// seedFiles are the seed reports the decisions are made on.
func seedFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, n := range allSeeds {
		b, err := os.ReadFile(seed(n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	return files
}

// openPG opens the cluster's schema for the test's own reads of River's
// tables.
func openPG(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// errNoAnswer marks a decision no replica answered.
var errNoAnswer = errors.New("no replica answered")

// syncLog collects what goroutines found wrong, for the test to report.
type syncLog struct {
	mu   sync.Mutex
	errs []string
}

func (l *syncLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, fmt.Sprintf(format, args...))
}

func (l *syncLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string{}, l.errs...)
}

// skipUnderRace skips a cluster test under the race detector: its
// processes are this test binary, which the detector slows five- to
// tenfold, so that a batch's last job overruns --rescue-after and fails,
// as it should. The plain run is the test; the race detector covers the
// queue in process (go test -race ./jobs, two runners on one database).
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector slows the cluster's processes past the batch's time limit; the plain test run is the measure")
	}
}
