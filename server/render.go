package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/account"
)

//go:embed templates/*.tmpl partials/*.tmpl
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// pageSet is every page, each parsed with the shared layout.
type pageSet struct{ pages map[string]*template.Template }

var funcs = template.FuncMap{
	"t": func(lang, key string) string { return msgText(key).pick(lang) },
	"num": func(f float64) string {
		return strconv.FormatFloat(f, 'f', -1, 64)
	},
	"score": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return strconv.FormatFloat(*f, 'f', 1, 64)
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Local().Format("2006-01-02 15:04")
	},
	"size": humanSize,
	"pct": func(done, total int) int {
		if total <= 0 {
			return 0
		}
		return done * 100 / total
	},
	"role":    account.RoleLabel,
	"overall": overall,
	"source":  itemSource,
	"detail":  auditDetail,
	"target":  auditTarget,
	"add":     func(a, b int) int { return a + b },
	"can":     func(v *viewer, action string) bool { return v != nil && account.Can(v.Role, action) },
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func loadPages() (*pageSet, error) {
	base, err := template.New("layout.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/layout.tmpl", "partials/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("server: templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".tmpl")
		if name == "layout" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("server: template %s: %w", n, err)
		}
		ps.pages[name] = t
	}
	return ps, nil
}

// pageData is what every page template gets: the layout's needs and the
// page's own data in D.
type pageData struct {
	Lang, HTMLLang, Path, Query string
	User                        *viewer
	Title                       string
	D                           map[string]any
}

// render draws a page; it is assembled in memory first so that a template
// error gives a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d map[string]any) {
	t := s.pages.pages[name]
	if t == nil {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("no page %q", name))
		return
	}
	lang := langOf(r)
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", SameSite: http.SameSiteLaxMode, Secure: s.secure(r), MaxAge: 365 * 24 * 3600})
	}
	pd := pageData{Lang: lang, HTMLLang: pick(lang, "zh-CN", "en"), Path: r.URL.Path, User: userOf(r), D: d}
	if title, ok := d["Title"].(string); ok {
		pd.Title = title
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pd); err != nil {
		s.fail(w, r, http.StatusInternalServerError, fmt.Errorf("page %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail answers an error: the person sees a message in their language; a
// server error is logged with its cause, which the page does not show.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	key := "bad_request"
	switch status {
	case http.StatusNotFound:
		key = "not_found"
	case http.StatusForbidden:
		key = "forbidden"
	case http.StatusRequestEntityTooLarge:
		key = "too_large"
	}
	detail := ""
	if status >= 500 {
		key = "server_error"
		if r.Context().Err() != nil {
			// The client went away: nothing failed on our side.
			s.log.Debug("request abandoned", "method", r.Method, "path", r.URL.Path, "err", err)
		} else {
			s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	} else if err != nil {
		detail = err.Error()
	}
	if isAPI(r) || strings.Contains(r.Header.Get("Accept"), "application/json") {
		t := msgText(key)
		if detail != "" {
			t = text{t.Zh + "：" + detail, t.En + ": " + detail}
		}
		writeJSONError(w, status, t)
		return
	}
	msg := msgText(key).pick(langOf(r))
	if detail != "" {
		msg += pick(langOf(r), "：", ": ") + detail
	}
	t := s.pages.pages["message"]
	if t == nil {
		http.Error(w, msg, status)
		return
	}
	s.render(w, r, status, "message", map[string]any{"Message": msg})
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusForbidden, nil)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, nil)
}

// apiError is the API's error body: the message in both languages.
type apiError struct {
	Error   string `json:"error"`
	ErrorZh string `json:"error_zh"`
}

func writeJSONError(w http.ResponseWriter, status int, t text) {
	writeJSON(w, status, apiError{Error: t.En, ErrorZh: t.Zh})
}

func writeJSON(w http.ResponseWriter, status int, v any) { writeJSONAs(w, status, v, true) }

// writeJSONAs writes v, indented or (for the large results) compact.
func writeJSONAs(w http.ResponseWriter, status int, v any, indent bool) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	_ = enc.Encode(v)
}
