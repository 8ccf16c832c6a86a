package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/intake"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/jurisdiction"
)

// maxRosterBytes bounds a roster CSV: a province's is a few hundred KB.
const maxRosterBytes = 8 << 20

// batchOf reads the {id} of the path; a missing batch is a 404 already
// answered (ok false).
func (s *Server) batchOf(w http.ResponseWriter, r *http.Request) (store.Batch, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return store.Batch{}, false
	}
	b, found, err := s.db.Batch(r.Context(), id)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return store.Batch{}, false
	}
	if !found {
		s.notFound(w, r)
		return store.Batch{}, false
	}
	return b, true
}

func busy(b store.Batch) bool { return b.State == store.BatchQueued || b.State == store.BatchRunning }

// profileChoice is a scoring profile or jurisdiction offered when a batch
// is created.
type profileChoice struct{ ID, Label string }

func profileChoices(lang string) []profileChoice {
	builtinChoices.once.Do(func() {
		builtinChoices.by = map[string][]profileChoice{}
		for _, l := range []string{"zh", "en"} {
			var out []profileChoice
			for _, name := range check.ScoringProfiles() {
				label := name
				if sc, err := check.LoadScoring(name); err == nil && sc.Title.Pick(l) != "" {
					label = sc.Title.Pick(l)
				}
				out = append(out, profileChoice{ID: name, Label: label})
			}
			builtinChoices.by[l] = out
		}
	})
	return builtinChoices.by[pick(lang, "zh", "en")]
}

// builtinChoices are the built-in scoring profiles by language: they are
// embedded, so read once.
var builtinChoices struct {
	once sync.Once
	by   map[string][]profileChoice
}

func jurisdictionChoices(lang string) []profileChoice {
	var out []profileChoice
	for _, name := range jurisdiction.Names() {
		label := name
		if p, ok := jurisdiction.Builtin(name); ok {
			if t := pick(lang, p.Title.Zh, p.Title.En); t != "" {
				label = t
			}
		}
		out = append(out, profileChoice{ID: name, Label: label})
	}
	return out
}

// batchRow is a batch as the list shows it.
type batchRow struct {
	store.Batch
	StateName string
	Items     int
}

func (s *Server) batchRows(ctx context.Context, lang string) ([]batchRow, error) {
	bs, err := s.db.Batches(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.db.ItemCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]batchRow, len(bs))
	for i, b := range bs {
		out[i] = batchRow{Batch: b, StateName: msgText("state_" + b.State).pick(lang), Items: counts[b.ID]}
	}
	return out, nil
}

func (s *Server) batchesPage(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	rows, err := s.batchRows(r.Context(), lang)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.render(w, r, http.StatusOK, "batches", s.withLibrary(r, lang, map[string]any{"Title": msgText("batches").pick(lang), "Batches": rows,
		"Profiles": profileChoices(lang), "Jurisdictions": jurisdictionChoices(lang), "Year": s.now().Year() - 1}))
}

// newBatch is what creating a batch asks for.
type newBatch struct {
	Name, Profile, Jurisdiction, RosterName string
	Year                                    int
	Roster                                  []byte
}

// validate says what is wrong, in both languages (nil when nothing).
func (nb *newBatch) validate() *text {
	if nb.Year < 2008 || nb.Year > 2100 {
		t := msgText("bad_year")
		return &t
	}
	if sha, ok := strings.CutPrefix(nb.Profile, storedProfile); ok {
		if !intake.ValidHash(sha) {
			return &text{"未知的评分方案：" + nb.Profile, "unknown scoring profile: " + nb.Profile}
		}
	} else if nb.Profile != "" {
		if _, err := check.LoadScoring(nb.Profile); err != nil || strings.ContainsAny(nb.Profile, `/\.`) {
			return &text{"未知的评分方案：" + nb.Profile, "unknown scoring profile: " + nb.Profile}
		}
	}
	if nb.Jurisdiction != "" {
		if _, ok := jurisdiction.Builtin(nb.Jurisdiction); !ok {
			return &text{"未知的适用规定：" + nb.Jurisdiction, "unknown jurisdiction: " + nb.Jurisdiction}
		}
	}
	if len(nb.Roster) > 0 {
		if _, err := assess.ParseRoster(nb.RosterName, nb.Roster); err != nil {
			return &text{msgText("bad_roster").Zh + "：" + err.Error(), msgText("bad_roster").En + ": " + err.Error()}
		}
	}
	if nb.Name == "" {
		nb.Name = fmt.Sprintf("%d 年度报告评估", nb.Year)
	}
	if len([]rune(nb.Name)) > 200 {
		nb.Name = string([]rune(nb.Name)[:200])
	}
	return nil
}

