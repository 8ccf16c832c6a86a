package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func intp(v int) *int           { return &v }
func floatp(v float64) *float64 { return &v }

// schemaObjects lists the tables and indexes the store created, so that
// tests can tell which migrations ran.
func schemaObjects(t *testing.T, d *db) map[string]bool {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%'`
	if d.dialect == postgresDialect {
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')`
	}
	rows, err := d.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[n] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenCreatesLatestSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		v, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(migrations) {
			t.Fatalf("SchemaVersion = %d, want %d", v, len(migrations))
		}
		objs := schemaObjects(t, s.w)
		for _, name := range []string{"schema_migrations", "reports", "reports_body_year", "runs", "results", "findings", "findings_rule", "bodies", "decisions", "decision_history", "decision_history_finding"} {
			if !objs[name] {
				t.Errorf("schema object %q missing; have %v", name, objs)
			}
		}

		if bk.dialect != sqliteDialect {
			return
		}
		// Every connection, the writer and the readers alike, must carry the
		// pragmas, since database/sql may open any of them at any time.
		for _, tc := range []struct {
			db   *db
			name string
		}{{s.w, "writer"}, {s.r, "reader"}} {
			for _, p := range []struct{ pragma, want string }{
				{"journal_mode", "wal"},
				{"busy_timeout", "5000"},
				{"foreign_keys", "1"},
				{"synchronous", "1"}, // NORMAL
			} {
				var got string
				if err := tc.db.QueryRow("PRAGMA " + p.pragma).Scan(&got); err != nil {
					t.Fatalf("%s PRAGMA %s: %v", tc.name, p.pragma, err)
				}
				if got != p.want {
					t.Errorf("%s PRAGMA %s = %q, want %q", tc.name, p.pragma, got, p.want)
				}
			}
		}
	})
}

func TestReopenIsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		path := bk.location(t)
		for i := range 3 {
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("open #%d: %v", i+1, err)
			}
			if i == 0 {
				if err := s.PutReport(ctx, Report{Hash: "h1", Document: []byte(`{}`)}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := s.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var rows int
			if err := s.r.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if v != len(migrations) || rows != len(migrations) {
				t.Errorf("open #%d: version %d with %d migration rows, want %d", i+1, v, rows, len(migrations))
			}
			if _, ok, err := s.ReportMeta(ctx, "h1"); err != nil || !ok {
				t.Errorf("open #%d: report lost: ok=%v err=%v", i+1, ok, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, path := bk.newStore(t)
		if _, err := s.w.Exec(`INSERT INTO schema_migrations(version, applied) VALUES (999, 'future')`); err != nil {
			t.Fatal(err)
		}
		s2, err := Open(ctx, path)
		if err == nil {
			s2.Close()
			t.Fatal("Open of a database with schema version 999 succeeded")
		}
		t.Log(err)
		for _, want := range []string{path, "999", strconv.Itoa(len(migrations)), "newer"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}

		// A binary that knows fewer migrations than the file has must refuse
		// too: the same rule seen from an older ogi.
		p2 := bk.location(t)
		s3, err := Open(ctx, p2)
		if err != nil {
			t.Fatal(err)
		}
		s3.Close()
		if s4, err := openAt(ctx, p2, 1); err == nil {
			s4.Close()
			t.Fatalf("openAt(maxVersion=1) accepted a version-%d database", len(migrations))
		} else if !strings.Contains(err.Error(), "version "+strconv.Itoa(len(migrations))) || !strings.Contains(err.Error(), "version 1") {
			t.Errorf("error %q does not name both versions", err)
		}
	})
}

func TestOpenRejectsNonSQLiteFile(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		content []byte
	}{
		{"short text", []byte("hello")},
		{"long text", bytes.Repeat([]byte("这不是数据库。not a database\n"), 200)},
		{"fake header", append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xff}, 4096)...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "report.db")
			if err := os.WriteFile(path, tc.content, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, path)
			if err == nil {
				s.Close()
				t.Fatal("Open of a non-SQLite file succeeded")
			}
			t.Log(err)
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.content) {
				t.Error("Open modified the non-SQLite file")
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("Open left files beside the non-SQLite file: %v", entries)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name, path string
	}{
		{"empty path", ""},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "ogi.db")},
		{"directory", dir},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, tc.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", tc.path)
			}
			t.Log(err)
			if tc.path != "" && !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name %s", err, tc.path)
			}
		})
	}
}

