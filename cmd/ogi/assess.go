package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/store"
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
// year, level (government or department) and body (the identity that pairs
// a body's reports across years when its name changed); files are relative
// to it.
func readManifest(path string) ([]item, error) {
	data, err := fileread.Read(path, maxSideFileBytes)
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
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
		file := strings.TrimSpace(row[fi])
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(path), file)
		}
		it := item{file: file, agency: get(row, "agency"), body: get(row, "body")}
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
	var xlsxOut, csvOut, jsonlOut, htmlOut, dbPath string
	var threshold float64
	var cpuProfile string
	var memLimit, htmlDetails int
	cmd := &cobra.Command{
		Use:   "assess PATH...",
		Short: "Assess a batch of reports: convert and check in parallel, rank, write Excel, CSV, JSON Lines and a dashboard",
		Long: `Assess every report under the given files, directories, globs and CSV manifests (columns
file, agency, year, level, body). Rules are compiled once; reports are converted and checked in
parallel (--jobs); a progress bar shows on a terminal.

Each report is paired with the same body's report for the year before (from the batch or the
store) for the cross-year rules, and every report's narrative is compared with every other
body's (内容雷同, --similarity-threshold).

Documents and results are kept in an SQLite store (--db, default ogi.db; --db "" for none): a
re-run converts only reports it has not seen and checks only reports whose rules, configuration,
previous report or peers changed. The run summary on standard error says how much was reused.

--jsonl streams one JSON line per report as it is done (- or /dev/stdout: to standard output;
FILE: into a temporary file beside it, and FILE is then written whole in batch order); --xlsx
writes the workbook (汇总, 问题清单, 规则统计), --csv the summary and --html the dashboard, all in a
deterministic order with rank and percentile. Every output takes - for standard output and any
file name; a file is written to a temporary file in its directory and renamed into place only
when complete, so a failed or killed run leaves the previous one intact (exit 5 when an output
or the store could not be written).

` + exitCodesHelp,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(cmd.Flags())
			if err == nil {
				err = cfg.applyTo(&o)
			}
			if err == nil {
				o.Format = "text"
				dbPath, threshold, htmlDetails, memLimit = o.DB, o.similarity, o.HTMLDetails, o.MemoryLimit
				err = o.validate()
			}
			if err == nil && (threshold <= 0 || threshold > 1) {
				err = fmt.Errorf("--similarity-threshold must be in (0, 1], not %g", threshold)
			}
			if err == nil && cpuProfile == stdoutName {
				err = fmt.Errorf("--cpuprofile needs a file, not standard output")
			}
			if err == nil {
				err = distinctOutputs([][2]string{{"--db", dbPath}, {"--jsonl", jsonlOut}, {"--xlsx", xlsxOut},
					{"--csv", csvOut}, {"--html", htmlOut}, {"--cpuprofile", cpuProfile}})
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
			o.similarity = threshold
			// A batch's live data is small; the collector is told to keep
			// the heap near it rather than double it (GOMEMLIMIT wins).
			if memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
				prev := debug.SetMemoryLimit(int64(memLimit) << 20)
				defer debug.SetMemoryLimit(prev)
			}
			if cpuProfile != "" {
				f, err := atomicfile.Create(cpuProfile)
				if err == nil {
					if err = pprof.StartCPUProfile(f); err != nil {
						f.Abort()
					}
				}
				if err != nil {
					say(stderr, "ogi: --cpuprofile %s: %v\n", cpuProfile, err)
					*code = exitOutput
					return nil
				}
				defer func() {
					pprof.StopCPUProfile()
					if err := f.Commit(); err != nil {
						say(stderr, "ogi: --cpuprofile %s: %v\n", cpuProfile, err)
						*code = worse(*code, exitOutput)
					}
				}()
			}
			eng, err := loadEngine(&o)
			if err != nil {
				*code = loadFailure(err, stderr)
				return nil
			}
			if _, ok := loadWaiverFile(&o, stderr); !ok {
				*code = exitUsage
				return nil
			}
			*code = runAssess(cmd.Context(), stdout, stderr, eng, items, &o, assessOutputs{
				xlsx: xlsxOut, csv: csvOut, jsonl: jsonlOut, html: htmlOut, db: dbPath, htmlDetails: htmlDetails})
			return nil
		},
	}
	addCheckFlags(cmd, &o)
	cmd.Flags().StringVar(&xlsxOut, "xlsx", "", "write the Excel workbook to FILE (- for standard output)")
	cmd.Flags().StringVar(&csvOut, "csv", "", "write the summary CSV to FILE (- for standard output)")
	cmd.Flags().StringVar(&jsonlOut, "jsonl", "", "stream one JSON line per report to FILE (- for standard output)")
	cmd.Flags().StringVar(&htmlOut, "html", "", "write the dashboard (one offline HTML page) to FILE (- for standard output)")
	addSettingFlags(cmd.Flags(), groupAssess) // --db, --similarity-threshold, --html-details, --memory-limit
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to FILE (for go tool pprof)")
	return cmd
}

