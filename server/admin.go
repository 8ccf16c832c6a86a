package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/account"
	"github.com/ogi-checker/ogi/internal/store"
)

// roleChoice is a role offered on the users page.
type roleChoice struct{ ID, Label string }

func roleChoices(lang string) []roleChoice {
	var out []roleChoice
	for _, r := range []string{account.RoleAdmin, account.RoleReviewer, account.RoleViewer} {
		out = append(out, roleChoice{r, account.RoleLabel(r, lang)})
	}
	return out
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, errMsg, okMsg string) {
	lang := langOf(r)
	users, err := s.db.Users(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, status, "users", map[string]any{"Title": msgText("users").pick(lang), "Users": users, "Roles": roleChoices(lang),
		"Error": errMsg, "OK": okMsg})
}

// newUserForm reads an account form (the API sends the same fields).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	lang := langOf(r)
	name := strings.TrimSpace(r.PostForm.Get("name"))
	pw := r.PostForm.Get("password")
	pw2 := r.PostForm.Get("password2")
	if pw2 == "" && isAPI(r) {
		pw2 = pw
	}
	role := r.PostForm.Get("role")
	u, msg := s.addUser(r, name, strings.TrimSpace(r.PostForm.Get("display")), role, pw, pw2, lang)
	if isAPI(r) {
		if msg != "" {
			writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: msg, ErrorZh: msg})
			return
		}
		writeJSON(w, http.StatusCreated, apiUser(u))
		return
	}
	if msg != "" {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, msg, "")
		return
	}
	s.renderUsers(w, r, http.StatusOK, "", msgText("saved").pick(lang))
}

func (s *Server) addUser(r *http.Request, name, display, role, pw, pw2, lang string) (store.User, string) {
	if !account.ValidRole(role) {
		return store.User{}, msgText("bad_request").pick(lang) + ": role"
	}
	if msg := checkNewAccount(name, pw, pw2, lang); msg != "" {
		return store.User{}, msg
	}
	hash, err := account.HashPassword(pw)
	if err != nil {
		return store.User{}, err.Error()
	}
	u := store.User{Name: name, Display: display, Role: role, PasswordHash: hash, Created: s.now()}
	u.ID, err = s.db.CreateUser(r.Context(), u)
	if errors.Is(err, store.ErrExists) {
		return store.User{}, msgText("user_exists").pick(lang)
	}
	if err != nil {
		return store.User{}, err.Error()
	}
	s.audit(r.Context(), userOf(r).Name, "user.create", "user:"+name, bi("角色："+account.RoleLabel(role, "zh"), "role: "+role), s.remoteIP(r))
	return u, ""
}

