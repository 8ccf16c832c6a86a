package server

import (
	"fmt"
	"io/fs"
	"net/http"
	"runtime/debug"
	"time"
)

// routes is every address the application answers. Only the login and
// setup pages, the health check and the static assets answer without a
// session; each other route names what its caller must be allowed to do.
func (s *Server) routes() http.Handler {
	h, _ := s.mount()
	return h
}

// routeMux is the ServeMux the routes are registered on; it keeps each
// pattern so that the security tests walk every route there is, and a new
// route cannot be left out of them.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

// Handle registers h for pattern and remembers the pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers h for pattern and remembers the pattern.
func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// mount builds the whole handler and returns it with the patterns
// registered, in the order of registration.
func (s *Server) mount() (http.Handler, []string) {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	assets, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", cacheAssets(http.FileServerFS(assets))))
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /readyz", s.ready)
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /api/login", s.login)
	mux.HandleFunc("GET /setup", s.setupPage)
	mux.HandleFunc("POST /setup", s.setup)

	mux.Handle("POST /logout", s.need("view", s.logout))
	mux.Handle("GET /{$}", s.need("view", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/batches", http.StatusSeeOther)
	}))
	mux.Handle("GET /batches", s.need("view", s.batchesPage))
	mux.Handle("POST /batches", s.need("run", s.createBatch))
	mux.Handle("GET /batches/{id}", s.need("view", s.batchPage))
	mux.Handle("POST /batches/{id}/files", s.need("run", s.uploadFiles))
	mux.Handle("POST /batches/{id}/urls", s.need("run", s.fetchURLs))
	mux.Handle("POST /batches/{id}/remove", s.need("run", s.removeItem))
	mux.Handle("POST /batches/{id}/run", s.need("run", s.runBatch))
	mux.Handle("GET /batches/{id}/events", s.need("view", s.events))
	mux.Handle("GET /batches/{id}/overview", s.need("view", s.overviewPage))
	mux.Handle("GET /batches/{id}/findings", s.need("view", s.findingsPage))
	mux.Handle("GET /batches/{id}/reports/{idx}", s.need("view", s.reportPage))
	mux.Handle("GET /batches/{id}/reports/{idx}/original", s.need("view", s.original))
	mux.Handle("GET /batches/{id}/reports/{idx}/compare", s.need("view", s.comparePage))
	mux.Handle("POST /batches/{id}/decisions", s.need("decide", s.decide))
	mux.Handle("GET /batches/{id}/export/{format}", s.need("view", s.export))
	mux.Handle("GET /account", s.need("view", s.accountPage))
	mux.Handle("POST /account/password", s.need("view", s.changePassword))
	mux.Handle("POST /account/tokens", s.need("view", s.createToken))
	mux.Handle("POST /account/tokens/revoke", s.need("view", s.revokeToken))
	mux.Handle("GET /admin/users", s.need("admin", s.usersPage))
	mux.Handle("POST /admin/users", s.need("admin", s.createUser))
	mux.Handle("POST /admin/users/{uid}", s.need("admin", s.updateUser))
	mux.Handle("GET /admin/audit", s.need("admin", s.auditPage))

	s.apiRoutes(mux)
	s.pageRoutes(mux)
	s.libraryRoutes(mux)
	mux.Handle("/", s.need("view", s.notFound))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		s.fail(w, r, http.StatusForbidden, fmt.Errorf("%s", pick(langOf(r), "跨站请求已拒绝", "cross-origin request refused")))
	}))
	return s.recoverer(s.logRequests(securityHeaders(cop.Handler(mux)))), mux.patterns
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// cacheAssets lets browsers keep the embedded CSS and JS for an hour.
func cacheAssets(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// securityHeaders keep the pages from being framed, sniffed or made to
// load anything from elsewhere.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs each request's method, path (never the query: a setup
// token travels there), status and duration; never a body.
func (s *Server) logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		d := time.Since(t0)
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", d.Milliseconds())
		if s.metrics != nil {
			s.metrics.observe(r, sw.status, d)
		}
	})
}

// recoverer turns a panic in a handler into a logged 500: one broken page
// must not take the office's server down.
func (s *Server) recoverer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "value", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, msgText("server_error").pick(langOf(r)), http.StatusInternalServerError)
			}
		}()
		h.ServeHTTP(w, r)
	})
}