// distinctOutputs refuses two outputs to one file: the second would
// replace the first (or the store) without a word.
func distinctOutputs(flags [][2]string) error {
	seen := map[string]string{}
	for _, f := range flags {
		if f[1] == "" || f[1] == stdoutName || isDevice(f[1]) {
			continue
		}
		key := filepath.Clean(f[1])
		if prev, ok := seen[key]; ok {
			return fmt.Errorf("%s and %s both write %s", prev, f[0], f[1])
		}
		seen[key] = f[0]
	}
	return nil
}

type assessOutputs struct {
	xlsx, csv, jsonl, html, db string
	htmlDetails                int
}

// runAssess runs the batch and writes its outputs; it returns the exit code.
func runAssess(ctx context.Context, stdout, stderr io.Writer, eng *engine.Engine, items []item, o *checkOptions, out assessOutputs) int {
	if ctx == nil {
		ctx = context.Background()
	}
	started := time.Now()
	rulesHash, err := packDigest(o)
	if err != nil {
		say(stderr, "ogi: cannot read the rule files: %v\n", err)
		return exitRules
	}
	b := &batch{ctx: ctx, o: o, eng: eng, jobs: o.Jobs,
		set:  batchSettings{converter: converterID(), rules: rulesHash, config: configDigest(o)},
		prog: &progress{w: stderr, on: isTerminal(stderr)}, stderr: stderr}
	if b.jobs <= 0 {
		b.jobs = runtime.GOMAXPROCS(0)
	}
	fails := newFailures(stderr)
	b.fails = fails
	spoolDir := ""
	if out.db != "" {
		// Its directory is made as an output's would be.
		if dir := filepath.Dir(out.db); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				say(stderr, "ogi: --db %s: %v\n", out.db, err)
				return exitOutput
			}
		}
		db, err := store.Open(ctx, out.db)
		if err != nil {
			say(stderr, "ogi: %v\n", err)
			if isWriteFailure(err) {
				return exitOutput
			}
			return exitUsage
		}
		defer func() { _ = db.Close() }()
		b.db = db
		if b.runID, err = db.BeginRun(ctx, readVersion().Version, rulesHash, b.set.config, started); err != nil {
			say(stderr, "ogi: %s: %v\n", out.db, err)
			return exitOutput
		}
		spoolDir = filepath.Dir(out.db)
	}
	// Results and narratives always wait in temporary files; documents too
	// when there is no store.
	spools := []**spool{&b.results, &b.narratives}
	b.docs = &docKeeper{db: b.db, where: map[string][2]int64{}}
	if b.db == nil {
		spools = append(spools, &b.docs.sp)
	}
	for _, sp := range spools {
		if *sp, err = newSpool(spoolDir); err != nil {
			say(stderr, "ogi: cannot create a temporary file: %v\n", err)
			return exitOutput
		}
		defer (*sp).close()
	}
	if b.db != nil {
		b.dbw = b.db.NewWriter(ctx, 256)
		b.docs.w = b.dbw
	}
	b.entries = make([]entry, len(items))
	for i, it := range items {
		b.entries[i].it = it
	}
	b.stats.reports = len(items)

	// Streamed results, in the order they are done: to standard output or a
	// device as they come, or to a temporary file beside FILE that is
	// discarded once FILE is written whole in batch order.
	var stream *bufio.Writer
	var streamFile *atomicfile.File
	rewrite := false
	switch out.jsonl {
	case "":
	case stdoutName:
		stream = bufio.NewWriter(stdout)
	default:
		if dir := filepath.Dir(out.jsonl); dir != "." {
			err = os.MkdirAll(dir, 0o755)
		}
		if err == nil {
			streamFile, err = atomicfile.Create(out.jsonl)
		}
		if err != nil {
			say(stderr, "ogi: --jsonl %s: %v\n", out.jsonl, err)
			return exitOutput
		}
		defer streamFile.Abort()
		stream = bufio.NewWriter(streamFile)
		rewrite = !isDevice(out.jsonl)
	}
	streamFailed := false
	cohort := report.NewCohortStats(eng.Rules())
	var mu sync.Mutex
	b.onResult = func(i int, sr *storedResult, raw []byte) {
		mu.Lock()
		defer mu.Unlock()
		cohort.Add(sr.Report)
		if stream != nil && raw != nil && !streamFailed {
			_, _ = stream.Write(raw)
			_ = stream.WriteByte('\n')
			if err := stream.Flush(); err != nil {
				if !rewrite {
					// Nothing rewrites a stream to standard output.
					fails.add("--jsonl %s: %v", out.jsonl, err)
				}
				streamFailed = true
			}
		}
	}

	phase := func(name string, fn func()) {
		t0 := time.Now()
		fn()
		b.timings = append(b.timings, fmt.Sprintf("%s %.1fs", name, time.Since(t0).Seconds()))
	}
	var prevs []string
	var peers map[int][]peerRef
	// The passes read what the one before wrote: queued writes are
	// committed in between.
	flush := func() {
		if b.dbw != nil {
			if err := b.dbw.Flush(); err != nil {
				fails.add("%s: %v", out.db, err)
			}
		}
	}
	phase("convert", func() { b.convert(); flush() })
	phase("pair", func() { prevs = b.previous() })
	phase("compare", func() { peers = b.peers(); flush() })
	phase("check", func() { b.check(prevs, peers); flush() })
	if b.dbw != nil {
		if err := b.dbw.Close(); err != nil {
			fails.add("%s: %v", out.db, err)
		}
	}

	exit := exitOK
	for _, e := range b.entries {
		if e.lost {
			// Its cause was reported once for all the reports it hit.
			exit = worse(exit, exitOutput)
			continue
		}
		if e.err != "" {
			say(stderr, "ogi: %s\n", report.UnreadableLine(e.unreadableReport(), o.Lang))
		}
		exit = worse(exit, e.code)
	}
	write := func(flag, path string, fn func(io.Writer) error) {
		if path == "" {
			return
		}
		t0 := time.Now()
		defer func() {
			b.timings = append(b.timings, fmt.Sprintf("%s %.1fs", flag, time.Since(t0).Seconds()))
		}()
		if err := writeFileOutput(path, stdout, fn); err != nil {
			fails.add("--%s %s: %v", flag, path, err)
		}
	}
	if streamFile != nil {
		if rewrite {
			// The streamed file is rewritten in batch order: the same input
			// gives the same bytes.
			streamFile.Abort()
			write("jsonl", out.jsonl, b.writeJSONLines)
		} else if err := streamFile.Commit(); err != nil {
			fails.add("--jsonl %s: %v", out.jsonl, err)
		}
	}
	summaries := b.summaries(cohort)
	write("xlsx", out.xlsx, func(w io.Writer) error {
		return report.WriteXLSX(w, summaries, b.ranked(cohort, false), cohort, o.Lang)
	})
	write("csv", out.csv, func(w io.Writer) error { return report.WriteCSV(w, summaries()) })
	write("html", out.html, func(w io.Writer) error {
		return report.WriteDashboard(w, b.ranked(cohort, true), cohort, report.DashboardOptions{Lang: o.Lang, MaxDetails: out.htmlDetails})
	})

	scores := cohort.Scores()
	mean := 0.0
	for _, s := range scores {
		mean += s
	}
	if len(scores) > 0 {
		mean /= float64(len(scores))
	}
	st := b.stats
	// Unreadable inputs are counted apart: the mean is of the scored reports.
	meanText := "no mean score"
	if len(scores) > 0 {
		meanText = fmt.Sprintf("mean score %.1f", mean)
	}
	say(stderr, "ogi: %d reports, %d scored, %d unreadable, %s; converted %d, reused %d documents; checked %d, reused %d results",
		st.reports, len(scores), st.unreadable, meanText, st.converted, st.reusedDocs, st.checked, st.reusedResults)
	if b.db != nil {
		say(stderr, " (%s, run %d)", out.db, b.runID)
	}
	say(stderr, "; %.1f s (%s)\n", time.Since(started).Seconds(), strings.Join(b.timings, ", "))
	if b.db != nil {
		if err := b.db.FinishRun(ctx, b.runID, st.reports, st.converted, st.reusedDocs, time.Now()); err != nil {
			fails.add("%s: %v", out.db, err)
		}
	}
	if fails.any() {
		exit = worse(exit, exitOutput)
	}
	return exit
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
