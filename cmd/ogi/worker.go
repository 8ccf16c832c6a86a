package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/jobs"
	"github.com/ogi-checker/ogi/server"
)

func newWorkerCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var (
		db, data, logFormat, metricsAddr string
		workers, queueWorkers            int
		rescueAfter, grace               time.Duration
		noMigrate                        bool
	)
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Work the shared job queue of an ogi serve deployment on PostgreSQL (no web pages)",
		Long: `Run ogi as a worker of a shared deployment (docs/deploy.md): it takes the jobs that
the ogi serve replicas queue in the PostgreSQL store — each report of a batch converted
and checked, then the batch's results written — and serves no pages. Start as many as
the machines have cores to spare; they need the same --db and a --data directory the
replicas share.

A worker killed in the middle of a job loses nothing: the job is taken for stuck after
--rescue-after and another worker does it again, to the same results. SIGTERM or Ctrl-C
gives the jobs in hand back to the queue at once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			*code = exitUsage
			err := func() error {
				if !store.IsPostgres(db) {
					return fmt.Errorf("--db must be the postgres:// store the ogi serve replicas share, not %q", db)
				}
				if queueWorkers <= 0 {
					return fmt.Errorf("--queue-workers must be positive: a worker that takes no job does nothing")
				}
				h, err := logHandler(logFormat, stderr)
				if err != nil {
					return err
				}
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
				defer stop()
				srv, err := server.New(ctx, server.Config{DB: db, DataDir: data, Workers: workers, Version: readVersion().Version,
					Converter: converterID(), Log: slog.New(h), MetricsAddr: metricsAddr, NoMigrate: noMigrate,
					Queue: &jobs.QueueConfig{Workers: queueWorkers, RescueAfter: rescueAfter}})
				if err != nil {
					return err
				}
				*code = exitOK
				return srv.Work(ctx, grace, func() {
					_, _ = fmt.Fprintf(stdout, "ogi worker: working the job queue of %s with %d report workers\n", store.Redact(db), queueWorkers)
				})
			}()
			if err != nil {
				*code = exitUsage
				writeErr(stderr, err)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "the PostgreSQL store the replicas share (postgres://…)")
	f.StringVar(&data, "data", "ogi-data", "the data directory the replicas share: uploaded originals and each batch's results")
	f.IntVar(&workers, "jobs", 0, "reports a batch's last job checks at once when it writes the results (0: one per CPU)")
	queueFlags(f, &queueWorkers, &rescueAfter)
	f.StringVar(&logFormat, "log-format", "text", "log format on standard error: text or json")
	f.StringVar(&metricsAddr, "metrics-addr", "", "address serving /metrics (Prometheus), /healthz and /readyz, e.g. 127.0.0.1:9091 (\"\": none)")
	f.BoolVar(&noMigrate, "no-migrate", false, "refuse a store whose schema is behind this ogi instead of migrating it (run ogi migrate first)")
	f.DurationVar(&grace, "shutdown-grace", 30*time.Second, "time the jobs in hand get to go back to the queue on SIGTERM")
	return cmd
}
