package main

import (
	"context"
	"fmt"
	"github.com/ogi-checker/ogi/internal/store"
	"io"
	"os"
	"os/user"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/report"
)

func newAssessCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	o := checkOptions{}
	var xlsxOut, csvOut, jsonlOut, htmlOut, dbPath string
	var threshold float64
	var cpuProfile, reviewFile string
	var memLimit, htmlDetails int
	var years []int
	var roster *assess.Roster
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
			if err == nil && len(years) > 0 && cfg.values["roster"].Value.(string) == "" {
				err = fmt.Errorf("--year needs --roster: it chooses the years the roster's coverage covers")
			}
			if err == nil && cpuProfile == stdoutName {
				err = fmt.Errorf("--cpuprofile needs a file, not standard output")
			}
			var specs []report.Spec
			if err == nil {
				specs, err = assessSpecs(o.Outputs, [][3]string{{"--jsonl", "jsonl", jsonlOut}, {"--xlsx", "xlsx", xlsxOut},
					{"--csv", "csv", csvOut}, {"--html", "dashboard", htmlOut}}, [][2]string{{"--db", dbPath}, {"--cpuprofile", cpuProfile}})
			}
			if err != nil {
				say(stderr, "ogi: configuration: %v\n", err)
				*code = exitUsage
				return nil
			}
			if path := cfg.values["roster"].Value.(string); path != "" {
				if roster, err = assess.ReadRoster(path); err != nil {
					say(stderr, "ogi: roster: %v\n", err)
					*code = exitUsage
					return nil
				}
			}
			items, ok := expandArgs(args, stderr)
			if !ok {
				*code = exitUsage
				return nil
			}
			o.similarity = threshold
			// A batch's live data is small beside the limit, so the
			// collector may let the heap grow to three times it before
			// collecting (GOGC 200) rather than twice; the limit still
			// bounds it. Over 10,000 generated reports with the prepared
			// reports, the CPU is 0.948 of the build before them, against
			// 1.035 at the default pace. GOGC 400 saved 4% before them, but
			// took a batch of hostile files from 126-140 to 222 MB
			// resident, near TestHostileBatchMemory's 256; GOGC 200 takes
			// it to 173. GOGC in the environment wins.
			if memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
				prev := debug.SetMemoryLimit(batchMemoryLimit(memLimit, len(items), cfg.values["memory_limit"].Source == "default"))
				defer debug.SetMemoryLimit(prev)
				if os.Getenv("GOGC") == "" {
					prevPct := debug.SetGCPercent(batchGCPercent)
					defer debug.SetGCPercent(prevPct)
				}
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
			if _, ok := loadWaiverFile(&o, stderr); !ok {
				*code = exitUsage
				return nil
			}
			chk, err := o.checker()
			if err != nil {
				*code = loadFailure(err, stderr)
				return nil
			}
			var review []assess.ReviewRow
			if reviewFile != "" {
				if review, err = assess.ReadReview(reviewFile); err != nil {
					say(stderr, "ogi: --review: %v\n", err)
					*code = exitUsage
					return nil
				}
				if dbPath == "" {
					say(stderr, "ogi: notice: --review without a store (--db) applies the decisions to this run only\n")
				}
			}
			o.review, o.reviewFile = review, reviewFile
			*code = runAssess(cmd.Context(), stdout, stderr, chk, assess.Sorted(items), &o, specs, htmlDetails, dbPath,
				func(opts *assess.Options) { opts.Roster, opts.Years = roster, years })
			return nil
		},
	}
	addCheckFlags(cmd, &o)
	cmd.Flags().StringVar(&xlsxOut, "xlsx", "", "write the Excel workbook to FILE (- for standard output); the same as -o xlsx=FILE")
	cmd.Flags().StringVar(&csvOut, "csv", "", "write the summary CSV to FILE (- for standard output); the same as -o csv=FILE")
	cmd.Flags().StringVar(&jsonlOut, "jsonl", "", "stream one JSON line per report to FILE (- for standard output); the same as -o jsonl=FILE")
	cmd.Flags().StringVar(&htmlOut, "html", "", "write the dashboard (one offline HTML page) to FILE (- for standard output); the same as -o dashboard=FILE")
	cmd.Flags().StringArrayVarP(&o.Outputs, "output", "o", nil, outputHelp)
	addSettingFlags(cmd.Flags(), groupAssess) // --db, --similarity-threshold, --html-details, --roster, --memory-limit
	cmd.Flags().IntSliceVar(&years, "year", nil, "with --roster: the report years its coverage covers (repeatable; default: every year in the batch)")
	cmd.Flags().StringVar(&reviewFile, "review", "", "read the office's decisions (核实结论, 说明) from the 问题清单 of an edited workbook and keep them in the store for this and later runs")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run to FILE (for go tool pprof)")
	return cmd
}

