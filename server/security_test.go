package server

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/intake"
	"github.com/ogi-checker/ogi/internal/store"
)

// The security tests: who may reach which route, cookies and sessions,
// cross-origin requests, the login rate limit, the audit trail, what the
// store and the log keep of passwords, and what uploads and URL downloads
// refuse.

// routeAction is what each registered route asks of its caller: "public"
// (no session), or the account.Can action. TestRouteTableComplete fails
// when a route is added to routes() without an entry here, so that every
// new route is walked by the tests below.
var routeAction = map[string]string{
	"GET /assets/":    "public",
	"GET /healthz":    "public",
	"GET /readyz":     "public",
	"GET /login":      "public",
	"POST /login":     "public",
	"POST /api/login": "public",
	"GET /setup":      "public",
	"POST /setup":     "public",

	"POST /logout":                                       "view",
	"GET /{$}":                                           "view",
	"GET /batches":                                       "view",
	"GET /batches/{id}":                                  "view",
	"GET /batches/{id}/events":                           "view",
	"GET /batches/{id}/overview":                         "view",
	"GET /batches/{id}/findings":                         "view",
	"GET /batches/{id}/reports/{idx}":                    "view",
	"GET /batches/{id}/reports/{idx}/original":           "view",
	"GET /batches/{id}/reports/{idx}/compare":            "view",
	"GET /batches/{id}/reports/{idx}/pages/{page}":       "view",
	"GET /batches/{id}/reports/{idx}/pages/{page}/image": "view",
	"GET /admin/library":                                 "admin",
	"POST /admin/library":                                "admin",
	"POST /admin/library/delete":                         "admin",
	"GET /batches/{id}/export/{format}":                  "view",
	"GET /account":                                       "view",
	"POST /account/password":                             "view",
	"POST /account/tokens":                               "view",
	"POST /account/tokens/revoke":                        "view",
	"/":                                                  "view",
	"GET /api/openapi.json":                              "view",
	"GET /api/me":                                        "view",
	"POST /api/logout":                                   "view",
	"GET /api/batches":                                   "view",
	"GET /api/batches/{id}":                              "view",
	"GET /api/batches/{id}/events":                       "view",
	"GET /api/batches/{id}/results":                      "view",
	"GET /api/batches/{id}/reports/{idx}":                "view",
	"GET /api/batches/{id}/reports/{idx}/original":       "view",
	"GET /api/batches/{id}/export/{format}":              "view",
	"GET /api/findings/{fid}/history":                    "view",
	"POST /api/tokens":                                   "view",
	"/api/":                                              "view",

	"POST /batches":                "run",
	"POST /batches/{id}/files":     "run",
	"POST /batches/{id}/urls":      "run",
	"POST /batches/{id}/remove":    "run",
	"POST /batches/{id}/run":       "run",
	"POST /api/batches":            "run",
	"POST /api/batches/{id}/files": "run",
	"POST /api/batches/{id}/urls":  "run",
	"POST /api/batches/{id}/run":   "run",

	"POST /batches/{id}/decisions":     "decide",
	"POST /api/batches/{id}/decisions": "decide",

	"GET /admin/users":        "admin",
	"POST /admin/users":       "admin",
	"POST /admin/users/{uid}": "admin",
	"GET /admin/audit":        "admin",
	"GET /api/users":          "admin",
	"POST /api/users":         "admin",
	"POST /api/users/{uid}":   "admin",
	"GET /api/audit":          "admin",
}

// routePaths turns a pattern into the requests that reach it: its method
// (GET and POST for a pattern without one) and a path with the wildcards
// filled.
func routePaths(pattern string) (methods []string, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	methods = []string{method}
	if method == "" {
		methods = []string{http.MethodGet, http.MethodPost}
	}
	fill := strings.NewReplacer("{$}", "", "{id}", "1", "{idx}", "0", "{format}", "xlsx", "{uid}", "1", "{fid}", "r1~x", "{page}", "1")
	path = fill.Replace(path)
	switch {
	case pattern == "/":
		path = "/no-such-page"
	case path == "/assets/":
		path += "app.css"
	case strings.HasSuffix(path, "/") && path != "/":
		// A subtree (/api/): something inside it.
		path += "no-such"
	}
	return methods, path
}

// TestRouteTableComplete: routeAction names exactly the routes there are.
func TestRouteTableComplete(t *testing.T) {
	e := newEnv(t, nil)
	_, patterns := e.srv.mount()
	seen := map[string]bool{}
	for _, p := range patterns {
		if seen[p] {
			t.Errorf("route %q registered twice", p)
		}
		seen[p] = true
		if _, ok := routeAction[p]; !ok {
			t.Errorf("route %q is not in routeAction: add it with the action it needs, so the security tests walk it", p)
		}
	}
	for p := range routeAction {
		if !seen[p] {
			t.Errorf("routeAction names %q, which routes() does not register", p)
		}
	}
	if len(patterns) < 50 {
		t.Errorf("only %d routes recorded", len(patterns))
	}
}

// send is a request exactly as given: no same-origin headers added (the
// client's do adds them), the client's cookies only.
func send(t *testing.T, hc *http.Client, method, u string, body io.Reader, hdr map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp, string(b)}
}