// Paths are user input: characters that are special in a URI or in the
// driver's DSN syntax must still name the file literally.
func TestOpenPathWithSpecialCharacters(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "年报 2024?x=1#frag%20")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "o gi?mode=ro.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutReport(ctx, Report{Hash: "h", Document: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("database not at %q: %v", path, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("stray files next to the database directory: %v", entries)
	}
}

func TestMigrateFromVersion1(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		path := bk.location(t)
		s1, err := openAt(ctx, path, 1)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := s1.SchemaVersion(ctx); err != nil || v != 1 {
			t.Fatalf("SchemaVersion = %d, %v; want 1", v, err)
		}
		objs := schemaObjects(t, s1.w)
		if objs["findings_rule"] || objs["bodies"] {
			t.Fatalf("version-1 database already has migration 2's objects: %v", objs)
		}
		// Written as a version-1 binary would: it knows no signature column.
		gz, err := compress([]byte(`{"a":1}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s1.w.Exec(`INSERT INTO reports (hash, converter, file, agency, body, year, template, document, created)
		VALUES ('h1', 'v1', 'f', 'a', 'b', 2023, '2021', ?, '2026-01-01T00:00:00.000000000Z')`, gz); err != nil {
			t.Fatal(err)
		}
		if err := s1.Close(); err != nil {
			t.Fatal(err)
		}

		s2, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if v, err := s2.SchemaVersion(ctx); err != nil || v != len(migrations) {
			t.Fatalf("after migration SchemaVersion = %d, %v; want %d", v, err, len(migrations))
		}
		objs = schemaObjects(t, s2.w)
		if !objs["findings_rule"] || !objs["bodies"] {
			t.Fatalf("migration 2 objects missing: %v", objs)
		}
		if _, err := s2.w.Exec(`INSERT INTO bodies(body, name) VALUES ('b', '某某市人民政府')`); err != nil {
			t.Fatalf("bodies table unusable: %v", err)
		}
		doc, ok, err := s2.Document(ctx, "h1")
		if err != nil || !ok || string(doc) != `{"a":1}` {
			t.Fatalf("report lost in migration: %q %v %v", doc, ok, err)
		}
		// Migration 3: old rows have no signature; new ones keep theirs.
		if m, ok, err := s2.ReportMeta(ctx, "h1"); err != nil || !ok || m.Signature != nil {
			t.Fatalf("migrated row: %+v %v %v", m, ok, err)
		}
		if err := s2.PutReport(ctx, Report{Hash: "h2", Document: []byte(`{}`), Signature: []byte{1, 2, 3, 4}}); err != nil {
			t.Fatal(err)
		}
		if m, _, err := s2.ReportMeta(ctx, "h2"); err != nil || !bytes.Equal(m.Signature, []byte{1, 2, 3, 4}) {
			t.Fatalf("signature round trip: %v %v", m.Signature, err)
		}
		// Migration 5: old rows are reports, not unreadable inputs.
		if m, _, err := s2.ReportMeta(ctx, "h1"); err != nil || m.Unreadable != "" {
			t.Fatalf("migrated row unreadable %q, %v", m.Unreadable, err)
		}
		if rs, err := s2.ReportsFor(ctx, "b", 2023); err != nil || len(rs) != 1 {
			t.Fatalf("migrated row not found as a previous report: %v %v", rs, err)
		}
	})
}

// TestUnreadableReport: an input that holds no report keeps its reason
// code, and is never returned as a body's report for a year, even when
// a manifest gave it a body and a year.
func TestUnreadableReport(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		if err := s.PutReport(ctx, Report{Hash: "scan", Converter: "v", File: "scan.pdf", Body: "甲县", Year: intp(2023),
			Document: []byte("null"), Unreadable: "no_text"}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutReport(ctx, Report{Hash: "real", Converter: "v", File: "r.txt", Body: "甲县", Year: intp(2023), Document: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
		m, ok, err := s.ReportMeta(ctx, "scan")
		if err != nil || !ok || m.Unreadable != "no_text" || m.Converter != "v" {
			t.Fatalf("ReportMeta: %+v %v %v", m, ok, err)
		}
		if m, _, _ := s.ReportMeta(ctx, "real"); m.Unreadable != "" {
			t.Errorf("a report reads back as unreadable %q", m.Unreadable)
		}
		rs, err := s.ReportsFor(ctx, "甲县", 2023)
		if err != nil || len(rs) != 1 || rs[0].Hash != "real" {
			t.Errorf("ReportsFor: %+v %v, want only the readable report", rs, err)
		}
	})
}

// testDocument is roughly what a converted report looks like: JSON with
// Chinese labels and numbers, so compression ratios are realistic.
func testDocument(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	labels := []string{"收到申请数", "予以公开", "部分公开", "不予公开", "行政复议", "行政诉讼", "主动公开", "政府信息公开工作年度报告", "维持", "纠正"}
	var b bytes.Buffer
	b.WriteString(`{"title":"2024年政府信息公开工作年度报告","cells":[`)
	for i := 0; b.Len() < size-64; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"r":%d,"c":%d,"label":%q,"value":%d}`, i/8, i%8, labels[rng.IntN(len(labels))], rng.IntN(100000))
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func TestReportRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		tests := []struct {
			name string
			r    Report
		}{
			{"full", Report{Hash: "aa01", Converter: "ogi 1.2.3", File: "报告/2024.docx", Agency: "某某市人民政府办公室", Body: "某某市", Year: intp(2024), Template: "gb2021", Document: testDocument(20<<10, 1)}},
			{"no year", Report{Hash: "aa02", Converter: "ogi 1.2.3", File: "x.pdf", Agency: "A", Body: "a", Template: "unknown", Document: []byte(`{"x":null}`)}},
			{"empty document", Report{Hash: "aa03", Year: intp(0), Document: nil}},
			{"large document", Report{Hash: "aa04", Year: intp(2023), Document: testDocument(3<<20, 2)}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if err := s.PutReport(ctx, tc.r); err != nil {
					t.Fatal(err)
				}
				meta, ok, err := s.ReportMeta(ctx, tc.r.Hash)
				if err != nil || !ok {
					t.Fatalf("ReportMeta: ok=%v err=%v", ok, err)
				}
				wantMeta := tc.r
				wantMeta.Document = nil
				if !reflect.DeepEqual(meta, wantMeta) {
					t.Errorf("ReportMeta = %+v, want %+v", meta, wantMeta)
				}
				doc, ok, err := s.Document(ctx, tc.r.Hash)
				if err != nil || !ok {
					t.Fatalf("Document: ok=%v err=%v", ok, err)
				}
				if !bytes.Equal(doc, tc.r.Document) {
					t.Errorf("Document: got %d bytes, want %d", len(doc), len(tc.r.Document))
				}
				var raw []byte
				if err := s.r.QueryRow(`SELECT document FROM reports WHERE hash = ?`, tc.r.Hash).Scan(&raw); err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(raw, s2Magic) {
					t.Errorf("stored document is not S2: % x", raw[:min(len(raw), 10)])
				}
				if len(tc.r.Document) > 1000 && len(raw) > len(tc.r.Document)/2 {
					t.Errorf("stored document %d bytes for %d input: not compressed", len(raw), len(tc.r.Document))
				}
			})
		}

		t.Run("replace", func(t *testing.T) {
			r := tests[0].r
			r.Converter, r.Year, r.Document = "ogi 2.0.0", nil, []byte(`{"v":2}`)
			if err := s.PutReport(ctx, r); err != nil {
				t.Fatal(err)
			}
			meta, _, _ := s.ReportMeta(ctx, r.Hash)
			doc, _, _ := s.Document(ctx, r.Hash)
			if meta.Converter != "ogi 2.0.0" || meta.Year != nil || string(doc) != `{"v":2}` {
				t.Errorf("after replace: %+v %q", meta, doc)
			}
		})

		t.Run("absent", func(t *testing.T) {
			if _, ok, err := s.ReportMeta(ctx, "nope"); ok || err != nil {
				t.Errorf("ReportMeta(absent) ok=%v err=%v", ok, err)
			}
			if d, ok, err := s.Document(ctx, "nope"); ok || err != nil || d != nil {
				t.Errorf("Document(absent) = %q ok=%v err=%v", d, ok, err)
			}
		})

		t.Run("empty hash", func(t *testing.T) {
			if err := s.PutReport(ctx, Report{}); err == nil {
				t.Error("PutReport with empty hash succeeded")
			}
		})

		t.Run("corrupt blob", func(t *testing.T) {
			if _, err := s.w.Exec(`UPDATE reports SET document = ? WHERE hash = 'aa02'`, []byte{0x00, 0x11, 0x22, 0x33}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Document(ctx, "aa02"); err == nil || !strings.Contains(err.Error(), "aa02") {
				t.Errorf("Document of a corrupt blob: err = %v", err)
			}
		})
	})
}

func TestReportsFor(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		for _, r := range []Report{
			{Hash: "c3", Body: "甲市", Year: intp(2023)},
			{Hash: "a1", Body: "甲市", Year: intp(2023)},
			{Hash: "b2", Body: "甲市", Year: intp(2023)},
			{Hash: "d4", Body: "甲市", Year: intp(2024)},
			{Hash: "e5", Body: "乙市", Year: intp(2023)},
			{Hash: "f6", Body: "甲市"}, // unknown year
		} {
			r.Document = []byte("{}")
			if err := s.PutReport(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			body string
			year int
			want []string
		}{
			{"甲市", 2023, []string{"a1", "b2", "c3"}},
			{"甲市", 2024, []string{"d4"}},
			{"乙市", 2023, []string{"e5"}},
			{"乙市", 2024, nil},
			{"丙市", 2023, nil},
			{"甲市", 0, nil},
		}
		for _, tc := range tests {
			got, err := s.ReportsFor(ctx, tc.body, tc.year)
			if err != nil {
				t.Fatal(err)
			}
			var hashes []string
			for _, r := range got {
				if r.Document != nil {
					t.Errorf("ReportsFor returned a document for %s", r.Hash)
				}
				if r.Body != tc.body || r.Year == nil || *r.Year != tc.year {
					t.Errorf("ReportsFor(%s, %d) returned %+v", tc.body, tc.year, r)
				}
				hashes = append(hashes, r.Hash)
			}
			if !reflect.DeepEqual(hashes, tc.want) {
				t.Errorf("ReportsFor(%s, %d) = %v, want %v", tc.body, tc.year, hashes, tc.want)
			}
		}
	})
}

