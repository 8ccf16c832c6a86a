package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// Exit codes, documented in the README and in `ogi check --help`.
// Precedence when several apply (worst wins): 2 > 5 > 4 > 3 > 1 > 0;
// exitOutput (5) is in output.go.
const (
	exitOK         = 0 // nothing at or above --fail-on, score ≥ --min-score
	exitCompliance = 1 // a finding at or above --fail-on, or a score below --min-score
	exitUsage      = 2 // usage or configuration error
	exitInput      = 3 // an input could not be read or converted
	exitRules      = 4 // a rule could not be compiled or evaluated
)

// Limits on the files around a report: a rule file, a waivers file, a
// manifest or a configuration file is a few KB; these bounds only stop a
// device or a runaway file from being read whole.
const (
	maxRuleFileBytes = 4 << 20
	maxSideFileBytes = 64 << 20
)

// exitRank orders the exit codes: a failed output outranks every result
// (what was not written cannot be acted on), a usage error outranks it (the
// run did not start).
var exitRank = map[int]int{exitOK: 0, exitCompliance: 1, exitInput: 2, exitRules: 3, exitOutput: 4, exitUsage: 5}

// worse returns the exit code that takes precedence.
func worse(a, b int) int {
	if exitRank[b] > exitRank[a] {
		return b
	}
	return a
}

// checkOptions are the flags of `ogi check`.
type checkOptions struct {
	Lang                   string
	Format                 string
	FailOn                 string
	MinScore               float64
	MinScoreSet            bool
	RuleDirs               []string
	NoBuiltin              bool
	CannotEvaluateSeverity string
	Jobs                   int
	Limits                 ingest.Limits
	// Outputs are -o FORMAT[=FILE] specs; none means --format to stdout.
	Outputs []string
	// Waivers is a waivers file ("" means ./waivers.yaml when present).
	Waivers   string
	NoWaivers bool
	waivers   []engine.Waiver
	// loaded are all rules of the packs before --enable/--disable, to tell
	// a pattern that names no rule.
	loaded []*engine.Rule
	// refLines says where each enable/disable entry was written
	// ("key\x00pattern" → ".ogi.yaml:4"), for errors.
	refLines map[string]string
	// Rule selection and overrides from configuration.
	Enable, Disable []string
	Overrides       map[string]engine.Override
	// similarity is the 内容雷同 threshold (ogi assess).
	similarity float64
	// DB is the store of ogi assess ("" for none); HTMLDetails and
	// MemoryLimit are its dashboard cap and heap limit in MiB.
	DB                       string
	HTMLDetails, MemoryLimit int
}

var severityLevel = map[string]int{"info": 1, "warning": 2, "error": 3, "never": 99}

func (o *checkOptions) validate() error {
	if _, ok := severityLevel[o.FailOn]; !ok {
		return fmt.Errorf("--fail-on must be error, warning, info or never, not %q", o.FailOn)
	}
	switch o.Format {
	case "text", "json":
	default:
		return fmt.Errorf("--format must be text or json, not %q", o.Format)
	}
	files := map[string]string{}
	for _, spec := range o.Outputs {
		f, file, toFile := strings.Cut(spec, "=")
		if !slices.Contains(report.Formats, f) {
			return fmt.Errorf("-o %s: unknown format %q (one of %s)", spec, f, strings.Join(report.Formats, ", "))
		}
		if toFile && file == "" {
			return fmt.Errorf("-o %s: no file after = (- for standard output)", spec)
		}
		if toFile && file != stdoutName && !isDevice(file) {
			key := filepath.Clean(file)
			if prev, ok := files[key]; ok {
				return fmt.Errorf("-o %s and -o %s write one file", prev, spec)
			}
			files[key] = spec
		}
	}
	switch o.Lang {
	case "zh", "en":
	default:
		return fmt.Errorf("--lang must be zh or en, not %q", o.Lang)
	}
	switch o.CannotEvaluateSeverity {
	case "error", "warning", "info":
	default:
		return fmt.Errorf("--cannot-evaluate-severity must be error, warning or info, not %q", o.CannotEvaluateSeverity)
	}
	if o.MinScoreSet && (o.MinScore < 0 || o.MinScore > 100) {
		return fmt.Errorf("--min-score must be between 0 and 100, not %v", o.MinScore)
	}
	return nil
}

