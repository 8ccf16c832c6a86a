package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/account"
)

var (
	cst = time.FixedZone("CST", 8*3600)
	t0  = time.Date(2026, 3, 1, 9, 30, 15, 123456789, cst)
)

// tokenHash gives distinct valid hashes without the cost of NewToken.
func tokenHash(i int) string { return account.TokenHash("token-" + strconv.Itoa(i)) }

func mustUser(t *testing.T, s *Store, name, role string) int64 {
	t.Helper()
	id, err := s.CreateUser(context.Background(), User{Name: name, Display: name + " 同志", Role: role, PasswordHash: "$argon2id$stub", Created: t0})
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return id
}

func TestAccountsSchema(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		s, _ := bk.newStore(t)
		objs := schemaObjects(t, s.w)
		for _, name := range []string{"users", "sessions", "sessions_user", "sessions_expires", "api_tokens", "api_tokens_user", "audit"} {
			if !objs[name] {
				t.Errorf("schema object %q missing", name)
			}
		}
		var triggers int
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'`
		if bk.dialect == postgresDialect {
			q = `SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'audit'::regclass AND NOT tgisinternal`
		}
		if err := s.w.QueryRow(q).Scan(&triggers); err != nil {
			t.Fatal(err)
		}
		// PostgreSQL refuses TRUNCATE too, which SQLite does not have.
		want := map[dialect]int{sqliteDialect: 2, postgresDialect: 3}[bk.dialect]
		if triggers != want {
			t.Errorf("%d triggers on audit, want %d (no update, no delete, no truncate)", triggers, want)
		}
	})
}

func TestNameKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Zhang", "zhang"},
		{"ZHANG", "zhang"},
		{"  zhang\t", "zhang"},
		{"Ｚｈａｎｇ", "zhang"}, // full-width, as a Chinese input method types it
		{"张三", "张三"},
		{"Straße", "strasse"},
		{"", ""},
		{"   ", ""},
	} {
		if got := NameKey(tc.in); got != tc.want {
			t.Errorf("NameKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCreateUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		first := mustUser(t, s, "Zhang", account.RoleAdmin)
		if first <= 0 {
			t.Fatalf("first ID %d", first)
		}
		for _, tc := range []struct {
			name   string
			u      User
			exists bool // want ErrExists; else another error unless ok
			ok     bool
		}{
			{name: "lower case", u: User{Name: "zhang", Role: "viewer", PasswordHash: "h"}, exists: true},
			{name: "upper case", u: User{Name: "ZHANG", Role: "viewer", PasswordHash: "h"}, exists: true},
			{name: "spaces", u: User{Name: " Zhang ", Role: "viewer", PasswordHash: "h"}, exists: true},
			{name: "full width", u: User{Name: "ｚｈａｎｇ", Role: "viewer", PasswordHash: "h"}, exists: true},
			{name: "empty name", u: User{Name: "", Role: "viewer", PasswordHash: "h"}},
			{name: "blank name", u: User{Name: " \t", Role: "viewer", PasswordHash: "h"}},
			{name: "no role", u: User{Name: "wang", PasswordHash: "h"}},
			{name: "no hash", u: User{Name: "wang", Role: "viewer"}},
			{name: "another", u: User{Name: "李四", Role: "reviewer", PasswordHash: "h"}, ok: true},
			{name: "another again", u: User{Name: "李四", Role: "reviewer", PasswordHash: "h"}, exists: true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				id, err := s.CreateUser(ctx, tc.u)
				switch {
				case tc.ok:
					if err != nil || id <= first {
						t.Fatalf("CreateUser = %d, %v; want a new ID", id, err)
					}
				case tc.exists:
					if !errors.Is(err, ErrExists) {
						t.Fatalf("CreateUser = %d, %v; want ErrExists", id, err)
					}
				default:
					if err == nil || errors.Is(err, ErrExists) {
						t.Fatalf("CreateUser = %d, %v; want an error other than ErrExists", id, err)
					}
				}
			})
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 2 {
			t.Errorf("CountUsers = %d, %v; want 2", n, err)
		}
	})
}

