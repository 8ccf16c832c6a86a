package server

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/atomicfile"
)

// pageDPI is the resolution pages are shown at: legible figures, a few
// hundred KB a page.
const pageDPI = 110

// maxOriginalBytes bounds an original read for a page image (the upload
// limit per file is lower).
const maxOriginalBytes = 256 << 20

// pageOf reads {page} of the path; a report that is not a PDF has none.
func (s *Server) pageOf(w http.ResponseWriter, r *http.Request) (*batchResults, int, int, []byte, bool) {
	br, idx, ok := s.reportOf(w, r)
	if !ok {
		return nil, 0, 0, nil, false
	}
	page, err := strconv.Atoi(r.PathValue("page"))
	if err != nil || page < 1 || page > 10000 {
		s.notFound(w, r)
		return nil, 0, 0, nil, false
	}
	it, err := s.runner.ItemFor(r.Context(), br.Batch.ID, idx)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return nil, 0, 0, nil, false
	}
	path, err := s.blobs.Path(it.Blob)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, err)
		return nil, 0, 0, nil, false
	}
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxOriginalBytes {
		s.fail(w, r, http.StatusNotFound, err)
		return nil, 0, 0, nil, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return nil, 0, 0, nil, false
	}
	if !strings.HasPrefix(string(data[:min(len(data), 5)]), "%PDF-") {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("%s", pick(langOf(r), "原文不是 PDF，没有页面图像", "the original is not a PDF: no page image")))
		return nil, 0, 0, nil, false
	}
	return br, idx, page, data, true
}

