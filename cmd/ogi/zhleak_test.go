package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// zhLeakRE finds what an officer should never read in a Chinese output:
// an identifier (rule id, canonical cell address, status code) or an
// English word of the result model.
var zhLeakRE = regexp.MustCompile(`[a-z][a-z0-9_]*[._][a-z0-9_.]+|\b(error|warning|info|fail|pass|placeholder|blank|missing|column|cannot|needs|review|waived|unreadable|checked)\b`)

// urlRE removes addresses, which may be written as they are.
var urlRE = regexp.MustCompile(`https?://[^\s"'<>）)]+`)

// zhLeaks scans one text an officer reads; names are the corpus's file
// names, which are written as they are.
func zhLeaks(where, text string, names []string) []string {
	for _, n := range names {
		text = strings.ReplaceAll(text, n, " ")
	}
	text = urlRE.ReplaceAllString(text, " ")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if m := zhLeakRE.FindString(line); m != "" {
			out = append(out, fmt.Sprintf("%s: %q in %.200q", where, m, strings.TrimSpace(line)))
		}
	}
	return out
}

// htmlTexts is what a page shows: its text nodes and title and placeholder
// attributes, outside script and style elements. The JSON data elements a
// dashboard's script reads are returned apart, by id.
func htmlTexts(t *testing.T, b []byte) (texts []string, data map[string]string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	data = map[string]string{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "title" || a.Key == "placeholder" {
					texts = append(texts, a.Val)
				}
			}
			switch n.Data {
			case "style":
				return
			case "script":
				for _, a := range n.Attr {
					if a.Key == "id" && n.FirstChild != nil {
						data[a.Val] = n.FirstChild.Data
					}
				}
				return
			}
		}
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return texts, data
}

