package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// The load figures of issue #15 come from
//
//	go test ./server/ -run Load -v -load-duration=60s
//	go test ./server/ -run WebVsCLI -web-vs-cli -v
//
// CI runs TestLoad for the short default and skips the comparison.
var (
	loadDuration = flag.Duration("load-duration", 10*time.Second, "how long TestLoad browses and uploads")
	webVsCLI     = flag.Bool("web-vs-cli", false, "run TestWebVsCLI: a 1,000-report batch through the web path and through assess.Run")
	webVsCLIN    = flag.Int("web-vs-cli-reports", 1000, "reports in TestWebVsCLI's batch")
)

const (
	loadBrowsers  = 50
	loadUploaders = 5
	// loadUploadFiles is how many reports each upload carries: one per
	// layout the generator writes.
	loadUploadFiles = 6
)

// problemLog keeps the server's warnings and errors and drops the rest;
// the request lines are still formatted, as they are in production.
type problemLog struct {
	mu    sync.Mutex
	lines []string
}

func (p *problemLog) Write(b []byte) (int, error) {
	s := string(b)
	if strings.Contains(s, "level=WARN") || strings.Contains(s, "level=ERROR") {
		p.mu.Lock()
		if len(p.lines) < 100 {
			p.lines = append(p.lines, strings.TrimSpace(s))
		}
		p.mu.Unlock()
	}
	return len(b), nil
}

func (p *problemLog) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

// loadStats is what the clients saw: latencies by page kind and the
// failures, at most a few of them kept in full.
type loadStats struct {
	mu       sync.Mutex
	lat      map[string][]time.Duration
	failures []string
	failed   int
	uploads  int
	requests atomic.Int64
}

func (st *loadStats) record(kind string, d time.Duration) {
	st.mu.Lock()
	st.lat[kind] = append(st.lat[kind], d)
	st.mu.Unlock()
}

func (st *loadStats) fail(format string, args ...any) {
	st.mu.Lock()
	st.failed++
	if len(st.failures) < 20 {
		st.failures = append(st.failures, fmt.Sprintf(format, args...))
	}
	st.mu.Unlock()
}

// loadClient is one officer's browser: its own cookies, its own address
// as the reverse proxy tells it, one shared pool of connections.
type loadClient struct {
	base, ip string
	hc       *http.Client
	st       *loadStats
}

var errAnswer = errors.New("unexpected answer")

