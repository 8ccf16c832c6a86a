// Package store is the database behind `ogi assess` and `ogi serve`: an
// embedded SQLite file by default, or a PostgreSQL database that several
// processes share (Open takes a postgres:// connection string). Both run
// the same queries and the same numbered migrations; what differs is in
// db.go, postgres.go and each migration's PostgreSQL script. The notes on
// writers and readers below are about SQLite.
//
// It exists so that a re-run of a batch can skip every document whose report
// file, rule pack and configuration are unchanged, and so that cross-year
// checks can find last year's report of the same body without the user
// having to supply it again. Converted documents and per-file results are
// kept compressed as S2 streams (zstd in stores written before schema
// version 13, gzip before 12, both still read) because canonical JSON compresses several-fold and a batch
// holds thousands of reports.
//
// The database is opened in WAL mode so that readers never wait for the
// writer. SQLite admits one writer at a time, so writes from several
// goroutines queue for a single connection in database/sql: they then never
// reach SQLite's sleep-and-retry busy handler, whose 5 s timeout would be
// all that stands between heavy contention and SQLITE_BUSY. (Throughput
// measured the same with eight writer connections; the queue costs nothing.)
// Reads use a separate pool, because behind the writer queue a lookup took
// about 50 times longer while a batch was being written.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	// The import registers the pure-Go "sqlite" driver, so ogi stays cgo-free.
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is an open ogi database. It is safe for concurrent use by multiple
// goroutines because `ogi assess` converts and checks documents in parallel.
type Store struct {
	// w is limited to one connection on SQLite: it is the single SQLite
	// writer, and queueing for it in database/sql means concurrent writers
	// never see SQLITE_BUSY from each other. On PostgreSQL, which has row
	// locks and many writers, w and r are one pool.
	w *db
	// r serves reads on its own connections so that lookups made while
	// deciding whether to convert are not stuck behind queued writes; WAL
	// lets them run alongside the writer. It is w itself when separate
	// readers are disabled.
	r *db
}

// separateReaders chooses between a dedicated read pool and sharing the
// single writer connection; a variable rather than a constant so that the
// benchmarks can compare both.
var separateReaders = true

// dsnParams are applied by the driver to every new connection, which is the
// only way to make per-connection pragmas (busy_timeout, foreign_keys,
// synchronous) hold for connections database/sql opens later. _txlock makes
// every read-write transaction BEGIN IMMEDIATE, so a transaction never has
// to upgrade a read lock to a write lock, which is the one case where SQLite
// returns SQLITE_BUSY without consulting busy_timeout.
//
// temp_store(memory) keeps the statement journal of the Writer's
// multi-row upserts in memory: on disk it was a pwrite per page saved, a
// fifth of the writer's CPU on a first run. page_size(8192) takes effect
// only in a new database (before its first table; an existing one keeps
// its size): a compressed document or summary of 2-3 KB left a 4 KB page
// half empty, and every page is one write to the WAL and one more at the
// checkpoint.
const dsnParams = "_busy_timeout=5000&_foreign_keys=1&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate" +
	"&_pragma=temp_store(memory)&_pragma=page_size(8192)"

// timeFormat is fixed-width UTC so that stored times sort as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// Open opens or creates the database at pathOrDSN and brings its schema up
// to date, so that callers never see a half-migrated database. A name
// starting with postgres:// or postgresql:// is a PostgreSQL connection
// string (see IsPostgres); anything else is the path of an SQLite file. A
// database written by a newer ogi is refused rather than used, because
// this binary cannot know what the newer schema means.
func Open(ctx context.Context, pathOrDSN string) (*Store, error) {
	return openAt(ctx, pathOrDSN, len(migrations))
}

// migrateMode says what opening does about a schema older than this
// binary's: bring it up to date (Open), refuse it (OpenCurrent), or only
// read its version (Version).
type migrateMode int

const (
	migrateApply migrateMode = iota
	migrateRequire
	migrateRead
)

// LatestVersion is the schema version this binary writes.
func LatestVersion() int { return len(migrations) }

