package server

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

//go:embed openapi.json
var openAPI []byte

// apiRoutes are the JSON API: everything the pages do, for scripts (with
// a token: Authorization: Bearer) and for the pages' own JavaScript.
func (s *Server) apiRoutes(mux *routeMux) {
	for _, rt := range s.apiTable() {
		mux.Handle(rt.pattern, s.need(rt.action, rt.h))
	}
	mux.Handle("/api/", s.need("view", s.notFound))
}

// apiRoute is one route of the API: its pattern, what its caller must be
// allowed to do (account.Can), and its handler.
type apiRoute struct {
	pattern, action string
	h               http.HandlerFunc
}

// apiTable is every route of the API; api/openapi.json documents each
// (TestOpenAPICoversRoutes).
func (s *Server) apiTable() []apiRoute {
	return []apiRoute{
		{"GET /api/openapi.json", "view", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write(openAPI)
		}},
		{"GET /api/me", "view", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, apiUser(userOf(r).User)) }},
		{"POST /api/logout", "view", s.logout},
		{"GET /api/batches", "view", s.apiBatches},
		{"POST /api/batches", "run", s.apiCreateBatch},
		{"GET /api/batches/{id}", "view", s.apiBatch},
		{"POST /api/batches/{id}/files", "run", s.uploadFiles},
		{"POST /api/batches/{id}/urls", "run", s.fetchURLs},
		{"POST /api/batches/{id}/run", "run", s.runBatch},
		{"GET /api/batches/{id}/events", "view", s.events},
		{"GET /api/batches/{id}/results", "view", s.apiResults},
		{"GET /api/batches/{id}/reports/{idx}", "view", s.apiReport},
		{"GET /api/batches/{id}/reports/{idx}/original", "view", s.original},
		{"POST /api/batches/{id}/decisions", "decide", s.decide},
		{"GET /api/batches/{id}/export/{format}", "view", s.export},
		{"GET /api/findings/{fid}/history", "view", s.apiHistory},
		{"GET /api/users", "admin", s.apiUsers},
		{"POST /api/users", "admin", jsonForm(s.createUser)},
		{"POST /api/users/{uid}", "admin", jsonForm(s.updateUser)},
		{"GET /api/audit", "admin", s.auditPage},
		{"POST /api/tokens", "view", jsonForm(s.createToken)},
	}
}

// jsonForm lets a handler that reads a form take a flat JSON object of
// strings (and booleans) instead.
func jsonForm(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			h(w, r)
			return
		}
		var m map[string]any
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&m); err != nil {
			writeJSONError(w, http.StatusBadRequest, text{"请求不是有效的 JSON：" + err.Error(), "not valid JSON: " + err.Error()})
			return
		}
		form := url.Values{}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				form.Set(k, v)
			case bool:
				form.Set(k, strconv.FormatBool(v))
			case float64:
				form.Set(k, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		r.PostForm, r.Form = form, form
		r.Body = http.NoBody
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		h(w, r)
	}
}

// APIUser is an account in the API.
type APIUser struct {
	ID       int64     `json:"id"`
	Name     string    `json:"name"`
	Display  string    `json:"display"`
	Role     string    `json:"role"`
	Disabled bool      `json:"disabled"`
	Created  time.Time `json:"created"`
}

func apiUser(u store.User) APIUser {
	return APIUser{ID: u.ID, Name: u.Name, Display: u.Display, Role: u.Role, Disabled: u.Disabled, Created: u.Created.UTC()}
}

// APIBatch is a batch in the API.
type APIBatch struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Year         int       `json:"year"`
	Profile      string    `json:"profile"`
	Jurisdiction string    `json:"jurisdiction"`
	Roster       string    `json:"roster,omitempty"`
	CreatedBy    string    `json:"created_by"`
	Created      time.Time `json:"created"`
	State        string    `json:"state"`
	Phase        string    `json:"phase,omitempty"`
	Done         int       `json:"done"`
	Total        int       `json:"total"`
	Error        string    `json:"error,omitempty"`
	Runs         int       `json:"runs"`
	Items        int       `json:"items"`
}

func apiBatchOf(b store.Batch, items int) APIBatch {
	return APIBatch{ID: b.ID, Name: b.Name, Year: b.Year, Profile: b.Profile, Jurisdiction: b.Jurisdiction, Roster: b.RosterName,
		CreatedBy: b.CreatedBy, Created: b.Created.UTC(), State: b.State, Phase: b.Phase, Done: b.Done, Total: b.Total,
		Error: b.Error, Runs: b.Runs, Items: items}
}

