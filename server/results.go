package server

import (
	"context"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
)

// batchResults are a batch's last results with what the pages need about
// each: its region and body type (for the filters) and its rank.
type batchResults struct {
	Batch   store.Batch
	Reports []report.FileReport
	rows    []resultRow
	titles  map[string]engine.Text
	// Stale is set when a decision was made after the last run: scores,
	// counts and ranks are the run's until the batch is checked again.
	Stale bool
}

// resultRow is one report as the overview and the ranking show it.
type resultRow struct {
	Idx                       int
	Name, Agency, Region      string
	Type, TypeName            string
	Score                     *float64
	Grade                     string
	Errors, Warnings, Review  int
	Rank                      int
	Unreadable                bool
	Reviewed, Open, Rectifies int
}

func (s *Server) results(ctx context.Context, b store.Batch) (*batchResults, error) {
	frs, err := s.runner.Results(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	br := &batchResults{Batch: b, Reports: frs, titles: map[string]engine.Text{}}
	if chk, err := s.checker(b.Profile, b.Jurisdiction); err == nil {
		for _, r := range chk.Engine().Loaded() {
			br.titles[r.ID] = r.Title
		}
	}
	var roster *assess.Roster
	if len(b.Roster) > 0 {
		roster, _ = assess.ParseRoster(b.RosterName, b.Roster)
	}
	for i, fr := range frs {
		row := resultRow{Idx: i, Name: fr.File, Agency: fr.Agency, Score: fr.Score, Grade: fr.Grade,
			Errors: fr.Counts.Error, Warnings: fr.Counts.Warning, Unreadable: fr.IsUnreadable()}
		row.Review = fr.Counts.NeedsReview
		row.Region, row.Type = regionOf(fr.Agency), bodyType(fr.Agency)
		if roster != nil {
			if rb, ok := rosterBody(roster, fr.Agency); ok {
				if rb.Parent != "" {
					row.Region = rb.Parent
				}
				if rb.Type != "" {
					row.Type = rb.Type
				}
			}
		}
		for _, f := range fr.Findings {
			if f.Review == nil {
				if f.Status == engine.StatusFail || f.Status == engine.StatusNeedsReview {
					row.Open++
				}
				continue
			}
			row.Reviewed++
			if at, err := time.Parse(time.RFC3339, f.Review.At); err == nil && at.After(b.Finished) {
				br.Stale = true
			}
			if f.Review.Verdict == engine.VerdictRectify {
				row.Rectifies++
			}
		}
		br.rows = append(br.rows, row)
	}
	ranked := make([]int, 0, len(br.rows))
	for i, r := range br.rows {
		if r.Score != nil {
			ranked = append(ranked, i)
		}
	}
	sort.SliceStable(ranked, func(a, c int) bool { return *br.rows[ranked[a]].Score > *br.rows[ranked[c]].Score })
	for k, i := range ranked {
		if k > 0 && *br.rows[ranked[k-1]].Score == *br.rows[i].Score {
			br.rows[i].Rank = br.rows[ranked[k-1]].Rank
			continue
		}
		br.rows[i].Rank = k + 1
	}
	return br, nil
}

func (br *batchResults) title(rule, lang string) string {
	if t, ok := br.titles[rule]; ok && t.Pick(lang) != "" {
		return t.Pick(lang)
	}
	return rule
}

func rosterBody(ro *assess.Roster, agency string) (assess.RosterBody, bool) {
	for _, rb := range ro.Bodies {
		if assess.SameBody(rb.Name, agency) {
			return rb, true
		}
	}
	return assess.RosterBody{}, false
}

// regionPattern takes a body name's administrative prefix: the province,
// city or prefecture, and a county or district after it.
var (
	cityPattern   = regexp.MustCompile(`^\p{Han}{1,8}?(?:省|自治区|市|自治州|州|盟|地区)`)
	countyPattern = regexp.MustCompile(`^\p{Han}{1,6}?(?:自治县|区|县|旗|市)`)
)

// regionOf is the region a body belongs to by its name: 威海市文登区信访局 →
// 威海市文登区; 威海市教育局 → 威海市. Without a roster it is the best guess.
func regionOf(agency string) string {
	a := strings.TrimSpace(agency)
	city := cityPattern.FindString(a)
	rest := strings.TrimPrefix(a, city)
	county := countyPattern.FindString(rest)
	// A county-level name is a name before its suffix, not a department
	// (市场监督管理局 holds 市 too).
	if county != "" && (strings.HasPrefix(rest[len(county):], "场") || len([]rune(county)) < 2) {
		county = ""
	}
	if city == "" && county == "" {
		return ""
	}
	return city + county
}

// bodyType is a body's type by its name: a township's people's government
// or sub-district office, another people's government, or a department.
func bodyType(agency string) string {
	a := strings.ReplaceAll(strings.TrimSpace(agency), " ", "")
	if strings.HasSuffix(a, "街道办事处") || strings.HasSuffix(a, "乡人民政府") || strings.HasSuffix(a, "镇人民政府") {
		return assess.BodyTownship
	}
	switch ingest.AgencyKind(a) {
	case "government":
		return assess.BodyGovernment
	case "department":
		return assess.BodyDepartment
	}
	return "unknown"
}

// overviewFilter is what the overview's filters select.
type overviewFilter struct{ Region, Type, Grade string }

func (f overviewFilter) keep(r resultRow) bool {
	return (f.Region == "" || r.Region == f.Region) && (f.Type == "" || r.Type == f.Type) && (f.Grade == "" || r.Grade == f.Grade)
}

// bar is one bar of a chart: a label, a count and its width in percent of
// the longest.
type bar struct {
	Label, Class, Link string
	Count, Width       int
}

func bars(bs []bar) []bar {
	most := 0
	for _, b := range bs {
		most = max(most, b.Count)
	}
	for i := range bs {
		if most > 0 {
			bs[i].Width = bs[i].Count * 100 / most
		}
	}
	return bs
}

// scoreBins are the histogram's bins, by grade boundary.
var scoreBins = []struct {
	from  float64
	label string
	class string
}{{90, "90–100", "good"}, {80, "80–89", "ok"}, {70, "70–79", "fair"}, {60, "60–69", "weak"}, {0, "0–59", "bad"}}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	br, ok := s.resultsOf(w, r)
	if !ok {
		return
	}
	b, lang := br.Batch, langOf(r)
	q := r.URL.Query()
	f := overviewFilter{Region: q.Get("region"), Type: q.Get("type"), Grade: q.Get("grade")}
	regions, types, grades := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var rows []resultRow
	hist := make([]bar, len(scoreBins))
	for i, sb := range scoreBins {
		hist[i] = bar{Label: sb.label, Class: sb.class}
	}
	cats := map[string]int{}
	rules := map[string]int{}
	checked, unreadable, scored := 0, 0, 0
	sum := 0.0
	for _, row := range br.rows {
		regions[row.Region] = true
		types[row.Type] = true
		if row.Grade != "" {
			grades[row.Grade] = true
		}
		if !f.keep(row) {
			continue
		}
		rows = append(rows, row)
		if row.Unreadable {
			unreadable++
			continue
		}
		checked++
		if row.Score != nil {
			scored++
			sum += *row.Score
			for i, sb := range scoreBins {
				if *row.Score >= sb.from {
					hist[i].Count++
					break
				}
			}
		}
		failed := map[string]bool{}
		for _, fd := range br.Reports[row.Idx].Findings {
			if fd.Waived || (fd.Status != engine.StatusFail && fd.Status != engine.StatusNeedsReview) {
				continue
			}
			cats[fd.Category]++
			failed[fd.Rule] = true
		}
		for id := range failed {
			rules[id]++
		}
	}
	var catBars, ruleBars []bar
	for c, n := range cats {
		catBars = append(catBars, bar{Label: report.CategoryName(c, lang), Count: n})
	}
	sort.Slice(catBars, func(i, j int) bool {
		return catBars[i].Count > catBars[j].Count || catBars[i].Count == catBars[j].Count && catBars[i].Label < catBars[j].Label
	})
	for id, n := range rules {
		ruleBars = append(ruleBars, bar{Label: br.title(id, lang), Count: n, Link: fmt.Sprintf("/batches/%d/findings?rule=%s", b.ID, url.QueryEscape(id))})
	}
	sort.Slice(ruleBars, func(i, j int) bool {
		return ruleBars[i].Count > ruleBars[j].Count || ruleBars[i].Count == ruleBars[j].Count && ruleBars[i].Label < ruleBars[j].Label
	})
	if len(ruleBars) > 10 {
		ruleBars = ruleBars[:10]
	}
	ranking := append([]resultRow(nil), rows...)
	sort.SliceStable(ranking, func(i, j int) bool {
		a, c := ranking[i], ranking[j]
		if (a.Rank == 0) != (c.Rank == 0) {
			return a.Rank != 0
		}
		return a.Rank < c.Rank
	})
	for i := range ranking {
		ranking[i].TypeName = typeName(ranking[i].Type, lang)
	}
	mean := ""
	if scored > 0 {
		mean = strconv.FormatFloat(sum/float64(scored), 'f', 1, 64)
	}
	cov := s.coverage(br, f)
	s.render(w, r, http.StatusOK, "overview", map[string]any{"Title": b.Name, "Batch": b, "Empty": len(br.Reports) == 0,
		"Checked": checked, "Unreadable": unreadable, "Mean": mean, "Coverage": cov,
		"Hist": bars(hist), "Cats": bars(catBars), "Rules": bars(ruleBars), "Ranking": ranking, "Filter": f,
		"Regions": sortedKeys(regions), "Types": typeOptions(types, lang), "Grades": sortedKeys(grades), "Busy": busy(b), "Stale": br.Stale})
}

