package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/internal/store"
)

// TestMigrateCommand: ogi migrate --check says a new store is behind and
// changes nothing; ogi migrate brings it up; then --check passes and
// ogi serve --no-migrate accepts what it refused before.
func TestMigrateCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ogi.db")
	latest := store.LatestVersion()
	code, out, _ := runOgi(t, "migrate", "--db", db, "--check")
	if code != exitCompliance || !strings.Contains(out, "schema version 0, behind "+fmt.Sprint(latest)) {
		t.Fatalf("check of a new store: %d %q", code, out)
	}
	if code, _, stderr := runOgi(t, "serve", "--no-migrate", "--addr", "127.0.0.1:0", "--db", db, "--data", filepath.Join(t.TempDir(), "d")); code != exitUsage || !strings.Contains(stderr, "ogi migrate --db") {
		t.Fatalf("serve --no-migrate of an old store: %d %q", code, stderr)
	}
	code, out, _ = runOgi(t, "migrate", "--db", db)
	if code != exitOK || out != fmt.Sprintf("%s: schema version 0 → %d\n", db, latest) {
		t.Fatalf("migrate: %d %q", code, out)
	}
	code, out, _ = runOgi(t, "migrate", "--db", db, "--check")
	if code != exitOK || !strings.Contains(out, "up to date") {
		t.Fatalf("check after migrate: %d %q", code, out)
	}
}