// updateUser changes a role, disables or enables an account, or sets a
// new password (signing the account out everywhere).
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	lang := langOf(r)
	id, err := strconv.ParseInt(r.PathValue("uid"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	u, found, err := s.db.UserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if !found {
		s.notFound(w, r)
		return
	}
	me := userOf(r)
	var changes []string
	var zh []string
	// Only what this administrator changed is written: another one may be
	// changing the same account through another replica.
	var ch store.UserChange
	if role := r.PostForm.Get("role"); role != "" && role != u.Role {
		if !account.ValidRole(role) {
			s.fail(w, r, http.StatusBadRequest, fmt.Errorf("role %q", role))
			return
		}
		if u.ID == me.ID && role != account.RoleAdmin {
			s.renderUsers(w, r, http.StatusUnprocessableEntity, pick(lang, "不能取消自己的管理员角色", "You cannot take your own administrator role"), "")
			return
		}
		changes = append(changes, "role: "+role)
		zh = append(zh, "角色改为"+account.RoleLabel(role, "zh"))
		u.Role = role
		ch.Role = &role
	}
	if d := r.PostForm.Get("disabled"); d != "" {
		dis := d == "1" || d == "true"
		if dis && u.ID == me.ID {
			s.renderUsers(w, r, http.StatusUnprocessableEntity, pick(lang, "不能停用自己的账户", "You cannot disable your own account"), "")
			return
		}
		if dis != u.Disabled {
			changes = append(changes, "disabled: "+strconv.FormatBool(dis))
			zh = append(zh, map[bool]string{true: "停用", false: "启用"}[dis])
			u.Disabled = dis
			ch.Disabled = &dis
		}
	}
	if pw := r.PostForm.Get("password"); pw != "" {
		if err := account.CheckPasswordPolicy(pw); err != nil {
			s.renderUsers(w, r, http.StatusUnprocessableEntity, checkNewAccount(u.Name, pw, pw, lang), "")
			return
		}
		if u.PasswordHash, err = account.HashPassword(pw); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		ch.PasswordHash = &u.PasswordHash
		changes = append(changes, "password reset")
		zh = append(zh, "重设密码")
	}
	if disp, ok := r.PostForm["display"]; ok && strings.TrimSpace(disp[0]) != u.Display {
		u.Display = strings.TrimSpace(disp[0])
		ch.Display = &u.Display
		changes = append(changes, "name: "+u.Display)
		zh = append(zh, "姓名改为"+u.Display)
	}
	if len(changes) > 0 {
		if u, err = s.db.ChangeUser(r.Context(), u.ID, ch); errors.Is(err, store.ErrLastAdmin) {
			msg := pick(lang, "至少需要保留一个启用的管理员账户，此更改未保存", "At least one enabled administrator must remain; the change was not saved")
			if isAPI(r) {
				s.fail(w, r, http.StatusConflict, errors.New(msg))
			} else {
				s.renderUsers(w, r, http.StatusConflict, msg, "")
			}
			return
		} else if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		s.audit(r.Context(), me.Name, "user.update", "user:"+u.Name, bi(strings.Join(zh, "；"), strings.Join(changes, ", ")), s.remoteIP(r))
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, apiUser(u))
		return
	}
	s.renderUsers(w, r, http.StatusOK, "", msgText("saved").pick(lang))
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	const pageSize = 100
	entries, err := s.db.AuditLog(r.Context(), pageSize+1, before)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	older := int64(0)
	if len(entries) > pageSize {
		entries = entries[:pageSize]
		older = entries[len(entries)-1].ID
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, map[string]any{"entries": apiAudit(entries), "older": older})
		return
	}
	s.render(w, r, http.StatusOK, "audit", map[string]any{"Title": msgText("audit").pick(lang), "Entries": entries, "Older": older})
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, "", "", "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, errMsg, okMsg, newToken string) {
	lang := langOf(r)
	v := userOf(r)
	toks, err := s.db.APITokens(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, status, "account", map[string]any{"Title": msgText("account").pick(lang), "Tokens": toks, "Error": errMsg,
		"OK": okMsg, "NewToken": newToken})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	lang := langOf(r)
	v := userOf(r)
	// The same per-name limit as the login: a stolen session must not
	// become a way to guess the password.
	key := "u:" + store.NameKey(v.Name)
	if !s.logins.Allow(key, s.now()) {
		s.audit(r.Context(), v.Name, "login.limited", "user:"+v.Name, bi("修改密码时", "password change"), s.remoteIP(r))
		s.renderAccount(w, r, http.StatusTooManyRequests, msgText("login_limited").pick(lang), "", "")
		return
	}
	if !account.CheckPassword(v.PasswordHash, r.PostForm.Get("current")) {
		s.audit(r.Context(), v.Name, "login.failed", "user:"+v.Name, bi("修改密码时", "password change"), s.remoteIP(r))
		s.renderAccount(w, r, http.StatusUnprocessableEntity, msgText("wrong_password").pick(lang), "", "")
		return
	}
	s.logins.Reset(key)
	pw, pw2 := r.PostForm.Get("password"), r.PostForm.Get("password2")
	if msg := checkNewAccount(v.Name, pw, pw2, lang); msg != "" {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, msg, "", "")
		return
	}
	hash, err := account.HashPassword(pw)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// The password only: an administrator may be changing this account's
	// role at the same time.
	u, err := s.db.ChangeUser(r.Context(), v.ID, store.UserChange{PasswordHash: &hash})
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	// Other sessions ended with the change; this one carries on.
	if err := s.setSession(w, r, u); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), u.Name, "user.password", "user:"+u.Name, "", s.remoteIP(r))
	v.User = u
	s.renderAccount(w, r, http.StatusOK, "", msgText("saved").pick(lang), "")
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	v := userOf(r)
	if v.Token {
		// A token does not mint tokens: a leaked one cannot make itself
		// permanent.
		s.forbidden(w, r)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		name = "script"
	}
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	tok, hash, err := account.NewToken()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if err := s.db.PutAPIToken(r.Context(), store.APIToken{Hash: hash, UserID: v.ID, Name: name, Created: s.now()}); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), v.Name, "token.create", "user:"+v.Name, name, s.remoteIP(r))
	if isAPI(r) {
		writeJSON(w, http.StatusCreated, map[string]string{"token": tok, "name": name})
		return
	}
	s.renderAccount(w, r, http.StatusOK, "", "", tok)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	v := userOf(r)
	hash := r.PostForm.Get("hash")
	toks, err := s.db.APITokens(r.Context(), v.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	for _, t := range toks {
		if t.Hash == hash {
			if err := s.db.DeleteAPIToken(r.Context(), hash); err != nil {
				s.fail(w, r, http.StatusInternalServerError, err)
				return
			}
			s.audit(r.Context(), v.Name, "token.revoke", "user:"+v.Name, t.Name, s.remoteIP(r))
		}
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
