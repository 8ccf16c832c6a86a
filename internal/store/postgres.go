package store

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// migrationLock is the key of the PostgreSQL advisory lock that migrations
// hold: any constant will do as long as every ogi uses the same one ("ogi"
// in ASCII, to be recognisable in pg_locks).
const migrationLock int64 = 0x6f6769

// openPostgres opens the PostgreSQL database of a postgres:// connection
// string (pgx's syntax: host, port, user, password, dbname, sslmode and
// search_path among the parameters). Unlike SQLite, PostgreSQL takes
// writers concurrently, so one pool serves reads and writes.
func openPostgres(ctx context.Context, dsn string, maxVersion int, mode migrateMode) (*Store, error) {
	label := redactDSN(dsn)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors quote the connection string, password and
		// all; say what is wrong without it.
		return nil, fmt.Errorf("store: open %s: not a valid PostgreSQL connection string", label)
	}
	sdb := stdlib.OpenDB(*cfg)
	d := &db{DB: sdb, dialect: postgresDialect}
	n := min(max(2*runtime.GOMAXPROCS(0), 4), 16)
	d.SetMaxOpenConns(n)
	d.SetMaxIdleConns(n)
	d.SetConnMaxIdleTime(5 * time.Minute)
	if err := d.PingContext(ctx); err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("store: open %s: %w", label, err)
	}
	if err := migrate(ctx, d, label, maxVersion, mode); err != nil {
		_ = d.Close()
		return nil, err
	}
	return &Store{w: d, r: d}, nil
}

// redactDSN is the connection string as messages show it: without the
// password.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