func testFindings(n int) []Finding {
	fs := make([]Finding, n)
	for i := range fs {
		fs[i] = Finding{Seq: i + 1, Rule: fmt.Sprintf("GB-%03d", i), Severity: "error", Status: "fail", Message: fmt.Sprintf("第%d项数据不一致", i+1), Cells: fmt.Sprintf(`["T2!B%d"]`, i+3)}
	}
	return fs
}

func TestResultRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		runID, err := s.BeginRun(ctx, "ogi 1.0", "rules1", "cfg1", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		reversed := testFindings(5)
		for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
			reversed[i], reversed[j] = reversed[j], reversed[i]
		}
		tests := []struct {
			name string
			r    Result
			want []Finding
		}{
			{"score and run", Result{Key: Key{"r1", "rules1", "cfg1", ""}, RunID: runID, Score: floatp(87.5), Grade: "B", Errors: 2, Warnings: 3, Summary: []byte(`{"file":"a.docx"}`), Findings: testFindings(3)}, testFindings(3)},
			{"nil score", Result{Key: Key{"r1", "rules1", "cfg1", "prev"}, RunID: runID, Grade: "", Summary: []byte(`{}`)}, nil},
			{"zero score, no run", Result{Key: Key{"r2", "rules1", "cfg1", ""}, Score: floatp(0), Grade: "F", Errors: 40, Summary: testDocument(5000, 3), Findings: reversed}, testFindings(5)},
			{"unicode in findings", Result{Key: Key{"r3", "r", "c", "p"}, Score: floatp(-1.25), Findings: []Finding{{Seq: 7, Rule: "规则", Severity: "警告", Status: "未通过", Message: "“引号”\n换行", Cells: ""}}}, []Finding{{Seq: 7, Rule: "规则", Severity: "警告", Status: "未通过", Message: "“引号”\n换行", Cells: ""}}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if err := s.PutResult(ctx, tc.r); err != nil {
					t.Fatal(err)
				}
				got, ok, err := s.Result(ctx, tc.r.Key)
				if err != nil || !ok {
					t.Fatalf("Result: ok=%v err=%v", ok, err)
				}
				want := tc.r
				want.Findings = nil
				if len(want.Summary) == 0 {
					want.Summary = []byte{}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Result = %+v\nwant     %+v", got, want)
				}
				fs, err := s.Findings(ctx, tc.r.Key)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(fs, tc.want) {
					t.Errorf("Findings = %+v, want %+v", fs, tc.want)
				}
			})
		}

		t.Run("absent", func(t *testing.T) {
			if _, ok, err := s.Result(ctx, Key{"r1", "rules2", "cfg1", ""}); ok || err != nil {
				t.Errorf("Result(absent) ok=%v err=%v", ok, err)
			}
			if fs, err := s.Findings(ctx, Key{"zz", "", "", ""}); fs != nil || err != nil {
				t.Errorf("Findings(absent) = %v, %v", fs, err)
			}
		})

		t.Run("unknown run", func(t *testing.T) {
			if err := s.PutResult(ctx, Result{Key: Key{"r9", "x", "y", ""}, RunID: 4242}); err == nil {
				t.Error("PutResult referring to a missing run succeeded; foreign keys are off")
			}
		})

		t.Run("empty report hash", func(t *testing.T) {
			if err := s.PutResult(ctx, Result{}); err == nil {
				t.Error("PutResult with empty report hash succeeded")
			}
		})
	})
}

