package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	tests := []struct{ in, sqlite, postgres string }{
		{in: `SELECT 1`, sqlite: `SELECT 1`, postgres: `SELECT 1`},
		{in: `a = ? AND b = ?`, sqlite: `a = ? AND b = ?`, postgres: `a = $1 AND b = $2`},
		{in: `x = '?' AND y = ?`, sqlite: `x = '?' AND y = ?`, postgres: `x = '?' AND y = $1`},
		{in: `"we?ird" = ?`, sqlite: `"we?ird" = ?`, postgres: `"we?ird" = $1`},
		{in: "-- why?\nv = ?", sqlite: "-- why?\nv = ?", postgres: "-- why?\nv = $1"},
		{in: `'it''s?' || ?`, sqlite: `'it''s?' || ?`, postgres: `'it''s?' || $1`},
		{in: `'unterminated ?`, sqlite: `'unterminated ?`, postgres: `'unterminated ?`},
		{in: "-- to the end ?", sqlite: "-- to the end ?", postgres: "-- to the end ?"},
		{in: `(?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?)`, sqlite: `(?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?)`,
			postgres: `($1, $2), ($3, $4), ($5, $6), ($7, $8), ($9, $10), ($11)`},
	}
	for _, tc := range tests {
		if got := sqliteDialect.rebind(tc.in); got != tc.sqlite {
			t.Errorf("sqlite rebind(%q) = %q, want %q", tc.in, got, tc.sqlite)
		}
		if got := postgresDialect.rebind(tc.in); got != tc.postgres {
			t.Errorf("postgres rebind(%q) = %q, want %q", tc.in, got, tc.postgres)
		}
	}
}

func TestIsPostgres(t *testing.T) {
	for name, want := range map[string]bool{
		"postgres://h/db": true, "postgresql://h/db": true, "POSTGRES://h/db": true,
		"ogi.db": false, "postgres.db": false, "./postgres://x": false, "": false,
	} {
		if got := IsPostgres(name); got != want {
			t.Errorf("IsPostgres(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestPostgresTextIsBytewise: every text column compares in the "C"
// collation, so that ORDER BY sorts as in SQLite whatever locale the
// database was created with (the CI cluster's is C.UTF-8, which would hide
// a column that lacks it from the ordering tests).
func TestPostgresTextIsBytewise(t *testing.T) {
	s, _ := postgresBackend.newStore(t)
	rows, err := s.r.Query(`SELECT table_name, column_name, COALESCE(collation_name, '') FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var table, col, coll string
		if err := rows.Scan(&table, &col, &coll); err != nil {
			t.Fatal(err)
		}
		n++
		if coll != "C" {
			t.Errorf("%s.%s: collation %q, want C", table, col, coll)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("only %d text columns seen; is the query looking at the store's schema?", n)
	}
}

// TestConcurrentOpen: ogi processes starting at once on a new database
// migrate it once between them.
func TestConcurrentOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		loc := bk.location(t)
		const n = 4
		stores := make([]*Store, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { stores[i], errs[i] = Open(ctx, loc) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Errorf("Open #%d: %v", i, errs[i])
				continue
			}
			defer stores[i].Close()
		}
		if t.Failed() {
			return
		}
		var rows int
		if err := stores[0].r.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != len(migrations) {
			t.Errorf("%d migration rows (%v), want %d", rows, err, len(migrations))
		}
	})
}

// TestConcurrentAddItems: uploads to one batch at once number their items
// one after another; none is lost to another taking the same seq.
func TestConcurrentAddItems(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		id, err := s.CreateBatch(ctx, Batch{Name: "b", Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		const uploads, per = 6, 10
		var wg sync.WaitGroup
		for u := range uploads {
			wg.Go(func() {
				for i := range per {
					it := Item{Name: fmt.Sprintf("u%d-%d.docx", u, i), Blob: fmt.Sprintf("blob-%d-%d", u, i), Size: 1, Source: "upload"}
					if n, err := s.AddItems(ctx, id, []Item{it}); err != nil || n != 1 {
						t.Errorf("AddItems(%s) = %d, %v", it.Name, n, err)
					}
				}
			})
		}
		wg.Wait()
		items, err := s.Items(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != uploads*per {
			t.Fatalf("%d items, want %d", len(items), uploads*per)
		}
		for i, it := range items {
			if it.Seq != i+1 {
				t.Fatalf("item %d has seq %d, want %d", i, it.Seq, i+1)
			}
		}
	})
}

// TestOpenPostgresErrors: a connection string that cannot work is an
// error naming it, without its password.
func TestOpenPostgresErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, dsn := range []string{
		"postgres://ogi:s3cret@127.0.0.1:1/ogi?sslmode=disable&connect_timeout=2",
		"postgres://ogi@/ogi?host=/nonexistent/dir&password=s3cret",
		"postgres://ogi:s3cret@[::1/ogi",
	} {
		s, err := Open(ctx, dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		t.Log(err)
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error %q shows the password", err)
		}
		if !strings.Contains(err.Error(), "postgres://") {
			t.Errorf("error %q does not name the database", err)
		}
	}
}

// BenchmarkBackends compares the per-operation cost of the two engines on
// what a batch and its review do most: store a report with its result,
// record a decision, list the decisions.
func BenchmarkBackends(b *testing.B) {
	for _, bk := range []backend{sqliteBackend, postgresBackend} {
		b.Run(bk.name+"/PutReport+PutResult", func(b *testing.B) {
			ctx := context.Background()
			s, _ := bk.newStore(b)
			doc := testDocument(20<<10, 1)
			summary := testDocument(2<<10, 2)
			findings := testFindings(10)
			for i := 0; b.Loop(); i++ {
				h := strconv.Itoa(i)
				if err := s.PutReport(ctx, Report{Hash: h, Body: "b", Year: intp(2024), Document: doc}); err != nil {
					b.Fatal(err)
				}
				if err := s.PutResult(ctx, Result{Key: Key{h, "rules", "cfg", ""}, Summary: summary, Findings: findings}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bk.name+"/PutDecision", func(b *testing.B) {
			ctx := context.Background()
			s, _ := bk.newStore(b)
			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			for i := 0; b.Loop(); i++ {
				d := Decision{Finding: "f" + strconv.Itoa(i%1000), Cells: "v", Verdict: "confirmed", Reviewer: "张三", Decided: at, Source: "web"}
				if err := s.PutDecision(ctx, d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bk.name+"/Decisions1000", func(b *testing.B) {
			ctx := context.Background()
			s, _ := bk.newStore(b)
			at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			for i := range 1000 {
				d := Decision{Finding: "f" + strconv.Itoa(i), Cells: "v", Verdict: "confirmed", Reviewer: "张三", Decided: at, Source: "web"}
				if err := s.PutDecision(ctx, d); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if ds, err := s.Decisions(ctx); err != nil || len(ds) != 1000 {
					b.Fatal(len(ds), err)
				}
			}
		})
	}
}
