package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/pgtest"
	"github.com/ogi-checker/ogi/report"
)

// TestSetupOnce: the first start offers a one-time link that creates the
// first administrator; after that the link is dead.
func TestSetupOnce(t *testing.T) {
	e := newEnv(t, nil)
	link := e.srv.SetupURL("")
	if !strings.HasPrefix(link, "/setup?token=") {
		t.Fatalf("setup link %q", link)
	}
	tok := strings.TrimPrefix(link, "/setup?token=")
	c := e.anon()
	if r := c.get("/setup?token=wrong"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("wrong token: %d", r.StatusCode)
	}
	if r := c.get(link); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "创建第一个管理员账户") {
		t.Fatalf("setup page: %d", r.StatusCode)
	}
	r := c.postForm("/setup", url.Values{"token": {tok}, "name": {"admin"}, "display": {"王主任"}, "password": {"short"}, "password2": {"short"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("short password accepted: %d", r.StatusCode)
	}
	r = c.postForm("/setup", url.Values{"token": {tok}, "name": {"admin"}, "display": {"王主任"}, "password": {testPassword}, "password2": {testPassword}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", r.StatusCode, r.body)
	}
	if r := c.get("/batches"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "王主任") {
		t.Fatalf("not signed in after setup: %d", r.StatusCode)
	}
	if e.srv.SetupURL("") != "" {
		t.Fatal("setup link still offered")
	}
	r = e.anon().postForm("/setup", url.Values{"token": {tok}, "name": {"evil"}, "password": {testPassword}, "password2": {testPassword}})
	if r.StatusCode != http.StatusNotFound {
		t.Fatalf("second setup: %d", r.StatusCode)
	}
	u, found, _ := e.srv.db.UserByName(context.Background(), "admin")
	if !found || u.Role != account.RoleAdmin {
		t.Fatalf("admin: %+v %v", u, found)
	}
}

// createBatch makes a batch through the API and returns its id.
func (c *client) createBatch(year int) int64 {
	c.e.t.Helper()
	r := c.postJSON("/api/batches", map[string]any{"name": "测试批次", "year": year, "profile": "default"})
	if r.StatusCode != http.StatusCreated {
		c.e.t.Fatalf("create batch: %d %s", r.StatusCode, r.body)
	}
	var b APIBatch
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		c.e.t.Fatal(err)
	}
	return b.ID
}

func (c *client) results(id int64) report.CheckOutput {
	c.e.t.Helper()
	r := c.get(fmt.Sprintf("/api/batches/%d/results", id))
	if r.StatusCode != http.StatusOK {
		c.e.t.Fatalf("results: %d %s", r.StatusCode, r.body)
	}
	var out report.CheckOutput
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		c.e.t.Fatal(err)
	}
	return out
}

// TestBatchFlow is an office's spring through the API: a batch, the
// corpus as a zip, a run, two decisions, a re-run that keeps them, and
// the workbook with the review columns.
func TestBatchFlow(t *testing.T) { batchFlow(t, newEnv(t, nil)) }

// TestBatchFlowPostgres is the same spring with the store on PostgreSQL
// (issue #16): accounts, sessions, batches, documents, results and
// decisions all there.
func TestBatchFlowPostgres(t *testing.T) {
	dsn := pgtest.Location(t)
	batchFlow(t, newEnv(t, func(c *Config) { c.DB = dsn }))
}

func batchFlow(t *testing.T, e *testEnv) {
	e.user("li", account.RoleReviewer)
	c := e.login("li")
	id := c.createBatch(2024)
	files := corpusFiles(t)
	r := c.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"corpus.zip": zipOf(t, files)}, "")
	var in intakeResult
	if err := json.Unmarshal([]byte(r.body), &in); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	if len(in.Added) != len(files) || len(in.Refused) != 0 {
		t.Fatalf("upload: %+v", in)
	}
	// The same zip again adds nothing.
	r = c.upload(fmt.Sprintf("/api/batches/%d/files", id), map[string][]byte{"again.zip": zipOf(t, files)}, "")
	_ = json.Unmarshal([]byte(r.body), &in)
	if len(in.Added) != 0 || len(in.Skipped) != len(files) {
		t.Fatalf("re-upload: %+v", in)
	}
	if r := c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil); r.StatusCode != http.StatusAccepted {
		t.Fatalf("run: %d %s", r.StatusCode, r.body)
	}
	if b := e.waitDone(id); b.State != "done" {
		t.Fatalf("batch: %+v", b)
	}
	out := c.results(id)
	if len(out.Reports) != len(files) {
		t.Fatalf("%d results for %d files", len(out.Reports), len(files))
	}
	var failing []engine.Finding
	for _, fr := range out.Reports {
		if _, ok := files[fr.File]; !ok {
			t.Errorf("result named %q, not an uploaded name", fr.File)
		}
		for _, f := range fr.Findings {
			if f.ID != "" && f.Status == engine.StatusFail {
				failing = append(failing, f)
			}
		}
	}
	if len(failing) < 2 {
		t.Fatalf("only %d failing findings with ids", len(failing))
	}
	dismissed, confirmed := failing[0].ID, failing[1].ID
	if r := c.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": []string{dismissed}, "verdict": "dismissed"}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("dismissal without a reason: %d", r.StatusCode)
	}
	if r := c.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": []string{dismissed}, "verdict": "dismissed", "reason": "表格系转载，原文无误"}); r.StatusCode != http.StatusOK {
		t.Fatalf("dismiss: %d %s", r.StatusCode, r.body)
	}
	if r := c.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": []string{confirmed}, "verdict": "confirmed"}); r.StatusCode != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.body)
	}
	// Re-run: the decisions stay with their findings.
	c.postJSON(fmt.Sprintf("/api/batches/%d/run", id), nil)
	if b := e.waitDone(id); b.Runs != 2 {
		t.Fatalf("runs %d", b.Runs)
	}
	verdicts := map[string]string{}
	for _, fr := range c.results(id).Reports {
		for _, f := range fr.Findings {
			if f.Review != nil {
				verdicts[f.ID] = f.Review.Verdict
			}
		}
	}
	if verdicts[dismissed] != engine.VerdictDismissed || verdicts[confirmed] != engine.VerdictConfirmed || len(verdicts) != 2 {
		t.Fatalf("after re-run: %v", verdicts)
	}
	// The workbook carries them.
	r = c.get(fmt.Sprintf("/api/batches/%d/export/xlsx", id))
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", r.StatusCode, r.Header)
	}
	got := reviewColumns(t, []byte(r.body))
	if got[dismissed] != "不成立" || got[confirmed] != "确认" {
		t.Fatalf("workbook verdicts: %v", got)
	}
}

// reviewColumns reads the 问题清单 of a workbook: finding id → verdict.
func reviewColumns(t *testing.T, data []byte) map[string]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	rows, err := f.GetRows("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	idCol, vCol := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "问题编号":
			idCol = i
		case "核实结论":
			vCol = i
		}
	}
	if idCol < 0 || vCol < 0 {
		t.Fatalf("问题清单 header %v", rows[0])
	}
	out := map[string]string{}
	for _, row := range rows[1:] {
		if len(row) > vCol && row[vCol] != "" {
			out[row[idCol]] = row[vCol]
		}
	}
	return out
}
