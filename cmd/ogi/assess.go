package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// reportExts are the files a directory walk picks up.
var reportExts = map[string]bool{".txt": true, ".md": true, ".html": true, ".htm": true, ".docx": true, ".pdf": true}

// expandInputs turns files, directories, globs and CSV manifests into the
// list of reports to assess, sorted by path for a deterministic order.
func expandInputs(args []string) ([]item, error) {
	var items []item
	seen := map[string]bool{}
	add := func(it item) {
		if !seen[it.file] {
			seen[it.file] = true
			items = append(items, it)
		}
	}
	for _, a := range args {
		switch {
		case strings.HasSuffix(strings.ToLower(a), ".csv"):
			its, err := readManifest(a)
			if err != nil {
				return nil, err
			}
			for _, it := range its {
				add(it)
			}
		case strings.ContainsAny(a, "*?["):
			ms, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
			for _, m := range ms {
				add(item{file: m})
			}
		default:
			st, err := os.Stat(a)
			if err != nil || !st.IsDir() {
				add(item{file: a}) // a missing file is reported as unreadable
				continue
			}
			err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && reportExts[strings.ToLower(filepath.Ext(p))] {
					add(item{file: p})
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].file < items[j].file })
	return items, nil
}

// readManifest reads a CSV with a header naming file and optionally agency,
// year and level (government or department); files are relative to it.
func readManifest(path string) ([]item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty manifest", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	fi, ok := col["file"]
	if !ok {
		return nil, fmt.Errorf("%s: the header has no file column", path)
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var out []item
	for n, row := range rows[1:] {
		if fi >= len(row) || strings.TrimSpace(row[fi]) == "" {
			continue
		}
		it := item{file: filepath.Join(filepath.Dir(path), row[fi]), agency: get(row, "agency")}
		if y := get(row, "year"); y != "" {
			v, err := strconv.Atoi(y)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: year %q is not a number", path, n+2, y)
			}
			it.year = v
		}
		switch lv := get(row, "level"); lv {
		case "", "government", "department", "unknown":
			it.kind = lv
		default:
			return nil, fmt.Errorf("%s:%d: level %q must be government or department", path, n+2, lv)
		}
		out = append(out, it)
	}
	return out, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newAssessCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	o := checkOptions{}
	var xlsxOut, csvOut, jsonlOut string
	cmd := &cobra.Command{
		Use:   "assess PATH...",
		Short: "Assess a batch of reports: convert and check in parallel, rank, write Excel, CSV and JSON Lines",
		Long: `Assess every report under the given files, directories, globs and CSV manifests (columns
file, agency, year, level). Rules are compiled once; reports are converted and checked in
parallel (--jobs); a progress line shows on a terminal. --jsonl streams one JSON line per
report as it is done; --xlsx writes the workbook (汇总, 问题清单, 规则统计) and --csv the summary,
both in a deterministic order with rank and percentile.

` + exitCodesHelp,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd.Flags())
			if err == nil {
				err = cfg.applyTo(&o)
			}
			if err == nil {
				o.Format = "text"
				err = o.validate()
			}
			if err != nil {
				say(stderr, "ogi: configuration: %v\n", err)
				*code = exitUsage
				return nil
			}
			items, err := expandInputs(args)
			if err != nil {
				writeErr(stderr, err)
				*code = exitUsage
				return nil
			}
			if len(items) == 0 {
				say(stderr, "ogi: no report found in %s\n", strings.Join(args, " "))
				*code = exitUsage
				return nil
			}
			eng, err := loadEngine(&o)
			if err != nil {
				say(stderr, "ogi: cannot load rules:\n%v\n", err)
				*code = exitRules
				return nil
			}
			if _, ok := loadWaiverFile(&o, stderr); !ok {
				*code = exitUsage
				return nil
			}
			var stream io.Writer
			if jsonlOut == "-" {
				stream = stdout
			} else if jsonlOut != "" {
				f, err := os.Create(jsonlOut)
				if err != nil {
					writeErr(stderr, err)
					*code = exitUsage
					return nil
				}
				defer func() { _ = f.Close() }()
				stream = f
			}
			jobs := o.Jobs
			if jobs <= 0 {
				jobs = runtime.GOMAXPROCS(0)
			}
			reports := make([]report.FileReport, len(items))
			codes := make([]int, len(items))
			var mu sync.Mutex
			done := 0
			progress := isTerminal(stderr)
			enc := json.NewEncoder(io.Discard)
			if stream != nil {
				enc = json.NewEncoder(stream)
				enc.SetEscapeHTML(false)
			}
			// Two passes: convert everything, then check each report with the
			// same body's report for the year before, when the batch has it.
			docs := make([]*schema.Document, len(items))
			convErr := make([]error, len(items))
			parallel(len(items), jobs, func(i int) {
				docs[i], convErr[i] = convertItem(context.Background(), items[i], &o)
			})
			prevOf := previousIndex(docs)
			parallel(len(items), jobs, func(i int) {
				var fr report.FileReport
				var c int
				if convErr[i] != nil {
					fr, c = failedReport(items[i].file, convErr[i])
				} else {
					fr, c = checkDoc(context.Background(), eng, items[i].file, docs[i], prevOf(i), &o)
				}
				fr.Document = nil // a batch keeps summaries, not documents
				reports[i], codes[i] = fr, c
				mu.Lock()
				done++
				if stream != nil {
					_ = enc.Encode(fr)
				}
				if progress {
					say(stderr, "\r%d/%d", done, len(items))
				}
				mu.Unlock()
			})
			if progress {
				say(stderr, "\n")
			}
			exit := exitOK
			for i, fr := range reports {
				if fr.Error != "" {
					say(stderr, "ogi: %s\n", fr.Error)
				}
				exit = worse(exit, codes[i])
			}
			ranked, stats := report.Cohort(reports, eng.Rules())
			write := func(path string, fn func(io.Writer) error) {
				if path == "" {
					return
				}
				f, err := os.Create(path)
				if err == nil {
					err = fn(f)
					if cerr := f.Close(); err == nil {
						err = cerr
					}
				}
				if err != nil {
					say(stderr, "ogi: %s: %v\n", path, err)
					exit = worse(exit, exitUsage)
				}
			}
			write(xlsxOut, func(w io.Writer) error { return report.WriteXLSX(w, ranked, stats, o.Lang) })
			write(csvOut, func(w io.Writer) error { return report.WriteCSV(w, ranked) })
			scored, sum := 0, 0.0
			for _, r := range reports {
				if r.Score != nil {
					scored++
					sum += *r.Score
				}
			}
			mean := 0.0
			if scored > 0 {
				mean = sum / float64(scored)
			}
			say(stderr, "ogi: %d reports, %d scored, mean score %.1f\n", len(reports), scored, mean)
			*code = exit
			return nil
		},
	}
	addCheckFlags(cmd, &o)
	cmd.Flags().StringVar(&xlsxOut, "xlsx", "", "write the Excel workbook to FILE")
	cmd.Flags().StringVar(&csvOut, "csv", "", "write the summary CSV to FILE")
	cmd.Flags().StringVar(&jsonlOut, "jsonl", "", "stream one JSON line per report to FILE (- for standard output)")
	return cmd
}