func (s *Server) insertBatch(ctx context.Context, nb newBatch, by string) (int64, error) {
	return s.db.CreateBatch(ctx, store.Batch{Name: nb.Name, Year: nb.Year, Profile: nb.Profile, Jurisdiction: nb.Jurisdiction,
		RosterName: nb.RosterName, Roster: nb.Roster, CreatedBy: by, Created: s.now(), State: store.BatchDraft})
}

func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRosterBytes+1<<20)
	if err := r.ParseMultipartForm(maxRosterBytes + 1<<20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	year, _ := strconv.Atoi(strings.TrimSpace(r.FormValue("year")))
	nb := newBatch{Name: strings.TrimSpace(r.FormValue("name")), Year: year, Profile: r.FormValue("profile"), Jurisdiction: r.FormValue("jurisdiction")}
	if f, fh, err := r.FormFile("roster"); err == nil {
		data, err := io.ReadAll(io.LimitReader(f, maxRosterBytes+1))
		_ = f.Close()
		if err != nil || len(data) > maxRosterBytes {
			s.fail(w, r, http.StatusRequestEntityTooLarge, nil)
			return
		}
		if len(data) > 0 {
			nb.Roster, nb.RosterName = data, path.Base(fh.Filename)
		}
	}
	lang := langOf(r)
	if ref := r.FormValue("roster_ref"); ref != "" && nb.Roster == nil {
		data, name, err := s.rosterFromLibrary(r, ref)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		nb.Roster, nb.RosterName = data, name
	}
	if sha, ok := strings.CutPrefix(nb.Profile, storedProfile); ok {
		if _, err := s.blobs.Path(sha); err != nil {
			nb.Profile = storedProfile + "missing"
		}
	}
	if msg := nb.validate(); msg != nil {
		rows, _ := s.batchRows(r.Context(), lang)
		s.render(w, r, http.StatusBadRequest, "batches", s.withLibrary(r, lang, map[string]any{"Title": msgText("batches").pick(lang), "Batches": rows,
			"Profiles": profileChoices(lang), "Jurisdictions": jurisdictionChoices(lang), "Year": nb.Year, "Error": msg.pick(lang), "Form": nb}))
		return
	}
	v := userOf(r)
	id, err := s.insertBatch(r.Context(), nb, v.Name)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), v.Name, "batch.create", batchTarget(id), bi(fmt.Sprintf("%s，%d 年度，评分方案 %s，适用规定 %s，名单 %s", nb.Name, nb.Year, s.profileLabel(r, nb.Profile, "zh"), orDash(nb.Jurisdiction), orDash(nb.RosterName)),
		fmt.Sprintf("%s, %d, profile %s, jurisdiction %s, roster %s", nb.Name, nb.Year, s.profileLabel(r, nb.Profile, "en"), orDash(nb.Jurisdiction), orDash(nb.RosterName))), s.remoteIP(r))
	http.Redirect(w, r, fmt.Sprintf("/batches/%d", id), http.StatusSeeOther)
}

func batchTarget(id int64) string { return "batch:" + strconv.FormatInt(id, 10) }

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	s.renderBatch(w, r, http.StatusOK, b, nil)
}

func (s *Server) renderBatch(w http.ResponseWriter, r *http.Request, status int, b store.Batch, intakeReport *intakeResult) {
	lang := langOf(r)
	items, err := s.db.Items(r.Context(), b.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	hasURLs := false
	if len(b.Roster) > 0 {
		if ro, err := assess.ParseRoster(b.RosterName, b.Roster); err == nil {
			hasURLs = len(rosterURLs(ro)) > 0
		}
	}
	s.render(w, r, status, "batch", map[string]any{"Title": b.Name, "Batch": b, "StateName": msgText("state_" + b.State).pick(lang),
		"Items": items, "Busy": busy(b), "Intake": intakeReport, "RosterURLs": hasURLs, "HasResults": b.Runs > 0 && b.State != store.BatchRunning})
}

// intakeResult says what became of each file or URL given.
type intakeResult struct {
	Added   []string `json:"added"`
	Skipped []string `json:"skipped"`
	Refused []string `json:"refused"`
}

// refusal words an intake error for the page: the intake package's own
// Chinese sentence where it has one.
func refusal(name string, err error, lang string) string {
	var zh interface{ Zh() string }
	msg := err.Error()
	if lang != "en" && errors.As(err, &zh) {
		msg = zh.Zh()
	}
	if name == "" {
		return msg
	}
	return name + pick(lang, "：", ": ") + msg
}

// intakeBatch is the batch of the path, when files may be added to it:
// not while it is being checked.
func (s *Server) intakeBatch(w http.ResponseWriter, r *http.Request) (store.Batch, bool) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return b, false
	}
	if busy(b) {
		s.answerIntake(w, r, b, http.StatusConflict, &intakeResult{Refused: []string{msgText("busy").pick(langOf(r))}})
		return b, false
	}
	return b, true
}