func noRedirects() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestRoutesNeedSession: without a session (none, a made-up cookie, a
// made-up token) every page sends the browser to the login page and every
// API route answers 401 in JSON; only the login and setup pages, the
// health check and the assets answer.
func TestRoutesNeedSession(t *testing.T) {
	e := newEnv(t, nil)
	e.user("wang", account.RoleAdmin)
	_, patterns := e.srv.mount()
	// What the public routes answer to nobody.
	public := map[string]int{
		"GET /assets/":    http.StatusOK,
		"GET /healthz":    http.StatusOK,
		"GET /readyz":     http.StatusOK,
		"GET /login":      http.StatusOK,
		"POST /login":     http.StatusUnauthorized, // an empty form is a failed login
		"POST /api/login": http.StatusUnauthorized,
		"GET /setup":      http.StatusNotFound, // no setup token given
		"POST /setup":     http.StatusNotFound,
	}
	nobody := []struct {
		name string
		hdr  map[string]string
	}{
		{"no credentials", nil},
		{"made-up session cookie", map[string]string{"Cookie": sessionCookie + "=bm90LWEtc2Vzc2lvbi10b2tlbi1hdC1hbGwtYXQtYWxsLTEyMw"}},
		{"made-up token", map[string]string{"Authorization": "Bearer bm90LWEtc2Vzc2lvbi10b2tlbi1hdC1hbGwtYXQtYWxsLTEyMw"}},
		{"not a bearer token", map[string]string{"Authorization": "Basic d2FuZzpjb3JyZWN0IGhvcnNlIGJhdHRlcnk="}},
	}
	for _, p := range patterns {
		methods, path := routePaths(p)
		for _, m := range methods {
			for i, nb := range nobody {
				if _, ok := public[p]; ok && i > 0 {
					// Public routes do not look at credentials; once is
					// enough (and keeps the login limiter out of it).
					continue
				}
				t.Run(m+" "+path+"/"+nb.name, func(t *testing.T) {
					hdr := map[string]string{"Origin": e.ts.URL, "Sec-Fetch-Site": "same-origin"}
					for k, v := range nb.hdr {
						hdr[k] = v
					}
					var body io.Reader
					if m == http.MethodPost {
						body = strings.NewReader("name=wang&verdict=confirmed&finding=x&year=2024")
						hdr["Content-Type"] = "application/x-www-form-urlencoded"
					}
					r := send(t, noRedirects(), m, e.ts.URL+path, body, hdr)
					if want, ok := public[p]; ok {
						if r.StatusCode != want {
							t.Fatalf("public route: %d, want %d", r.StatusCode, want)
						}
						return
					}
					if routeAction[p] == "public" {
						t.Fatalf("route %q is public in routeAction but has no expected answer", p)
					}
					if strings.HasPrefix(path, "/api/") {
						if r.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
							t.Fatalf("%d %s %q, want 401 JSON", r.StatusCode, r.Header.Get("Content-Type"), r.body)
						}
						var ae apiError
						if err := json.Unmarshal([]byte(r.body), &ae); err != nil || ae.ErrorZh != "请先登录" || ae.Error == "" {
							t.Fatalf("401 body %q", r.body)
						}
						if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
							t.Fatalf("WWW-Authenticate %q", r.Header.Get("WWW-Authenticate"))
						}
						return
					}
					loc := r.Header.Get("Location")
					if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
						t.Fatalf("%d Location %q, want 303 to /login", r.StatusCode, loc)
					}
					if next, _ := url.QueryUnescape(strings.TrimPrefix(loc, "/login?next=")); next != path {
						t.Fatalf("next %q, want %q", next, path)
					}
					if strings.Contains(r.body, "wang") {
						t.Fatal("the redirect shows account data")
					}
				})
			}
		}
	}
	// A method no route has is no way in either.
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r := send(t, noRedirects(), m, e.ts.URL+"/batches/1", nil, map[string]string{"Origin": e.ts.URL})
		if r.StatusCode < 300 {
			t.Errorf("%s /batches/1 without a session: %d", m, r.StatusCode)
		}
	}
}

// secFixture is an office with one account of each role and a batch that
// has been run, so that a decision or a re-run would really change the
// store; URL downloads may reach loopback, where a server hands out the
// seed reports.
type secFixture struct {
	e                         *testEnv
	admin, reviewer, viewer   *client
	adminU, reviewerU, viewrU store.User
	batch                     int64
	finding                   string
	files                     *httptest.Server
}

func newSecFixture(t *testing.T) *secFixture {
	t.Helper()
	files := httptest.NewServer(http.FileServer(http.Dir("../testdata/seeds")))
	t.Cleanup(files.Close)
	e := newEnv(t, func(c *Config) { c.FetchAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	f := &secFixture{e: e, files: files}
	f.adminU = e.user("wang", account.RoleAdmin)
	f.reviewerU = e.user("li", account.RoleReviewer)
	f.viewrU = e.user("zhao", account.RoleViewer)
	f.admin, f.reviewer, f.viewer = e.login("wang"), e.login("li"), e.login("zhao")
	f.batch = f.admin.createBatch(2024)
	seed := seedFile(t, "000_80384ef52a1d3930.txt")
	r := f.admin.upload(fmt.Sprintf("/api/batches/%d/files", f.batch), map[string][]byte{"000.txt": seed}, "")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	if r := f.admin.postJSON(fmt.Sprintf("/api/batches/%d/run", f.batch), nil); r.StatusCode != http.StatusAccepted {
		t.Fatalf("run: %d %s", r.StatusCode, r.body)
	}
	if b := e.waitDone(f.batch); b.State != store.BatchDone {
		t.Fatalf("batch: %+v", b)
	}
	for _, fr := range f.admin.results(f.batch).Reports {
		for _, fd := range fr.Findings {
			if fd.ID != "" && f.finding == "" {
				f.finding = fd.ID
			}
		}
	}
	if f.finding == "" {
		t.Fatal("the seed report has no finding to decide")
	}
	return f
}

func seedFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata/seeds", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dumpStore is every row of every table of the store, as text: two dumps
// differ when anything at all was written.
func dumpStore(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file://"+(&url.URL{Path: abs}).EscapedPath()+"?_busy_timeout=5000&_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	_ = rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		rs, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", tb, vals)
		}
		_ = rs.Close()
	}
	return b.String()
}

// guarded is a request to a route that needs more than "view", with a
// body that does what the route is for, so that an allowed account's
// request changes the store (writes) and a forbidden one's must not.
type guarded struct {
	pattern string
	writes  bool
	req     func(f *secFixture) *http.Request
}