func TestPutResultReplacesFindings(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		k := Key{"r1", "rules", "cfg", ""}
		other := Key{"r1", "rules", "cfg", "prev"}
		if err := s.PutResult(ctx, Result{Key: other, Grade: "A", Findings: testFindings(4)}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutResult(ctx, Result{Key: k, Grade: "C", Findings: testFindings(250)}); err != nil {
			t.Fatal(err)
		}
		if fs, _ := s.Findings(ctx, k); len(fs) != 250 {
			t.Fatalf("got %d findings, want 250", len(fs))
		}
		replacement := []Finding{{Seq: 1, Rule: "new", Severity: "warning", Status: "fail", Message: "m", Cells: "A1"}}
		if err := s.PutResult(ctx, Result{Key: k, Grade: "B", Findings: replacement}); err != nil {
			t.Fatal(err)
		}
		r, _, _ := s.Result(ctx, k)
		fs, err := s.Findings(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if r.Grade != "B" || !reflect.DeepEqual(fs, replacement) {
			t.Errorf("after replace: grade %q findings %+v", r.Grade, fs)
		}
		if fs, _ := s.Findings(ctx, other); len(fs) != 4 {
			t.Errorf("replacing %v touched the findings of %v: %d left", k, other, len(fs))
		}

		// A failing replacement (duplicate seq) must leave the old result
		// whole: result and findings are one transaction.
		dup := []Finding{{Seq: 5, Rule: "a"}, {Seq: 5, Rule: "b"}}
		if err := s.PutResult(ctx, Result{Key: k, Grade: "Z", Findings: dup}); err == nil {
			t.Fatal("PutResult with duplicate seq succeeded")
		}
		r, _, _ = s.Result(ctx, k)
		fs, _ = s.Findings(ctx, k)
		if r.Grade != "B" || !reflect.DeepEqual(fs, replacement) {
			t.Errorf("failed PutResult left partial state: grade %q findings %+v", r.Grade, fs)
		}
	})
}

