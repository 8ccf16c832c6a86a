package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/internal/pgtest"
)

// TestReviewersRace: twenty reviewers decide the same findings at once
// over the API, each from the view they loaded: for each finding exactly
// one wins, the others get 409 naming the winner, and nothing is lost —
// every finding's history has one row. On SQLite and on PostgreSQL (two
// servers over one database: two replicas).
func TestReviewersRace(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { reviewersRace(t, newEnv(t, nil), nil) })
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.Location(t)
		dir := t.TempDir()
		a := newEnvAt(t, dir, func(c *Config) { c.DB = dsn })
		b := newEnvAt(t, t.TempDir(), func(c *Config) { c.DB = dsn; c.DataDir = a.srv.cfg.DataDir })
		reviewersRace(t, a, b)
	})
}

func reviewersRace(t *testing.T, e, replica *testEnv) {
	for i := range 20 {
		e.user(fmt.Sprintf("r%02d", i), account.RoleReviewer)
	}
	c := e.login("r00")
	id := c.checkedBatch(textFiles(t))
	var ids []string
	for _, fr := range c.results(id).Reports {
		for _, f := range fr.Findings {
			if f.ID != "" && len(ids) < 5 {
				ids = append(ids, f.ID)
			}
		}
	}
	seen := map[string]int64{}
	for _, id := range ids {
		seen[id] = 0
	}
	clients := make([]*client, 20)
	for i := range clients {
		host := e
		if replica != nil && i%2 == 1 {
			host = replica
		}
		clients[i] = host.login(fmt.Sprintf("r%02d", i))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	winners := map[string][]string{}
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := cl.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": ids, "verdict": "confirmed", "versions": seen})
			mu.Lock()
			defer mu.Unlock()
			codes[r.StatusCode]++
			var body struct {
				Decided   []string
				Conflicts []conflict
			}
			_ = json.Unmarshal([]byte(r.body), &body)
			for _, f := range body.Decided {
				winners[f] = append(winners[f], fmt.Sprintf("r%02d", i))
			}
			if r.StatusCode == http.StatusConflict && len(body.Conflicts) == 0 {
				t.Errorf("409 without the decisions in force: %s", r.body)
			}
		}()
	}
	wg.Wait()
	for _, f := range ids {
		if len(winners[f]) != 1 {
			t.Errorf("finding %s decided by %v: want exactly one", f, winners[f])
		}
		identity := strings.SplitN(f, "-", 2)[0]
		hist, err := e.srv.db.DecisionHistory(t.Context(), identity)
		if err != nil || len(hist) != 1 {
			t.Errorf("finding %s: %d history rows (%v), want 1", f, len(hist), err)
		}
	}
	if codes[http.StatusConflict] < 19 {
		t.Errorf("answers %v: want at least 19 refused", codes)
	}
	// The report page's form refuses a stale view too, and says who won.
	r := clients[3].postForm(fmt.Sprintf("/batches/%d/decisions", id), url.Values{"finding": {ids[0]}, "verdict": {"dismissed"},
		"reason": {"原文无误"}, "version": {"0"}, "back": {"/"}})
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.body, "您的结论未保存") {
		t.Fatalf("stale form: %d", r.StatusCode)
	}
}

// TestSetupAcrossReplicas: two replicas started on an empty store print
// two setup links; each works through either replica, and the two sent at
// once through different replicas make one administrator, after which
// neither link works.
func TestSetupAcrossReplicas(t *testing.T) {
	dsn := pgtest.Location(t)
	a := newEnvAt(t, t.TempDir(), func(c *Config) { c.DB = dsn })
	b := newEnvAt(t, t.TempDir(), func(c *Config) { c.DB = dsn; c.DataDir = a.srv.cfg.DataDir })
	la, lb := a.srv.SetupURL(""), b.srv.SetupURL("")
	if la == "" || lb == "" || la == lb {
		t.Fatalf("setup links %q and %q: want two", la, lb)
	}
	ta, tb := strings.TrimPrefix(la, "/setup?token="), strings.TrimPrefix(lb, "/setup?token=")
	// A's link through B and B's through A.
	if r := b.anon().get(la); r.StatusCode != http.StatusOK {
		t.Fatalf("replica A's link through B: %d", r.StatusCode)
	}
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, try := range []struct {
		e   *testEnv
		tok string
	}{{b, ta}, {a, tb}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := try.e.anon().postForm("/setup", url.Values{"token": {try.tok}, "name": {fmt.Sprintf("admin%d", i)},
				"display": {"管理员"}, "password": {testPassword}, "password2": {testPassword}})
			codes[i] = r.StatusCode
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		if c == http.StatusSeeOther {
			created++
		}
	}
	n, err := a.srv.db.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if created != 1 || n != 1 {
		t.Fatalf("two setups at once through two replicas: answers %v, %d accounts; want one administrator", codes, n)
	}
	if a.srv.SetupURL("") != "" || b.srv.SetupURL("") != "" {
		t.Error("a setup link is still offered after the first administrator")
	}
	for _, l := range []string{la, lb} {
		if r := a.anon().get(l); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s after setup: %d, want 404", l, r.StatusCode)
		}
	}
}