func typeName(t, lang string) string { return msgText("type_" + t).pick(lang) }

func typeOptions(types map[string]bool, lang string) []profileChoice {
	var out []profileChoice
	for _, t := range []string{assess.BodyGovernment, assess.BodyDepartment, assess.BodyTownship, "unknown"} {
		if types[t] {
			out = append(out, profileChoice{ID: t, Label: typeName(t, lang)})
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// coverageTiles are the roster's coverage in the overview: which bodies
// published, which did not, which were late, which could not be read.
type coverageTiles struct {
	Roster                             bool
	Present, Missing, Late, Unreadable int
	MissingNames                       []string
}

// lateRule is the rule whose failure means a report came after its
// deadline.
const lateRule = "timeliness.deadline"

func (s *Server) coverage(br *batchResults, f overviewFilter) coverageTiles {
	var ct coverageTiles
	for _, row := range br.rows {
		if !f.keep(row) {
			continue
		}
		if row.Unreadable {
			ct.Unreadable++
			continue
		}
		ct.Present++
		for _, fd := range br.Reports[row.Idx].Findings {
			if fd.Rule == lateRule && fd.Status == engine.StatusFail {
				ct.Late++
				break
			}
		}
	}
	if len(br.Batch.Roster) == 0 {
		return ct
	}
	ro, err := assess.ParseRoster(br.Batch.RosterName, br.Batch.Roster)
	if err != nil {
		return ct
	}
	ct.Roster = true
	for _, rb := range ro.Bodies {
		row := resultRow{Region: rb.Parent, Type: rb.Type}
		if row.Region == "" {
			row.Region = regionOf(rb.Name)
		}
		if f.Type != "" && row.Type != f.Type || f.Region != "" && row.Region != f.Region || f.Grade != "" {
			continue
		}
		found := false
		for _, r := range br.rows {
			if !r.Unreadable && assess.SameBody(rb.Name, r.Agency) {
				found = true
				break
			}
		}
		if !found {
			ct.Missing++
			ct.MissingNames = append(ct.MissingNames, rb.Name)
		}
	}
	return ct
}

// resultsOf is the last results of the path's batch.
func (s *Server) resultsOf(w http.ResponseWriter, r *http.Request) (*batchResults, bool) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return nil, false
	}
	br, err := s.results(r.Context(), b)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return nil, false
	}
	return br, true
}