func TestUserLookup(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("CountUsers on a new store = %d, %v", n, err)
		}
		want := User{Name: "Wang.Wu", Display: "王五", Role: account.RoleReviewer, PasswordHash: "$argon2id$v=19$x", Created: t0, Disabled: true}
		id, err := s.CreateUser(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		want.ID = id
		same := func(t *testing.T, got User) {
			t.Helper()
			if !got.Created.Equal(want.Created) {
				t.Errorf("Created = %v, want %v", got.Created, want.Created)
			}
			got.Created = want.Created
			if got != want {
				t.Errorf("user = %+v, want %+v", got, want)
			}
		}
		for _, name := range []string{"Wang.Wu", "wang.wu", "WANG.WU", " wang.wu "} {
			u, ok, err := s.UserByName(ctx, name)
			if err != nil || !ok {
				t.Fatalf("UserByName(%q) = %v, %v", name, ok, err)
			}
			same(t, u)
		}
		u, ok, err := s.UserByID(ctx, id)
		if err != nil || !ok {
			t.Fatalf("UserByID(%d) = %v, %v", id, ok, err)
		}
		same(t, u)
		for _, name := range []string{"wang", "wang.wu2", ""} {
			if u, ok, err := s.UserByName(ctx, name); err != nil || ok {
				t.Errorf("UserByName(%q) = %+v, %v, %v; want not found", name, u, ok, err)
			}
		}
		for _, id := range []int64{0, -1, id + 1} {
			if u, ok, err := s.UserByID(ctx, id); err != nil || ok {
				t.Errorf("UserByID(%d) = %+v, %v, %v; want not found", id, u, ok, err)
			}
		}
	})
}

func TestUsersOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		if us, err := s.Users(ctx); err != nil || len(us) != 0 {
			t.Fatalf("Users on a new store = %v, %v", us, err)
		}
		for _, n := range []string{"carol", "Bob", "alice", "Dave"} {
			mustUser(t, s, n, account.RoleViewer)
		}
		us, err := s.Users(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Name)
		}
		if got, want := strings.Join(names, ","), "alice,Bob,carol,Dave"; got != want {
			t.Errorf("Users order = %s, want %s (by name, ignoring case)", got, want)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		id := mustUser(t, s, "zhao", account.RoleViewer)
		other := mustUser(t, s, "qian", account.RoleViewer)
		upd := User{ID: id, Name: "ignored", Display: "赵六", Role: account.RoleAdmin, PasswordHash: "new-hash", Created: t0.Add(time.Hour), Disabled: true}
		if err := s.UpdateUser(ctx, upd); err != nil {
			t.Fatal(err)
		}
		u, ok, err := s.UserByID(ctx, id)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if u.Name != "zhao" || u.Display != "赵六" || u.Role != account.RoleAdmin || u.PasswordHash != "new-hash" || !u.Disabled || !u.Created.Equal(t0) {
			t.Errorf("after update: %+v; want name and created kept, the rest changed", u)
		}
		if o, _, _ := s.UserByID(ctx, other); o.Role != account.RoleViewer || o.PasswordHash != "$argon2id$stub" {
			t.Errorf("update touched another user: %+v", o)
		}
		upd.Disabled = false
		if err := s.UpdateUser(ctx, upd); err != nil {
			t.Fatal(err)
		}
		if u, _, _ := s.UserByID(ctx, id); u.Disabled {
			t.Error("Disabled not cleared")
		}
		for _, tc := range []struct {
			name     string
			u        User
			notFound bool
		}{
			{name: "missing ID", u: User{ID: id + 100, Role: "viewer", PasswordHash: "h"}, notFound: true},
			{name: "zero ID", u: User{Role: "viewer", PasswordHash: "h"}, notFound: true},
			{name: "no role", u: User{ID: id, PasswordHash: "h"}},
			{name: "no hash", u: User{ID: id, Role: "viewer"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := s.UpdateUser(ctx, tc.u)
				if err == nil || errors.Is(err, ErrNotFound) != tc.notFound {
					t.Errorf("UpdateUser = %v; want an error, ErrNotFound: %v", err, tc.notFound)
				}
			})
		}
	})
}

func countRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.w.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		a := mustUser(t, s, "a", account.RoleViewer)
		b := mustUser(t, s, "b", account.RoleViewer)
		live := Session{Hash: tokenHash(1), UserID: a, Created: t0, Expires: t0.Add(8 * time.Hour)}
		for _, se := range []Session{
			live,
			{Hash: tokenHash(2), UserID: a, Created: t0, Expires: t0.Add(time.Hour)},
			{Hash: tokenHash(3), UserID: b, Created: t0, Expires: t0.Add(30 * time.Minute)},
			{Hash: tokenHash(4), UserID: b, Created: t0, Expires: t0.Add(24 * time.Hour)},
		} {
			if err := s.PutSession(ctx, se); err != nil {
				t.Fatalf("PutSession(%+v): %v", se, err)
			}
		}
		for _, tc := range []struct {
			name   string
			se     Session
			exists bool
		}{
			{name: "duplicate", se: Session{Hash: tokenHash(1), UserID: b, Created: t0, Expires: t0.Add(time.Hour)}, exists: true},
			{name: "raw token instead of hash", se: Session{Hash: "dGhpcyBpcyBhIHRva2VuIG5vdCBhIGhhc2ggISEhISE", UserID: a, Expires: t0.Add(time.Hour)}},
			{name: "upper-case hex", se: Session{Hash: strings.ToUpper(tokenHash(9)), UserID: a, Expires: t0.Add(time.Hour)}},
			{name: "no expiry", se: Session{Hash: tokenHash(9), UserID: a, Created: t0}},
			{name: "no such user", se: Session{Hash: tokenHash(9), UserID: 999, Created: t0, Expires: t0.Add(time.Hour)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := s.PutSession(ctx, tc.se)
				if err == nil || errors.Is(err, ErrExists) != tc.exists {
					t.Errorf("PutSession = %v; want an error, ErrExists: %v", err, tc.exists)
				}
			})
		}

		got, ok, err := s.Session(ctx, live.Hash, t0.Add(time.Minute))
		if err != nil || !ok {
			t.Fatalf("Session(live) = %v, %v", ok, err)
		}
		if got.Hash != live.Hash || got.UserID != a || !got.Created.Equal(live.Created) || !got.Expires.Equal(live.Expires) {
			t.Errorf("Session = %+v, want %+v", got, live)
		}
		for _, h := range []string{tokenHash(99), "", "not-a-hash", strings.ToUpper(live.Hash)} {
			if _, ok, err := s.Session(ctx, h, t0); err != nil || ok {
				t.Errorf("Session(%q) = %v, %v; want not found", h, ok, err)
			}
		}
		// A valid lookup writes nothing.
		if n := countRows(t, s, "sessions"); n != 4 {
			t.Fatalf("%d sessions, want 4", n)
		}
		// At exactly its expiry a session is over; meeting it sweeps the other
		// expired one (3, at 30 minutes) too, but not the live ones.
		if _, ok, err := s.Session(ctx, tokenHash(2), t0.Add(time.Hour)); err != nil || ok {
			t.Fatalf("Session(expired) = %v, %v; want not found", ok, err)
		}
		if n := countRows(t, s, "sessions"); n != 2 {
			t.Errorf("%d sessions after meeting an expired one, want 2", n)
		}
		for _, i := range []int{1, 4} {
			if _, ok, err := s.Session(ctx, tokenHash(i), t0.Add(time.Hour)); err != nil || !ok {
				t.Errorf("live session %d gone: %v, %v", i, ok, err)
			}
		}
		// An expired session stays expired when asked again.
		if _, ok, _ := s.Session(ctx, tokenHash(2), t0); ok {
			t.Error("a deleted session came back")
		}

		if err := s.DeleteUserSessions(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Session(ctx, tokenHash(4), t0); ok {
			t.Error("DeleteUserSessions left b's session")
		}
		if _, ok, _ := s.Session(ctx, live.Hash, t0); !ok {
			t.Error("DeleteUserSessions removed a's session")
		}
		if err := s.DeleteSession(ctx, live.Hash); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Session(ctx, live.Hash, t0); ok {
			t.Error("DeleteSession left the session")
		}
		if err := s.DeleteSession(ctx, live.Hash); err != nil {
			t.Errorf("deleting a session twice: %v", err)
		}
	})
}

func TestDeleteExpiredSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		a := mustUser(t, s, "a", account.RoleViewer)
		for i := range 5 {
			if err := s.PutSession(ctx, Session{Hash: tokenHash(i), UserID: a, Created: t0, Expires: t0.Add(time.Duration(i) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			at        time.Duration
			deleted   int64
			remaining int
		}{
			{at: 2 * time.Hour, deleted: 3, remaining: 2}, // 0, 1 and 2 hours: expiry not after now
			{at: 2 * time.Hour, deleted: 0, remaining: 2},
			{at: 10 * time.Hour, deleted: 2, remaining: 0},
		} {
			n, err := s.DeleteExpiredSessions(ctx, t0.Add(tc.at))
			if err != nil || n != tc.deleted {
				t.Errorf("DeleteExpiredSessions(t0+%v) = %d, %v; want %d", tc.at, n, err, tc.deleted)
			}
			if got := countRows(t, s, "sessions"); got != tc.remaining {
				t.Errorf("%d sessions left, want %d", got, tc.remaining)
			}
		}
	})
}

func TestAPITokens(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		a := mustUser(t, s, "a", account.RoleReviewer)
		b := mustUser(t, s, "b", account.RoleReviewer)
		toks := []APIToken{
			{Hash: tokenHash(1), UserID: a, Name: "夜间批处理", Created: t0.Add(2 * time.Hour)},
			{Hash: tokenHash(2), UserID: a, Name: "ci", Created: t0},
			{Hash: tokenHash(3), UserID: b, Name: "b's", Created: t0.Add(time.Hour)},
		}
		for _, tok := range toks {
			if err := s.PutAPIToken(ctx, tok); err != nil {
				t.Fatalf("PutAPIToken(%+v): %v", tok, err)
			}
		}
		if err := s.PutAPIToken(ctx, APIToken{Hash: tokenHash(1), UserID: b, Name: "again"}); !errors.Is(err, ErrExists) {
			t.Errorf("duplicate PutAPIToken = %v, want ErrExists", err)
		}
		if err := s.PutAPIToken(ctx, APIToken{Hash: "raw-token", UserID: a}); err == nil {
			t.Error("PutAPIToken stored something that is not a hash")
		}
		if err := s.PutAPIToken(ctx, APIToken{Hash: tokenHash(9), UserID: 999}); err == nil {
			t.Error("PutAPIToken stored a token of no user")
		}

		got, ok, err := s.APIToken(ctx, tokenHash(1))
		if err != nil || !ok {
			t.Fatalf("APIToken = %v, %v", ok, err)
		}
		if got.Hash != toks[0].Hash || got.UserID != a || got.Name != "夜间批处理" || !got.Created.Equal(toks[0].Created) {
			t.Errorf("APIToken = %+v, want %+v", got, toks[0])
		}
		for _, h := range []string{tokenHash(99), "", "raw-token"} {
			if _, ok, err := s.APIToken(ctx, h); err != nil || ok {
				t.Errorf("APIToken(%q) = %v, %v; want not found", h, ok, err)
			}
		}
		for _, tc := range []struct {
			user int64
			want []string
		}{
			{a, []string{"ci", "夜间批处理"}}, // oldest first
			{b, []string{"b's"}},
			{999, nil},
		} {
			list, err := s.APITokens(ctx, tc.user)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tok := range list {
				names = append(names, tok.Name)
			}
			if strings.Join(names, "|") != strings.Join(tc.want, "|") {
				t.Errorf("APITokens(%d) = %v, want %v", tc.user, names, tc.want)
			}
		}
		if err := s.DeleteAPIToken(ctx, tokenHash(1)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.APIToken(ctx, tokenHash(1)); ok {
			t.Error("DeleteAPIToken left the token")
		}
		if list, _ := s.APITokens(ctx, a); len(list) != 1 || list[0].Name != "ci" {
			t.Errorf("after delete APITokens(a) = %+v", list)
		}
		if err := s.DeleteAPIToken(ctx, tokenHash(1)); err != nil {
			t.Errorf("deleting a token twice: %v", err)
		}
	})
}