// do sends a request and reads its answer whole; the latency is recorded
// under kind. An answer outside want, or a transport error, is a failure.
func (c *loadClient) do(ctx context.Context, kind, method, path, ctype string, body []byte, want ...int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method != http.MethodGet {
		req.Header.Set("Origin", c.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	t0 := time.Now()
	resp, err := c.hc.Do(req)
	c.st.requests.Add(1)
	if err != nil {
		if ctx.Err() == nil {
			c.st.fail("%s %s: %v", method, path, err)
		}
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		if ctx.Err() == nil {
			c.st.fail("%s %s: reading the answer: %v", method, path, err)
		}
		return nil, err
	}
	c.st.record(kind, time.Since(t0))
	ok := false
	for _, w := range want {
		ok = ok || resp.StatusCode == w
	}
	if !ok {
		c.st.fail("%s %s: %d %s", method, path, resp.StatusCode, firstLine(b))
		return b, errAnswer
	}
	return b, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func newLoadClient(e *testEnv, tr http.RoundTripper, st *loadStats, i int) *loadClient {
	jar, _ := cookiejar.New(nil)
	return &loadClient{base: e.ts.URL, ip: fmt.Sprintf("10.15.%d.%d", i/200, i%200+1), st: st,
		hc: &http.Client{Jar: jar, Transport: tr, Timeout: 2 * time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *loadClient) login(ctx context.Context, name string) error {
	_, err := c.do(ctx, "login", http.MethodPost, "/login", "application/x-www-form-urlencoded",
		[]byte(url.Values{"name": {name}, "password": {testPassword}}.Encode()), http.StatusSeeOther)
	return err
}

// browse walks the batch's pages as an officer does, until ctx ends.
func (c *loadClient) browse(ctx context.Context, id int64, reports int, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	b := fmt.Sprintf("/batches/%d", id)
	for ctx.Err() == nil {
		pages := [][2]string{{"batches", "/batches"}, {"batch", b}, {"overview", b + "/overview"}, {"findings", b + "/findings"}}
		for range 3 {
			pages = append(pages, [2]string{"report", fmt.Sprintf("%s/reports/%d", b, rng.Intn(reports))})
		}
		pages = append(pages, [2]string{"api-results", "/api" + b + "/results"})
		for _, p := range pages {
			if ctx.Err() != nil {
				return
			}
			_, _ = c.do(context.Background(), p[0], http.MethodGet, p[1], "", nil, http.StatusOK)
		}
	}
}

// syntheticUpload is a set of reports no one has sent before: the sample
// documents in each generated layout under a body name of their own, so
// the store has nothing to reuse.
func syntheticUpload(tag string) (map[string][]byte, error) {
	files := map[string][]byte{}
	for i, layout := range render.GenerateFormats {
		doc := engine.SampleDocument(schema.Template2021)
		agency := fmt.Sprintf("压测市%s第%d局", tag, i+1)
		doc.Meta.Agency = agency
		if doc.Meta.Year != nil {
			doc.Meta.Title = fmt.Sprintf("%s%d年政府信息公开工作年度报告", agency, *doc.Meta.Year)
		}
		var data []byte
		var err error
		ext := ".txt"
		switch layout {
		case "html":
			data, ext = render.HTML(doc), ".html"
		case "docx":
			data, err = render.DOCX(doc)
			ext = ".docx"
		default:
			data, err = render.TextLayout(doc, layout)
		}
		if err != nil {
			return nil, err
		}
		files[fmt.Sprintf("%s-%d%s", tag, i+1, ext)] = data
	}
	return files, nil
}

func multipartOf(files map[string][]byte) ([]byte, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range sortedNames(files) {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			return nil, "", err
		}
		if _, err := fw.Write(files[name]); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// uploadLoop creates a batch, uploads new reports into it, runs it and
// waits for the run, over and over until stop ends; a run that fails is a
// failure. The run in flight when stop ends is still waited for: a batch
// left half done is not an upload done, and one that fails must be seen.
func (c *loadClient) uploadLoop(stop context.Context, who int) {
	ctx := context.Background()
	for n := 0; stop.Err() == nil; n++ {
		files, err := syntheticUpload(fmt.Sprintf("U%dN%d", who, n))
		if err != nil {
			c.st.fail("generate: %v", err)
			return
		}
		body, ctype, err := multipartOf(files)
		if err != nil {
			c.st.fail("multipart: %v", err)
			return
		}
		nb, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("压测批次 %d-%d", who, n), "year": 2021, "profile": "default"})
		out, err := c.do(ctx, "api-create", http.MethodPost, "/api/batches", "application/json", nb, http.StatusCreated)
		if err != nil {
			return
		}
		var b APIBatch
		if err := json.Unmarshal(out, &b); err != nil {
			c.st.fail("create batch: %v", err)
			return
		}
		path := fmt.Sprintf("/api/batches/%d", b.ID)
		out, err = c.do(ctx, "api-upload", http.MethodPost, path+"/files", ctype, body, http.StatusOK)
		if err != nil {
			return
		}
		var in intakeResult
		if err := json.Unmarshal(out, &in); err != nil || len(in.Added) != len(files) {
			c.st.fail("upload to batch %d: %s", b.ID, firstLine(out))
			return
		}
		if _, err := c.do(ctx, "api-run", http.MethodPost, path+"/run", "application/json", nil, http.StatusAccepted); err != nil {
			return
		}
		wait, cancel := context.WithTimeout(ctx, 5*time.Minute)
		state := c.await(wait, path)
		cancel()
		switch state {
		case store.BatchDone:
			c.st.mu.Lock()
			c.st.uploads++
			c.st.mu.Unlock()
		case "":
			return
		default:
			c.st.fail("batch %d ended %s", b.ID, state)
			return
		}
	}
}

// await polls the batch until its run ends and returns its state ("" when
// the poll itself failed).
func (c *loadClient) await(ctx context.Context, path string) string {
	for {
		out, err := c.do(ctx, "api-batch", http.MethodGet, path, "", nil, http.StatusOK)
		if err != nil {
			return ""
		}
		var b APIBatch
		if err := json.Unmarshal(out, &b); err != nil {
			c.st.fail("GET %s: %v", path, err)
			return ""
		}
		if b.State == store.BatchDone || b.State == store.BatchFailed {
			return b.State
		}
		select {
		case <-ctx.Done():
			c.st.fail("GET %s: still %s", path, b.State)
			return ""
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// heapSampler keeps the peak of the process's heap (the server and the
// clients share it) until stopped.
func heapSampler() (stop func() (peakInuse, peakSys uint64)) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	var inuse, sys uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		inuse = max(inuse, ms.HeapInuse)
		sys = max(sys, ms.HeapSys)
	}
	wg.Go(func() {
		tk := time.NewTicker(250 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-done:
				sample()
				return
			case <-tk.C:
				sample()
			}
		}
	})
	return func() (uint64, uint64) {
		close(done)
		wg.Wait()
		return inuse, sys
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(float64(len(ds))*p+0.5) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// TestLoad is issue #15's load on loopback: 50 officers browsing a checked
// batch and 5 uploading and running batches of their own, at once, for
// -load-duration. Every answer must be the expected one, no connection may
// fail and every run must end done; the figures are logged, not asserted
// (timings depend on the machine).
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	plog := &problemLog{}
	// Behind the office's reverse proxy each officer has an address of
	// their own: the login limit per address does not lump them together.
	e := newEnv(t, func(c *Config) {
		c.Log = slog.New(slog.NewTextHandler(plog, nil))
		c.TrustProxy = true
		c.Workers = 0
	})
	e.user("lead", account.RoleReviewer)
	setup := e.login("lead")
	id := setup.createBatch(2024)
	corpus := corpusFiles(t)
	if r := setup.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"corpus.zip": zipOf(t, corpus)}, ""); r.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	if r := setup.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil); r.StatusCode != http.StatusAccepted {
		t.Fatalf("run: %d %s", r.StatusCode, r.body)
	}
	if b := e.waitDone(id); b.State != store.BatchDone {
		t.Fatalf("corpus batch: %+v", b)
	}
	reports := len(setup.results(id).Reports)
	if reports != len(corpus) {
		t.Fatalf("%d results for %d files", reports, len(corpus))
	}

	st := &loadStats{lat: map[string][]time.Duration{}}
	tr := &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	ctx := context.Background()
	var browsers, uploaders []*loadClient
	for i := range loadBrowsers + loadUploaders {
		role, name := account.RoleViewer, fmt.Sprintf("viewer%02d", i)
		if i%2 == 0 || i >= loadBrowsers {
			role, name = account.RoleReviewer, fmt.Sprintf("reviewer%02d", i)
		}
		e.user(name, role)
		c := newLoadClient(e, tr, st, i)
		if err := c.login(ctx, name); err != nil {
			t.Fatalf("login %s: %v %v", name, err, st.failures)
		}
		if i < loadBrowsers {
			browsers = append(browsers, c)
		} else {
			uploaders = append(uploaders, c)
		}
	}
	// The logins are not part of the figures.
	st.lat = map[string][]time.Duration{}
	st.requests.Store(0)

	t.Logf("load: %d browsers, %d uploaders, %s, GOMAXPROCS %d, corpus batch of %d reports", len(browsers), len(uploaders), *loadDuration, runtime.GOMAXPROCS(0), reports)
	stopHeap := heapSampler()
	// run only says when to stop: a request in flight then is finished,
	// not cancelled (a cancelled one would be the test's failure).
	run, cancel := context.WithTimeout(ctx, *loadDuration)
	defer cancel()
	t0 := time.Now()
	var wg sync.WaitGroup
	for i, c := range browsers {
		wg.Go(func() { c.browse(run, id, reports, int64(i)) })
	}
	for i, c := range uploaders {
		wg.Go(func() { c.uploadLoop(run, i) })
	}
	wg.Wait()
	elapsed := time.Since(t0)
	peakInuse, peakSys := stopHeap()

	total := st.requests.Load()
	t.Logf("load: %d requests in %.1f s: %.1f req/s; %d uploads run to done (%d reports each); %d failures",
		total, elapsed.Seconds(), float64(total)/elapsed.Seconds(), st.uploads, loadUploadFiles, st.failed)
	t.Logf("load: peak heap in use %.1f MB (heap from the OS %.1f MB; server and clients share the process)",
		float64(peakInuse)/(1<<20), float64(peakSys)/(1<<20))
	kinds := make([]string, 0, len(st.lat))
	for k := range st.lat {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var pages []time.Duration
	t.Logf("load: %-12s %7s %8s %8s %8s %8s  (ms)", "kind", "n", "p50", "p95", "p99", "max")
	for _, k := range kinds {
		ds := st.lat[k]
		if !strings.HasPrefix(k, "api-") || k == "api-results" {
			pages = append(pages, ds...)
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		t.Logf("load: %-12s %7d %8s %8s %8s %8s", k, len(ds), ms(percentile(ds, .50)), ms(percentile(ds, .95)), ms(percentile(ds, .99)), ms(ds[len(ds)-1]))
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i] < pages[j] })
	t.Logf("load: %-12s %7d %8s %8s %8s", "all pages", len(pages), ms(percentile(pages, .50)), ms(percentile(pages, .95)), ms(percentile(pages, .99)))

	if st.failed > 0 {
		t.Errorf("%d failed requests or runs, first ones:\n%s", st.failed, strings.Join(st.failures, "\n"))
	}
	if st.uploads == 0 {
		t.Errorf("no upload ran to done in %s", *loadDuration)
	}
	if lines := plog.all(); len(lines) > 0 {
		t.Errorf("the server logged %d warnings or errors, first ones:\n%s", len(lines), strings.Join(lines[:min(len(lines), 10)], "\n"))
	}
}

// TestWebVsCLI is issue #15's bound on the web path: a 1,000-report batch
// uploaded as one zip, run and awaited through the API takes at most 1.5×
// what assess.Run takes on the same files with the same checker and a
// fresh store (what `ogi assess --db` does). Three rounds, interleaved;
// the median ratio counts.
func TestWebVsCLI(t *testing.T) {
	if !*webVsCLI {
		t.Skip("slow: run with -web-vs-cli")
	}
	n := *webVsCLIN
	dir := t.TempDir()
	gen, err := render.Generate([]*schema.Document{engine.SampleDocument(schema.Template2019), engine.SampleDocument(schema.Template2021)}, n, 1, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var size int
	for _, g := range gen {
		if err := os.WriteFile(filepath.Join(in, g.Name), g.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		files[g.Name] = g.Data
		size += len(g.Data)
	}
	zipped := zipOf(t, files)
	t.Logf("web-vs-cli: %d reports, %.1f MB, zip %.1f MB, GOMAXPROCS %d", n, float64(size)/(1<<20), float64(len(zipped))/(1<<20), runtime.GOMAXPROCS(0))
	chk, err := defaultChecker("default", "")
	if err != nil {
		t.Fatal(err)
	}

	cli := func(round int) time.Duration {
		work := filepath.Join(dir, fmt.Sprintf("cli-%d", round))
		if err := os.MkdirAll(work, 0o755); err != nil {
			t.Fatal(err)
		}
		inputs, err := assess.Expand([]string{in})
		if err != nil {
			t.Fatal(err)
		}
		var problems []string
		cpu0 := cpuTime()
		t0 := time.Now()
		out, err := assess.Run(context.Background(), inputs, assess.Options{Checker: chk, Store: filepath.Join(work, "ogi.db"),
			Version: "test", Converter: "test", Years: []int{2021},
			Outputs: []report.Spec{report.FlagSpec("results", "jsonl", filepath.Join(work, "results.jsonl"))},
			Problem: func(l string) { problems = append(problems, l) }})
		d, cpu := time.Since(t0), cpuTime()-cpu0
		if err != nil || len(problems) > 0 || out.Code == check.ExitOutput {
			t.Fatalf("cli: %v %v", err, problems)
		}
		if out.Stats.Reports != n || out.Stats.Converted != n {
			t.Fatalf("cli: %+v", out.Stats)
		}
		t.Logf("web-vs-cli: round %d cli %.2f s, CPU %.2f s (%s)", round, d.Seconds(), cpu.Seconds(), strings.Join(out.Stats.Timings, ", "))
		_ = os.RemoveAll(work)
		return d
	}
	web := func(round int) time.Duration {
		at := filepath.Join(dir, fmt.Sprintf("web-%d", round))
		if err := os.MkdirAll(at, 0o755); err != nil {
			t.Fatal(err)
		}
		e := newEnvAt(t, at, func(c *Config) {
			c.Checker = func(string, string) (*check.Checker, error) { return chk, nil }
			c.Workers = 0
		})
		defer e.close()
		e.user("li", account.RoleReviewer)
		c := e.login("li")
		id := c.createBatch(2021)
		cpu0 := cpuTime()
		t0 := time.Now()
		r := c.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"batch.zip": zipped}, "")
		up, upCPU := time.Since(t0), cpuTime()-cpu0
		var res intakeResult
		if err := json.Unmarshal([]byte(r.body), &res); err != nil || r.StatusCode != http.StatusOK || len(res.Added) != n {
			t.Fatalf("upload: %d %.300s", r.StatusCode, r.body)
		}
		if r := c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil); r.StatusCode != http.StatusAccepted {
			t.Fatalf("run: %d %s", r.StatusCode, r.body)
		}
		b := e.waitDone(id)
		d, cpu := time.Since(t0), cpuTime()-cpu0
		if b.State != store.BatchDone {
			t.Fatalf("web: batch %+v", b)
		}
		t.Logf("web-vs-cli: round %d web %.2f s, CPU %.2f s (upload %.2f s, CPU %.2f s; run %.2f s by the batch's clock)",
			round, d.Seconds(), cpu.Seconds(), up.Seconds(), upCPU.Seconds(), b.Finished.Sub(b.Started).Seconds())
		return d
	}

	var ratios []float64
	for round := 1; round <= 3; round++ {
		var c, w time.Duration
		// The order alternates so neither path always meets a warm cache.
		if round%2 == 1 {
			c, w = cli(round), web(round)
		} else {
			w, c = web(round), cli(round)
		}
		ratios = append(ratios, w.Seconds()/c.Seconds())
		t.Logf("web-vs-cli: round %d ratio %.2f", round, ratios[len(ratios)-1])
	}
	sort.Float64s(ratios)
	median := ratios[len(ratios)/2]
	t.Logf("web-vs-cli: median ratio web/cli %.2f (bound 1.5)", median)
	if median > 1.5 {
		t.Errorf("the web path takes %.2f× the CLI's time for %d reports (bound 1.5×)", median, n)
	}
}
