package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/account"
)

// TestMetrics: after a batch, the metrics listener reports the run, its
// passes, the requests by route pattern and the queue; /readyz is 200
// while the server takes work and 503 once it shuts down.
func TestMetrics(t *testing.T) {
	e := newEnv(t, nil)
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	files := textFiles(t)
	id := c.checkedBatch(files)
	c.get(fmt.Sprintf("/batches/%d/overview", id))
	ms := httptest.NewServer(e.srv.MetricsHandler())
	defer ms.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(ms.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	for _, want := range []string{
		`ogi_batch_runs_total{state="done"} 1`,
		`ogi_batch_reports_total ` + fmt.Sprint(len(files)),
		`ogi_batch_pass_duration_seconds_count{pass="convert"} 1`,
		`ogi_batch_pass_duration_seconds_count{pass="check"} 1`,
		`ogi_batch_pass_duration_seconds_count{pass="outputs"} 1`,
		`ogi_http_requests_total{code="200",method="GET",route="GET /batches/{id}/overview"} 1`,
		`ogi_http_requests_total{code="303",method="POST",route="POST /login"} 1`,
		`ogi_jobs_queued 0`,
		`ogi_jobs_running 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if regexp.MustCompile(`route="/batches/\d`).MatchString(body) {
		t.Error("a route label holds a path, not a pattern: one series per batch")
	}
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Fatalf("readyz while serving: %d", code)
	}
	if err := e.srv.runner.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Fatalf("readyz after shutdown: %d %s", code, body)
	}
}