// OpenCurrent opens a database without changing its schema: one that is
// behind this binary is refused with an error saying to run ogi migrate,
// for deployments that migrate explicitly before starting replicas.
func OpenCurrent(ctx context.Context, pathOrDSN string) (*Store, error) {
	return openMode(ctx, pathOrDSN, len(migrations), migrateRequire)
}

// Version is the schema version of the database at pathOrDSN, changing
// nothing (a new SQLite file is created empty, at version 0).
func Version(ctx context.Context, pathOrDSN string) (int, error) {
	s, err := openMode(ctx, pathOrDSN, len(migrations), migrateRead)
	if err != nil {
		return 0, err
	}
	defer func() { _ = s.Close() }()
	return s.SchemaVersion(ctx)
}

// Migrate brings the database at pathOrDSN up to this binary's schema and
// says from which version to which.
func Migrate(ctx context.Context, pathOrDSN string) (from, to int, err error) {
	if from, err = Version(ctx, pathOrDSN); err != nil {
		return 0, 0, err
	}
	s, err := Open(ctx, pathOrDSN)
	if err != nil {
		return from, 0, err
	}
	defer func() { _ = s.Close() }()
	to, err = s.SchemaVersion(ctx)
	return from, to, err
}

// IsPostgres reports whether Open takes name for a PostgreSQL connection
// string rather than a file path.
func IsPostgres(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// openAt is Open for a binary that knows only the first maxVersion
// migrations; tests use it to build databases at old schema versions.
func openAt(ctx context.Context, path string, maxVersion int) (*Store, error) {
	return openMode(ctx, path, maxVersion, migrateApply)
}

func openMode(ctx context.Context, path string, maxVersion int, mode migrateMode) (*Store, error) {
	if maxVersion < 0 || maxVersion > len(migrations) {
		return nil, fmt.Errorf("store: schema version %d out of range 0..%d", maxVersion, len(migrations))
	}
	if path == "" {
		// An empty name would silently give a private temporary database.
		return nil, errors.New("store: open: empty database path")
	}
	if IsPostgres(path) {
		return openPostgres(ctx, path, maxVersion, mode)
	}
	name, err := dsn(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	sw, err := sql.Open("sqlite", name+"?"+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w := &db{DB: sw, dialect: sqliteDialect}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	// Ping forces the first connection open, which is where the driver
	// finds out whether the file is an SQLite database at all.
	if err := pingSQLite(ctx, w); err != nil {
		_ = w.Close() // the open error is the one worth reporting
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := migrate(ctx, w, path, maxVersion, mode); err != nil {
		_ = w.Close() // the open error is the one worth reporting
		return nil, err
	}
	s := &Store{w: w, r: w}
	if separateReaders {
		// query_only guards against a write slipping onto a reader and
		// racing the writer connection for the lock.
		sr, err := sql.Open("sqlite", name+"?"+dsnParams+"&_query_only=1")
		if err != nil {
			_ = w.Close() // the open error is the one worth reporting
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
		r := &db{DB: sr, dialect: sqliteDialect}
		n := min(max(runtime.GOMAXPROCS(0), 2), 8)
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		if err := pingSQLite(ctx, r); err != nil {
			_ = r.Close()
			_ = w.Close()
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
		s.r = r
	}
	return s, nil
}

// sqliteBusyWait is how long opening waits for a database another process
// is switching to WAL, as long as dsnParams' busy timeout.
const sqliteBusyWait = 5 * time.Second

// pingSQLite opens d's first connection. Its pragmas switch a new database
// to WAL, which needs an exclusive lock that SQLite does not wait for (the
// busy timeout does not cover it), so two processes opening a new
// database at once could have one refused with SQLITE_BUSY; it tries
// again, for as long as the busy timeout would have waited.
func pingSQLite(ctx context.Context, d *db) error {
	deadline := time.Now().Add(sqliteBusyWait)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		err := d.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().Add(delay).After(deadline) {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// dsn turns a file path into a file: URI, because the driver treats a '?'
// in a plain name as the start of its parameters and SQLite would
// misread '#' and '%'.
func dsn(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive letter: file:///C:/...
	}
	return "file://" + (&url.URL{Path: p}).EscapedPath(), nil
}

// migrate applies the pending migrations up to target, each in its own
// transaction so that a failure leaves the database at the last good
// version rather than half-way through one.
func migrate(ctx context.Context, d *db, path string, target int, mode migrateMode) error {
	for {
		done, err := migrateStep(ctx, d, path, target, mode)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies at most one migration. The version is read inside the
// transaction, which is immediate on SQLite and holds an advisory lock on
// PostgreSQL, so that two processes opening the same new database cannot
// both apply the same script.
func migrateStep(ctx context.Context, d *db, path string, target int, mode migrateMode) (done bool, err error) {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	if d.dialect == postgresDialect {
		// The lock is released with the transaction; every ogi process
		// migrating a database takes it before reading the version.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLock); err != nil {
			return false, fmt.Errorf("store: open %s: waiting for the migration lock: %w", path, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	applied TEXT NOT NULL
)`); err != nil {
		return false, fmt.Errorf("store: open %s: %w", path, err)
	}
	var v int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return false, fmt.Errorf("store: open %s: reading schema version: %w", path, err)
	}
	if v > target {
		return false, fmt.Errorf("store: %s has schema version %d, newer than version %d known to this ogi; use a newer ogi or another database file", path, v, target)
	}
	if v < target && mode == migrateRequire {
		return false, fmt.Errorf("store: %s has schema version %d, older than version %d this ogi needs: run `ogi migrate --db %s` first", path, v, target, path)
	}
	if v < target && mode == migrateRead {
		return true, tx.Commit()
	}
	if v == target {
		// A database migrated before user_version was kept gets it now.
		if err := setUserVersion(ctx, tx, v); err != nil {
			return false, fmt.Errorf("store: open %s: %w", path, err)
		}
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, migrations[v].script(d.dialect)); err != nil {
		return false, fmt.Errorf("store: %s: migration %d: %w", path, v+1, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied) VALUES (?, ?)`,
		v+1, time.Now().UTC().Format(timeFormat)); err != nil {
		return false, fmt.Errorf("store: %s: recording migration %d: %w", path, v+1, err)
	}
	if err := setUserVersion(ctx, tx, v+1); err != nil {
		return false, fmt.Errorf("store: %s: recording migration %d: %w", path, v+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: %s: migration %d: %w", path, v+1, err)
	}
	return v+1 == target, nil
}

// setUserVersion keeps SQLite's header field PRAGMA user_version equal to
// the migrations table's version, in the same transaction: tools that know
// only SQLite (sqlite3, backup scripts) read the schema version there. It is
// written only when it differs, so an up-to-date open writes nothing.
func setUserVersion(ctx context.Context, tx *txn, v int) error {
	if tx.dialect != sqliteDialect {
		return nil // the migrations table is the only record
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&cur); err != nil {
		return fmt.Errorf("reading user_version: %w", err)
	}
	if cur == v {
		return nil
	}
	// A PRAGMA takes no parameters; v is an int.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v)); err != nil {
		return fmt.Errorf("setting user_version: %w", err)
	}
	return nil
}

// Close releases the database; on SQLite the last connection to close
// checkpoints the WAL so that the file can be copied on its own afterwards.
func (s *Store) Close() error {
	var err error
	if s.r != s.w {
		err = s.r.Close()
	}
	return errors.Join(err, s.w.Close())
}

// SchemaVersion reports the applied migration version, so that tooling can
// tell which ogi last upgraded a database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// execer is what writes need from either the Store's writer or a Tx, so that
// the same code serves single writes and batches.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// formatTime is the single place times are encoded, so that every column
// sorts and parses the same way.
func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// parseTime accepts what formatTime writes; RFC 3339 also covers any
// hand-edited value with another offset.
func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// Redact is a store's name as messages show it: a path as it is, a
// PostgreSQL connection string without its password.
func Redact(name string) string {
	if IsPostgres(name) {
		return redactDSN(name)
	}
	return name
}
