package store

import (
	"context"
	"github.com/ogi-checker/ogi/internal/pgtest"
	"path/filepath"
	"testing"
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

// postgresLocation is a fresh PostgreSQL schema for the test
// (internal/pgtest).
func postgresLocation(t testing.TB) string {
	t.Helper()
	return pgtest.Location(t)
}
