package store

import (
	"bytes"
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"valid", "2024年度 report", "2024年度 report"},
		{"replacement char kept", "a\uFFFDb", "a\uFFFDb"},
		{"nul", "a\x00b", "a\uFFFDb"},
		{"nuls", "\x00\x00", "\uFFFD\uFFFD"},
		{"invalid run is one replacement", "a\xff\xfeb", "a\uFFFDb"},
		{"truncated sequence", "洪泽\xe5\x8c", "洪泽\uFFFD"},
		{"overlong nul", "a\xc0\x80b", "a\uFFFDb"},
		{"surrogate", "a\xed\xa0\x80b", "a\uFFFDb"},
		{"nul between invalid bytes", "\xff\x00\xfe", "\uFFFD\uFFFD\uFFFD"},
		{"gb18030 bytes", "\xba\xe9\xd4\xf3", "\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanText(tc.in); got != tc.want {
				t.Errorf("cleanText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// label is a named string type, which database/sql would pass to the
// driver as a string.
type label string

func TestCleanArgs(t *testing.T) {
	blob := []byte("\x00\xff\xfe")
	s := "x\x00"
	args := []any{"a\x00", blob, 7, int64(8), nil, label("b\xff"), sql.NullString{String: "c\x00", Valid: true}, &s,
		sql.NullInt64{Int64: 1, Valid: true}, time.Time{}}
	orig := append([]any(nil), args...)
	got := cleanArgs(args)
	want := []any{"a\uFFFD", blob, 7, int64(8), nil, "b\uFFFD", sql.NullString{String: "c\uFFFD", Valid: true}, "x\uFFFD",
		sql.NullInt64{Int64: 1, Valid: true}, time.Time{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cleanArgs =\n%#v\nwant\n%#v", got, want)
	}
	if !reflect.DeepEqual(args, orig) {
		t.Errorf("cleanArgs changed its argument: %#v", args)
	}
	if !bytes.Equal(blob, []byte("\x00\xff\xfe")) {
		t.Errorf("cleanArgs changed a []byte: %q", blob)
	}
	clean := []any{"a", 1, []byte("\x00")}
	if got := cleanArgs(clean); &got[0] != &clean[0] {
		t.Error("cleanArgs copied arguments that needed no cleaning")
	}
}

// TestDirtyText writes text with NUL bytes and invalid UTF-8, as uploads,
// forms and converters deliver it, through every kind of write: each
// succeeds on both backends (PostgreSQL refuses such text), reads back the
// same cleaned string on both, is found again by the dirty string it was
// written with, and blobs holding those bytes come back exactly.
func TestDirtyText(t *testing.T) {
	const (
		dirty = "甲\x00乙\xff\xfe丙"
		clean = "甲\uFFFD乙\uFFFD丙"
	)
	blob := []byte(dirty)
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		at := time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC)
		check := func(what, got string) {
			t.Helper()
			if got != clean {
				t.Errorf("%s = %q, want %q", what, got, clean)
			}
		}

		// A batch, its roster kept byte for byte, its error and its items.
		id, err := s.CreateBatch(ctx, Batch{Name: dirty, Year: 2024, Profile: "default", RosterName: dirty, Roster: blob,
			CreatedBy: dirty, Created: at})
		if err != nil {
			t.Fatalf("CreateBatch: %v", err)
		}
		if err := s.SetBatchState(ctx, id, BatchFailed, dirty, at); err != nil {
			t.Fatalf("SetBatchState: %v", err)
		}
		if err := s.SetBatchProgress(ctx, id, dirty, 1, 2); err != nil {
			t.Fatalf("SetBatchProgress: %v", err)
		}
		b, ok, err := s.Batch(ctx, id)
		if err != nil || !ok {
			t.Fatalf("Batch: %v, %v", ok, err)
		}
		check("batch name", b.Name)
		check("roster name", b.RosterName)
		check("batch creator", b.CreatedBy)
		check("batch error", b.Error)
		check("batch phase", b.Phase)
		if !bytes.Equal(b.Roster, blob) {
			t.Errorf("roster = %q, want %q", b.Roster, blob)
		}
		if n, err := s.AddItems(ctx, id, []Item{{Name: dirty, Blob: "h1", Size: 3, Source: dirty, Added: at}}); n != 1 || err != nil {
			t.Fatalf("AddItems = %d, %v", n, err)
		}
		items, err := s.Items(ctx, id)
		if err != nil || len(items) != 1 {
			t.Fatalf("Items = %+v, %v", items, err)
		}
		check("item name", items[0].Name)
		check("item source", items[0].Source)

		// An account found again by its dirty name.
		uid, err := s.CreateUser(ctx, User{Name: "王\x00五", Display: dirty, Role: "reviewer", PasswordHash: "$argon2id$x", Created: at})
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		u, ok, err := s.UserByName(ctx, "王\x00五")
		if err != nil || !ok || u.ID != uid {
			t.Fatalf("UserByName = %+v, %v, %v; want id %d", u, ok, err, uid)
		}
		check("display name", u.Display)
		if u.Name != "王\uFFFD五" {
			t.Errorf("user name = %q", u.Name)
		}
		u.Display = "赵\xff" + dirty
		if err := s.UpdateUser(ctx, u); err != nil {
			t.Fatalf("UpdateUser: %v", err)
		}
		if u, _, _ = s.UserByID(ctx, uid); u.Display != "赵\uFFFD"+clean {
			t.Errorf("updated display name = %q", u.Display)
		}
		tokHash := strings.Repeat("ab", 32)
		if err := s.PutAPIToken(ctx, APIToken{Hash: tokHash, UserID: uid, Name: dirty, Created: at}); err != nil {
			t.Fatalf("PutAPIToken: %v", err)
		}
		if tok, ok, err := s.APIToken(ctx, tokHash); err != nil || !ok {
			t.Fatalf("APIToken = %v, %v", ok, err)
		} else {
			check("token name", tok.Name)
		}

		// A decision about a finding whose identity is dirty too, made
		// with the version check (PostgreSQL's advisory lock takes the
		// identity as text) and undone again.
		d := Decision{Finding: dirty, Cells: dirty, Verdict: "accepted", Reason: dirty, Reviewer: dirty, Decided: at,
			Source: dirty, Owner: dirty, Due: "2027-01-01"}
		if err := s.PutDecisionIf(ctx, d, 0); err != nil {
			t.Fatalf("PutDecisionIf: %v", err)
		}
		got, ok, err := s.Decision(ctx, dirty)
		if err != nil || !ok {
			t.Fatalf("Decision = %v, %v", ok, err)
		}
		check("decision finding", got.Finding)
		check("decision reason", got.Reason)
		check("decision reviewer", got.Reviewer)
		check("decision owner", got.Owner)
		if hs, err := s.DecisionHistories(ctx, []string{dirty, "other"}); err != nil || len(hs) != 1 || len(hs[dirty]) != 1 {
			t.Fatalf("DecisionHistories = %+v, %v; want one decision under the dirty finding", hs, err)
		}
		if err := s.DeleteDecisionIf(ctx, dirty, dirty, at.Add(time.Minute), got.Version); err != nil {
			t.Fatalf("DeleteDecisionIf: %v", err)
		}
		if h, err := s.DecisionHistory(ctx, dirty); err != nil || len(h) != 2 || h[1].Verdict != VerdictWithdrawn {
			t.Fatalf("DecisionHistory = %+v, %v", h, err)
		}

		// A report read from a document, with its blobs, and its findings.
		year := 2024
		rep := Report{Hash: "r1", Converter: "v1", File: dirty, Agency: dirty, Body: dirty, Year: &year, Template: "t",
			Document: blob, Signature: blob}
		if err := s.PutReport(ctx, rep); err != nil {
			t.Fatalf("PutReport: %v", err)
		}
		rs, err := s.ReportsFor(ctx, dirty, 2024)
		if err != nil || len(rs) != 1 {
			t.Fatalf("ReportsFor = %+v, %v", rs, err)
		}
		check("report file", rs[0].File)
		check("report agency", rs[0].Agency)
		check("report body", rs[0].Body)
		if !bytes.Equal(rs[0].Signature, blob) {
			t.Errorf("signature = %q, want %q", rs[0].Signature, blob)
		}
		if doc, ok, err := s.Document(ctx, "r1"); err != nil || !ok || !bytes.Equal(doc, blob) {
			t.Errorf("Document = %q, %v, %v; want %q", doc, ok, err, blob)
		}
		k := Key{ReportHash: "r1", RulesHash: "rh", ConfigDigest: "cd"}
		if err := s.PutResult(ctx, Result{Key: k, Grade: "B", Summary: blob,
			Findings: []Finding{{Seq: 1, Rule: "R1", Severity: "error", Status: "fail", Message: dirty, Cells: dirty}}}); err != nil {
			t.Fatalf("PutResult: %v", err)
		}
		if r, ok, err := s.Result(ctx, k); err != nil || !ok || !bytes.Equal(r.Summary, blob) {
			t.Errorf("Result summary = %q, %v, %v; want %q", r.Summary, ok, err, blob)
		}
		fs, err := s.Findings(ctx, k)
		if err != nil || len(fs) != 1 {
			t.Fatalf("Findings = %+v, %v", fs, err)
		}
		check("finding message", fs[0].Message)
		check("finding cells", fs[0].Cells)

		// The audit log.
		if err := s.Audit(ctx, AuditEntry{At: at, Actor: dirty, Action: "upload", Target: dirty, Detail: dirty, Remote: "::1"}); err != nil {
			t.Fatalf("Audit: %v", err)
		}
		es, err := s.AuditLog(ctx, 10, 0)
		if err != nil || len(es) != 1 {
			t.Fatalf("AuditLog = %+v, %v", es, err)
		}
		check("audit actor", es[0].Actor)
		check("audit target", es[0].Target)
		check("audit detail", es[0].Detail)

		// A library item, found, replaced and removed by its dirty name.
		for _, data := range [][]byte{blob, []byte("body\n\x00\n")} {
			if err := s.PutLibraryItem(ctx, LibraryItem{Kind: LibraryRoster, Name: dirty, Data: data, CreatedBy: dirty, Created: at}); err != nil {
				t.Fatalf("PutLibraryItem: %v", err)
			}
			it, ok, err := s.LibraryItem(ctx, LibraryRoster, dirty)
			if err != nil || !ok {
				t.Fatalf("LibraryItem = %v, %v", ok, err)
			}
			check("library name", it.Name)
			check("library creator", it.CreatedBy)
			if !bytes.Equal(it.Data, data) {
				t.Errorf("library data = %q, want %q", it.Data, data)
			}
		}
		if err := s.DeleteLibraryItem(ctx, LibraryRoster, dirty); err != nil {
			t.Fatalf("DeleteLibraryItem: %v", err)
		}
		if its, err := s.LibraryItems(ctx, LibraryRoster); err != nil || len(its) != 0 {
			t.Errorf("after delete, LibraryItems = %+v, %v", its, err)
		}

		// Nothing the store reads back is text PostgreSQL would refuse.
		if !utf8.ValidString(b.Name) || !utf8.ValidString(u.Display) {
			t.Error("invalid UTF-8 read back")
		}
	})
}

// FuzzCleanText checks that whatever the bytes, the text is one both
// backends take, cleaning it again changes nothing, and text that needed
// no cleaning is left alone.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "abc", "甲\x00乙\xff\xfe丙", "\xed\xa0\x80", "\xc0\x80", "洪泽\xe5\x8c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := cleanText(s)
		if !utf8.ValidString(c) || strings.IndexByte(c, 0) >= 0 {
			t.Fatalf("cleanText(%q) = %q: not valid text", s, c)
		}
		if cleanText(c) != c {
			t.Fatalf("cleanText is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 && c != s {
			t.Fatalf("cleanText(%q) = %q: valid text changed", s, c)
		}
	})
}