// pageImage serves one page of a PDF original as a PNG, rendered once and
// kept under the data directory by the original's hash.
func (s *Server) pageImage(w http.ResponseWriter, r *http.Request) {
	br, idx, page, data, ok := s.pageOf(w, r)
	if !ok {
		return
	}
	it, _ := s.runner.ItemFor(r.Context(), br.Batch.ID, idx)
	cache := filepath.Join(s.cfg.DataDir, "pages", fmt.Sprintf("%s-%d-%d.png", it.Blob, page, pageDPI))
	png, err := os.ReadFile(cache)
	if err != nil {
		if png, err = ingest.RenderPDFPage(r.Context(), data, page, pageDPI); err != nil {
			s.fail(w, r, http.StatusNotFound, err)
			return
		}
		if err := os.MkdirAll(filepath.Dir(cache), 0o700); err == nil {
			if err := atomicfile.WriteFile(cache, png); err != nil {
				s.log.Warn("page cache", "err", err)
			}
		}
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(png)
}

// cellBox is where on the page a cell of the finding was read, in percent
// of the page, or why it cannot be shown.
type cellBox struct {
	Name                     string
	Left, Top, Width, Height float64
	Found                    bool
	Note                     string
}

// pagePage shows one page of the original with the cells of a finding
// boxed: a cell is boxed where its printed text occurs once on the page
// (a figure printed twice on the page is named, not guessed).
func (s *Server) pagePage(w http.ResponseWriter, r *http.Request) {
	br, idx, page, data, ok := s.pageOf(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	fr := br.Reports[idx]
	var finding *engine.Finding
	if id := r.URL.Query().Get("finding"); id != "" {
		for i := range fr.Findings {
			if fr.Findings[i].ID == id {
				finding = &fr.Findings[i]
			}
		}
	}
	var boxes []cellBox
	if finding != nil {
		pg, err := ingest.ReadPDFPage(r.Context(), data, page)
		if err != nil {
			s.log.Warn("page words", "err", err)
		}
		for _, c := range finding.Cells {
			if c.Source == nil || c.Source.Page != page {
				continue
			}
			b := cellBox{Name: engine.CellName(c, lang)}
			raw := strings.TrimSpace(c.Raw)
			var hits []ingest.PageWord
			if pg != nil && raw != "" && pg.Width > 0 && pg.Height > 0 {
				for _, wd := range pg.Words {
					if strings.TrimSpace(wd.Text) == raw {
						hits = append(hits, wd)
					}
				}
			}
			if len(hits) > 1 {
				hits = nearestCell(pg.Words, hits, engine.RowLabel(c.Table, c.Row), engine.ColLabel(c.Table, c.Col))
			}
			switch {
			case raw == "":
				b.Note = pick(lang, "空白单元格，无法在页面上标出", "a blank cell: nothing to box on the page")
			case len(hits) == 1:
				wd := hits[0]
				const pad = 3
				b.Found = true
				b.Left = (wd.X0 - pad) / pg.Width * 100
				b.Top = (wd.Y0 - pad) / pg.Height * 100
				b.Width = (wd.X1 - wd.X0 + 2*pad) / pg.Width * 100
				b.Height = (wd.Y1 - wd.Y0 + 2*pad) / pg.Height * 100
			case len(hits) > 1:
				b.Note = pick(lang, fmt.Sprintf("“%s”在本页出现 %d 次，未能按行列唯一定位，未标出", raw, len(hits)), fmt.Sprintf("%q occurs %d times on this page and its row and column do not single one out: not boxed", raw, len(hits)))
			default:
				b.Note = pick(lang, fmt.Sprintf("本页未找到“%s”", raw), fmt.Sprintf("%q not found on this page", raw))
			}
			boxes = append(boxes, b)
		}
	}
	title := ""
	if finding != nil {
		title = br.title(finding.Rule, lang)
	}
	s.render(w, r, http.StatusOK, "pdfpage", map[string]any{"Title": fr.File, "Batch": br.Batch, "Report": fr, "Idx": idx,
		"Page": page, "Boxes": boxes, "Finding": finding, "FindingTitle": title,
		"Image": fmt.Sprintf("/batches/%d/reports/%d/pages/%d/image", br.Batch.ID, idx, page)})
}

// pageRoutes are the original's pages, for PDF reports.
func (s *Server) pageRoutes(mux *routeMux) {
	mux.Handle("GET /batches/{id}/reports/{idx}/pages/{page}", s.need("view", s.pagePage))
	mux.Handle("GET /batches/{id}/reports/{idx}/pages/{page}/image", s.need("view", s.pageImage))
}

// ordinal is a row label's leading number (一、 （二） 3.), which the page
// may print apart from the words.
var ordinal = regexp.MustCompile(`^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])`)

// nearestCell picks, among the words printing a cell's figure, the one in
// the row whose label is printed left of it and the column whose header
// is printed above it, as a person reading the table would. It returns
// the hits unchanged when the labels cannot be found, or the one left.
func nearestCell(words, hits []ingest.PageWord, rowLabel, colLabel string) []ingest.PageWord {
	key := func(label string, n int) string {
		r := []rune(ordinal.ReplaceAllString(strings.TrimSpace(label), ""))
		return string(r[:min(n, len(r))])
	}
	cy := func(w ingest.PageWord) float64 { return (w.Y0 + w.Y1) / 2 }
	cx := func(w ingest.PageWord) float64 { return (w.X0 + w.X1) / 2 }
	// The row: the label word nearest above-or-level to the hits' band.
	var rows []ingest.PageWord
	if k := key(rowLabel, 4); k != "" {
		for _, w := range words {
			if strings.Contains(w.Text, k) {
				rows = append(rows, w)
			}
		}
	}
	if len(rows) == 1 {
		lab := rows[0]
		best := 1e18
		for _, h := range hits {
			if h.X0 > lab.X0 {
				best = min(best, abs(cy(h)-cy(lab)))
			}
		}
		var inRow []ingest.PageWord
		for _, h := range hits {
			if h.X0 > lab.X0 && abs(cy(h)-cy(lab)) <= best+2 {
				inRow = append(inRow, h)
			}
		}
		if len(inRow) > 0 {
			hits = inRow
		}
	}
	if len(hits) <= 1 {
		return hits
	}
	// The column: its header word above the hits, nearest horizontally.
	k := key(colLabel, 2)
	if k == "" {
		return hits
	}
	top := hits[0].Y0
	for _, h := range hits {
		top = min(top, h.Y0)
	}
	var heads []ingest.PageWord
	for _, w := range words {
		if strings.HasPrefix(w.Text, k) && w.Y1 <= top {
			heads = append(heads, w)
		}
	}
	if len(heads) == 0 {
		return hits
	}
	// The header nearest above the figures.
	head := heads[0]
	for _, h := range heads[1:] {
		if h.Y1 > head.Y1 {
			head = h
		}
	}
	var pickd []ingest.PageWord
	best := 1e18
	for _, h := range hits {
		best = min(best, abs(cx(h)-cx(head)))
	}
	for _, h := range hits {
		if abs(cx(h)-cx(head)) <= best+1 {
			pickd = append(pickd, h)
		}
	}
	return pickd
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
