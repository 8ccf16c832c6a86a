package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (two servers in one process, as in the tests, do not collide).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	runs     *prometheus.CounterVec
	runTime  prometheus.Histogram
	passTime *prometheus.HistogramVec
	reports  prometheus.Counter
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogi_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ogi_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern.", Buckets: prometheus.ExponentialBuckets(0.002, 2, 14)}, []string{"route"})
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ogi_batch_runs_total",
		Help: "Batch runs ended, by how: done, failed, or queued (stopped by a shutdown, to resume)."}, []string{"state"})
	m.runTime = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "ogi_batch_run_duration_seconds",
		Help: "Time a batch run took.", Buckets: prometheus.ExponentialBuckets(0.1, 2, 14)})
	m.passTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ogi_batch_pass_duration_seconds",
		Help: "Time a pass of a batch run took: convert, check, outputs.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 14)}, []string{"pass"})
	m.reports = prometheus.NewCounter(prometheus.CounterOpts{Name: "ogi_batch_reports_total",
		Help: "Reports in the batch runs that ended done."})
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogi_jobs_queued",
		Help: "Jobs waiting: this process's batches (SQLite), or every batch, report and export job in the shared queue (PostgreSQL)."},
		func() float64 { q, _ := s.runner.Load(); return float64(q) })
	running := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogi_jobs_running",
		Help: "Jobs running now: this process's batch (SQLite), or the shared queue's jobs in any worker (PostgreSQL)."},
		func() float64 { _, r := s.runner.Load(); return float64(r) })
	failed := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "ogi_jobs_failed",
		Help: "Jobs of the shared queue that failed for good and are still kept (PostgreSQL; a week); a failed batch run is also counted in ogi_batch_runs_total{state=\"failed\"}."},
		func() float64 { return float64(s.runner.Failed()) })
	m.reg.MustRegister(m.requests, m.latency, m.runs, m.runTime, m.passTime, m.reports, queued, running, failed,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Pass is jobs.Observer's: a pass of a run ended.
func (m *metrics) Pass(phase string, d time.Duration) {
	m.passTime.WithLabelValues(phase).Observe(d.Seconds())
}

// RunEnded is jobs.Observer's: a run ended in state.
func (m *metrics) RunEnded(state string, d time.Duration, reports int) {
	m.runs.WithLabelValues(state).Inc()
	m.runTime.Observe(d.Seconds())
	if state == "done" {
		m.reports.Add(float64(reports))
	}
}

// observe records one answered request. The route is the pattern the
// mux matched (not the path, which would make a series per batch and
// report).
func (m *metrics) observe(r *http.Request, status int, d time.Duration) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, r.Method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// MetricsHandler serves the metrics, the health and the readiness checks:
// what ogi serve's --metrics-addr listens with, apart from the
// application (a scraper has no session).
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", s.health)
	mux.HandleFunc("GET /readyz", s.ready)
	return mux
}

// ready answers 200 when this process can serve: the store answers and
// the batch runner takes work; 503 otherwise (starting, shutting down,
// the database gone), so that a load balancer sends users elsewhere.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("store not reachable\n"))
		return
	}
	if !s.runner.Ready() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("not taking work\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
