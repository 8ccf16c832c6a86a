// Package server is ogi's web application, the way an oversight office
// works with it: accounts and roles, batches of reports added by upload or
// from URLs and checked with live progress, the overview of a batch, each
// report's tables with its findings beside the cells, the review of every
// finding (kept across re-runs by its fingerprint), the exports, and a JSON
// API for scripts. It holds no engine of its own: batches run through jobs
// (hence assess and check), and everything lives in the same store as the
// command line's.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/intake"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/jobs"
)

// Config is how the server is set up; ogi serve fills it from its flags.
type Config struct {
	// Addr is the address to listen on (host:port).
	Addr string
	// DB is the store: a SQLite file's path or a postgres:// URL. DataDir
	// holds the uploaded originals (by hash) and each batch's results; with
	// PostgreSQL every replica and worker must share it (a network file
	// system, or one machine). Neither is ever served as is.
	DB, DataDir string
	// TLSCert and TLSKey, when both set, make the server speak HTTPS.
	TLSCert, TLSKey string
	// TrustProxy trusts X-Forwarded-Proto and X-Forwarded-For from a
	// reverse proxy that terminates TLS (cookies then get Secure).
	TrustProxy bool
	// FetchAllow are address ranges that URL downloads may reach although
	// they are private, loopback or link-local.
	FetchAllow []netip.Prefix
	// MaxUpload bounds one upload request; Limits bound the files in it and
	// in a zip.
	MaxUpload int64
	Limits    intake.Limits
	// FetchTimeout bounds one URL download.
	FetchTimeout time.Duration
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// Workers is the number of reports checked at once (0: one per CPU).
	Workers int
	// Version and Converter are recorded with every run, as the CLI does.
	Version, Converter string
	// Checker builds the checker for a scoring profile and a jurisdiction
	// ("" for the defaults); the server keeps one per pair.
	Checker func(profile, jurisdiction string) (*check.Checker, error)
	// Log receives the server's log; nil: discard.
	Log *slog.Logger
	// NoMigrate opens the store without changing its schema: one behind
	// this binary is refused (ogi migrate first), as replicas started
	// after an explicit migration expect.
	NoMigrate bool
	// MetricsAddr, when set, is a second address serving /metrics
	// (Prometheus), /healthz and /readyz without a session, for a scraper
	// and a load balancer on the operators' network.
	MetricsAddr string
	// Queue configures the shared job queue a PostgreSQL store gets (nil:
	// one report job per CPU worked in this process). A SQLite store runs
	// batches in this process and takes no Queue.
	Queue *jobs.QueueConfig
}

// Server is a running web application.
type Server struct {
	cfg     Config
	log     *slog.Logger
	db      *store.Store
	blobs   *intake.Blobs
	runner  *jobs.Runner
	fetcher *intake.Fetcher
	logins  *account.Limiter
	ipLimit *account.Limiter
	pages   *pageSet
	handler http.Handler
	metrics *metrics

	mu       sync.Mutex
	checkers *jobs.Checkers
	// setupToken is the one-time link this process printed at a start
	// without accounts (the store keeps its hash, and the others').
	setupToken string
	// now is the clock, replaced in tests.
	now func() time.Time
}

// New opens the store and the data directory and prepares the handler. It
// does not start batches: Run (or Start) does.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	if cfg.DB == "" {
		return nil, errors.New("serve: --db is needed: the store keeps accounts, batches and decisions")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("serve: --data is needed: the uploaded originals are kept there")
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("serve: --tls-cert and --tls-key go together")
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 512 << 20
	}
	if cfg.Limits == (intake.Limits{}) {
		cfg.Limits = intake.DefaultLimits()
	}
	if cfg.FetchTimeout <= 0 {
		cfg.FetchTimeout = 60 * time.Second
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Checker == nil {
		cfg.Checker = defaultChecker
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, log: log, now: time.Now,
		logins: account.NewLimiter(5, time.Minute), ipLimit: account.NewLimiter(30, time.Minute)}
	// The store's and the data's directories are made as ogi assess makes
	// its --db's: a first start needs nothing prepared.
	dirs := []string{cfg.DataDir}
	if !store.IsPostgres(cfg.DB) {
		dirs = append(dirs, filepath.Dir(cfg.DB))
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
	}
	open := store.Open
	if cfg.NoMigrate {
		open = store.OpenCurrent
	}
	db, err := open(ctx, cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.db = db
	if s.blobs, err = intake.OpenBlobs(cfg.DataDir + "/blobs"); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("serve: --data %s: %w", cfg.DataDir, err)
	}
	s.checkers = jobs.NewCheckers(cfg.Checker, s.blobs)
	s.metrics = newMetrics(s)
	jc := jobs.Config{Store: db, StorePath: cfg.DB, Blobs: s.blobs, DataDir: cfg.DataDir,
		Checker: s.checker, Version: cfg.Version, Converter: cfg.Converter, Workers: cfg.Workers, Log: log, Observe: s.metrics}
	if jc.Queue, err = queueConfig(ctx, cfg); err != nil {
		_ = db.Close()
		return nil, err
	}
	s.runner, err = jobs.New(jc)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.fetcher = intake.NewFetcher(intake.FetchOptions{Allow: cfg.FetchAllow, MaxBytes: cfg.Limits.MaxFile,
		Timeout: cfg.FetchTimeout, UserAgent: "ogi/" + cfg.Version + " (+https://github.com/ogi-checker/ogi)"})
	if s.pages, err = loadPages(); err != nil {
		_ = db.Close()
		return nil, err
	}
	n, err := db.CountUsers(ctx)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("serve: %w", err)
	}
	if n == 0 {
		tok, hash, err := account.NewToken()
		if err == nil {
			err = db.AddSetupToken(ctx, hash, s.now())
		}
		if err != nil {
			_ = db.Close()
			return nil, err
		}
		s.setupToken = tok
	}
	s.handler = s.routes()
	return s, nil
}

