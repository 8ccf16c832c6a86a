package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ogi-checker/ogi/intake"
	"github.com/ogi-checker/ogi/jobs"
	"github.com/ogi-checker/ogi/server"
)

func newServeCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var (
		addr, db, data, tlsCert, tlsKey, logFormat, metricsAddr string
		allow                                                   []string
		trustProxy, noMigrate                                   bool
		maxUploadMB, maxFileMB                                  int64
		maxFiles, workers, queueWorkers                         int
		fetchTimeout, sessionTTL, grace, rescueAfter            time.Duration
	)
	var serve func() error
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web application an oversight office works in",
		Long: `Run ogi as a web application (政府信息公开年报核查 web app): accounts and roles, batches of
reports added by upload (files, a zip, drag and drop) or from URLs, live progress, the
overview of a batch, each report's tables with its findings beside the cells, the review
of every finding (kept across re-runs), and the exports (workbook, CSV, 通报 DOCX, JSON, a
batch as a zip). The same engine, results and store as the command line; a JSON API for
scripts is described at /api/openapi.json.

At the first start (no account in --db) ogi serve prints a one-time setup link: open it
in a browser to create the first administrator, who then creates the others on the
用户管理 page (roles: admin, reviewer, viewer).

Everything is kept in --db (accounts, sessions, batches, decisions, the audit log, the
converted documents and results) and --data (the uploaded originals, stored by hash,
never served as files, and each batch's results).

With --db postgres://… several ogi serve replicas and ogi worker processes share one
deployment (docs/deploy.md): the store and the job queue are in PostgreSQL, --data is a
directory they all reach, any replica serves any user, and a batch's reports are jobs
that any worker does. --queue-workers 0 makes a replica that only queues work. SIGTERM or Ctrl-C stops gracefully: requests in flight get
--shutdown-grace to finish and a batch being checked resumes at the next start.

URL downloads refuse private, loopback and link-local addresses (and follow at most 5
redirects, each checked) unless --fetch-allow names their range.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			err := serve()
			if err != nil {
				writeErr(stderr, err)
			}
			return err
		},
	}
	serve = func() error {
		*code = exitUsage
		var prefixes []netip.Prefix
		for _, a := range allow {
			for _, part := range strings.Split(a, ",") {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				p, err := netip.ParsePrefix(part)
				if err != nil {
					if ip, ierr := netip.ParseAddr(part); ierr == nil {
						p = netip.PrefixFrom(ip, ip.BitLen())
					} else {
						return fmt.Errorf("--fetch-allow %q: not an address range such as 10.1.0.0/16", part)
					}
				}
				prefixes = append(prefixes, p.Masked())
			}
		}
		if maxUploadMB <= 0 || maxFileMB <= 0 || maxFiles <= 0 {
			return fmt.Errorf("--max-upload-mb, --max-file-mb and --max-files must be positive")
		}
		h, err := logHandler(logFormat, stderr)
		if err != nil {
			return err
		}
		lim := intake.DefaultLimits()
		lim.MaxFile = maxFileMB << 20
		lim.MaxFiles = maxFiles
		cfg := server.Config{Addr: addr, DB: db, DataDir: data, TLSCert: tlsCert, TLSKey: tlsKey, TrustProxy: trustProxy,
			FetchAllow: prefixes, MaxUpload: maxUploadMB << 20, Limits: lim, FetchTimeout: fetchTimeout, SessionTTL: sessionTTL,
			Workers: workers, Version: readVersion().Version, Converter: converterID(), Log: slog.New(h), MetricsAddr: metricsAddr, NoMigrate: noMigrate}
		if cmd.Flags().Changed("queue-workers") || cmd.Flags().Changed("rescue-after") {
			cfg.Queue = &jobs.QueueConfig{Workers: queueWorkers, RescueAfter: rescueAfter}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		srv, err := server.New(ctx, cfg)
		if err != nil {
			*code = exitUsage
			return err
		}
		*code = exitOK
		err = srv.Serve(ctx, grace, func(url string) {
			_, _ = fmt.Fprintf(stdout, "ogi serve: listening on %s\n", url)
			if setup := srv.SetupURL(url); setup != "" {
				_, _ = fmt.Fprintf(stdout, "No account yet. Open this link once to create the first administrator:\n  %s\n", setup)
				_, _ = fmt.Fprintf(stdout, "尚无账户。请在浏览器中打开上面的链接，创建第一个管理员账户。\n")
			}
		})
		if err != nil {
			*code = exitUsage
			return err
		}
		return nil
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port); 0.0.0.0:8080 for every interface")
	f.StringVar(&db, "db", "ogi.db", "SQLite store: accounts, batches, decisions, audit log, documents and results")
	f.StringVar(&data, "data", "ogi-data", "directory for the uploaded originals (by hash) and each batch's work files")
	f.StringVar(&tlsCert, "tls-cert", "", "TLS certificate (PEM) to serve HTTPS; with --tls-key")
	f.StringVar(&tlsKey, "tls-key", "", "TLS private key (PEM); with --tls-cert")
	f.BoolVar(&trustProxy, "trust-proxy", false, "trust X-Forwarded-Proto/-For from a reverse proxy that terminates TLS (cookies become Secure)")
	f.StringSliceVar(&allow, "fetch-allow", nil, "address ranges URL downloads may reach although private/loopback (CIDR, repeatable or comma-separated)")
	f.Int64Var(&maxUploadMB, "max-upload-mb", 512, "largest upload request, in MB (a zip of a whole batch)")
	f.Int64Var(&maxFileMB, "max-file-mb", 50, "largest single report file (uploaded, inside a zip or downloaded), in MB")
	f.IntVar(&maxFiles, "max-files", 2000, "most files in one upload, zip or URL list")
	f.DurationVar(&fetchTimeout, "fetch-timeout", 60*time.Second, "time limit of one URL download")
	f.DurationVar(&sessionTTL, "session-ttl", 12*time.Hour, "how long a sign-in lasts")
	f.DurationVar(&grace, "shutdown-grace", 30*time.Second, "time requests in flight get to finish on SIGTERM")
	f.IntVar(&workers, "jobs", 0, "reports converted and checked at once (0: one per CPU)")
	f.StringVar(&logFormat, "log-format", "text", "log format on standard error: text or json")
	f.BoolVar(&noMigrate, "no-migrate", false, "refuse a store whose schema is behind this ogi instead of migrating it (run ogi migrate first; for replicas)")
	queueFlags(f, &queueWorkers, &rescueAfter)
	f.StringVar(&metricsAddr, "metrics-addr", "", "second address serving /metrics (Prometheus), /healthz and /readyz without a session, e.g. 127.0.0.1:9090 (\"\": none)")
	return cmd
}

// queueFlags are the job queue's, which ogi serve and ogi worker share.
func queueFlags(f *pflag.FlagSet, workers *int, rescueAfter *time.Duration) {
	f.IntVar(workers, "queue-workers", runtime.GOMAXPROCS(0), "with --db postgres://…: report jobs this process works at once (0: none, only queue them for ogi worker processes)")
	f.DurationVar(rescueAfter, "rescue-after", time.Hour, "with --db postgres://…: how long a job may run before it counts as stuck (its worker killed) and another worker takes it; longer than the longest batch's outputs")
}

// logHandler is the --log-format's handler on stderr.
func logHandler(format string, stderr io.Writer) (slog.Handler, error) {
	switch format {
	case "text":
		return slog.NewTextHandler(stderr, nil), nil
	case "json":
		return slog.NewJSONHandler(stderr, nil), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}