func formReq(method, u string, v url.Values) *http.Request {
	req, _ := http.NewRequest(method, u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func jsonReq(u string, v any) *http.Request {
	b, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func filesReq(u, name string, data []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("files", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

// libraryReq uploads a profile or roster as the library page does.
func libraryReq(u, kind, name string, data []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", kind)
	_ = mw.WriteField("name", name)
	fw, _ := mw.CreateFormFile("file", name+".csv")
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

func getReq(u string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return req
}

// guardedRoutes are in an order in which each succeeds for an
// administrator: decisions before the item is removed, runs last.
var guardedRoutes = []guarded{
	{"GET /admin/users", false, func(f *secFixture) *http.Request { return getReq(f.e.ts.URL + "/admin/users") }},
	{"GET /admin/audit", false, func(f *secFixture) *http.Request { return getReq(f.e.ts.URL + "/admin/audit") }},
	{"GET /admin/library", false, func(f *secFixture) *http.Request { return getReq(f.e.ts.URL + "/admin/library") }},
	{"POST /admin/library", true, func(f *secFixture) *http.Request {
		return libraryReq(f.e.ts.URL+"/admin/library", "roster", "越权名单", []byte("body,type\n某某局,department\n"))
	}},
	{"POST /admin/library/delete", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, f.e.ts.URL+"/admin/library/delete", url.Values{"kind": {"roster"}, "name": {"越权名单"}})
	}},
	{"GET /api/users", false, func(f *secFixture) *http.Request { return getReq(f.e.ts.URL + "/api/users") }},
	{"GET /api/audit", false, func(f *secFixture) *http.Request { return getReq(f.e.ts.URL + "/api/audit") }},
	{"POST /admin/users", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, f.e.ts.URL+"/admin/users", url.Values{"name": {"newbie1"}, "display": {"新人一"},
			"role": {account.RoleAdmin}, "password": {testPassword}, "password2": {testPassword}})
	}},
	{"POST /admin/users/{uid}", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, fmt.Sprintf("%s/admin/users/%d", f.e.ts.URL, f.viewrU.ID), url.Values{"role": {account.RoleAdmin}})
	}},
	{"POST /api/users", true, func(f *secFixture) *http.Request {
		return jsonReq(f.e.ts.URL+"/api/users", map[string]any{"name": "newbie2", "role": account.RoleAdmin, "password": testPassword})
	}},
	{"POST /api/users/{uid}", true, func(f *secFixture) *http.Request {
		return jsonReq(fmt.Sprintf("%s/api/users/%d", f.e.ts.URL, f.reviewerU.ID), map[string]any{"display": "改名"})
	}},
	{"POST /batches/{id}/decisions", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, fmt.Sprintf("%s/batches/%d/decisions", f.e.ts.URL, f.batch), url.Values{"finding": {f.finding}, "verdict": {"confirmed"}})
	}},
	{"POST /api/batches/{id}/decisions", true, func(f *secFixture) *http.Request {
		return jsonReq(fmt.Sprintf("%s/api/batches/%d/decisions", f.e.ts.URL, f.batch), map[string]any{"findings": []string{f.finding}, "verdict": "dismissed", "reason": "原文无误"})
	}},
	{"POST /batches", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, f.e.ts.URL+"/batches", url.Values{"name": {"越权批次"}, "year": {"2024"}, "profile": {"default"}})
	}},
	{"POST /api/batches", true, func(f *secFixture) *http.Request {
		return jsonReq(f.e.ts.URL+"/api/batches", map[string]any{"name": "越权批次", "year": 2024})
	}},
	{"POST /batches/{id}/files", true, func(f *secFixture) *http.Request {
		return filesReq(fmt.Sprintf("%s/batches/%d/files", f.e.ts.URL, f.batch), "001.txt", seedFile(f.e.t, "001_1dc63dd6a21548ca.txt"))
	}},
	{"POST /api/batches/{id}/files", true, func(f *secFixture) *http.Request {
		return filesReq(fmt.Sprintf("%s/api/batches/%d/files", f.e.ts.URL, f.batch), "002.txt", seedFile(f.e.t, "002_a141446f969544e3.txt"))
	}},
	{"POST /batches/{id}/urls", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, fmt.Sprintf("%s/batches/%d/urls", f.e.ts.URL, f.batch), url.Values{"urls": {f.files.URL + "/003_c95910d04a7fd181.txt"}})
	}},
	{"POST /api/batches/{id}/urls", true, func(f *secFixture) *http.Request {
		return jsonReq(fmt.Sprintf("%s/api/batches/%d/urls", f.e.ts.URL, f.batch), map[string]any{"urls": []string{f.files.URL + "/004_cee81fd346254158.txt"}})
	}},
	{"POST /batches/{id}/remove", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, fmt.Sprintf("%s/batches/%d/remove", f.e.ts.URL, f.batch), url.Values{"seq": {"1"}})
	}},
	{"POST /batches/{id}/run", true, func(f *secFixture) *http.Request {
		return formReq(http.MethodPost, fmt.Sprintf("%s/batches/%d/run", f.e.ts.URL, f.batch), nil)
	}},
	{"POST /api/batches/{id}/run", true, func(f *secFixture) *http.Request {
		return jsonReq(fmt.Sprintf("%s/api/batches/%d/run", f.e.ts.URL, f.batch), nil)
	}},
}

// TestRoutesByRole: a viewer gets 403 from every route that decides, runs
// or administers, a reviewer from every administration route, and the
// store is the same before and after; the same requests from an
// administrator do change it (so the bodies are ones that would work).
func TestRoutesByRole(t *testing.T) {
	f := newSecFixture(t)
	covered := map[string]bool{}
	for _, g := range guardedRoutes {
		covered[g.pattern] = true
		if a := routeAction[g.pattern]; a != "run" && a != "decide" && a != "admin" {
			t.Errorf("%s: action %q, not a guarded route", g.pattern, a)
		}
	}
	for p, a := range routeAction {
		if (a == "run" || a == "decide" || a == "admin") && !covered[p] {
			t.Errorf("route %s (%s) has no request in guardedRoutes", p, a)
		}
	}
	dbPath := filepath.Join(f.e.dir, "ogi.db")
	for _, who := range []struct {
		name    string
		c       *client
		refused map[string]bool
	}{
		{"viewer", f.viewer, map[string]bool{"run": true, "decide": true, "admin": true}},
		{"reviewer", f.reviewer, map[string]bool{"admin": true}},
	} {
		for _, g := range guardedRoutes {
			if !who.refused[routeAction[g.pattern]] {
				continue
			}
			before := dumpStore(t, dbPath)
			r := who.c.do(g.req(f))
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", who.name, g.pattern, r.StatusCode)
			}
			if strings.Contains(g.pattern, "/api/") && !strings.Contains(r.body, "无权") {
				t.Errorf("%s %s: body %q", who.name, g.pattern, r.body)
			}
			if after := dumpStore(t, dbPath); after != before {
				t.Errorf("%s %s changed the store", who.name, g.pattern)
			}
		}
	}
	for _, g := range guardedRoutes {
		before := dumpStore(t, dbPath)
		r := f.admin.do(g.req(f))
		if r.StatusCode >= 400 {
			t.Fatalf("admin %s: %d %s", g.pattern, r.StatusCode, r.body)
		}
		if strings.HasSuffix(g.pattern, "/run") {
			f.e.waitDone(f.batch)
		}
		if changed := dumpStore(t, dbPath) != before; changed != g.writes {
			t.Errorf("admin %s: store changed %v, want %v", g.pattern, changed, g.writes)
		}
	}
}

// TestAuditTrail: a decision, a user created and changed, a batch created
// and run each leave one audit row naming who did it, to what, and from
// where.
func TestAuditTrail(t *testing.T) {
	f := newSecFixture(t)
	ctx := context.Background()
	if r := f.reviewer.postJSON(fmt.Sprintf("/api/batches/%d/decisions", f.batch), map[string]any{"findings": []string{f.finding}, "verdict": "confirmed"}); r.StatusCode != http.StatusOK {
		t.Fatalf("decide: %d %s", r.StatusCode, r.body)
	}
	if r := f.admin.postForm("/admin/users", url.Values{"name": {"sun"}, "role": {account.RoleViewer}, "password": {testPassword}, "password2": {testPassword}}); r.StatusCode != http.StatusOK {
		t.Fatalf("create user: %d", r.StatusCode)
	}
	sun, _, _ := f.e.srv.db.UserByName(ctx, "sun")
	if r := f.admin.postForm(fmt.Sprintf("/admin/users/%d", sun.ID), url.Values{"role": {account.RoleReviewer}}); r.StatusCode != http.StatusOK {
		t.Fatalf("update user: %d", r.StatusCode)
	}
	nb := f.reviewer.createBatch(2023)
	if r := f.reviewer.postForm(fmt.Sprintf("/batches/%d/run", nb), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %d", r.StatusCode)
	}
	f.e.waitDone(nb)
	entries, err := f.e.srv.db.AuditLog(ctx, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ actor, action, target, detail string }{
		{"li", "decision", "finding:" + f.finding + " " + batchTarget(f.batch), "）：确认" + auditSep},
		{"wang", "user.create", "user:sun", "角色：查看者" + auditSep + "role: viewer"},
		{"wang", "user.update", "user:sun", "角色改为审核员" + auditSep + "role: reviewer"},
		{"li", "batch.create", batchTarget(nb), ""},
		{"li", "batch.run", batchTarget(nb), ""},
		{"wang", "batch.create", batchTarget(f.batch), ""},
		{"wang", "batch.run", batchTarget(f.batch), ""},
	} {
		n := 0
		for _, en := range entries {
			if en.Action != tc.action || en.Target != tc.target {
				continue
			}
			n++
			if en.Actor != tc.actor || en.Remote != "127.0.0.1" || en.At.IsZero() || !strings.Contains(en.Detail, tc.detail) {
				t.Errorf("%s %s: %+v", tc.action, tc.target, en)
			}
		}
		if n != 1 {
			t.Errorf("%s %s: %d audit rows, want 1", tc.action, tc.target, n)
		}
	}
	// The administrators read it; nobody else.
	if r := f.admin.get("/api/audit"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `"user.update"`) {
		t.Errorf("audit API: %d", r.StatusCode)
	}
}