// uploadFiles takes report files and zips from a multipart form, read as
// a stream (nothing is buffered whole but a zip, which is stored first and
// then opened from the store), each file under the per-file limit.
func (s *Server) uploadFiles(w http.ResponseWriter, r *http.Request) {
	b, ok := s.intakeBatch(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	res := &intakeResult{}
	var items []store.Item
	files := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				res.Refused = append(res.Refused, msgText("too_large").pick(lang))
				s.answerIntake(w, r, b, http.StatusRequestEntityTooLarge, res)
				return
			}
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		if part.FileName() == "" {
			_ = part.Close()
			continue
		}
		name := cleanName(part.FileName())
		got, err := s.takePart(part, name, &files)
		_ = part.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				res.Refused = append(res.Refused, msgText("too_large").pick(lang))
				s.answerIntake(w, r, b, http.StatusRequestEntityTooLarge, res)
				return
			}
			var many errTooManyFiles
			if errors.As(err, &many) {
				// The whole upload is refused, not its first MaxFiles files:
				// which ones those are depends on the browser's order, and
				// the office is better told to split it.
				s.answerIntake(w, r, b, http.StatusRequestEntityTooLarge, &intakeResult{Refused: []string{refusal("", err, lang)}})
				return
			}
			res.Refused = append(res.Refused, refusal(name, err, lang))
			continue
		}
		items = append(items, got...)
	}
	s.addItems(w, r, b, items, res)
}

// errTooManyFiles is a request with more files than Limits.MaxFiles.
type errTooManyFiles struct{ max int }

func (e errTooManyFiles) Error() string {
	return fmt.Sprintf("more than %d files in one upload", e.max)
}
func (e errTooManyFiles) Zh() string { return fmt.Sprintf("一次上传的文件超过 %d 个", e.max) }

// putConcurrency is how many files of a zip are stored at once.
const putConcurrency = 8

// takePart stores one uploaded file, or each report of an uploaded zip.
func (s *Server) takePart(part *multipart.Part, name string, files *int) ([]store.Item, error) {
	lim := s.cfg.Limits
	now := s.now()
	if strings.EqualFold(path.Ext(name), ".zip") {
		hash, size, err := s.blobs.Put(part, s.cfg.MaxUpload)
		if err != nil {
			return nil, err
		}
		f, err := s.blobs.Open(hash)
		if err != nil {
			return nil, err
		}
		defer func() { _ = f.Close() }()
		// Each blob is synced to disk before it is renamed into place;
		// done one after another, a zip of a thousand reports waits on a
		// thousand syncs. A few at once let the disk's journal merge them,
		// and at most that many files are in memory, not the whole zip.
		var (
			out  []store.Item
			mu   sync.Mutex
			perr error
			wg   sync.WaitGroup
		)
		sem := make(chan struct{}, putConcurrency)
		err = intake.UnzipEach(f, size, lim, func(e intake.File) error {
			if *files++; *files > lim.MaxFiles {
				return errTooManyFiles{lim.MaxFiles}
			}
			mu.Lock()
			i := len(out)
			out = append(out, store.Item{Name: e.Name, Source: "zip:" + name, Added: now})
			mu.Unlock()
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				h, n, err := s.blobs.Put(bytes.NewReader(e.Data), lim.MaxFile)
				mu.Lock()
				defer mu.Unlock()
				out[i].Blob, out[i].Size = h, n
				if err != nil && perr == nil {
					perr = err
				}
			}()
			return nil
		})
		wg.Wait()
		if err == nil {
			err = perr
		}
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	if *files++; *files > lim.MaxFiles {
		return nil, errTooManyFiles{lim.MaxFiles}
	}
	hash, size, err := s.blobs.Put(part, lim.MaxFile)
	if err != nil {
		return nil, err
	}
	return []store.Item{{Name: name, Blob: hash, Size: size, Source: "upload", Added: now}}, nil
}

