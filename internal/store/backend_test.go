package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the schema admin connection
)

// The PostgreSQL tests need a server: OGI_TEST_POSTGRES is the postgres://
// connection string of a database where the tests may create and drop
// schemas (.ci/postgres starts one). Without it they skip, unless
// OGI_REQUIRE_POSTGRES=1 says that skipping is a failure (as in CI).
const (
	envPostgres        = "OGI_TEST_POSTGRES"
	envRequirePostgres = "OGI_REQUIRE_POSTGRES"
)

// backend is a database engine the store's tests run against.
type backend struct {
	name    string
	dialect dialect
	// location makes a fresh, empty database for Open (a file path or a
	// connection string) that is removed when the test ends.
	location func(t testing.TB) string
}

var (
	sqliteBackend = backend{name: "sqlite", dialect: sqliteDialect, location: func(t testing.TB) string {
		return filepath.Join(t.TempDir(), "ogi.db")
	}}
	postgresBackend = backend{name: "postgres", dialect: postgresDialect, location: postgresLocation}
)

// eachBackend runs f as a subtest for every backend, so that one test
// states what both engines must do.
func eachBackend(t *testing.T, f func(t *testing.T, bk backend)) {
	t.Helper()
	for _, bk := range []backend{sqliteBackend, postgresBackend} {
		t.Run(bk.name, func(t *testing.T) { f(t, bk) })
	}
}

// newStore opens a fresh store on the backend, closed when the test ends;
// it returns the store's location too, for tests that open it again.
func (bk backend) newStore(t testing.TB) (*Store, string) {
	t.Helper()
	loc := bk.location(t)
	s, err := Open(context.Background(), loc)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, loc
}

// newStore is a fresh SQLite store, for the tests of what only SQLite has
// (a file, pragmas).
func newStore(t testing.TB) (*Store, string) {
	t.Helper()
	return sqliteBackend.newStore(t)
}

var pgAdmin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// postgresLocation creates a schema of its own in the OGI_TEST_POSTGRES
// database and returns a connection string whose search_path is that
// schema, so that every test starts from an empty database without the
// cost of creating one; the schema is dropped when the test ends.
func postgresLocation(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envPostgres)
	if dsn == "" {
		if os.Getenv(envRequirePostgres) == "1" {
			t.Fatalf("%s is unset but %s=1: the PostgreSQL tests must run (see .ci/postgres)", envPostgres, envRequirePostgres)
		}
		t.Skipf("PostgreSQL tests skipped: set %s to a postgres:// database (.ci/postgres starts one)", envPostgres)
	}
	u, err := url.Parse(dsn)
	if err != nil || !IsPostgres(dsn) {
		t.Fatalf("%s is not a postgres:// URL", envPostgres)
	}
	pgAdmin.once.Do(func() {
		pgAdmin.db, pgAdmin.err = sql.Open("pgx", dsn)
		if pgAdmin.err == nil {
			pgAdmin.err = pgAdmin.db.Ping()
		}
	})
	if pgAdmin.err != nil {
		t.Fatalf("connecting to %s: %v", envPostgres, pgAdmin.err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "ogi_test_" + hex.EncodeToString(b[:])
	if _, err := pgAdmin.db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if _, err := pgAdmin.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