// clock is a settable time for the server, safe to move while it serves.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// newEnvClock is newEnv with the server on clk, set before it serves.
func newEnvClock(t *testing.T, clk *clock, tweak func(*Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	logs := &syncBuffer{}
	cfg := Config{DB: filepath.Join(dir, "ogi.db"), DataDir: filepath.Join(dir, "data"), Version: "test", Converter: "test",
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Workers: 2}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.now = clk.now
	env := &testEnv{t: t, srv: s, ts: httptest.NewServer(s.Handler()), dir: dir, log: logs}
	t.Cleanup(env.close)
	return env
}

func auditCount(t *testing.T, e *testEnv, action, actor string) int {
	t.Helper()
	es, err := e.srv.db.AuditLog(context.Background(), 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, en := range es {
		if en.Action == action && (actor == "" || en.Actor == actor) {
			n++
		}
	}
	return n
}

// TestLoginLimit: five wrong passwords for a name in a minute, however
// the name is written, and the sixth attempt is refused with 429 even
// with the right password; a minute later it works. Per address, thirty
// attempts; behind a trusted proxy the address is the one the proxy saw,
// not one the client wrote into X-Forwarded-For.
func TestLoginLimit(t *testing.T) {
	t.Run("per name", func(t *testing.T) {
		clk := newClock()
		e := newEnvClock(t, clk, nil)
		e.user("li", account.RoleReviewer)
		e.user("wang", account.RoleAdmin)
		c := e.anon()
		for i, name := range []string{"li", "LI", "Li", "ｌｉ", " li "} {
			if r := c.postForm("/login", url.Values{"name": {name}, "password": {"wrong password " + strconv.Itoa(i)}}); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("wrong attempt %d (%q): %d", i+1, name, r.StatusCode)
			}
		}
		r := c.postForm("/login", url.Values{"name": {"li"}, "password": {testPassword}})
		if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.body, "尝试次数过多") {
			t.Fatalf("sixth attempt, right password: %d", r.StatusCode)
		}
		if len(r.Cookies()) != 0 {
			t.Fatal("a refused login set a cookie")
		}
		rq := formReq(http.MethodPost, e.ts.URL+"/api/login", url.Values{"name": {"Li"}, "password": {testPassword}})
		r = c.do(rq)
		if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.body, `"error_zh": "尝试次数过多`) {
			t.Fatalf("API, right password: %d %s", r.StatusCode, r.body)
		}
		if n := auditCount(t, e, "login.limited", "li"); n != 1 {
			t.Errorf("%d login.limited rows for li", n)
		}
		if n := auditCount(t, e, "login.failed", ""); n != 5 {
			t.Errorf("%d login.failed rows, want 5", n)
		}
		// Another account from the same address is not held up.
		if r := c.postForm("/login", url.Values{"name": {"wang"}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("another name: %d", r.StatusCode)
		}
		clk.advance(61 * time.Second)
		if r := e.anon().postForm("/login", url.Values{"name": {"li"}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("a minute later: %d", r.StatusCode)
		}
	})
	t.Run("per address behind a proxy", func(t *testing.T) {
		clk := newClock()
		e := newEnvClock(t, clk, func(c *Config) { c.TrustProxy = true })
		e.user("li", account.RoleReviewer)
		c := e.anon()
		attempt := func(name, xff string) response {
			req := formReq(http.MethodPost, e.ts.URL+"/login", url.Values{"name": {name}, "password": {"wrong password"}})
			req.Header.Set("X-Forwarded-For", xff)
			return c.do(req)
		}
		// The client writes a new address each time; the proxy appends the
		// one it saw.
		for i := range 30 {
			if r := attempt(fmt.Sprintf("user%d", i), fmt.Sprintf("203.0.113.%d, 198.51.100.7", i)); r.StatusCode != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d", i+1, r.StatusCode)
			}
		}
		if r := attempt("user99", "203.0.113.99, 198.51.100.7"); r.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("31st attempt from one address: %d", r.StatusCode)
		}
		if r := attempt("user100", "198.51.100.8"); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("another address: %d", r.StatusCode)
		}
		es, _ := e.srv.db.AuditLog(context.Background(), 1, 0)
		if len(es) != 1 || es[0].Remote != "198.51.100.8" {
			t.Fatalf("audited address: %+v", es)
		}
	})
}

// TestCookieFlags: the session cookie is HttpOnly, SameSite=Lax, for the
// whole site, and Secure exactly when the browser reached us over TLS,
// directly or through a proxy we trust.
func TestCookieFlags(t *testing.T) {
	for _, tc := range []struct {
		name       string
		trustProxy bool
		tls        bool
		hdr        map[string]string
		secure     bool
	}{
		{"plain HTTP", false, false, nil, false},
		{"forwarded https, proxy not trusted", false, false, map[string]string{"X-Forwarded-Proto": "https"}, false},
		{"trusted proxy, https", true, false, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"trusted proxy, HTTPS upper case", true, false, map[string]string{"X-Forwarded-Proto": "HTTPS"}, true},
		{"trusted proxy, plain", true, false, map[string]string{"X-Forwarded-Proto": "http"}, false},
		{"trusted proxy, no header", true, false, nil, false},
		{"TLS", false, true, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.TrustProxy = tc.trustProxy })
			e.user("li", account.RoleReviewer)
			base, hc := e.ts.URL, noRedirects()
			if tc.tls {
				ts := httptest.NewTLSServer(e.srv.Handler())
				t.Cleanup(ts.Close)
				base, hc = ts.URL, ts.Client()
				hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			}
			hdr := map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"}
			for k, v := range tc.hdr {
				hdr[k] = v
			}
			r := send(t, hc, http.MethodPost, base+"/login", strings.NewReader(url.Values{"name": {"li"}, "password": {testPassword}}.Encode()), hdr)
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %d", r.StatusCode)
			}
			ck := sessionOf(r)
			if ck == nil {
				t.Fatalf("no session cookie in %v", r.Header["Set-Cookie"])
			}
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure != tc.secure || ck.MaxAge <= 0 || len(ck.Value) < 40 {
				t.Fatalf("cookie %q", r.Header.Get("Set-Cookie"))
			}
			// Logging out clears it with the same flags.
			hdr["Cookie"] = sessionCookie + "=" + ck.Value
			r = send(t, hc, http.MethodPost, base+"/logout", nil, hdr)
			out := sessionOf(r)
			if r.StatusCode != http.StatusSeeOther || out == nil || out.MaxAge >= 0 || out.Value != "" || !out.HttpOnly || out.Secure != tc.secure {
				t.Fatalf("logout: %d %q", r.StatusCode, r.Header.Get("Set-Cookie"))
			}
		})
	}
}