// dashboardTexts is what the dashboard's script writes into the page from
// its data: the labels, the tables' captions and labels, and per report
// the unreadable reason and each finding's rule title, message, cells and
// status word. (The ids in the layout and a finding's severity and status
// codes are the script's keys and classes, never shown.)
func dashboardTexts(t *testing.T, data map[string]string) []string {
	t.Helper()
	var out []string
	var labels map[string]string
	if err := json.Unmarshal([]byte(data["ogi-labels"]), &labels); err != nil {
		t.Fatalf("ogi-labels: %v", err)
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range labels {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, labels[k])
	}
	var layout map[string][]struct {
		Caption string      `json:"caption"`
		Cols    [][2]string `json:"cols"`
		Rows    [][2]string `json:"rows"`
	}
	if err := json.Unmarshal([]byte(data["ogi-layout"]), &layout); err != nil {
		t.Fatalf("ogi-layout: %v", err)
	}
	for _, tables := range layout {
		for _, tb := range tables {
			out = append(out, tb.Caption)
			for _, c := range append(tb.Cols, tb.Rows...) {
				out = append(out, c[1])
			}
		}
	}
	var reports []struct {
		X  string     `json:"x"`
		G  string     `json:"g"`
		Fs [][]string `json:"fs"`
	}
	if err := json.Unmarshal([]byte(data["ogi-data"]), &reports); err != nil {
		t.Fatalf("ogi-data: %v", err)
	}
	for _, r := range reports {
		out = append(out, r.X, r.G)
		for _, f := range r.Fs {
			for i, s := range f {
				if i != 1 && i != 2 { // severity and status: classes
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// TestNoEnglishInChineseOutputs runs the corpus of TestCorpusGolden through
// check (text, json, a page per report) and assess (workbook, csv,
// dashboard) in Chinese and scans everything an officer reads for rule
// ids, cell addresses, status codes and English words. File names and
// addresses are exempt: they are written as they are.
func TestNoEnglishInChineseOutputs(t *testing.T) {
	corpus, names := leakCorpus(t)
	dir := t.TempDir()
	var leaks []string

	_, text, _ := runOgi(t, append([]string{"check", "--lang", "zh"}, corpus...)...)
	leaks = append(leaks, zhLeaks("check text", text, names)...)

	_, js, _ := runOgi(t, append([]string{"check", "--lang", "zh", "--format", "json"}, corpus...)...)
	runOgi(t, append([]string{"check", "--lang", "zh", "-o", "html=" + filepath.Join(dir, "pages") + "/"}, corpus...)...)
	var out struct {
		Reports []struct {
			ScoreReason string `json:"score_reason"`
			Unreadable  *struct {
				Reason struct{ Zh string } `json:"reason"`
			} `json:"unreadable"`
			Findings []struct {
				Rule    string
				Message struct{ Zh string }
			} `json:"findings"`
		} `json:"reports"`
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatalf("check json: %v", err)
	}
	for _, r := range out.Reports {
		if r.Unreadable != nil {
			leaks = append(leaks, zhLeaks("check json unreadable reason", r.Unreadable.Reason.Zh, names)...)
		}
		leaks = append(leaks, zhLeaks("check json score_reason", r.ScoreReason, names)...)
		for _, f := range r.Findings {
			leaks = append(leaks, zhLeaks("check json "+f.Rule, f.Message.Zh, names)...)
		}
	}
	pages, err := filepath.Glob(filepath.Join(dir, "pages", "*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages written (%v)", err)
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts, _ := htmlTexts(t, b)
		leaks = append(leaks, zhLeaks("page "+filepath.Base(p), strings.Join(texts, "\n"), names)...)
	}

	xlsx, csvPath, dash := filepath.Join(dir, "a.xlsx"), filepath.Join(dir, "a.csv"), filepath.Join(dir, "a.html")
	if code, _, stderr := runOgi(t, append([]string{"assess", "--lang", "zh", "--db", "", "--xlsx", xlsx, "--csv", csvPath, "--html", dash}, corpus...)...); code > 3 {
		t.Fatalf("assess: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(dash)
	if err != nil {
		t.Fatal(err)
	}
	texts, data := htmlTexts(t, b)
	leaks = append(leaks, zhLeaks("dashboard", strings.Join(append(texts, dashboardTexts(t, data)...), "\n"), names)...)

	wb, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = wb.Close() }()
	for _, sh := range wb.GetSheetList() {
		rows, err := wb.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			leaks = append(leaks, zhLeaks(fmt.Sprintf("xlsx %s row %d", sh, i+1), strings.Join(row, "\n"), names)...)
		}
	}

	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// 状态代码 and 原因代码 hold codes for programs, under Chinese headers.
	codes := 0
	for i, rec := range recs {
		if i == 0 {
			codes = slices.Index(rec, "状态代码")
			if codes < 0 || len(rec) != codes+2 || rec[codes+1] != "原因代码" {
				t.Fatalf("csv header %v: want it to end with 状态代码, 原因代码", rec)
			}
		}
		leaks = append(leaks, zhLeaks(fmt.Sprintf("csv row %d", i+1), strings.Join(rec[:min(codes, len(rec))], "\n"), names)...)
	}

	const show = 40
	if len(leaks) > 0 {
		t.Errorf("%d lines of Chinese outputs hold identifiers or English; the first:\n%s",
			len(leaks), strings.Join(leaks[:min(show, len(leaks))], "\n"))
	}
}

// idRE finds an identifier in English text: a rule id or canonical cell
// address (requests.granted.total), or a row or column id (new_received).
var idRE = regexp.MustCompile(`\b[a-z][a-z0-9]*(_[a-z0-9]+)+\b|\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*\b`)

// TestNoIdsInEnglishOutputs: --lang en says the same as Chinese, in
// English: the messages name rules by their titles and cells by their
// printed labels, never by ids.
func TestNoIdsInEnglishOutputs(t *testing.T) {
	corpus, names := leakCorpus(t)
	_, text, _ := runOgi(t, append([]string{"check", "--lang", "en"}, corpus...)...)
	for _, n := range names {
		text = strings.ReplaceAll(text, n, " ")
	}
	text = urlRE.ReplaceAllString(text, " ")
	var leaks []string
	for _, line := range strings.Split(text, "\n") {
		if m := idRE.FindString(line); m != "" {
			leaks = append(leaks, fmt.Sprintf("%q in %.200q", m, strings.TrimSpace(line)))
		}
	}
	if len(leaks) > 0 {
		t.Errorf("%d lines of the English text report name ids:\n%s", len(leaks), strings.Join(leaks[:min(len(leaks), 30)], "\n"))
	}
}

// leakCorpus is the corpus the scans run over, checked without any
// configuration file, and the file names an output may show as they are,
// longest first so that a path is removed before its base name.
func leakCorpus(t *testing.T) (corpus, names []string) {
	t.Helper()
	t.Setenv("OGI_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	if err := os.WriteFile(os.Getenv("OGI_CONFIG"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range corpusGoldenFiles {
		p := filepath.Join("..", "..", "testdata", filepath.FromSlash(f))
		corpus = append(corpus, p)
		names = append(names, filepath.ToSlash(p), filepath.Base(p))
	}
	slices.SortFunc(names, func(a, b string) int { return len(b) - len(a) })
	return corpus, names
}
