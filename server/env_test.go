package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/internal/store"
)

// testEnv is a server on a loopback port with a store and data directory
// of its own, and its log kept for the tests that read it.
type testEnv struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
	dir string
	log *syncBuffer
}

// syncBuffer is a log that handlers write to from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnv starts a server; tweak, when set, changes its configuration.
func newEnv(t *testing.T, tweak func(*Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	return newEnvAt(t, dir, tweak)
}

func newEnvAt(t *testing.T, dir string, tweak func(*Config)) *testEnv {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{DB: filepath.Join(dir, "ogi.db"), DataDir: filepath.Join(dir, "data"), Version: "test", Converter: "test",
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Workers: 2}
	if tweak != nil {
		tweak(&cfg)
	}
	ctx := context.Background()
	s, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	env := &testEnv{t: t, srv: s, ts: ts, dir: dir, log: logs}
	t.Cleanup(env.close)
	return env
}

func (e *testEnv) close() {
	if e.ts == nil {
		return
	}
	e.ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.srv.Close(ctx); err != nil {
		e.t.Log("close:", err)
	}
	e.ts = nil
}

// testPassword is every test account's password.
const testPassword = "correct horse battery"

// user creates an account directly in the store.
func (e *testEnv) user(name, role string) store.User {
	e.t.Helper()
	hash, err := account.HashPassword(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	u := store.User{Name: name, Display: name, Role: role, PasswordHash: hash, Created: time.Now()}
	if u.ID, err = e.srv.db.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// client is a browser-like client: cookies kept, redirects not followed
// (the tests look at them), same-origin headers on its requests.
type client struct {
	e   *testEnv
	hc  *http.Client
	tok string
}

func (e *testEnv) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{Jar: jar, Timeout: 5 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs name in with the test password and fails the test when
// that does not give a session.
func (e *testEnv) login(name string) *client {
	e.t.Helper()
	c := e.anon()
	resp := c.postForm("/login", url.Values{"name": {name}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", name, resp.StatusCode, resp.body)
	}
	return c
}

// response is a read response.
type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) response {
	c.e.t.Helper()
	if c.tok != "" {
		req.Header.Set("Authorization", "Bearer "+c.tok)
	} else if req.Method != http.MethodGet && req.Method != http.MethodHead && req.Header.Get("Origin") == "" {
		// What a browser sends with a form of the same site.
		req.Header.Set("Origin", c.e.ts.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return response{resp, string(b)}
}

func (c *client) get(path string) response {
	req, err := http.NewRequest(http.MethodGet, c.e.ts.URL+path, nil)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) postForm(path string, v url.Values) response {
	req, err := http.NewRequest(http.MethodPost, c.e.ts.URL+path, strings.NewReader(v.Encode()))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) postJSON(path string, v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.e.ts.URL+path, bytes.NewReader(b))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

// upload posts files (name → bytes) as the upload form does.
func (c *client) upload(path string, files map[string][]byte, accept string) response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range sortedNames(files) {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			c.e.t.Fatal(err)
		}
		_, _ = fw.Write(files[name])
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.ts.URL+path, &buf)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return c.do(req)
}

func sortedNames(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// corpusFiles are the repository's real and seed reports: the corpus an
// office would upload.
func corpusFiles(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"../testdata/real", "../testdata/seeds"} {
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = b
		}
	}
	return out
}

// zipOf packs files into a zip, in name order.
func zipOf(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedNames(files) {
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

// waitDone polls the batch until its run ends and returns its state.
func (e *testEnv) waitDone(id int64) store.Batch {
	e.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		b, _, err := e.srv.db.Batch(context.Background(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if b.State == store.BatchDone || b.State == store.BatchFailed {
			return b
		}
		time.Sleep(50 * time.Millisecond)
	}
	b, _, _ := e.srv.db.Batch(context.Background(), id)
	e.t.Fatalf("batch %d did not finish: %+v\n%s", id, b, e.log.String())
	return store.Batch{}
}

// textFiles are the corpus's text reports: quick to check, enough to
// have findings.
func textFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for name, b := range corpusFiles(t) {
		if strings.HasSuffix(name, ".txt") {
			files[name] = b
		}
	}
	return files
}

// checkedBatch creates a batch of files through the API, runs it and
// waits until it is done.
func (c *client) checkedBatch(files map[string][]byte) int64 {
	c.e.t.Helper()
	id := c.createBatch(2024)
	if r := c.upload(fmt.Sprintf("/api/batches/%d/files", id), files, ""); r.StatusCode != http.StatusOK {
		c.e.t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	if r := c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil); r.StatusCode != http.StatusAccepted {
		c.e.t.Fatalf("run: %d", r.StatusCode)
	}
	if b := c.e.waitDone(id); b.State != "done" {
		c.e.t.Fatalf("batch: %+v", b)
	}
	return id
}

// waitLimit bounds how long a test waits for a batch to end.
var waitLimit = 5 * time.Minute
