package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
)

// TestOpenAPICoversRoutes: the OpenAPI document names every API route
// with its method, and nothing the server does not answer.
func TestOpenAPICoversRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	served := map[string]bool{"POST /api/login": true, "GET /healthz": true}
	for _, rt := range (&Server{}).apiTable() {
		served[rt.pattern] = true
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("not documented: %v; documented but not served: %v", missing, extra)
	}
}

// TestAPIToken: a script with a token does what the pages do — create a
// batch, upload, run, read the results in the model of ogi check
// --format json, decide — and a token cannot mint another.
func TestAPIToken(t *testing.T) {
	e := newEnv(t, nil)
	e.user("script-owner", account.RoleReviewer)
	c := e.login("script-owner")
	r := c.postJSON("/api/tokens", map[string]string{"name": "nightly"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("token: %d %s", r.StatusCode, r.body)
	}
	var tok struct{ Token string }
	_ = json.Unmarshal([]byte(r.body), &tok)
	bot := e.anon()
	bot.tok = tok.Token
	if r := bot.get("/api/me"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `"script-owner"`) {
		t.Fatalf("me: %d %s", r.StatusCode, r.body)
	}
	if r := bot.postJSON("/api/tokens", map[string]string{"name": "more"}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("token minted a token: %d", r.StatusCode)
	}
	id := bot.checkedBatch(textFiles(t))
	r = bot.get(fmt.Sprintf("/api/batches/%d/results", id))
	validateCheckJSON(t, []byte(r.body))
	out := bot.results(id)
	var fid string
	for _, fr := range out.Reports {
		for _, f := range fr.Findings {
			if f.ID != "" && fid == "" {
				fid = f.ID
			}
		}
	}
	if fid == "" {
		t.Fatal("no finding with an id")
	}
	if r := bot.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": []string{fid}, "verdict": "rectify", "owner": "办公室", "due": "2025-06-30"}); r.StatusCode != http.StatusOK {
		t.Fatalf("rectify: %d %s", r.StatusCode, r.body)
	}
	if r := bot.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": []string{fid}, "verdict": "rectify", "owner": "办公室"}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("rectify without a due date: %d", r.StatusCode)
	}
	if r := bot.postJSON(fmt.Sprintf("/api/batches/%d/decisions", id), map[string]any{"findings": []string{"0123456789ab-abcdef"}, "verdict": "confirmed"}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown finding: %d", r.StatusCode)
	}
	// The results carry the decision in force, owner and due date included.
	var review *engine.Review
	for _, fr := range bot.results(id).Reports {
		for _, f := range fr.Findings {
			if f.ID == fid {
				review = f.Review
			}
		}
	}
	if review == nil || review.Verdict != engine.VerdictRectify || review.Owner != "办公室" || review.Due != "2025-06-30" {
		t.Fatalf("results' review: %+v", review)
	}
	r = bot.get("/api/findings/" + fid + "/history")
	var hist []APIDecision
	if err := json.Unmarshal([]byte(r.body), &hist); err != nil || len(hist) != 1 || hist[0].Owner != "办公室" || hist[0].Due != "2025-06-30" || !strings.Contains(hist[0].Reviewer, "script-owner") {
		t.Fatalf("history: %s", r.body)
	}
	r = bot.get(fmt.Sprintf("/api/batches/%d/export/json", id))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export json: %d", r.StatusCode)
	}
	validateCheckJSON(t, []byte(r.body))
	if !strings.Contains(r.body, `"rectify"`) {
		t.Fatal("the exported JSON lacks the decision")
	}
}

// validateCheckJSON checks a document against check.schema.json, the
// contract of ogi check --format json.
func validateCheckJSON(t *testing.T, data []byte) {
	t.Helper()
	sch, err := jsonschema.UnmarshalJSON(bytes.NewReader(report.CheckSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("check.json", sch); err != nil {
		t.Fatal(err)
	}
	compiled, err := c.Compile("check.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v\n%.300s", err, data)
	}
	if err := compiled.Validate(inst); err != nil {
		t.Fatalf("not the model of ogi check --format json: %v", err)
	}
}