// loadEngine compiles the built-in pack and any --rules directories.
func loadEngine(o *checkOptions) (*engine.Engine, error) {
	var packs []engine.Pack
	if !o.NoBuiltin {
		packs = append(packs, engine.Pack{Name: "builtin", FS: rules.FS})
	}
	for _, d := range o.RuleDirs {
		st, err := os.Stat(d)
		if err != nil {
			return nil, fmt.Errorf("--rules %s: %w", d, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("--rules %s: not a directory", d)
		}
		packs = append(packs, engine.Pack{Name: d, FS: fileread.DirFS(d, maxRuleFileBytes)})
	}
	e, err := engine.New(packs, engine.Options{CannotEvaluateSeverity: o.CannotEvaluateSeverity, SimilarityThreshold: o.similarity})
	if err != nil {
		return nil, err
	}
	// Patterns are checked against every loaded rule, before selection: a
	// waiver for a disabled rule is not a mistake, one for no rule is.
	o.loaded = append([]*engine.Rule(nil), e.Rules()...)
	for _, l := range []struct {
		key      string
		patterns []string
	}{{"enable", o.Enable}, {"disable", o.Disable}} {
		for _, p := range l.patterns {
			if !engine.MatchesAny(o.loaded, p) {
				return nil, &configError{fmt.Errorf("%s: %s: %q names no rule id, glob or category of the loaded packs",
					o.ruleRefWhere(l.key, p), l.key, p)}
			}
		}
	}
	if err := e.Select(o.Enable, o.Disable); err != nil {
		return nil, &configError{err}
	}
	if err := e.Apply(o.Overrides); err != nil {
		return nil, &configError{err}
	}
	return e, nil
}

// loadFailure prints why loadEngine failed and returns the exit code: 2
// for a configuration mistake, 4 for rules that do not compile.
func loadFailure(err error, stderr io.Writer) int {
	var ce *configError
	if errors.As(err, &ce) {
		say(stderr, "ogi: configuration: %v\n", err)
		return exitUsage
	}
	say(stderr, "ogi: cannot load rules:\n%v\n", err)
	return exitRules
}

// configError is a configuration mistake found while loading rules: a usage
// error (exit 2), not a broken rule.
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }

// convertFile reads and converts one input, refusing oversized files before
// reading them.
func convertFile(ctx context.Context, path string, lim ingest.Limits) (*schema.Document, error) {
	data, err := readInput(path, lim)
	if err != nil {
		return nil, err
	}
	return ingest.Convert(ctx, path, data, ingest.Options{Limits: lim})
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unevaluable says why a document cannot be scored: nothing of a report was
// found in it. Such a report gets no score, never 100.
func unevaluable(doc *schema.Document) string {
	found := 0
	for _, ti := range doc.TableInfo {
		if ti.Status != "missing" {
			found++
		}
	}
	if len(doc.Sections) == 0 && found == 0 {
		return "no section heading and no table of the annual-report format was found"
	}
	return ""
}

// runCheck converts, evaluates and scores every file, writes the output and
// returns the exit code.
func runCheck(ctx context.Context, files []string, o checkOptions, stdout, stderr io.Writer) int {
	if err := o.validate(); err != nil {
		say(stderr, "ogi: %v\n", err)
		return exitUsage
	}
	if len(files) == 0 {
		say(stderr, "ogi: check needs at least one file\n")
		return exitUsage
	}
	eng, err := loadEngine(&o)
	if err != nil {
		return loadFailure(err, stderr)
	}
	for _, n := range eng.Notices {
		say(stderr, "ogi: notice: %s\n", n)
	}
	warnings, ok := loadWaiverFile(&o, stderr)
	if !ok {
		return exitUsage
	}
	reports := make([]report.FileReport, len(files))
	codes := make([]int, len(files))
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			reports[i], codes[i] = checkOne(ctx, eng, f, &o)
		}()
	}
	wg.Wait()
	code := exitOK
	for i, fr := range reports {
		if fr.IsUnreadable() {
			say(stderr, "ogi: %s\n", report.UnreadableLine(fr, o.Lang))
		}
		code = worse(code, codes[i])
	}
	out := &report.CheckOutput{SchemaVersion: report.CheckSchemaVersion,
		Tool: report.Tool{Name: "ogi", Version: readVersion().Version}, Reports: reports, Warnings: warnings}
	outputs := o.Outputs
	if len(outputs) == 0 {
		outputs = []string{o.Format}
	}
	fails := newFailures(stderr)
	for _, spec := range outputs {
		if err := writeOutput(spec, out, eng, o.Lang, stdout); err != nil {
			fails.add("-o %s: %v", spec, err)
			code = worse(code, exitOutput)
		}
	}
	if line := minScoreLine(reports, &o); line != "" {
		say(stderr, "ogi: %s\n", line)
	}
	if len(files) > 1 {
		say(stderr, "ogi: %s (exit %d)\n", checkSummary(reports, &o), code)
	}
	return code
}

