package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/jobs"
)

func newMigrateCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var db string
	var checkOnly bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring the store's schema up to this ogi's (SQLite file or postgres://), or check it",
		Long: `Bring the store's schema up to the version this ogi writes, and say from which version
to which. Every ogi command that opens a store migrates it by itself; a deployment with
several ogi serve replicas migrates explicitly instead, once, before starting them with
--no-migrate (on PostgreSQL two processes migrating at once are serialised by a lock
either way).

With --check nothing is changed: exit 0 when the store is up to date, 1 when it is
behind (the line says what ogi migrate would do), 2 when it cannot be read or is newer
than this ogi.

On PostgreSQL the job queue's tables (River's, which the replicas and ogi worker
processes share) are migrated and checked with the store.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			*code = exitUsage
			ctx := cmd.Context()
			name := store.Redact(db)
			if checkOnly {
				v, err := store.Version(ctx, db)
				if err != nil {
					writeErr(stderr, err)
					return err
				}
				if v < store.LatestVersion() {
					_, _ = fmt.Fprintf(stdout, "%s: schema version %d, behind %d: ogi migrate would bring it up to date\n", name, v, store.LatestVersion())
					*code = exitCompliance
					return nil
				}
				if store.IsPostgres(db) {
					ok, err := jobs.MigrateQueue(ctx, db, true)
					if err != nil {
						writeErr(stderr, err)
						return err
					}
					if !ok {
						_, _ = fmt.Fprintf(stdout, "%s: the job queue's tables are behind: ogi migrate would bring them up to date\n", name)
						*code = exitCompliance
						return nil
					}
				}
				_, _ = fmt.Fprintf(stdout, "%s: schema version %d, up to date\n", name, v)
				*code = exitOK
				return nil
			}
			from, to, err := store.Migrate(ctx, db)
			if err != nil {
				writeErr(stderr, err)
				return err
			}
			if store.IsPostgres(db) {
				if _, err := jobs.MigrateQueue(ctx, db, false); err != nil {
					writeErr(stderr, err)
					return err
				}
			}
			if from == to {
				_, _ = fmt.Fprintf(stdout, "%s: schema version %d, up to date\n", name, to)
			} else {
				_, _ = fmt.Fprintf(stdout, "%s: schema version %d → %d\n", name, from, to)
			}
			*code = exitOK
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "ogi.db", "the store: an SQLite file or a postgres:// connection string")
	cmd.Flags().BoolVar(&checkOnly, "check", false, "change nothing: exit 1 when the schema is behind")
	return cmd
}