func sessionOf(r response) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

// sessionValue is the session token a client holds.
func (c *client) sessionValue() string {
	u, _ := url.Parse(c.e.ts.URL)
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	return ""
}

// withCookie is a client that presents a session token it did not get.
func (e *testEnv) withCookie(tok string) *client {
	c := e.anon()
	u, _ := url.Parse(e.ts.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: tok, Path: "/"}})
	return c
}

// TestSecuritySessionEnds: a session cookie is worthless after logout,
// after a new login, after a password change elsewhere, after the account
// is disabled (by the form, or in the store directly), and once it
// expires; an API token dies with its disabled account.
func TestSecuritySessionEnds(t *testing.T) {
	clk := newClock()
	e := newEnvClock(t, clk, nil)
	ctx := context.Background()
	admin := e.user("wang", account.RoleAdmin)
	li := e.user("li", account.RoleReviewer)
	wc := e.login("wang")
	signedIn := func(c *client) bool {
		c.e.t.Helper()
		r := c.get("/api/me")
		switch r.StatusCode {
		case http.StatusOK:
			return true
		case http.StatusUnauthorized:
			return false
		}
		c.e.t.Fatalf("/api/me: %d", r.StatusCode)
		return false
	}
	// Logout.
	c := e.login("li")
	tok := c.sessionValue()
	if r := c.postForm("/logout", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if signedIn(e.withCookie(tok)) {
		t.Error("session accepted after logout")
	}
	if r := e.withCookie(tok).get("/batches"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("page after logout: %d", r.StatusCode)
	}
	// A new login replaces the session the browser had.
	c = e.login("li")
	old := c.sessionValue()
	if r := c.postForm("/login", url.Values{"name": {"li"}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.StatusCode)
	}
	if c.sessionValue() == old || signedIn(e.withCookie(old)) || !signedIn(c) {
		t.Error("the session before the second login still works")
	}
	// A password change ends the other sessions, not this one.
	other := e.login("li")
	const newPW = "a new password for li"
	r := c.postForm("/account/password", url.Values{"current": {testPassword}, "password": {newPW}, "password2": {newPW}})
	if r.StatusCode != http.StatusOK {
		t.Fatalf("password change: %d", r.StatusCode)
	}
	if signedIn(other) || !signedIn(c) {
		t.Error("after a password change: other session kept or own session lost")
	}
	// A token, then the account disabled by an administrator.
	r = c.postJSON("/api/tokens", map[string]string{"name": "脚本"})
	var tk struct{ Token string }
	if err := json.Unmarshal([]byte(r.body), &tk); err != nil || r.StatusCode != http.StatusCreated || tk.Token == "" {
		t.Fatalf("token: %d %s", r.StatusCode, r.body)
	}
	bearer := &client{e: e, hc: noRedirects(), tok: tk.Token}
	if !signedIn(bearer) {
		t.Fatal("fresh token refused")
	}
	if r := wc.postForm(fmt.Sprintf("/admin/users/%d", li.ID), url.Values{"disabled": {"1"}}); r.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if signedIn(c) || signedIn(bearer) {
		t.Error("disabled account still signed in (session or token)")
	}
	if r := bearer.postJSON("/api/batches", map[string]any{"year": 2024}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled account's token creates a batch: %d", r.StatusCode)
	}
	if r := e.anon().postForm("/login", url.Values{"name": {"li"}, "password": {newPW}}); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled account logs in: %d", r.StatusCode)
	}
	// Disabled in the store, sessions left there: still refused.
	w2 := e.login("wang")
	u, _, _ := e.srv.db.UserByID(ctx, admin.ID)
	u.Disabled = true
	if err := e.srv.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if signedIn(w2) || signedIn(wc) {
		t.Error("account disabled in the store keeps its sessions")
	}
	u.Disabled = false
	if err := e.srv.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if !signedIn(w2) {
		t.Fatal("re-enabled account: session refused")
	}
	// Expiry.
	clk.advance(12*time.Hour + time.Minute)
	if signedIn(w2) {
		t.Error("session accepted after it expired")
	}
}