// parallel runs fn(0..n-1) on jobs goroutines.
func parallel(n, jobs int, fn func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

// bodyKey normalises an agency name for matching a body across years.
func bodyKey(agency string) string {
	return strings.Join(strings.Fields(agency), "")
}

// sameBody: equal names, or one name the other with a place prefix
// (洪泽区人民政府 and 淮安市洪泽区人民政府).
func sameBody(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	short, long := a, b
	if len([]rune(short)) > len([]rune(long)) {
		short, long = long, short
	}
	return len([]rune(short)) >= 4 && strings.HasSuffix(long, short)
}

// previousIndex finds, for each document, the same body's report for the
// year before among the batch.
func previousIndex(docs []*schema.Document) func(i int) *schema.Document {
	type entry struct {
		key  string
		year int
		i    int
	}
	var entries []entry
	for i, d := range docs {
		if d != nil && d.Meta.Year != nil {
			entries = append(entries, entry{bodyKey(d.Meta.Agency), *d.Meta.Year, i})
		}
	}
	return func(i int) *schema.Document {
		d := docs[i]
		if d == nil || d.Meta.Year == nil {
			return nil
		}
		k := bodyKey(d.Meta.Agency)
		for _, e := range entries {
			if e.year == *d.Meta.Year-1 && sameBody(e.key, k) {
				return docs[e.i]
			}
		}
		return nil
	}
}
