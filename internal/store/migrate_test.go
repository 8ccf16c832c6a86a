package store

import (
	"context"
	"strings"
	"testing"
)

// TestExplicitMigration: a database behind this binary is reported, refused
// by OpenCurrent with the command to run, brought up to date by Migrate,
// and then opened by OpenCurrent; Version changes nothing.
func TestExplicitMigration(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		loc := bk.location(t)
		old, err := openAt(ctx, loc, 5)
		if err != nil {
			t.Fatal(err)
		}
		_ = old.Close()
		for range 2 {
			if v, err := Version(ctx, loc); err != nil || v != 5 {
				t.Fatalf("Version = %d, %v; want 5", v, err)
			}
		}
		if _, err := OpenCurrent(ctx, loc); err == nil || !strings.Contains(err.Error(), "ogi migrate --db") || !strings.Contains(err.Error(), "version 5") {
			t.Fatalf("OpenCurrent of an old store: %v", err)
		}
		from, to, err := Migrate(ctx, loc)
		if err != nil || from != 5 || to != LatestVersion() {
			t.Fatalf("Migrate = %d → %d, %v; want 5 → %d", from, to, err, LatestVersion())
		}
		s, err := OpenCurrent(ctx, loc)
		if err != nil {
			t.Fatalf("OpenCurrent after Migrate: %v", err)
		}
		_ = s.Close()
		if from, to, err := Migrate(ctx, loc); err != nil || from != to {
			t.Fatalf("second Migrate = %d → %d, %v", from, to, err)
		}
	})
}