// TestOriginCheck: a state-changing request a browser sends from another
// site is refused before it reaches the route, signed in or not; the
// same site's forms, scripts with a token and non-browser clients pass.
func TestOriginCheck(t *testing.T) {
	e := newEnv(t, nil)
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	r := c.postJSON("/api/tokens", map[string]string{"name": "ci"})
	var tk struct{ Token string }
	if err := json.Unmarshal([]byte(r.body), &tk); err != nil || tk.Token == "" {
		t.Fatalf("token: %d %s", r.StatusCode, r.body)
	}
	form := "name=%E8%B7%A8%E7%AB%99&year=2024"
	cookie := sessionCookie + "=" + c.sessionValue()
	for _, tc := range []struct {
		name, method, path string
		hdr                map[string]string
		want               int
	}{
		{"cross-site form, signed in", "POST", "/batches", map[string]string{"Cookie": cookie, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site API call, signed in", "POST", "/api/batches", map[string]string{"Cookie": cookie, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site sibling", "POST", "/batches", map[string]string{"Cookie": cookie, "Origin": "http://ogi.evil.example", "Sec-Fetch-Site": "same-site"}, 403},
		{"foreign Origin, no Sec-Fetch-Site", "POST", "/batches", map[string]string{"Cookie": cookie, "Origin": "http://evil.example"}, 403},
		{"cross-site decision", "POST", "/batches/1/decisions", map[string]string{"Cookie": cookie, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site logout", "POST", "/logout", map[string]string{"Cookie": cookie, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site login", "POST", "/login", map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site, not signed in", "POST", "/batches", map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site token call", "POST", "/api/batches", map[string]string{"Authorization": "Bearer " + tk.Token, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 403},
		{"same-origin form", "POST", "/batches", map[string]string{"Cookie": cookie, "Origin": e.ts.URL, "Sec-Fetch-Site": "same-origin"}, 303},
		{"same-origin, Origin only", "POST", "/batches", map[string]string{"Cookie": cookie, "Origin": e.ts.URL}, 303},
		{"token, no Origin", "POST", "/api/batches", map[string]string{"Authorization": "Bearer " + tk.Token}, 201},
		{"cross-site GET reads", "GET", "/batches", map[string]string{"Cookie": cookie, "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.srv.db.Batches(context.Background())
			var body io.Reader
			hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			if strings.HasPrefix(tc.path, "/api/") {
				body, hdr["Content-Type"] = strings.NewReader(`{"name":"跨站","year":2024}`), "application/json"
			} else if tc.method == "POST" {
				body = strings.NewReader(form)
			}
			for k, v := range tc.hdr {
				hdr[k] = v
			}
			r := send(t, noRedirects(), tc.method, e.ts.URL+tc.path, body, hdr)
			if r.StatusCode != tc.want {
				t.Fatalf("%d, want %d: %s", r.StatusCode, tc.want, r.body)
			}
			after, _ := e.srv.db.Batches(context.Background())
			if tc.want == 403 {
				if !strings.Contains(r.body, "跨站请求已拒绝") {
					t.Errorf("refusal does not say why: %q", r.body)
				}
				if len(after) != len(before) {
					t.Error("a refused request created a batch")
				}
			}
		})
	}
	// The refused logout left the session alone.
	if r := c.get("/api/me"); r.StatusCode != http.StatusOK {
		t.Errorf("session after the cross-site logout: %d", r.StatusCode)
	}
}

// TestSecurityLoginRedirect: after login the browser goes back only to a
// page of this site.
func TestSecurityLoginRedirect(t *testing.T) {
	e := newEnv(t, nil)
	e.user("li", account.RoleReviewer)
	for _, tc := range []struct{ next, want string }{
		{"/batches/3?x=1", "/batches/3?x=1"},
		{"", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"batches", "/"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"},
	} {
		r := e.anon().postForm("/login", url.Values{"name": {"li"}, "password": {testPassword}, "next": {tc.next}})
		if got := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || got != tc.want {
			t.Errorf("next %q: %d Location %q, want %q", tc.next, r.StatusCode, got, tc.want)
		}
	}
}

// TestSecurityHeaders: every answer, signed in or not, forbids framing,
// sniffing and outside scripts; an original is a download that cannot
// run in our origin.
func TestSecurityHeaders(t *testing.T) {
	f := newSecFixture(t)
	anon := f.e.anon()
	for _, tc := range []struct {
		name string
		r    response
	}{
		{"login page", anon.get("/login")},
		{"health", anon.get("/healthz")},
		{"asset", anon.get("/assets/app.css")},
		{"redirect to login", anon.get("/batches")},
		{"API 401", anon.get("/api/me")},
		{"page", f.viewer.get("/batches")},
		{"403", f.viewer.get("/admin/users")},
		{"404", f.viewer.get("/no-such-page")},
		{"API", f.viewer.get("/api/batches")},
	} {
		h := tc.r.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", tc.name, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", tc.name, h)
		}
	}
	for _, p := range []string{"/batches/%d/reports/0/original", "/api/batches/%d/reports/0/original"} {
		r := f.viewer.get(fmt.Sprintf(p, f.batch))
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/octet-stream" ||
			!strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("%s: %d %v", p, r.StatusCode, r.Header)
		}
	}
}

// secPasswords are the clear passwords TestPasswordsNotKept uses, each
// one for one way a password reaches the server.
var secPasswords = map[string]string{
	"setup":         "Setup-Pw-1d7f3a9c",
	"admin form":    "Form-Pw-2e8a4b0d",
	"API create":    "Api-Pw-3f9b5c1e",
	"admin reset":   "Reset-Pw-4a0c6d2f",
	"change":        "Change-Pw-5b1d7e3a",
	"wrong login":   "Wrong-Pw-6c2e8f4b",
	"unknown name":  "Nobody-Pw-7d3f9a5c",
	"API login":     "ApiLogin-Pw-8e4a0b6d",
	"bad policy":    "Short-9f",
	"wrong current": "Current-Pw-0a5b1c7e",
}

// TestPasswordsNotKept: after passwords have come in every way there is
// (setup, the users form, the API, a reset, a change, failed logins), no
// byte of the store (with its WAL and shared memory), of the data
// directory or of the log holds any of them in clear.
func TestPasswordsNotKept(t *testing.T) {
	e := newEnv(t, nil)
	pw := secPasswords
	ctx := context.Background()
	link := e.srv.SetupURL("")
	setupTok := strings.TrimPrefix(link, "/setup?token=")
	admin := e.anon()
	if r := admin.postForm("/setup", url.Values{"token": {setupTok}, "name": {"wang"}, "password": {pw["setup"]}, "password2": {pw["setup"]}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", r.StatusCode, r.body)
	}
	if r := admin.postForm("/admin/users", url.Values{"name": {"li"}, "role": {account.RoleReviewer}, "password": {pw["admin form"]}, "password2": {pw["admin form"]}}); r.StatusCode != http.StatusOK {
		t.Fatalf("users form: %d", r.StatusCode)
	}
	if r := admin.postForm("/admin/users", url.Values{"name": {"short"}, "role": {account.RoleReviewer}, "password": {pw["bad policy"]}, "password2": {pw["bad policy"]}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", r.StatusCode)
	}
	if r := admin.postJSON("/api/users", map[string]string{"name": "zhao", "role": account.RoleViewer, "password": pw["API create"]}); r.StatusCode != http.StatusCreated {
		t.Fatalf("API create: %d %s", r.StatusCode, r.body)
	}
	li, _, _ := e.srv.db.UserByName(ctx, "li")
	if r := admin.postForm(fmt.Sprintf("/admin/users/%d", li.ID), url.Values{"password": {pw["admin reset"]}}); r.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", r.StatusCode)
	}
	lc := e.anon()
	if r := lc.postForm("/login", url.Values{"name": {"li"}, "password": {pw["admin reset"]}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login after reset: %d", r.StatusCode)
	}
	if r := lc.postForm("/account/password", url.Values{"current": {pw["wrong current"]}, "password": {pw["change"]}, "password2": {pw["change"]}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("change with a wrong current password: %d", r.StatusCode)
	}
	if r := lc.postForm("/account/password", url.Values{"current": {pw["admin reset"]}, "password": {pw["change"]}, "password2": {pw["change"]}}); r.StatusCode != http.StatusOK {
		t.Fatalf("change: %d", r.StatusCode)
	}
	if r := e.anon().postForm("/login", url.Values{"name": {"li"}, "password": {pw["wrong login"]}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong login: %d", r.StatusCode)
	}
	if r := e.anon().postForm("/login", url.Values{"name": {"nobody"}, "password": {pw["unknown name"]}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown name: %d", r.StatusCode)
	}
	if r := e.anon().postForm("/api/login", url.Values{"name": {"zhao"}, "password": {pw["API login"]}}); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API login: %d", r.StatusCode)
	}
	if r := e.anon().postForm("/login", url.Values{"name": {"li"}, "password": {pw["change"]}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the changed password: %d", r.StatusCode)
	}
	// What is kept is a hash, and the log did capture the requests.
	for _, name := range []string{"wang", "li", "zhao"} {
		u, _, _ := e.srv.db.UserByName(ctx, name)
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			t.Errorf("%s: stored %q", name, u.PasswordHash)
		}
	}
	logText := e.log.String()
	if !strings.Contains(logText, "path=/login") || !strings.Contains(logText, "path=/account/password") {
		t.Fatalf("the log did not capture the requests:\n%s", logText)
	}
	files := map[string][]byte{"log": []byte(logText)}
	err := filepath.WalkDir(e.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[p] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ogi.db", "ogi.db-wal"} {
		if _, ok := files[filepath.Join(e.dir, want)]; !ok {
			t.Errorf("%s not found to read", want)
		}
	}
	for name, b := range files {
		for how, p := range pw {
			if bytes.Contains(b, []byte(p)) {
				t.Errorf("%s holds the %s password in clear", name, how)
			}
		}
		if bytes.Contains(b, []byte(setupTok)) {
			t.Errorf("%s holds the setup token", name)
		}
	}
}

// zeros is an endless run of zero bytes: a bomb is built from it as a
// stream, never held whole.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// zipBuild makes a zip with build writing its entries.
func zipBuild(t *testing.T, build func(zw *zip.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if err := build(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipEntry(zw *zip.Writer, name string, data []byte) error {
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// zipZeros writes an entry of n zero bytes, streamed.
func zipZeros(zw *zip.Writer, name string, n int64) error {
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = io.CopyN(w, zeros{}, n)
	return err
}

// zipLiar writes an entry of n zero bytes whose header declares 1,000.
func zipLiar(zw *zip.Writer, name string, n int64) error {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	if _, err := io.CopyN(io.MultiWriter(fw, crc), zeros{}, n); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 1000})
	if err != nil {
		return err
	}
	_, err = w.Write(comp.Bytes())
	return err
}

// secLimits are small limits, so that the bombs stay a few megabytes.
var secLimits = intake.Limits{MaxFile: 4 << 20, MaxFiles: 3, MaxTotal: 6 << 20, MaxRatio: 200}

const secMaxUpload = 6 << 20

// TestZipRefused: an archive that writes outside its folder, a link, a
// bomb (declared, by ratio, or lying in its header), too many entries —
// each refused whole with the Chinese reason in the answer, nothing of it
// added to the batch; and a request beyond the count or size limits.
func TestZipRefused(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Limits = secLimits; c.MaxUpload = secMaxUpload })
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	id := c.createBatch(2024)
	good := seedFile(t, "000_80384ef52a1d3930.txt")
	evil := func(name string) []byte {
		return zipBuild(t, func(zw *zip.Writer) error {
			if err := zipEntry(zw, "good.txt", good); err != nil {
				return err
			}
			return zipEntry(zw, name, []byte("pwned"))
		})
	}
	big := bytes.Repeat([]byte("年"), 3<<20/3)
	for _, tc := range []struct {
		name   string
		files  map[string][]byte
		status int
		reason string
	}{
		{"../ entry", map[string][]byte{"a.zip": evil("../evil.txt")}, 422, "“../evil.txt”路径不安全"},
		{"../ deep inside", map[string][]byte{"a.zip": evil("reports/../../evil.txt")}, 422, "路径不安全"},
		{"backslash ..", map[string][]byte{"a.zip": evil(`..\evil.txt`)}, 422, "路径不安全"},
		{"absolute entry", map[string][]byte{"a.zip": evil("/etc/cron.d/evil")}, 422, "“/etc/cron.d/evil”路径不安全"},
		{"drive letter", map[string][]byte{"a.zip": evil(`C:\evil.txt`)}, 422, "路径不安全"},
		{"symbolic link", map[string][]byte{"a.zip": zipBuild(t, func(zw *zip.Writer) error {
			fh := &zip.FileHeader{Name: "link.txt", Method: zip.Store}
			fh.SetMode(os.ModeSymlink | 0o777)
			w, err := zw.CreateHeader(fh)
			if err != nil {
				return err
			}
			_, err = w.Write([]byte("/etc/passwd"))
			return err
		})}, 422, "符号链接"},
		{"bomb over the file limit", map[string][]byte{"a.zip": zipBuild(t, func(zw *zip.Writer) error {
			if err := zipEntry(zw, "good.txt", good); err != nil {
				return err
			}
			return zipZeros(zw, "bomb.txt", 5<<20)
		})}, 422, "单个文件上限"},
		{"bomb by ratio", map[string][]byte{"a.zip": zipBuild(t, func(zw *zip.Writer) error { return zipZeros(zw, "bomb.txt", 3<<20) })}, 422, "疑似压缩炸弹"},
		{"bomb lying in its header", map[string][]byte{"a.zip": zipBuild(t, func(zw *zip.Writer) error {
			if err := zipEntry(zw, "good.txt", good); err != nil {
				return err
			}
			return zipLiar(zw, "liar.txt", 3<<20)
		})}, 422, "大于其声明的大小"},
		{"too many entries", map[string][]byte{"a.zip": zipBuild(t, func(zw *zip.Writer) error {
			for i := range 4 {
				if err := zipEntry(zw, fmt.Sprintf("r%d.txt", i), append([]byte(strconv.Itoa(i)), good...)); err != nil {
					return err
				}
			}
			return nil
		})}, 422, "超过 3 个的上限"},
		{"too many files in one upload", map[string][]byte{"1.txt": good, "2.txt": append([]byte("2"), good...),
			"3.txt": append([]byte("3"), good...), "4.txt": append([]byte("4"), good...)}, 413, "一次上传的文件超过 3 个"},
		{"too many files counting a zip's", map[string][]byte{"1.txt": good, "2.zip": zipBuild(t, func(zw *zip.Writer) error {
			for i := range 3 {
				if err := zipEntry(zw, fmt.Sprintf("r%d.txt", i), append([]byte(strconv.Itoa(i)), good...)); err != nil {
					return err
				}
			}
			return nil
		})}, 413, "一次上传的文件超过 3 个"},
		{"file over --max-file-mb", map[string][]byte{"big.txt": make([]byte, secLimits.MaxFile+1)}, 422, "超过 4 MB 的大小上限"},
		{"request over the upload limit", map[string][]byte{"1.txt": append(big, '1'), "2.txt": append(big, '2')}, 413, "上传内容超过大小限制"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := e.srv.db.Items(context.Background(), id)
			r := c.upload(fmt.Sprintf("/api/batches/%d/files", id), tc.files, "")
			var in intakeResult
			if err := json.Unmarshal([]byte(r.body), &in); err != nil {
				t.Fatalf("%d %q: %v", r.StatusCode, r.body, err)
			}
			if r.StatusCode != tc.status || len(in.Added) != 0 || len(in.Refused) != 1 || !strings.Contains(in.Refused[0], tc.reason) {
				t.Fatalf("%d %+v, want %d refused %q", r.StatusCode, in, tc.status, tc.reason)
			}
			if after, _ := e.srv.db.Items(context.Background(), id); len(after) != len(before) {
				t.Fatalf("%d items added", len(after)-len(before))
			}
		})
	}
	// The page's form gets the same refusal, and a good file beside a bad
	// zip is still taken.
	r := c.upload(fmt.Sprintf("/batches/%d/files", id), map[string][]byte{"good.txt": good, "a.zip": evil("../x")}, "application/json")
	var in intakeResult
	if err := json.Unmarshal([]byte(r.body), &in); err != nil || r.StatusCode != http.StatusOK || len(in.Added) != 1 || len(in.Refused) != 1 ||
		!strings.HasPrefix(in.Refused[0], "a.zip：压缩包中的“../x”路径不安全") {
		t.Fatalf("page upload: %d %s", r.StatusCode, r.body)
	}
	// Stored by hash, out of reach of any route.
	items, _ := e.srv.db.Items(context.Background(), id)
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	h := items[0].Blob
	st, err := os.Stat(filepath.Join(e.dir, "data", "blobs", h[:2], h))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("blob: %v %v", st, err)
	}
	for _, p := range []string{"/data/blobs/" + h[:2] + "/" + h, "/blobs/" + h[:2] + "/" + h, "/assets/../data/blobs/" + h[:2] + "/" + h} {
		if r := c.get(p); r.StatusCode == http.StatusOK || strings.Contains(r.body, string(good[:40])) {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
}

// TestFetchBlocked: URL downloads do not reach the server's own networks
// (loopback, private, link-local and the cloud metadata address) unless
// the range is allowed; an allowed one is downloaded and added.
func TestFetchBlocked(t *testing.T) {
	seed := seedFile(t, "001_1dc63dd6a21548ca.txt")
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write(seed)
	}))
	t.Cleanup(site.Close)
	_, port, _ := strings.Cut(strings.TrimPrefix(site.URL, "http://"), ":")
	loop := site.URL + "/report.txt"
	blocked := []struct{ url, reason string }{
		{loop, "地址 127.0.0.1 属于内部网络"},
		{"http://localhost:" + port + "/report.txt", "“localhost”指向内部网络地址"},
		{"http://10.0.0.1/report.txt", "地址 10.0.0.1 属于内部网络"},
		{"http://192.168.1.1/report.txt", "属于内部网络"},
		{"http://[::1]:" + port + "/report.txt", "地址 ::1 属于内部网络"},
		{"http://169.254.169.254/latest/meta-data/", "地址 169.254.169.254 属于内部网络"},
		{"http://[::ffff:127.0.0.1]:" + port + "/report.txt", "内部网络"},
		{"http://0.0.0.0:" + port + "/report.txt", "内部网络"},
	}
	try := func(t *testing.T, c *client, id int64, urls ...string) (response, intakeResult) {
		t.Helper()
		r := c.postJSON(fmt.Sprintf("/api/batches/%d/urls", id), map[string]any{"urls": urls})
		var in intakeResult
		if err := json.Unmarshal([]byte(r.body), &in); err != nil {
			t.Fatalf("%d %q", r.StatusCode, r.body)
		}
		return r, in
	}
	t.Run("default", func(t *testing.T) {
		e := newEnv(t, nil)
		e.user("li", account.RoleReviewer)
		c := e.login("li")
		id := c.createBatch(2024)
		for _, b := range blocked {
			r, in := try(t, c, id, b.url)
			if r.StatusCode != http.StatusUnprocessableEntity || len(in.Added) != 0 || len(in.Refused) != 1 || !strings.Contains(in.Refused[0], b.reason) {
				t.Errorf("%s: %d %+v, want refused %q", b.url, r.StatusCode, in, b.reason)
			}
		}
		// The page's form too.
		r := c.postForm(fmt.Sprintf("/batches/%d/urls", id), url.Values{"urls": {loop}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "属于内部网络") {
			t.Errorf("form: %d", r.StatusCode)
		}
		if items, _ := e.srv.db.Items(context.Background(), id); len(items) != 0 {
			t.Errorf("%d items added", len(items))
		}
	})
	t.Run("allowed", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.FetchAllow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
		e.user("li", account.RoleReviewer)
		c := e.login("li")
		id := c.createBatch(2024)
		r, in := try(t, c, id, loop, "http://[::1]:"+port+"/report.txt", "http://10.0.0.1/report.txt")
		if r.StatusCode != http.StatusOK || len(in.Added) != 1 || len(in.Refused) != 2 ||
			!strings.Contains(in.Refused[0], "::1") || !strings.Contains(in.Refused[1], "10.0.0.1") {
			t.Fatalf("%d %+v", r.StatusCode, in)
		}
		items, _ := e.srv.db.Items(context.Background(), id)
		if len(items) != 1 || items[0].Source != loop || items[0].Name != "report.txt" || items[0].Size != int64(len(seed)) {
			t.Fatalf("items %+v", items)
		}
		got, err := os.ReadFile(filepath.Join(e.dir, "data", "blobs", items[0].Blob[:2], items[0].Blob))
		if err != nil || !bytes.Equal(got, seed) {
			t.Fatalf("blob: %v", err)
		}
	})
}

// TestSecurityCleanName: an uploaded file's name is kept as a base name,
// valid UTF-8, without control or bidirectional-override characters, and
// cut at a character boundary.
func TestSecurityCleanName(t *testing.T) {
	long := strings.Repeat("政", 80) + ".pdf" // 244 bytes
	for _, tc := range []struct{ in, want string }{
		{"年报.pdf", "年报.pdf"},
		{`C:\Users\li\桌面\年报.docx`, "年报.docx"},
		{"../../etc/passwd", "passwd"},
		{"..", "report"},
		{".", "report"},
		{"", "report"},
		{"a\x00b\r\n.txt", "ab.txt"},
		{"report\u202efdp.exe", "reportfdp.exe"},
		{"x\u2066y\u2069\u200f.pdf", "xy.pdf"},
		{"\xc4\xea\xb1\xa8.pdf", "年报.pdf"}, // GBK
		{"  年报.pdf ", "年报.pdf"},
		{long, strings.Repeat("政", 65) + ".pdf"},
	} {
		if got := cleanName(tc.in); got != tc.want {
			t.Errorf("cleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSecurityCleanName: whatever a browser sends, the name is a
// non-empty, bounded, valid UTF-8 base name with no control characters.
func FuzzSecurityCleanName(f *testing.F) {
	for _, s := range []string{"年报.pdf", `a\b/c`, "..", "\xff\xfe", strings.Repeat("政", 100), "x\u202e.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := cleanName(in)
		if got == "" || len(got) > maxNameBytes || !utf8.ValidString(got) || strings.ContainsAny(got, "/\\") || got == ".." {
			t.Fatalf("cleanName(%q) = %q", in, got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || r >= 0x202a && r <= 0x202e {
				t.Fatalf("cleanName(%q) = %q keeps %U", in, got, r)
			}
		}
	})
}

// TestPasswordChangeLimited: guessing the current password on the account
// page is limited like a login, and successful sign-ins through one
// address do not count against it.
func TestPasswordChangeLimited(t *testing.T) {
	e := newEnv(t, nil)
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	codes := []int{}
	for range 6 {
		r := c.postForm("/account/password", url.Values{"current": {"guess-guess-guess"}, "password": {"new password 1"}, "password2": {"new password 1"}})
		codes = append(codes, r.StatusCode)
	}
	if codes[4] != http.StatusUnprocessableEntity || codes[5] != http.StatusTooManyRequests {
		t.Fatalf("codes %v: want five 422 then 429", codes)
	}
	// Forty people of one office sign in from one address within a minute.
	for i := range 40 {
		name := fmt.Sprintf("staff%02d", i)
		e.user(name, account.RoleViewer)
		e.login(name)
	}
}
