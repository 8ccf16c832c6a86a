package store

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ogi-checker/ogi/account"
)

// TestChangeUser: a change writes only its fields, ends the sessions when
// the password is replaced or the account disabled, and never leaves no
// enabled administrator — not even when two administrators demote each
// other at the same moment (on PostgreSQL through two connections, as two
// replicas would).
func TestChangeUser(t *testing.T) {
	eachBackend(t, func(t *testing.T, bk backend) {
		ctx := context.Background()
		s, loc := bk.newStore(t)
		a := mustUser(t, s, "zhao", account.RoleAdmin)
		b := mustUser(t, s, "qian", account.RoleAdmin)
		v := mustUser(t, s, "sun", account.RoleViewer)
		sess := account.TokenHash("session of sun")
		if err := s.PutSession(ctx, Session{Hash: sess, UserID: v, Created: t0, Expires: t0.AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
		// Two administrators change different things of one account: both kept.
		role, hash := account.RoleReviewer, "hash-2"
		if _, err := s.ChangeUser(ctx, v, UserChange{Role: &role}); err != nil {
			t.Fatal(err)
		}
		u, err := s.ChangeUser(ctx, v, UserChange{PasswordHash: &hash})
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != account.RoleReviewer || u.PasswordHash != "hash-2" || u.Name != "sun" {
			t.Errorf("after a role change and a password change: %+v", u)
		}
		if _, ok, err := s.Session(ctx, sess, t0); err != nil || ok {
			t.Errorf("session after a new password: kept %v (%v)", ok, err)
		}
		// Demote both administrators at once: one of them stays.
		other, err := Open(ctx, loc)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = other.Close() }()
		viewer, admin := account.RoleViewer, account.RoleAdmin
		var errs []error
		// Rounds, so that the two transactions overlap in some of them.
		for round := range 30 {
			for _, id := range []int64{a, b} {
				if _, err := s.ChangeUser(ctx, id, UserChange{Role: &admin}); err != nil {
					t.Fatal(err)
				}
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs = make([]error, 2)
			for i, st := range []*Store{s, other} {
				id := []int64{a, b}[i]
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = st.ChangeUser(ctx, id, UserChange{Role: &viewer})
				}()
			}
			close(start)
			wg.Wait()
			refused := 0
			for _, err := range errs {
				if errors.Is(err, ErrLastAdmin) {
					refused++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			users, err := s.Users(ctx)
			if err != nil {
				t.Fatal(err)
			}
			admins := 0
			for _, u := range users {
				if u.Role == account.RoleAdmin && !u.Disabled {
					admins++
				}
			}
			if refused != 1 || admins != 1 {
				t.Fatalf("round %d: two administrators demoting each other at once: %d refused, %d administrators left; want 1 and 1", round, refused, admins)
			}
		}
		// Disabling the last one is refused too.
		last := a
		if errs[0] == nil {
			last = b
		}
		yes := true
		if _, err := s.ChangeUser(ctx, last, UserChange{Disabled: &yes}); !errors.Is(err, ErrLastAdmin) {
			t.Errorf("disabling the last administrator: %v, want ErrLastAdmin", err)
		}
	})
}
