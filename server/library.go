package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/jobs"
)

// storedProfile prefixes a batch's profile kept in the library.
const storedProfile = jobs.StoredProfile

// maxProfileBytes bounds an uploaded scoring profile (engine.LoadProfile
// has its own, lower bound).
const maxProfileBytes = 1 << 20

// libraryProfile is a stored scoring profile as the pages offer it.
type libraryProfile struct {
	ID, Name, Title string
	store.LibraryItem
}

func (s *Server) libraryProfiles(r *http.Request, lang string) []libraryProfile {
	items, err := s.db.LibraryItems(r.Context(), store.LibraryProfile)
	if err != nil {
		s.log.Warn("library", "err", err)
		return nil
	}
	var out []libraryProfile
	for _, it := range items {
		// Data holds the blob's hash: the YAML itself is among the blobs.
		lp := libraryProfile{ID: storedProfile + string(it.Data), Name: it.Name, Title: it.Name, LibraryItem: it}
		if p, err := s.blobs.Path(string(it.Data)); err == nil {
			if sc, err := check.LoadScoring(p); err == nil && sc.Title.Pick(lang) != "" {
				lp.Title = sc.Title.Pick(lang)
			}
		}
		out = append(out, lp)
	}
	return out
}

func (s *Server) libraryPage(w http.ResponseWriter, r *http.Request) {
	s.renderLibrary(w, r, http.StatusOK, "", "")
}

func (s *Server) renderLibrary(w http.ResponseWriter, r *http.Request, status int, errMsg, okMsg string) {
	lang := langOf(r)
	rosters, err := s.db.LibraryItems(r.Context(), store.LibraryRoster)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	type rosterRow struct {
		store.LibraryItem
		Bodies int
	}
	var rows []rosterRow
	for _, it := range rosters {
		n := 0
		if ro, err := assess.ParseRoster(it.Name, it.Data); err == nil {
			n = len(ro.Bodies)
		}
		rows = append(rows, rosterRow{it, n})
	}
	s.render(w, r, status, "library", map[string]any{"Title": msgText("library").pick(lang), "Profiles": s.libraryProfiles(r, lang),
		"Builtin": profileChoices(lang), "Rosters": rows, "Error": errMsg, "OK": okMsg})
}

// uploadLibrary stores a scoring profile or a roster after checking it
// the way a batch would use it: a profile must load and name only rules
// of the pack, a roster must parse.
func (s *Server) uploadLibrary(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxRosterBytes+1<<20)
	if err := r.ParseMultipartForm(maxRosterBytes + 1<<20); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	kind := r.FormValue("kind")
	f, fh, err := r.FormFile("file")
	if err != nil {
		s.renderLibrary(w, r, http.StatusUnprocessableEntity, pick(lang, "请选择文件", "Choose a file"), "")
		return
	}
	defer func() { _ = f.Close() }()
	limit := int64(maxRosterBytes)
	if kind == store.LibraryProfile {
		limit = maxProfileBytes
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(data)) > limit {
		s.renderLibrary(w, r, http.StatusRequestEntityTooLarge, msgText("too_large").pick(lang), "")
		return
	}
	v := userOf(r)
	name := strings.TrimSpace(r.FormValue("name"))
	if name == "" {
		name = strings.TrimSuffix(path.Base(fh.Filename), path.Ext(fh.Filename))
	}
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	switch kind {
	case store.LibraryRoster:
		if _, err := assess.ParseRoster(path.Base(fh.Filename), data); err != nil {
			s.renderLibrary(w, r, http.StatusUnprocessableEntity, msgText("bad_roster").pick(lang)+pick(lang, "：", ": ")+err.Error(), "")
			return
		}
	case store.LibraryProfile:
		sc, err := engine.LoadProfile(path.Base(fh.Filename), data)
		var hash string
		if err == nil {
			hash, _, err = s.blobs.Put(bytes.NewReader(data), maxProfileBytes)
		}
		if err == nil {
			// The profile's rule patterns must name rules of the pack: a
			// checker built with it says so.
			var p string
			if p, err = s.blobs.Path(hash); err == nil {
				_, err = s.cfg.Checker(p, "")
			}
		}
		if err != nil {
			s.renderLibrary(w, r, http.StatusUnprocessableEntity, pick(lang, "评分方案无法使用：", "The scoring profile cannot be used: ")+err.Error(), "")
			return
		}
		if sc.Name != "" && r.FormValue("name") == "" {
			name = sc.Name
		}
		// The library names the YAML by its hash among the blobs, so a
		// batch that used it keeps it after the library item changes.
		data = []byte(hash)
	default:
		s.fail(w, r, http.StatusBadRequest, errors.New("kind: profile or roster"))
		return
	}
	if err := s.db.PutLibraryItem(r.Context(), store.LibraryItem{Kind: kind, Name: name, Data: data, CreatedBy: v.Name, Created: s.now()}); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), v.Name, "library.put", kind+":"+name, bi("文件 "+fh.Filename, "file "+fh.Filename), s.remoteIP(r))
	s.renderLibrary(w, r, http.StatusOK, "", msgText("saved").pick(lang))
}

func (s *Server) deleteLibrary(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	kind, name := r.PostForm.Get("kind"), r.PostForm.Get("name")
	if err := s.db.DeleteLibraryItem(r.Context(), kind, name); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), userOf(r).Name, "library.delete", kind+":"+name, "", s.remoteIP(r))
	http.Redirect(w, r, "/admin/library", http.StatusSeeOther)
}

// libraryRoutes are the administrator's profiles and rosters.
func (s *Server) libraryRoutes(mux *routeMux) {
	mux.Handle("GET /admin/library", s.need("admin", s.libraryPage))
	mux.Handle("POST /admin/library", s.need("admin", s.uploadLibrary))
	mux.Handle("POST /admin/library/delete", s.need("admin", s.deleteLibrary))
}

// rosterFromLibrary is a stored roster for a new batch.
func (s *Server) rosterFromLibrary(r *http.Request, name string) ([]byte, string, error) {
	it, found, err := s.db.LibraryItem(r.Context(), store.LibraryRoster, name)
	if err != nil {
		return nil, "", err
	}
	if !found {
		return nil, "", fmt.Errorf("no roster %q", name)
	}
	return it.Data, name + ".csv", nil
}

// withLibrary adds the stored profiles and rosters to the new-batch form.
func (s *Server) withLibrary(r *http.Request, lang string, d map[string]any) map[string]any {
	d["Stored"] = s.libraryProfiles(r, lang)
	rosters, err := s.db.LibraryItems(r.Context(), store.LibraryRoster)
	if err != nil {
		s.log.Warn("library", "err", err)
	}
	d["Rosters"] = rosters
	return d
}

// profileLabel names a batch's scoring profile for a person: its title.
func (s *Server) profileLabel(r *http.Request, profile, lang string) string {
	for _, c := range profileChoices(lang) {
		if c.ID == profile {
			return c.Label
		}
	}
	for _, p := range s.libraryProfiles(r, lang) {
		if p.ID == profile {
			return p.Title
		}
	}
	return orDash(profile)
}