// assessSpecs are the outputs of a batch: those named by their own flags
// (--jsonl, --xlsx, --csv, --html; flag, format, path) first, then every -o,
// refusing two to one file, or one onto the store or the profile.
func assessSpecs(outputs []string, flags [][3]string, others [][2]string) ([]report.Spec, error) {
	var specs, taken []report.Spec
	for _, f := range flags {
		if f[2] != "" {
			specs = append(specs, report.FlagSpec(f[0], f[1], f[2]))
		}
	}
	for _, o := range others {
		taken = append(taken, report.Spec{Text: o[0] + " " + o[1], Path: o[1]})
	}
	more, err := report.ParseSpecs(outputs, append(taken, specs...)...)
	if err != nil {
		return nil, err
	}
	return append(specs, more...), nil
}

// runAssess runs the batch, prints what it did and returns the exit code.
func runAssess(ctx context.Context, stdout, stderr io.Writer, chk *check.Checker, inputs []check.Input, o *checkOptions, specs []report.Spec, maxDetails int, db string, more ...func(*assess.Options)) int {
	if ctx == nil {
		ctx = context.Background()
	}
	prog := &progress{w: stderr, on: isTerminal(stderr)}
	opts := assess.Options{Checker: chk, Lang: o.Lang, CSVEncoding: o.CSVEncoding, Jobs: o.Jobs, Similarity: o.similarity,
		Store: db, Review: o.review, ReviewSource: o.reviewFile, Reviewer: reviewer(o.Reviewer), Version: readVersion().Version, Converter: converterID(), Outputs: specs, Stdout: stdout, MaxDetails: maxDetails,
		Progress: prog.update, Problem: func(line string) { say(stderr, "ogi: %s\n", line) }}
	for _, m := range more {
		m(&opts)
	}
	res, err := assess.Run(ctx, inputs, opts)
	if err != nil {
		say(stderr, "ogi: %v\n", err)
		return int(check.CodeOf(err))
	}
	for _, fr := range res.Unreadable {
		say(stderr, "ogi: %s\n", report.UnreadableLine(fr, o.Lang))
	}
	st := res.Stats
	// Unreadable inputs are counted apart: the mean is of the scored reports.
	meanText := "no mean score"
	if st.Scored > 0 {
		meanText = fmt.Sprintf("mean score %.1f", st.Mean)
	}
	say(stderr, "ogi: %d reports, %d scored, %d unreadable, %s; converted %d, reused %d documents; checked %d, reused %d results",
		st.Reports, st.Scored, st.Unreadable, meanText, st.Converted, st.ReusedDocs, st.Checked, st.ReusedResults)
	if db != "" {
		say(stderr, " (%s, run %d)", store.Redact(db), st.RunID)
	}
	say(stderr, "; %.1f s (%s)\n", st.Elapsed.Seconds(), strings.Join(st.Timings, ", "))
	if res.Coverage != nil {
		say(stderr, "ogi: roster %s: %s\n", res.Coverage.Roster, res.Coverage.Summary())
	}
	return int(res.Code)
}

// reviewer is who made the decisions: the setting, else the login name.
func reviewer(configured string) string {
	if configured != "" {
		return configured
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
}
