// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the database OGI_TEST_POSTGRES names (.ci/postgres starts a
// throw-away cluster and prints it), dropped when the test ends. Without
// OGI_TEST_POSTGRES the test is skipped with a message, unless
// OGI_REQUIRE_POSTGRES=1 (CI), which makes it fail instead.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	// The pgx driver for database/sql, as the store uses it.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// The environment that says where the tests' PostgreSQL is and whether it
// must be there.
const (
	EnvPostgres        = "OGI_TEST_POSTGRES"
	EnvRequirePostgres = "OGI_REQUIRE_POSTGRES"
)

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// Location creates a schema of its own in the OGI_TEST_POSTGRES database
// and returns a connection string whose search_path is that schema, so
// that every test starts from an empty database without the cost of
// creating one; the schema is dropped when the test ends.
func Location(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		if os.Getenv(EnvRequirePostgres) == "1" {
			t.Fatalf("%s is unset but %s=1: the PostgreSQL tests must run (see .ci/postgres)", EnvPostgres, EnvRequirePostgres)
		}
		t.Skipf("PostgreSQL tests skipped: set %s to a postgres:// database (.ci/postgres starts one)", EnvPostgres)
	}
	u, err := url.Parse(dsn)
	if err != nil || !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		t.Fatalf("%s is not a postgres:// URL", EnvPostgres)
	}
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", dsn)
		if admin.err == nil {
			admin.err = admin.db.Ping()
		}
	})
	if admin.err != nil {
		t.Fatalf("connecting to %s: %v", EnvPostgres, admin.err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "ogi_test_" + hex.EncodeToString(b[:])
	if _, err := admin.db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		if _, err := admin.db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