// cleanName keeps the base name of an uploaded file (browsers on Windows
// may send a whole path) as valid UTF-8 (an old browser's GBK name is
// decoded), without control characters or the bidirectional overrides
// that would make "report\u202efdp.exe" read as "reportexe.pdf", and at
// most maxNameBytes long, cut at a character and keeping the extension.
func cleanName(name string) string {
	if !utf8.ValidString(name) {
		if dec, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil && utf8.ValidString(dec) {
			name = dec
		} else {
			name = strings.ToValidUTF8(name, "\uFFFD")
		}
	}
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r >= 0x7f && r < 0xa0 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" || name == "" {
		return "report"
	}
	if len(name) > maxNameBytes {
		cut := len(name) - maxNameBytes
		for cut < len(name) && !utf8.RuneStart(name[cut]) {
			cut++
		}
		name = name[cut:]
	}
	return name
}

// maxNameBytes bounds a file name as stored and shown.
const maxNameBytes = 200

// addItems records the files taken and answers with what became of them.
func (s *Server) addItems(w http.ResponseWriter, r *http.Request, b store.Batch, items []store.Item, res *intakeResult) {
	lang := langOf(r)
	before, err := s.db.Items(r.Context(), b.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	seen := map[string]bool{}
	for _, it := range before {
		seen[it.Blob] = true
	}
	var fresh []store.Item
	for _, it := range items {
		if seen[it.Blob] {
			res.Skipped = append(res.Skipped, it.Name+pick(lang, "：", ": ")+msgText("duplicate").pick(lang))
			continue
		}
		seen[it.Blob] = true
		fresh = append(fresh, it)
		res.Added = append(res.Added, it.Name)
	}
	if len(fresh) > 0 {
		if _, err := s.db.AddItems(r.Context(), b.ID, fresh); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		v := userOf(r)
		s.audit(r.Context(), v.Name, "batch.add", batchTarget(b.ID), bi(fmt.Sprintf("%d 个文件", len(fresh)), fmt.Sprintf("%d files", len(fresh))), s.remoteIP(r))
	}
	status := http.StatusOK
	if len(res.Added) == 0 && len(res.Refused) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.answerIntake(w, r, b, status, res)
}

func (s *Server) answerIntake(w http.ResponseWriter, r *http.Request, b store.Batch, status int, res *intakeResult) {
	if res.Added == nil {
		res.Added = []string{}
	}
	if res.Skipped == nil {
		res.Skipped = []string{}
	}
	if res.Refused == nil {
		res.Refused = []string{}
	}
	if isAPI(r) || strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, status, res)
		return
	}
	if fresh, found, err := s.db.Batch(r.Context(), b.ID); err == nil && found {
		b = fresh
	}
	s.renderBatch(w, r, status, b, res)
}