func TestRuns(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		base := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CST", 8*3600))
		type step struct {
			version  string
			started  time.Time
			finish   bool
			counts   [3]int
			finished time.Time
		}
		steps := []step{
			// Started times deliberately out of order: Runs orders by id.
			{"ogi 1.0", base.Add(time.Hour), true, [3]int{10, 10, 0}, base.Add(2 * time.Hour)},
			{"ogi 1.1", base, false, [3]int{}, time.Time{}},
			{"ogi 1.2", base.Add(3 * time.Hour), true, [3]int{12, 2, 10}, base.Add(3*time.Hour + time.Second)},
		}
		var ids []int64
		for _, st := range steps {
			id, err := s.BeginRun(ctx, st.version, "rules-"+st.version, "cfg", st.started)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		for i, st := range steps {
			if st.finish {
				if err := s.FinishRun(ctx, ids[i], st.counts[0], st.counts[1], st.counts[2], st.finished); err != nil {
					t.Fatal(err)
				}
			}
		}
		runs, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != len(steps) {
			t.Fatalf("got %d runs, want %d", len(runs), len(steps))
		}
		for i, r := range runs {
			st := steps[i]
			if r.ID != ids[i] || (i > 0 && r.ID <= runs[i-1].ID) {
				t.Errorf("run %d: id %d, want %d in increasing order", i, r.ID, ids[i])
			}
			if r.OgiVersion != st.version || r.RulesHash != "rules-"+st.version || r.ConfigDigest != "cfg" {
				t.Errorf("run %d: %+v", i, r)
			}
			if !r.Started.Equal(st.started) || !r.Finished.Equal(st.finished) || r.Finished.IsZero() != !st.finish {
				t.Errorf("run %d: started %v finished %v, want %v %v", i, r.Started, r.Finished, st.started, st.finished)
			}
			if [3]int{r.Reports, r.Converted, r.Reused} != st.counts {
				t.Errorf("run %d: counts %d %d %d, want %v", i, r.Reports, r.Converted, r.Reused, st.counts)
			}
		}
		if err := s.FinishRun(ctx, 9999, 0, 0, 0, base); err == nil {
			t.Error("FinishRun of an unknown run succeeded")
		}
	})
}