func (s *Server) apiBatches(w http.ResponseWriter, r *http.Request) {
	rows, err := s.batchRows(r.Context(), "en")
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	out := make([]APIBatch, len(rows))
	for i, b := range rows {
		out[i] = apiBatchOf(b.Batch, b.Items)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	items, err := s.db.Items(r.Context(), b.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	type apiItem struct {
		Seq    int    `json:"seq"`
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
		Source string `json:"source"`
	}
	out := struct {
		APIBatch
		Files []apiItem `json:"files"`
	}{APIBatch: apiBatchOf(b, len(items)), Files: []apiItem{}}
	for _, it := range items {
		out.Files = append(out.Files, apiItem{Seq: it.Seq, Name: it.Name, SHA256: it.Blob, Size: it.Size, Source: it.Source})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateBatch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name         string `json:"name"`
		Year         int    `json:"year"`
		Profile      string `json:"profile"`
		Jurisdiction string `json:"jurisdiction"`
		// Roster is the roster CSV's text; RosterName its file name.
		Roster     string `json:"roster"`
		RosterName string `json:"roster_name"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, maxRosterBytes+1<<20)).Decode(&body); err != nil {
		writeJSONError(w, http.StatusBadRequest, text{"请求不是有效的 JSON：" + err.Error(), "not valid JSON: " + err.Error()})
		return
	}
	nb := newBatch{Name: strings.TrimSpace(body.Name), Year: body.Year, Profile: body.Profile, Jurisdiction: body.Jurisdiction}
	if body.Roster != "" {
		nb.Roster, nb.RosterName = []byte(body.Roster), body.RosterName
		if nb.RosterName == "" {
			nb.RosterName = "roster.csv"
		}
	}
	if msg := nb.validate(); msg != nil {
		writeJSONError(w, http.StatusUnprocessableEntity, *msg)
		return
	}
	v := userOf(r)
	id, err := s.insertBatch(r.Context(), nb, v.Name)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), v.Name, "batch.create", batchTarget(id), bi(fmt.Sprintf("%s，%d 年度（接口）", nb.Name, nb.Year), fmt.Sprintf("%s, %d (API)", nb.Name, nb.Year)), s.remoteIP(r))
	b, _, err := s.db.Batch(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/batches/%d", id))
	writeJSON(w, http.StatusCreated, apiBatchOf(b, 0))
}

// apiResults is the batch's results in the model of ogi check --format
// json (report.CheckOutput), reviews included.
func (s *Server) apiResults(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	frs, err := s.runner.Results(r.Context(), b.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if frs == nil {
		frs = []report.FileReport{}
	}
	writeJSONAs(w, http.StatusOK, &report.CheckOutput{SchemaVersion: report.CheckSchemaVersion,
		Tool: report.Tool{Name: "ogi", Version: s.cfg.Version}, Reports: frs}, false)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	br, idx, ok := s.reportOf(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, br.Reports[idx])
}

// APIDecision is one entry of a finding's review history.
type APIDecision struct {
	Verdict  string    `json:"verdict"`
	Reason   string    `json:"reason,omitempty"`
	Owner    string    `json:"owner,omitempty"`
	Due      string    `json:"due,omitempty"`
	Reviewer string    `json:"reviewer"`
	Decided  time.Time `json:"decided"`
	Source   string    `json:"source"`
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	identity, _ := engine.SplitFindingID(r.PathValue("fid"))
	if identity == "" {
		s.notFound(w, r)
		return
	}
	hs, err := s.db.DecisionHistory(r.Context(), identity)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	out := []APIDecision{}
	for _, d := range hs {
		out = append(out, APIDecision{Verdict: d.Verdict, Reason: d.Reason, Owner: d.Owner, Due: d.Due, Reviewer: d.Reviewer,
			Decided: d.Decided.UTC(), Source: d.Source})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) {
	us, err := s.db.Users(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	out := make([]APIUser, len(us))
	for i, u := range us {
		out[i] = apiUser(u)
	}
	writeJSON(w, http.StatusOK, out)
}

// APIAudit is an audit entry in the API.
type APIAudit struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	// DetailZh is the detail in Chinese, as the 操作日志 page shows it.
	DetailZh string `json:"detail_zh,omitempty"`
	Remote   string `json:"remote,omitempty"`
}

func apiAudit(es []store.AuditEntry) []APIAudit {
	out := make([]APIAudit, len(es))
	for i, e := range es {
		out[i] = APIAudit{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Target: e.Target,
			Detail: auditDetail(e.Detail, "en"), DetailZh: auditDetail(e.Detail, "zh"), Remote: e.Remote}
	}
	return out
}