// reportOf reads the {idx} of the path against the batch's results.
func (s *Server) reportOf(w http.ResponseWriter, r *http.Request) (*batchResults, int, bool) {
	br, ok := s.resultsOf(w, r)
	if !ok {
		return nil, 0, false
	}
	idx, err := strconv.Atoi(r.PathValue("idx"))
	if err != nil || idx < 0 || idx >= len(br.Reports) {
		s.notFound(w, r)
		return nil, 0, false
	}
	return br, idx, true
}

// findingView is a finding beside its evidence, with its review.
type findingView struct {
	engine.Finding
	Title, SeverityName, StatusName, Message string
	Cells                                    []cellView
	Line, Page                               int
	VerdictName, VerdictClass                string
	History                                  []store.Decision
	// Version is the decision version the reviewer sees (store.Decision
	// Version), sent back with a decision so that a later one made by
	// someone else is not silently replaced.
	Version                  int64
	Report                   int
	ReportName, ReportAgency string
}

type cellView struct{ Addr, Name string }

func (s *Server) findingViews(ctx context.Context, br *batchResults, idx int, lang string, history bool, versions map[string]int64) []findingView {
	fr := br.Reports[idx]
	out := make([]findingView, 0, len(fr.Findings))
	// The report page shows each finding's history: read in one query.
	var hists map[string][]store.Decision
	if history {
		var ids []string
		for _, f := range fr.Findings {
			if f.ID != "" {
				identity, _ := engine.SplitFindingID(f.ID)
				ids = append(ids, identity)
			}
		}
		hists, _ = s.db.DecisionHistories(ctx, ids)
	}
	for _, f := range fr.Findings {
		fv := findingView{Finding: f, Title: br.title(f.Rule, lang), SeverityName: report.SeverityName(f.Severity, lang),
			StatusName: report.StatusName(f.Status, lang), Message: f.Message.Pick(lang), Report: idx, ReportName: fr.File, ReportAgency: fr.Agency}
		for _, c := range f.Cells {
			fv.Cells = append(fv.Cells, cellView{Addr: c.Address(), Name: engine.CellName(c, lang)})
		}
		if f.Source != nil {
			fv.Line, fv.Page = f.Source.Line, f.Source.Page
		}
		fv.VerdictName, fv.VerdictClass = verdictName(f.Review, lang)
		if f.ID != "" {
			identity, _ := engine.SplitFindingID(f.ID)
			if history {
				fv.History = hists[identity]
				if n := len(fv.History); n > 0 {
					fv.Version = fv.History[n-1].Version
				}
			} else {
				fv.Version = versions[identity]
			}
		}
		out = append(out, fv)
	}
	return out
}