func TestConcurrentWrites(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		const goroutines, perG = 8, 200
		doc := testDocument(2000, 9)
		var wg sync.WaitGroup
		var failed atomic.Int64
		errs := make(chan error, goroutines*perG)
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perG {
					h := fmt.Sprintf("g%d-%03d", g, i)
					if err := s.PutReport(ctx, Report{Hash: h, Body: "b", Year: intp(2024), Document: doc}); err != nil {
						failed.Add(1)
						errs <- err
						continue
					}
					// Interleave results and reads, as `ogi assess` does.
					if i%4 == 0 {
						if err := s.PutResult(ctx, Result{Key: Key{h, "r", "c", ""}, Findings: testFindings(3)}); err != nil {
							failed.Add(1)
							errs <- err
						}
						if _, ok, err := s.ReportMeta(ctx, h); err != nil || !ok {
							failed.Add(1)
							errs <- fmt.Errorf("ReportMeta(%s): ok=%v err=%v", h, ok, err)
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var n int
		if err := s.r.QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != goroutines*perG {
			t.Errorf("%d reports stored, want %d", n, goroutines*perG)
		}
		got, err := s.ReportsFor(ctx, "b", 2024)
		if err != nil || len(got) != goroutines*perG {
			t.Errorf("ReportsFor: %d reports, err %v", len(got), err)
		}
	})
}

// Two Stores on one file stand in for two ogi processes sharing a
// database: their writers contend in SQLite itself, where busy_timeout and
// BEGIN IMMEDIATE must keep SQLITE_BUSY away.
func TestTwoStoresOneFile(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s1, path := bk.newStore(t)
		s2, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		var wg sync.WaitGroup
		errs := make(chan error, 400)
		for i, s := range []*Store{s1, s2} {
			for g := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range 50 {
						h := fmt.Sprintf("s%d-g%d-%d", i, g, j)
						if err := s.PutReport(ctx, Report{Hash: h, Document: []byte("{}")}); err != nil {
							errs <- err
						}
						if err := s.PutResult(ctx, Result{Key: Key{h, "", "", ""}, Findings: testFindings(2)}); err != nil {
							errs <- err
						}
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var n int
		if err := s2.r.QueryRow(`SELECT COUNT(*) FROM results`).Scan(&n); err != nil || n != 200 {
			t.Errorf("%d results stored (err %v), want 200", n, err)
		}
	})
}

func TestCanceledContext(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, _ := bk.newStore(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.PutReport(ctx, Report{Hash: "h", Document: []byte("{}")}); err == nil {
			t.Error("PutReport with a canceled context succeeded")
		}
		if err := s.PutResult(ctx, Result{Key: Key{ReportHash: "h"}}); err == nil {
			t.Error("PutResult with a canceled context succeeded")
		}
		// The store must still work afterwards: a canceled write must not
		// leave the single writer connection inside a transaction.
		if err := s.PutResult(context.Background(), Result{Key: Key{ReportHash: "h"}}); err != nil {
			t.Errorf("PutResult after a canceled one: %v", err)
		}
	})
}

// benchStore opens a fresh store for a benchmark with the given reader
// arrangement.
func benchStore(b *testing.B) *Store {
	b.Helper()
	s, _ := newStore(b)
	return s
}