func rosterURLs(ro *assess.Roster) []string {
	var out []string
	for _, body := range ro.Bodies {
		if u := strings.TrimSpace(body.URL); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// fetchConcurrency is how many URLs are downloaded at once: enough to hide
// slow government sites, few enough not to hammer one.
const fetchConcurrency = 4

// fetchURLs downloads the URLs pasted (or the roster's) under the
// fetcher's limits; the request waits for them, its write deadline moved
// on as they arrive.
func (s *Server) fetchURLs(w http.ResponseWriter, r *http.Request) {
	b, ok := s.intakeBatch(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	var urls []string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body struct {
			URLs   []string `json:"urls"`
			Roster bool     `json:"roster"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			s.fail(w, r, http.StatusBadRequest, err)
			return
		}
		urls = intake.ParseURLList(strings.Join(body.URLs, "\n"))
		if body.Roster {
			r.Form = map[string][]string{"roster": {"1"}}
		}
	} else if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	} else {
		urls = intake.ParseURLList(r.PostForm.Get("urls"))
	}
	if r.FormValue("roster") != "" {
		ro, err := assess.ParseRoster(b.RosterName, b.Roster)
		if err != nil || len(b.Roster) == 0 {
			s.answerIntake(w, r, b, http.StatusUnprocessableEntity, &intakeResult{Refused: []string{msgText("no_roster_urls").pick(lang)}})
			return
		}
		urls = append(urls, intake.ParseURLList(strings.Join(rosterURLs(ro), "\n"))...)
	}
	if len(urls) > s.cfg.Limits.MaxFiles {
		s.answerIntake(w, r, b, http.StatusUnprocessableEntity, &intakeResult{Refused: []string{refusal("", errTooManyFiles{s.cfg.Limits.MaxFiles}, lang)}})
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(s.cfg.FetchTimeout * time.Duration(len(urls)/fetchConcurrency+2)))
	type got struct {
		item store.Item
		err  error
	}
	out := make([]got, len(urls))
	var wg sync.WaitGroup
	sem := make(chan struct{}, fetchConcurrency)
	for i, u := range urls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f, err := s.fetcher.Fetch(r.Context(), u)
			if err != nil {
				out[i].err = err
				return
			}
			h, n, err := s.blobs.Put(bytes.NewReader(f.Data), s.cfg.Limits.MaxFile)
			out[i] = got{item: store.Item{Name: f.Name, Blob: h, Size: n, Source: u, Added: s.now()}, err: err}
		}()
	}
	wg.Wait()
	res := &intakeResult{}
	var items []store.Item
	for i, g := range out {
		if g.err != nil {
			res.Refused = append(res.Refused, refusal(urls[i], g.err, lang))
			continue
		}
		items = append(items, g.item)
	}
	s.addItems(w, r, b, items, res)
}

func (s *Server) removeItem(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	if busy(b) {
		s.fail(w, r, http.StatusConflict, errors.New(msgText("busy").pick(langOf(r))))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	seq, err := strconv.Atoi(r.FormValue("seq"))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	if err := s.db.RemoveItem(r.Context(), b.ID, seq); err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), userOf(r).Name, "batch.remove", batchTarget(b.ID), bi("第 "+strconv.Itoa(seq)+" 个文件", "file "+strconv.Itoa(seq)), s.remoteIP(r))
	if isAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/batches/%d", b.ID), http.StatusSeeOther)
}

func (s *Server) runBatch(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	if !busy(b) {
		if err := s.runner.Enqueue(r.Context(), b.ID); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		s.audit(r.Context(), userOf(r).Name, "batch.run", batchTarget(b.ID), "", s.remoteIP(r))
	}
	if isAPI(r) {
		nb, _, _ := s.db.Batch(r.Context(), b.ID)
		writeJSON(w, http.StatusAccepted, apiBatchOf(nb, 0))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/batches/%d", b.ID), http.StatusSeeOther)
}

// events streams a batch's progress as server-sent events: the current
// state at once, then each change, with a comment every 15 s so that
// proxies keep the connection.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	ch, cancel := s.runner.Subscribe(b.ID)
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	lang := langOf(r)
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	send := func(data []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if _, err := w.Write(data); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if !send([]byte(": keep-alive\n\n")) {
				return
			}
		case p, open := <-ch:
			if !open {
				return
			}
			ev := progressEvent{Batch: p.Batch, State: p.State, StateName: msgText("state_" + p.State).pick(lang),
				Phase: p.Phase, Done: p.Done, Total: p.Total, Error: p.Error}
			if p.Phase != "" {
				ev.PhaseName = msgText("phase_" + p.Phase).pick(lang)
			}
			ev.Percent = overall(p.Phase, p.Done, p.Total)
			if p.State == store.BatchDone {
				ev.Percent = 100
			}
			data, _ := json.Marshal(ev)
			if !send([]byte("event: progress\ndata: " + string(data) + "\n\n")) {
				return
			}
		}
	}
}

// overall is a run's progress over both passes: converting is the first
// half, checking the second, and 100 only once the outputs are written.
func overall(phase string, done, total int) int {
	if total <= 0 {
		return 0
	}
	p := done * 50 / total
	if phase == "check" {
		p += 50
	}
	return min(p, 99)
}

// progressEvent is one server-sent progress event.
type progressEvent struct {
	Batch     int64  `json:"batch"`
	State     string `json:"state"`
	StateName string `json:"state_name"`
	Phase     string `json:"phase"`
	PhaseName string `json:"phase_name"`
	Done      int    `json:"done"`
	Total     int    `json:"total"`
	Percent   int    `json:"percent"`
	Error     string `json:"error,omitempty"`
}
