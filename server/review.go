package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/store"
)

// decision is one review request: findings by ID and what was decided.
type decision struct {
	Findings []string `json:"findings"`
	// Versions are the decision versions the reviewer saw, by finding id
	// (0: none decided yet); a finding decided by someone else since is
	// refused (409) and its current decision returned. A finding without
	// a version is decided whatever happened since.
	Versions map[string]int64 `json:"versions,omitempty"`
	// Verdict is confirmed, dismissed, rectify, rectified, or withdraw (take
	// the decision back).
	Verdict string `json:"verdict"`
	Reason  string `json:"reason,omitempty"`
	Owner   string `json:"owner,omitempty"`
	Due     string `json:"due,omitempty"`
}

const verdictWithdraw = "withdraw"

var dueDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// validate says what a decision lacks: a dismissal needs its reason, a
// rectification its owner and due date.
func (d *decision) validate() *text {
	d.Reason = strings.TrimSpace(d.Reason)
	d.Owner = strings.TrimSpace(d.Owner)
	d.Due = strings.TrimSpace(d.Due)
	if len(d.Findings) == 0 {
		t := msgText("no_findings")
		return &t
	}
	if len([]rune(d.Reason)) > 2000 || len([]rune(d.Owner)) > 200 {
		t := msgText("bad_request")
		return &t
	}
	switch d.Verdict {
	case engine.VerdictConfirmed, engine.VerdictRectified, verdictWithdraw:
	case engine.VerdictDismissed:
		if d.Reason == "" {
			t := msgText("reason_required")
			return &t
		}
	case engine.VerdictRectify:
		if _, err := time.Parse("2006-01-02", d.Due); d.Owner == "" || !dueDate.MatchString(d.Due) || err != nil {
			t := msgText("owner_due_required")
			return &t
		}
	default:
		t := msgText("bad_verdict")
		return &t
	}
	return nil
}

// decide records decisions on findings of the batch. Each must be a
// finding of its last results, so that a decision always names something
// a person saw; the store keeps it by the finding's identity (rule, body,
// year, cells), so it holds across re-runs and re-uploads of the same
// report, and reopens when the cells change. Every decision is audited.
func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	var d decision
	back := ""
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(r.Body).Decode(&d); err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		d = decision{Findings: r.PostForm["finding"], Verdict: r.PostForm.Get("verdict"), Reason: r.PostForm.Get("reason"),
			Owner: r.PostForm.Get("owner"), Due: r.PostForm.Get("due"), Versions: map[string]int64{}}
		// The report page sends one finding and its version; the review
		// queue a version per row.
		for _, id := range d.Findings {
			raw := r.PostForm.Get("version_" + id)
			if raw == "" && len(d.Findings) == 1 {
				raw = r.PostForm.Get("version")
			}
			if v, err := strconv.ParseInt(raw, 10, 64); err == nil && v >= 0 {
				d.Versions[id] = v
			}
		}
		back = r.PostForm.Get("back")
	}
	if msg := d.validate(); msg != nil {
		s.answerDecision(w, r, http.StatusUnprocessableEntity, back, msg.pick(lang), nil)
		return
	}
	br, err := s.results(r.Context(), b)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// known names each finding of the batch for the audit log: its rule's
	// title and its report's body and year.
	known := map[string]text{}
	for _, fr := range br.Reports {
		body := fr.Agency
		if body == "" {
			body = fr.File
		}
		if fr.Year != nil {
			body += " " + strconv.Itoa(*fr.Year)
		}
		for _, f := range fr.Findings {
			if f.ID != "" {
				known[f.ID] = text{br.title(f.Rule, "zh") + "（" + body + "）", br.title(f.Rule, "en") + " (" + body + ")"}
			}
		}
	}
	for _, id := range d.Findings {
		if _, ok := known[id]; !ok {
			s.answerDecision(w, r, http.StatusUnprocessableEntity, back, msgText("unknown_finding").pick(lang)+"："+id, nil)
			return
		}
	}
	v := userOf(r)
	by := v.Name
	if v.Display != "" {
		by = v.Display + "（" + v.Name + "）"
	}
	now := s.now()
	var conflicts []conflict
	var decided []string
	for _, id := range d.Findings {
		identity, values := engine.SplitFindingID(id)
		seen, checked := d.Versions[id]
		nd := store.Decision{Finding: identity, Cells: values, Verdict: d.Verdict, Reason: d.Reason,
			Owner: d.Owner, Due: d.Due, Reviewer: by, Decided: now, Source: "web"}
		var err error
		switch {
		case d.Verdict == verdictWithdraw && checked:
			err = s.db.DeleteDecisionIf(r.Context(), identity, by, now, seen)
		case d.Verdict == verdictWithdraw:
			err = s.db.DeleteDecision(r.Context(), identity, by, now)
		case checked:
			err = s.db.PutDecisionIf(r.Context(), nd, seen)
		default:
			err = s.db.PutDecision(r.Context(), nd)
		}
		var ce *store.ConflictError
		if errors.As(err, &ce) {
			conflicts = append(conflicts, conflictOf(id, known[id], ce.Current, lang))
			continue
		}
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		zh, en := msgText("verdict_"+d.Verdict).Zh, msgText("verdict_"+d.Verdict).En
		if d.Verdict == verdictWithdraw {
			zh, en = msgText("undo").Zh, "withdrawn"
		}
		for _, part := range [][2]string{{"理由", "reason"}, {"整改责任人", "owner"}, {"整改期限", "due"}} {
			val := map[string]string{"reason": d.Reason, "owner": d.Owner, "due": d.Due}[part[1]]
			if val != "" {
				zh += "；" + part[0] + "：" + val
				en += "; " + part[1] + ": " + val
			}
		}
		detail := bi(known[id].Zh+"："+zh, known[id].En+": "+en)
		s.audit(r.Context(), v.Name, "decision", "finding:"+id+" "+batchTarget(b.ID), detail, s.remoteIP(r))
		decided = append(decided, id)
	}
	if len(conflicts) > 0 {
		s.answerConflicts(w, r, back, decided, conflicts)
		return
	}
	s.answerDecision(w, r, http.StatusOK, back, msgText("decided").pick(lang), d.Findings)
}