// belowMinScore reports whether a checked report fails --min-score: it
// scores below the bar or has no score at all.
func belowMinScore(fr report.FileReport, o *checkOptions) bool {
	return o.MinScoreSet && !fr.IsUnreadable() && (fr.Score == nil || *fr.Score < o.MinScore)
}

// minScoreLine names the reports below --min-score with their scores, so
// that an exit 1 without a finding at --fail-on says which report failed
// the bar and by how much; "" when none did.
func minScoreLine(reports []report.FileReport, o *checkOptions) string {
	const shown = 5
	var parts []string
	n := 0
	for _, fr := range reports {
		if !belowMinScore(fr, o) {
			continue
		}
		n++
		if n > shown {
			continue
		}
		score := "no score"
		if fr.Score != nil {
			score = strconv.FormatFloat(*fr.Score, 'f', -1, 64)
		} else if fr.ScoreReason != "" {
			score = "no score (" + fr.ScoreReason + ")"
		}
		parts = append(parts, fr.File+" "+score)
	}
	if n == 0 {
		return ""
	}
	if n > shown {
		parts = append(parts, fmt.Sprintf("and %d more", n-shown))
	}
	return fmt.Sprintf("below --min-score %s: %s", strconv.FormatFloat(o.MinScore, 'f', -1, 64), strings.Join(parts, ", "))
}

// checkSummary is the closing line of a check of several files: what was
// checked and what made the exit code.
func checkSummary(reports []report.FileReport, o *checkOptions) string {
	checked, unreadable, errs, warns, below := 0, 0, 0, 0, 0
	for _, fr := range reports {
		if fr.IsUnreadable() {
			unreadable++
			continue
		}
		checked++
		errs += fr.Counts.Error
		warns += fr.Counts.Warning
		if belowMinScore(fr, o) {
			below++
		}
	}
	s := fmt.Sprintf("%d files: %d checked, %d unreadable; %d errors, %d warnings", len(reports), checked, unreadable, errs, warns)
	if o.MinScoreSet {
		s += fmt.Sprintf("; %d below --min-score %s", below, strconv.FormatFloat(o.MinScore, 'f', -1, 64))
	}
	return s
}

// loadWaiverFile reads the waivers in force into o and returns the
// warnings about expired or invalid ones; false means the file is unreadable.
func loadWaiverFile(o *checkOptions, stderr io.Writer) ([]string, bool) {
	if o.NoWaivers {
		return nil, true
	}
	file := o.Waivers
	if file == "" {
		if _, err := os.Stat("waivers.yaml"); err != nil {
			return nil, true
		}
		file = "waivers.yaml"
	}
	ws, warns, err := engine.LoadWaivers(file, time.Now())
	if err != nil {
		say(stderr, "ogi: waivers: %v\n", err)
		return nil, false
	}
	for _, w := range ws {
		if o.loaded != nil && !engine.MatchesAny(o.loaded, w.Rule) {
			say(stderr, "ogi: waivers: %s:%d: rule %q is not a rule id or glob of the loaded packs\n", file, w.Line, w.Rule)
			return nil, false
		}
	}
	o.waivers = ws
	for _, w := range warns {
		say(stderr, "ogi: warning: %s\n", w)
	}
	return warns, true
}