func TestAudit(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, _ := bk.newStore(t)
		if log, err := s.AuditLog(ctx, 10, 0); err != nil || len(log) != 0 {
			t.Fatalf("AuditLog on a new store = %v, %v", log, err)
		}
		const n = 25
		for i := range n {
			e := AuditEntry{ID: 999, At: t0.Add(time.Duration(i) * time.Second), Actor: "admin", Action: "user.create",
				Target: "user" + strconv.Itoa(i), Detail: "角色：审核员", Remote: "192.0.2.7"}
			if err := s.Audit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		for _, e := range []AuditEntry{{At: t0}, {Action: "login"}} {
			if err := s.Audit(ctx, e); err == nil {
				t.Errorf("Audit(%+v) accepted an entry without action or time", e)
			}
		}
		all, err := s.AuditLog(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != n {
			t.Fatalf("AuditLog(0, 0) = %d entries, want %d", len(all), n)
		}
		first := all[len(all)-1]
		if first.Target != "user0" || first.ID == 999 || !first.At.Equal(t0) || first.Actor != "admin" ||
			first.Action != "user.create" || first.Detail != "角色：审核员" || first.Remote != "192.0.2.7" {
			t.Errorf("oldest entry = %+v", first)
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID >= all[i-1].ID {
				t.Fatalf("AuditLog not newest first: ID %d after %d", all[i].ID, all[i-1].ID)
			}
		}
		// Paging by the last ID seen walks the whole log once.
		var paged []string
		before := int64(0)
		for pages := 0; ; pages++ {
			page, err := s.AuditLog(ctx, 10, before)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				if pages != 3 {
					t.Errorf("%d pages of 10 for %d entries, want 3", pages, n)
				}
				break
			}
			if len(page) > 10 {
				t.Fatalf("page of %d entries for limit 10", len(page))
			}
			for _, e := range page {
				paged = append(paged, e.Target)
			}
			before = page[len(page)-1].ID
		}
		if len(paged) != n || paged[0] != "user24" || paged[n-1] != "user0" {
			t.Errorf("paged = %v", paged)
		}
		for _, tc := range []struct {
			limit int
			want  int
		}{{1, 1}, {-5, n}, {MaxAuditPage + 1, n}} {
			if log, err := s.AuditLog(ctx, tc.limit, 0); err != nil || len(log) != tc.want {
				t.Errorf("AuditLog(%d, 0) = %d entries, %v; want %d", tc.limit, len(log), err, tc.want)
			}
		}

		// Append-only in the table itself, not just in the API.
		refused := []string{`UPDATE audit SET actor = 'someone else'`, `DELETE FROM audit`, `DELETE FROM audit WHERE id = 1`}
		if bk.dialect == postgresDialect {
			refused = append(refused, `TRUNCATE audit`)
		}
		for _, q := range refused {
			if _, err := s.w.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v; want refused as append-only", q, err)
			}
		}
		if got := countRows(t, s, "audit"); got != n {
			t.Errorf("%d audit rows after refused changes, want %d", got, n)
		}
	})
}

// TestNoSecretsInFile reads the database file itself: the password hash
// is there, the password and the session and API tokens are not.
func TestNoSecretsInFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ogi.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	const pw, pw2 = "clear-Password-甲乙丙丁", "second-Password-戊己庚"
	hash, err := account.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.CreateUser(ctx, User{Name: "kong", Role: account.RoleAdmin, PasswordHash: hash, Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	hash2, err := account.HashPassword(pw2)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateUser(ctx, User{ID: id, Role: account.RoleAdmin, PasswordHash: hash2}); err != nil {
		t.Fatal(err)
	}
	session, sessionHash, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutSession(ctx, Session{Hash: sessionHash, UserID: id, Created: t0, Expires: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	api, apiHash, err := account.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutAPIToken(ctx, APIToken{Hash: apiHash, UserID: id, Name: "ci", Created: t0}); err != nil {
		t.Fatal(err)
	}
	u, _, err := s.UserByName(ctx, "KONG")
	if err != nil || !account.CheckPassword(u.PasswordHash, pw2) || account.CheckPassword(u.PasswordHash, pw) {
		t.Fatalf("stored hash does not check the current password only (%v)", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Close checkpoints the WAL; read whatever files are left anyway.
	var data []byte
	for _, p := range []string{path, path + "-wal", path + "-journal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		data = append(data, b...)
	}
	for _, want := range []string{hash2, sessionHash, apiHash} {
		if !bytes.Contains(data, []byte(want)) {
			t.Fatalf("the file does not contain %q: the test is not reading the database", want)
		}
	}
	for name, secret := range map[string]string{"old password": pw, "new password": pw2, "session token": session, "API token": api} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the database file contains the %s in clear", name)
		}
	}
}