func verdictName(rv *engine.Review, lang string) (string, string) {
	if rv == nil {
		return msgText("verdict_none").pick(lang), "none"
	}
	return msgText("verdict_" + rv.Verdict).pick(lang), rv.Verdict
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	br, idx, ok := s.reportOf(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	fr := br.Reports[idx]
	var tables template.HTML
	if !fr.IsUnreadable() {
		doc, err := s.runner.Document(r.Context(), br.Batch.ID, idx)
		if err != nil {
			s.log.Warn("report document", "batch", br.Batch.ID, "idx", idx, "err", err)
		} else if doc != nil {
			if tables, err = report.TablesHTML(doc, fr.Findings, lang); err != nil {
				s.fail(w, r, http.StatusInternalServerError, err)
				return
			}
		}
	}
	prev, _, _ := s.runner.Previous(r.Context(), br.Batch.ID, idx)
	row := br.rows[idx]
	row.TypeName = typeName(row.Type, lang)
	s.render(w, r, http.StatusOK, "report", map[string]any{"Title": fr.File, "Batch": br.Batch, "Report": fr, "Row": row,
		"Idx": idx, "Findings": s.findingViews(r.Context(), br, idx, lang, true, nil), "Tables": tables, "CSS": report.PageCSS(),
		"HasPrev": prev != nil, "Unreadable": unreadableWords(fr, lang), "Ledger": ledgerRows(fr, br, lang),
		"Prev": idx - 1, "Next": nextIdx(idx, len(br.Reports)), "Stale": br.Stale})
}

func nextIdx(idx, n int) int {
	if idx+1 >= n {
		return -1
	}
	return idx + 1
}

func unreadableWords(fr report.FileReport, lang string) string {
	if !fr.IsUnreadable() {
		return ""
	}
	if fr.Unreadable != nil {
		return fr.Unreadable.Reason.Pick(lang)
	}
	return fr.Error
}

// ledgerLine is one deduction on the report page.
type ledgerLine struct {
	Rule, Indicator string
	Points          float64
}

func ledgerRows(fr report.FileReport, br *batchResults, lang string) []ledgerLine {
	ind := map[string]string{engine.CoverageIndicator: pick(lang, "覆盖率", "coverage")}
	for _, in := range fr.Indicators {
		ind[in.ID] = in.Title.Pick(lang)
	}
	var out []ledgerLine
	for _, e := range fr.Ledger {
		name := ind[e.Indicator]
		if name == "" {
			name = report.CategoryName(e.Category, lang)
		}
		rule := br.title(e.Rule, lang)
		if e.Capped == engine.CoverageIndicator {
			rule = pick(lang, fmt.Sprintf("可核验单元格不足，得分上限 %g", e.Limit), fmt.Sprintf("too few cells could be evaluated: score at most %g", e.Limit))
		}
		out = append(out, ledgerLine{Rule: rule, Indicator: name, Points: e.Points})
	}
	return out
}

func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) {
	br, idx, ok := s.reportOf(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	fr := br.Reports[idx]
	doc, err := s.runner.Document(r.Context(), br.Batch.ID, idx)
	if err != nil || doc == nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	prev, prevName, err := s.runner.Previous(r.Context(), br.Batch.ID, idx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	var body template.HTML
	if prev != nil {
		if body, err = report.CompareHTML(doc, prev, lang); err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "compare", map[string]any{"Title": fr.File, "Batch": br.Batch, "Report": fr, "Idx": idx,
		"PrevName": prevName, "Body": body, "CSS": report.PageCSS(), "HasPrev": prev != nil})
}

// attachment names a download in a way every browser takes, Chinese
// names included (RFC 6266 filename*).
func attachment(name string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	return "attachment"
}

func (s *Server) original(w http.ResponseWriter, r *http.Request) {
	br, idx, ok := s.reportOf(w, r)
	if !ok {
		return
	}
	it, err := s.runner.ItemFor(r.Context(), br.Batch.ID, idx)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	f, err := s.blobs.Open(it.Blob)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Disposition", attachment(it.Name))
	// Originals are served as downloads, never rendered in our origin: an
	// uploaded HTML page must not run here.
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Security-Policy", "sandbox")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// exportFormats are the downloads a batch offers, in the order shown.
var exportFormats = []string{"xlsx", "csv", "circular", "json", "dashboard", "zip"}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batchOf(w, r)
	if !ok {
		return
	}
	format := r.PathValue("format")
	known := false
	for _, f := range exportFormats {
		known = known || f == format
	}
	if format == "jsonl" {
		known = true
	}
	if !known {
		s.notFound(w, r)
		return
	}
	if b.Runs == 0 {
		s.fail(w, r, http.StatusConflict, fmt.Errorf("%s", msgText("no_reports").pick(langOf(r))))
		return
	}
	tmp, err := os.CreateTemp(s.cfg.DataDir, "export-*")
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	defer func() { _ = os.Remove(tmp.Name()); _ = tmp.Close() }()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(timeNowPlus(10))
	name, err := s.runner.Export(r.Context(), b.ID, format, tmp)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	st, err := tmp.Stat()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	s.audit(r.Context(), userOf(r).Name, "batch.export", batchTarget(b.ID), bi(msgText("export_"+format).Zh, msgText("export_"+format).En), s.remoteIP(r))
	w.Header().Set("Content-Disposition", attachment(name))
	if ct := mime.TypeByExtension(extOf(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	http.ServeContent(w, r, "", st.ModTime(), tmp)
}

func timeNowPlus(minutes int) time.Time { return time.Now().Add(time.Duration(minutes) * time.Minute) }

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}