// checkOne handles one file and returns its report and exit code.
func checkOne(ctx context.Context, eng *engine.Engine, file string, o *checkOptions) (report.FileReport, int) {
	return checkItem(ctx, eng, item{file: file}, o)
}

// item is one report to check, with what a manifest says about it.
type item struct {
	file, agency, kind string
	year               int
	// body overrides the body identity used to pair a report with last
	// year's (manifest column body).
	body string
}

func checkItem(ctx context.Context, eng *engine.Engine, it item, o *checkOptions) (report.FileReport, int) {
	// One deadline covers conversion and evaluation of the document.
	if o.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Limits.Timeout)
		defer cancel()
	}
	doc, err := convertItem(ctx, it, o)
	if err != nil {
		return failedReport(it.file, err)
	}
	return checkDoc(ctx, eng, it.file, doc, nil, o)
}

// failedReport is the report of an input that gave nothing to check: an
// input error (exit 3), never a compliance result.
func failedReport(file string, err error) (report.FileReport, int) {
	return unreadableReport(file, unreadableCode(err), err.Error()), exitInput
}

// unreadableCode classifies why an input gave nothing to check.
func unreadableCode(err error) string {
	var ue *ingest.UnreadableError
	switch {
	case errors.As(err, &ue):
		return ue.Code
	case errors.Is(err, context.DeadlineExceeded):
		return report.UnreadableTimeout
	}
	return report.UnreadableInput
}

// unreadableReport builds the report from the reason code alone, so that a
// batch can keep the code and a store can keep it across runs.
func unreadableReport(file, code, detail string) report.FileReport {
	var reason engine.Text
	switch code {
	case report.UnreadableTimeout:
		reason = engine.Text{Zh: "转换或检查超过时间限制", En: "conversion or checking took longer than the time limit"}
	case report.UnreadableInput:
		reason = engine.Text{Zh: "文件无法打开或转换", En: "the file could not be opened or converted"}
	default:
		zh, en := ingest.UnreadableReason(code)
		reason = engine.Text{Zh: zh, En: en}
	}
	return report.NewUnreadableReport(filepath.ToSlash(file), code, reason, detail)
}

// convertItem converts a report and applies what a manifest says about it
// (a manifest knows the body better than the title line does).
func convertItem(ctx context.Context, it item, o *checkOptions) (*schema.Document, error) {
	doc, err := convertFile(ctx, it.file, o.Limits)
	if err != nil {
		return nil, err
	}
	applyItem(doc, it)
	return doc, nil
}

// checkDoc evaluates, waives and scores a converted report; prev is the
// same body's report for the year before, when known.
func checkDoc(ctx context.Context, eng *engine.Engine, file string, doc, prev *schema.Document, o *checkOptions) (report.FileReport, int) {
	return checkDocWith(ctx, eng, file, doc, engine.Context{Previous: prev}, o)
}

// checkDocWith is checkDoc with everything a batch knows about the report.
func checkDocWith(ctx context.Context, eng *engine.Engine, file string, doc *schema.Document, bc engine.Context, o *checkOptions) (report.FileReport, int) {
	res, err := eng.EvaluateBatch(ctx, doc, bc)
	if err != nil {
		return failedReport(file, fmt.Errorf("%s: checking took longer than %v: %w", file, o.Limits.Timeout, err))
	}
	engine.ApplyWaivers(res.Findings, filepath.ToSlash(file), doc, o.waivers)
	score := eng.ScoreResult(res, engine.DefaultScoreConfig(), unevaluable(doc))
	fr := report.NewFileReport(filepath.ToSlash(file), doc, res, score)
	code := exitOK
	for _, rr := range res.Rules {
		if rr.Status == engine.StatusError {
			code = worse(code, exitRules)
		}
	}
	level := severityLevel[o.FailOn]
	for _, f := range fr.Findings {
		if !f.Waived && severityLevel[f.Severity] >= level {
			code = worse(code, exitCompliance)
		}
	}
	if o.MinScoreSet && (score.Value == nil || *score.Value < o.MinScore) {
		code = worse(code, exitCompliance)
	}
	return fr, code
}

func newCheckCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	o := checkOptions{}
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Check reports against the rule packs and score them",
		Long: `Convert each report (any input 'ogi parse' reads), evaluate the built-in rule pack
(and any --rules directories) and print the findings with the cells, values and
source lines they are about, and a 100-point score with its grade.

` + exitCodesHelp,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, files []string) error {
			cfg, err := loadConfig(cmd.Flags())
			if err == nil {
				err = cfg.applyTo(&o)
			}
			if err != nil {
				say(stderr, "ogi: configuration: %v\n", err)
				*code = exitUsage
				return nil
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			*code = runCheck(ctx, files, o, stdout, stderr)
			return nil
		},
	}
	addCheckFlags(cmd, &o)
	f := cmd.Flags()
	f.StringVar(&o.Format, "format", "text", "output format on standard output: text or json (see -o for more)")
	f.StringArrayVarP(&o.Outputs, "output", "o", nil, "output FORMAT[=FILE], repeatable: text, json, jsonl, sarif, junit, github, markdown, html (html=DIR: a page per report; FILE - : standard output)")
	return cmd
}

// say writes a message for the user; a failing terminal is not worth an
// error of its own.
func say(w io.Writer, format string, a ...any) {
	_, _ = fmt.Fprintf(w, format, a...)
}

// addCheckFlags registers the flags check and assess share, from the
// settings table; their values reach o through loadConfig and applyTo.
func addCheckFlags(cmd *cobra.Command, o *checkOptions) {
	addSettingFlags(cmd.Flags(), groupCheck, groupRules, groupLimits)
	o.Limits = ingest.DefaultLimits()
}

// addLimitFlags exposes the caps that keep hostile input cheap, for a
// command that reads no other configuration (parse): the limits are filled
// from flags, OGI_* and the configuration files before it runs.
func addLimitFlags(cmd *cobra.Command, lim *ingest.Limits) {
	addSettingFlags(cmd.Flags(), groupLimits)
	cmd.PreRunE = func(c *cobra.Command, _ []string) error {
		cfg, err := loadConfig(settingFlags(c.Flags(), groupLimits))
		if err != nil {
			return fmt.Errorf("configuration: %w", err)
		}
		cfg.applyLimits(lim)
		return nil
	}
}

// writeOutput writes one -o FORMAT[=FILE] output; without FILE, or with
// FILE -, it goes to standard output. An html output to a FILE that does not
// end in .html, or with several reports, is a directory with one page per
// report (see pageNames); each page and each file is replaced only once
// complete.
func writeOutput(spec string, out *report.CheckOutput, eng *engine.Engine, lang string, stdout io.Writer) error {
	format, file, toFile := strings.Cut(spec, "=")
	if !toFile {
		file = stdoutName
	}
	if format == "html" && file != stdoutName && !isDevice(file) && (len(out.Reports) > 1 || !strings.HasSuffix(file, ".html")) {
		if err := os.MkdirAll(file, 0o755); err != nil {
			return err
		}
		files := make([]string, len(out.Reports))
		for i, fr := range out.Reports {
			files[i] = fr.File
		}
		for i, name := range pageNames(files, ".html") {
			fr := out.Reports[i]
			err := writeFileOutput(filepath.Join(file, name), stdout, func(w io.Writer) error { return report.WriteHTML(w, fr, lang) })
			if err != nil {
				return err
			}
		}
		return nil
	}
	return writeFileOutput(file, stdout, func(w io.Writer) error {
		switch format {
		case "text":
			return report.WriteText(w, out, lang)
		case "json":
			return report.WriteJSON(w, out)
		case "jsonl":
			return report.WriteJSONL(w, out)
		case "sarif":
			return report.WriteSARIF(w, out, eng.Rules(), lang)
		case "junit":
			return report.WriteJUnit(w, out, lang)
		case "github":
			return report.WriteGitHub(w, out, lang)
		case "markdown":
			return report.WriteMarkdown(w, out, lang)
		case "html":
			for _, fr := range out.Reports {
				if err := report.WriteHTML(w, fr, lang); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ruleRefWhere says where an enable or disable entry came from: the file
// and line of a configuration file, else the flag.
func (o *checkOptions) ruleRefWhere(key, pattern string) string {
	if w, ok := o.refLines[key+"\x00"+pattern]; ok {
		return w
	}
	return "--" + key
}
