package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLitePragmas checks the per-connection pragmas the writer's cost
// depends on, and that page_size changes only a new database: an existing
// file keeps its pages and opens as before.
func TestSQLitePragmas(t *testing.T) {
	tests := []struct {
		name     string
		existing bool // a database made before, with SQLite's default page size
		wantPage int
	}{
		{"new database", false, 8192},
		{"existing database", true, 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "x.db")
			if tt.existing {
				d, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.Exec(`CREATE TABLE older (a TEXT)`); err != nil {
					t.Fatal(err)
				}
				_ = d.Close()
			}
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var page, temp int
			if err := s.w.QueryRow(`PRAGMA page_size`).Scan(&page); err != nil {
				t.Fatal(err)
			}
			if err := s.w.QueryRow(`PRAGMA temp_store`).Scan(&temp); err != nil {
				t.Fatal(err)
			}
			if page != tt.wantPage || temp != 2 {
				t.Errorf("page_size %d temp_store %d, want %d and 2 (memory)", page, temp, tt.wantPage)
			}
			if err := s.PutReport(ctx, Report{Hash: "h", Document: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