// queueConfig is the job queue a PostgreSQL store gets, its tables
// migrated (or, with NoMigrate, found current); nil for SQLite.
func queueConfig(ctx context.Context, cfg Config) (*jobs.QueueConfig, error) {
	if !store.IsPostgres(cfg.DB) {
		if cfg.Queue != nil && cfg.Queue.Workers == 0 {
			return nil, errors.New("serve: a process that only queues work (--queue-workers 0) needs a PostgreSQL store shared with workers (--db postgres://…)")
		}
		return nil, nil
	}
	q := jobs.QueueConfig{Workers: runtime.GOMAXPROCS(0)}
	if cfg.Queue != nil {
		q = *cfg.Queue
	}
	current, err := jobs.MigrateQueue(ctx, cfg.DB, cfg.NoMigrate)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if !current {
		return nil, fmt.Errorf("serve: the job queue's tables in %s are behind this ogi: run ogi migrate --db … first", store.Redact(cfg.DB))
	}
	return &q, nil
}

// defaultChecker is the CLI's checker with the built-in rules.
func defaultChecker(profile, juris string) (*check.Checker, error) {
	return jobs.DefaultChecker(profile, juris)
}

// checker is the cached checker for a profile and jurisdiction.
func (s *Server) checker(profile, juris string) (*check.Checker, error) {
	return s.checkers.Get(profile, juris)
}

// Handler is the whole application, for tests and for embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// SetupURL is the address at which the first administrator is created, or
// "" when an account exists.
func (s *Server) SetupURL(base string) string {
	s.mu.Lock()
	tok := s.setupToken
	s.mu.Unlock()
	if tok == "" || !s.setupAllowed(context.Background(), tok) {
		return ""
	}
	return base + "/setup?token=" + tok
}

// Start resumes the batches a previous process left unfinished.
func (s *Server) Start(ctx context.Context) error { return s.runner.Start(ctx) }

// Close stops the batches (an unfinished one resumes at the next start)
// and closes the store.
func (s *Server) Close(ctx context.Context) error {
	err := s.runner.Shutdown(ctx)
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	return err
}

// Serve listens on the configured address until ctx is done, then shuts
// down gracefully: requests in flight get up to grace to finish, and the
// running batch is checkpointed (left queued for the next start). ready,
// when set, is told the listening URL once the socket is open.
func (s *Server) Serve(ctx context.Context, grace time.Duration, ready func(url string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", s.cfg.Addr, err)
	}
	scheme := "http"
	if s.cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("serve: --tls-cert/--tls-key: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	if err := s.Start(ctx); err != nil {
		_ = ln.Close()
		return err
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	var msrv *http.Server
	if s.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			_ = srv.Close()
			_ = s.Close(context.Background())
			return fmt.Errorf("serve: --metrics-addr %s: %w", s.cfg.MetricsAddr, err)
		}
		msrv = &http.Server{Handler: s.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
		go func() { errc <- msrv.Serve(mln) }()
		s.log.Info("metrics", "addr", mln.Addr().String())
	}
	if ready != nil {
		ready(scheme + "://" + ln.Addr().String())
	}
	select {
	case err := <-errc:
		_ = s.Close(context.Background())
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if msrv != nil {
		_ = msrv.Shutdown(sctx)
	}
	if cerr := s.Close(sctx); err == nil {
		err = cerr
	}
	return err
}

// Work runs this process as a worker only (ogi worker): it works the
// shared job queue, serves nothing but MetricsAddr, and on ctx's end
// gives the jobs in hand back to the queue, waiting at most grace.
func (s *Server) Work(ctx context.Context, grace time.Duration, ready func()) error {
	if !store.IsPostgres(s.cfg.DB) {
		_ = s.Close(context.Background())
		return errors.New("worker: needs the PostgreSQL store the replicas share (--db postgres://…)")
	}
	if err := s.Start(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	var msrv *http.Server
	if s.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			_ = s.Close(context.Background())
			return fmt.Errorf("worker: --metrics-addr %s: %w", s.cfg.MetricsAddr, err)
		}
		msrv = &http.Server{Handler: s.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
		go func() { errc <- msrv.Serve(mln) }()
		s.log.Info("metrics", "addr", mln.Addr().String())
	}
	if ready != nil {
		ready()
	}
	select {
	case err := <-errc:
		_ = s.Close(context.Background())
		return err
	case <-ctx.Done():
	}
	s.log.Info("worker stopping", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if msrv != nil {
		_ = msrv.Shutdown(sctx)
	}
	return s.Close(sctx)
}