func BenchmarkPutReport(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	doc := testDocument(20<<10, 1)
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := s.PutReport(ctx, Report{Hash: strconv.Itoa(i), Converter: "ogi 1.0", File: "f.docx", Agency: "某某市人民政府", Body: "某某市", Year: intp(2024), Template: "gb", Document: doc}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkPutResult(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	summary := testDocument(2<<10, 2)
	findings := testFindings(10)
	for i := 0; b.Loop(); i++ {
		if err := s.PutResult(ctx, Result{Key: Key{strconv.Itoa(i), "rules", "cfg", ""}, Score: floatp(90), Grade: "A", Errors: 1, Warnings: 9, Summary: summary, Findings: findings}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReportMeta(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	doc := testDocument(20<<10, 1)
	const n = 1000
	for i := range n {
		if err := s.PutReport(ctx, Report{Hash: strconv.Itoa(i), Body: "b", Year: intp(2024), Document: doc}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; b.Loop(); i++ {
		if _, ok, err := s.ReportMeta(ctx, strconv.Itoa(i%n)); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkAssessParallel imitates `ogi assess` on several goroutines: per
// document, a meta lookup, then the report and its result are written. It
// compares a dedicated read pool with sharing the single writer connection.
func BenchmarkAssessParallel(b *testing.B) {
	for _, sep := range []bool{true, false} {
		b.Run(fmt.Sprintf("separateReaders=%v", sep), func(b *testing.B) {
			old := separateReaders
			separateReaders = sep
			defer func() { separateReaders = old }()
			ctx := context.Background()
			s := benchStore(b)
			doc := testDocument(20<<10, 1)
			summary := testDocument(2<<10, 2)
			findings := testFindings(10)
			var next atomic.Int64
			b.SetParallelism(2) // 2×GOMAXPROCS goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					h := strconv.FormatInt(next.Add(1), 10)
					if _, _, err := s.ReportMeta(ctx, h); err != nil {
						b.Error(err)
						return
					}
					if err := s.PutReport(ctx, Report{Hash: h, Body: "b", Year: intp(2024), Document: doc}); err != nil {
						b.Error(err)
						return
					}
					if err := s.PutResult(ctx, Result{Key: Key{h, "rules", "cfg", ""}, Summary: summary, Findings: findings}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// BenchmarkReportMetaUnderWrites measures lookups while other goroutines
// keep the writer busy, the case a dedicated read pool exists for.
func BenchmarkReportMetaUnderWrites(b *testing.B) {
	for _, sep := range []bool{true, false} {
		b.Run(fmt.Sprintf("separateReaders=%v", sep), func(b *testing.B) {
			old := separateReaders
			separateReaders = sep
			defer func() { separateReaders = old }()
			ctx, cancel := context.WithCancel(context.Background())
			s := benchStore(b)
			doc := testDocument(20<<10, 1)
			const n = 500
			for i := range n {
				if err := s.PutReport(ctx, Report{Hash: strconv.Itoa(i), Body: "b", Year: intp(2024), Document: doc}); err != nil {
					b.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					findings := testFindings(10)
					for i := 0; ctx.Err() == nil; i++ {
						_ = s.PutResult(ctx, Result{Key: Key{fmt.Sprintf("w%d-%d", w, i), "r", "c", ""}, Findings: findings})
					}
				}()
			}
			for i := 0; b.Loop(); i++ {
				if _, ok, err := s.ReportMeta(ctx, strconv.Itoa(i%n)); err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			cancel()
			wg.Wait()
		})
	}
}

func TestPairScore(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, err := Open(ctx, bk.location(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, ok, err := s.PairScore(ctx, "a", "b"); ok || err != nil {
			t.Fatalf("empty store: ok %v err %v", ok, err)
		}
		if err := s.PutPairScore(ctx, "b", "a", 0.875); err != nil {
			t.Fatal(err)
		}
		for _, p := range [][2]string{{"a", "b"}, {"b", "a"}} {
			if v, ok, err := s.PairScore(ctx, p[0], p[1]); !ok || err != nil || v != 0.875 {
				t.Errorf("PairScore(%s, %s) = %v %v %v", p[0], p[1], v, ok, err)
			}
		}
		if err := s.PutPairScore(ctx, "a", "a", 1); err == nil {
			t.Error("a pair of one report was accepted")
		}
	})
}

// TestWriter: queued writes are visible after Flush; a bad write is
// reported and undone while the rest of its batch is kept.
// TestWriter runs every write through the writer, durable and relaxed
// (Relax: PostgreSQL commits without waiting for the disk).
func TestWriter(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		t.Run("durable", func(t *testing.T) { testWriter(t, bk, false) })
		t.Run("relaxed", func(t *testing.T) { testWriter(t, bk, true) })
	})
}

func testWriter(t *testing.T, bk backend, relaxed bool) {
	ctx := context.Background()
	s, err := Open(ctx, bk.location(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := s.NewWriter(ctx, 64)
	if relaxed {
		w.Relax()
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				h := fmt.Sprintf("w%d-%d", g, i)
				if err := w.PutReport(Report{Hash: h, Document: []byte(`{"n":1}`)}); err != nil {
					t.Error(err)
				}
				if err := w.PutResult(Result{Key: Key{ReportHash: h, RulesHash: "r"}, Summary: []byte(`{}`),
					Findings: []Finding{{Seq: 0, Rule: "x"}, {Seq: 1, Rule: "y"}}}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Document(ctx, "w3-99"); !ok || err != nil {
		t.Fatalf("queued report not stored: %v %v", ok, err)
	}
	if fs, err := s.Findings(ctx, Key{ReportHash: "w2-50", RulesHash: "r"}); err != nil || len(fs) != 2 {
		t.Fatalf("findings %v %v", fs, err)
	}
	// Duplicate seq: the result fails as a whole; the next write lands.
	if err := w.PutResult(Result{Key: Key{ReportHash: "bad", RulesHash: "r"}, Summary: []byte(`{}`),
		Findings: []Finding{{Seq: 0}, {Seq: 0}}}); err != nil {
		t.Fatal(err)
	}
	if err := w.PutPairScore("w0-0", "w0-1", 0.9); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("the bad result was not reported")
	}
	if _, ok, _ := s.Result(ctx, Key{ReportHash: "bad", RulesHash: "r"}); ok {
		t.Error("half of the bad result was kept")
	}
	if v, ok, _ := s.PairScore(ctx, "w0-1", "w0-0"); !ok || v != 0.9 {
		t.Error("the write after the bad one was lost")
	}
}

// TestUserVersion: PRAGMA user_version follows the migrations table at
// every schema version, and a database whose header lags (migrated before
// user_version was kept) is brought in step when opened.
func TestUserVersion(t *testing.T) {
	ctx := context.Background()
	userVersion := func(t *testing.T, s *Store) int {
		t.Helper()
		var v int
		if err := s.w.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name    string
		first   int // schema version the database is created at
		lag     bool
		reopen  int // version of the binary that opens it next
		wantVer int
	}{
		{name: "new at version 1", first: 1, reopen: 1, wantVer: 1},
		{name: "new at the latest", first: len(migrations), reopen: len(migrations), wantVer: len(migrations)},
		{name: "migrated from 1", first: 1, reopen: len(migrations), wantVer: len(migrations)},
		{name: "migrated from 3", first: 3, reopen: len(migrations), wantVer: len(migrations)},
		{name: "lagging header, nothing to migrate", first: len(migrations), lag: true, reopen: len(migrations), wantVer: len(migrations)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ogi.db")
			s, err := openAt(ctx, path, c.first)
			if err != nil {
				t.Fatal(err)
			}
			if got := userVersion(t, s); got != c.first {
				t.Errorf("after creating at %d, user_version = %d", c.first, got)
			}
			if c.lag {
				if _, err := s.w.ExecContext(ctx, `PRAGMA user_version = 0`); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s, err = openAt(ctx, path, c.reopen)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sv, err := s.SchemaVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := userVersion(t, s); got != c.wantVer || got != sv {
				t.Errorf("user_version = %d, migrations table %d; want both %d", got, sv, c.wantVer)
			}
		})
	}
}

// TestDecisions: a decision is kept by its finding, the latest wins, and
// a decision without a verdict is refused.
func TestDecisions(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		for _, d := range []Decision{
			{Finding: "b", Cells: "v1", Verdict: "confirmed", Reviewer: "张三", Decided: at, Source: "x.xlsx"},
			{Finding: "a", Cells: "v1", Verdict: "dismissed", Reason: "表格已更正", Reviewer: "李四", Decided: at, Source: "x.xlsx"},
			{Finding: "b", Cells: "v2", Verdict: "rectified", Reviewer: "张三", Decided: at.Add(time.Hour), Source: "y.xlsx"},
		} {
			if err := s.PutDecision(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PutDecision(ctx, Decision{Finding: "c"}); err == nil {
			t.Error("a decision without a verdict was kept")
		}
		ds, err := s.Decisions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 || ds[0].Finding != "a" || ds[0].Reason != "表格已更正" || ds[1].Verdict != "rectified" || ds[1].Cells != "v2" || !ds[1].Decided.Equal(at.Add(time.Hour)) {
			t.Errorf("decisions %+v", ds)
		}
	})
}