// conflict is a decision refused because someone else decided the
// finding after the reviewer saw it.
type conflict struct {
	Finding  string    `json:"finding"`
	Verdict  string    `json:"verdict"`
	Reason   string    `json:"reason,omitempty"`
	Reviewer string    `json:"reviewer"`
	Decided  time.Time `json:"decided"`
	Version  int64     `json:"version"`
	// Message says it in the page's language.
	Message string `json:"message"`
}

func conflictOf(id string, what text, cur store.Decision, lang string) conflict {
	verdict := msgText("verdict_" + cur.Verdict).pick(lang)
	if cur.Verdict == store.VerdictWithdrawn {
		verdict = msgText("undo").pick(lang)
	}
	at := cur.Decided.Local().Format("2006-01-02 15:04")
	msg := pick(lang, fmt.Sprintf("%s：%s 已于 %s 改为“%s”，您的结论未保存。请查看后重新决定。", what.Zh, cur.Reviewer, at, verdict),
		fmt.Sprintf("%s: %s changed it to %q at %s; your decision was not saved. Look again and decide.", what.En, cur.Reviewer, verdict, at))
	return conflict{Finding: id, Verdict: cur.Verdict, Reason: cur.Reason, Reviewer: cur.Reviewer, Decided: cur.Decided.UTC(),
		Version: cur.Version, Message: msg}
}

// answerConflicts says which decisions were refused, and that the others
// were recorded: 409, the person sees who decided what in their place.
func (s *Server) answerConflicts(w http.ResponseWriter, r *http.Request, back string, decided []string, cs []conflict) {
	if isAPI(r) || strings.Contains(r.Header.Get("Accept"), "application/json") {
		if decided == nil {
			decided = []string{}
		}
		writeJSON(w, http.StatusConflict, map[string]any{"error": "decided by someone else since you looked", "error_zh": "已有他人作出新的审核结论",
			"decided": decided, "conflicts": cs})
		return
	}
	var msgs []string
	for _, c := range cs {
		msgs = append(msgs, c.Message)
	}
	s.render(w, r, http.StatusConflict, "message", map[string]any{"Message": strings.Join(msgs, "\n"), "Back": safeNext(back)})
}

func (s *Server) answerDecision(w http.ResponseWriter, r *http.Request, status int, back, msg string, ids []string) {
	if isAPI(r) || strings.Contains(r.Header.Get("Accept"), "application/json") {
		if status != http.StatusOK {
			writeJSON(w, status, apiError{Error: msg, ErrorZh: msg})
			return
		}
		writeJSON(w, status, map[string]any{"decided": ids, "message": msg})
		return
	}
	if status != http.StatusOK {
		s.render(w, r, status, "message", map[string]any{"Message": msg, "Back": safeNext(back)})
		return
	}
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
}

// findingsPage is the review queue: every finding of the batch that a
// person should look at, filtered by rule, verdict or report, with bulk
// actions.
func (s *Server) findingsPage(w http.ResponseWriter, r *http.Request) {
	br, ok := s.resultsOf(w, r)
	if !ok {
		return
	}
	b, lang := br.Batch, langOf(r)
	q := r.URL.Query()
	rule, verdict := q.Get("rule"), q.Get("verdict")
	var views []findingView
	rules := map[string]string{}
	versions, err := s.db.DecisionVersions(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	for i := range br.Reports {
		for _, fv := range s.findingViews(r.Context(), br, i, lang, false, versions) {
			if fv.Status != engine.StatusFail && fv.Status != engine.StatusNeedsReview && fv.Review == nil {
				continue
			}
			rules[fv.Rule] = fv.Title
			if rule != "" && fv.Rule != rule {
				continue
			}
			if verdict != "" && fv.VerdictClass != verdict {
				continue
			}
			views = append(views, fv)
		}
	}
	const pageSize = 200
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 0)
	total := len(views)
	if page*pageSize < len(views) {
		views = views[page*pageSize:]
	} else {
		views = nil
	}
	more := len(views) > pageSize
	if more {
		views = views[:pageSize]
	}
	var ruleOpts []profileChoice
	for id, t := range rules {
		ruleOpts = append(ruleOpts, profileChoice{ID: id, Label: t})
	}
	sortChoices(ruleOpts)
	verdicts := []profileChoice{{"none", msgText("verdict_none").pick(lang)}}
	for _, v := range []string{engine.VerdictConfirmed, engine.VerdictDismissed, engine.VerdictRectify, engine.VerdictRectified, engine.VerdictReopened} {
		verdicts = append(verdicts, profileChoice{v, msgText("verdict_" + v).pick(lang)})
	}
	next := ""
	if more {
		nq := r.URL.Query()
		nq.Set("page", strconv.Itoa(page+1))
		next = "?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "findings", map[string]any{"Title": b.Name, "Batch": b, "Findings": views, "Total": total,
		"Rules": ruleOpts, "Verdicts": verdicts, "Rule": rule, "Verdict": verdict, "Next": next,
		"Back": fmt.Sprintf("/batches/%d/findings?%s", b.ID, r.URL.RawQuery)})
}

func sortChoices(cs []profileChoice) {
	sort.Slice(cs, func(i, j int) bool {
		return cs[i].Label < cs[j].Label || cs[i].Label == cs[j].Label && cs[i].ID < cs[j].ID
	})
}
