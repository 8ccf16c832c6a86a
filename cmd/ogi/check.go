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

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/report"
)

// Exit codes, documented in the README and in `ogi check --help`; the
// contract and its precedence (2 > 5 > 4 > 3 > 1 > 0) live in package check.
const (
	exitOK         = int(check.ExitOK)
	exitCompliance = int(check.ExitCompliance)
	exitUsage      = int(check.ExitUsage)
	exitInput      = int(check.ExitInput)
	exitRules      = int(check.ExitRules)
	exitOutput     = int(check.ExitOutput)
)

// maxSideFileBytes bounds a waivers, manifest or configuration file: a few
// KB; the bound only stops a device or a runaway file from being read whole.
const maxSideFileBytes = 64 << 20

// worse returns the exit code that takes precedence.
func worse(a, b int) int { return int(check.Code(a).Worse(check.Code(b))) }

// checkOptions are the flags of `ogi check`.
type checkOptions struct {
	Lang                   string
	CSVEncoding            string
	Format                 string
	FailOn                 string
	MinScore               float64
	MinScoreSet            bool
	RuleDirs               []string
	NoBuiltin              bool
	CannotEvaluateSeverity string
	// Jurisdiction is the profile's name or file (--jurisdiction).
	Jurisdiction string
	Jobs         int
	Limits       ingest.Limits
	// Outputs are -o FORMAT[=PATH] specs; none means --format to stdout.
	Outputs []string
	// specs are Outputs read by validate.
	specs []report.Spec
	// Waivers is a waivers file ("" means ./waivers.yaml when present).
	Waivers   string
	NoWaivers bool
	waivers   []engine.Waiver
	// waiversFile is the file waivers came from ("" when none).
	waiversFile string
	// Scoring is the scoring profile, a built-in name or a file ("": default).
	Scoring string
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
	DB string
	// Reviewer is who made the --review decisions.
	Reviewer string
	// review are the decisions assess --review read, from reviewFile.
	review                   []assess.ReviewRow
	reviewFile               string
	HTMLDetails, MemoryLimit int
}

func (o *checkOptions) validate() error {
	if !slices.Contains([]string{"error", "warning", "info", "never"}, o.FailOn) {
		return fmt.Errorf("--fail-on must be error, warning, info or never, not %q", o.FailOn)
	}
	switch o.Format {
	case "text", "json":
	default:
		return fmt.Errorf("--format must be text or json, not %q", o.Format)
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

// checker builds the library's Checker from the flags and configuration:
// the packs compiled, rules selected and overridden, waivers checked
// against the loaded rules.
func (o *checkOptions) checker() (*check.Checker, error) {
	jur, err := jurisdiction.Resolve(o.Jurisdiction, "")
	if err != nil {
		return nil, check.ConfigError(fmt.Errorf("--jurisdiction: %w", err))
	}
	co := check.Options{RuleDirs: o.RuleDirs, NoBuiltin: o.NoBuiltin, FailOn: o.FailOn, Limits: o.Limits,
		Waivers: o.waivers, WaiversFile: o.waiversFile,
		Engine: engine.Options{CannotEvaluateSeverity: o.CannotEvaluateSeverity, SimilarityThreshold: o.similarity,
			Enable: o.Enable, Disable: o.Disable, Overrides: o.Overrides, Jurisdiction: jur}}
	if o.MinScoreSet {
		m := o.MinScore
		co.MinScore = &m
	}
	if o.Scoring != "" {
		sc, err := check.LoadScoring(o.Scoring)
		if err != nil {
			return nil, err
		}
		co.Score = &sc
	}
	c, err := check.New(co)
	var pe *engine.PatternError
	if errors.As(err, &pe) {
		return nil, check.ConfigError(fmt.Errorf("%s: %w", o.ruleRefWhere(pe.Key, pe.Pattern), pe))
	}
	return c, err
}

// loadEngine compiles the rules the flags and configuration select.
func loadEngine(o *checkOptions) (*engine.Engine, error) {
	c, err := o.checker()
	if err != nil {
		return nil, err
	}
	return c.Engine(), nil
}

// loadFailure prints why the rules could not be loaded and returns the
// exit code: 2 for a configuration mistake, 4 for rules that do not compile.
func loadFailure(err error, stderr io.Writer) int {
	var we *check.WaiverError
	switch code := check.CodeOf(err); {
	case errors.As(err, &we):
		say(stderr, "ogi: %v\n", err)
		return int(code)
	case code == check.ExitUsage:
		say(stderr, "ogi: configuration: %v\n", err)
		return int(code)
	}
	say(stderr, "ogi: cannot load rules:\n%v\n", err)
	return exitRules
}

// runCheck converts, evaluates and scores every report the arguments name
// (files, directories, globs, manifests), writes the outputs and returns
// the exit code.
func runCheck(ctx context.Context, args []string, o checkOptions, stdout, stderr io.Writer) int {
	err := o.validate()
	if err == nil {
		o.specs, err = report.ParseSpecs(o.outputSpecs())
	}
	if err != nil {
		say(stderr, "ogi: %v\n", err)
		return exitUsage
	}
	if len(args) == 0 {
		say(stderr, "ogi: check needs at least one file\n")
		return exitUsage
	}
	inputs, ok := expandArgs(args, stderr)
	if !ok {
		return exitUsage
	}
	if err := onePagePerFile(o.specs, len(inputs)); err != nil {
		say(stderr, "ogi: %v\n", err)
		return exitUsage
	}
	warnings, ok := loadWaiverFile(&o, stderr)
	if !ok {
		return exitUsage
	}
	chk, err := o.checker()
	if err != nil {
		return loadFailure(err, stderr)
	}
	eng := chk.Engine()
	for _, n := range eng.Notices {
		say(stderr, "ogi: notice: %s\n", n)
	}
	reports := make([]report.FileReport, len(inputs))
	codes := make([]int, len(inputs))
	jobs := o.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r, _ := chk.Check(ctx, in)
			reports[i], codes[i] = r.Report, int(r.Code)
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
	src := report.NewSource(out, eng.Rules(), o.Lang)
	src.CSVEncoding = o.CSVEncoding
	fails := newFailures(stderr)
	for _, spec := range o.specs {
		if err := spec.Write(src, stdout); err != nil {
			fails.Add("%s: %v", spec.Text, err)
			code = worse(code, exitOutput)
		}
	}
	minLine := minScoreLine(reports, chk, &o)
	if minLine != "" {
		say(stderr, "ogi: %s\n", minLine)
	}
	// Every failing exit says why in one line: for one report, the lines
	// above already do for an unreadable input, a bar missed or an output
	// not written; findings and a broken rule are said here.
	switch {
	case len(inputs) > 1:
		say(stderr, "ogi: %s (%s)\n", checkSummary(reports, chk, &o), exitWhy(code, reports, chk, &o))
	case code == exitRules || (code == exitCompliance && minLine == ""):
		say(stderr, "ogi: %s\n", exitWhy(code, reports, chk, &o))
	}
	return code
}

// minScoreLine names the reports below --min-score with their scores, so
// that an exit 1 without a finding at --fail-on says which report failed
// the bar and by how much; "" when none did.
func minScoreLine(reports []report.FileReport, chk *check.Checker, o *checkOptions) string {
	const shown = 5
	var parts []string
	n := 0
	for _, fr := range reports {
		if !chk.BelowMinScore(fr) {
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

// exitWhy says in a few words what made the exit code: the findings at or
// above --fail-on, the reports below --min-score, the unreadable inputs,
// the rule that could not be evaluated, the output not written.
func exitWhy(code int, reports []report.FileReport, chk *check.Checker, o *checkOptions) string {
	failing, below, unreadable := 0, 0, 0
	broken := ""
	for _, fr := range reports {
		if fr.IsUnreadable() {
			unreadable++
			continue
		}
		for _, f := range fr.Findings {
			if chk.Fails(f) {
				failing++
			}
			if f.Status == engine.StatusError && broken == "" {
				broken = fmt.Sprintf("rule %s could not be evaluated on %s", f.Rule, fr.File)
			}
		}
		if chk.BelowMinScore(fr) {
			below++
		}
	}
	var why []string
	switch code {
	case exitOK:
		return "exit 0"
	case exitOutput:
		why = append(why, "an output could not be written")
	case exitUsage:
		why = append(why, "usage or configuration error")
	}
	if broken != "" {
		why = append(why, broken)
	}
	if unreadable > 0 {
		why = append(why, fmt.Sprintf("%d unreadable", unreadable))
	}
	if failing > 0 {
		why = append(why, fmt.Sprintf("%d findings at or above --fail-on %s", failing, o.FailOn))
	}
	if below > 0 {
		why = append(why, fmt.Sprintf("%d below --min-score %s", below, strconv.FormatFloat(o.MinScore, 'f', -1, 64)))
	}
	return fmt.Sprintf("exit %d: %s", code, strings.Join(why, "; "))
}

// checkSummary is the closing line of a check of several files: what was
// checked and what made the exit code.
func checkSummary(reports []report.FileReport, chk *check.Checker, o *checkOptions) string {
	checked, unreadable, errs, warns, below := 0, 0, 0, 0, 0
	for _, fr := range reports {
		if fr.IsUnreadable() {
			unreadable++
			continue
		}
		checked++
		errs += fr.Counts.Error
		warns += fr.Counts.Warning
		if chk.BelowMinScore(fr) {
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
// warnings about expired or invalid ones; false means the file is
// unreadable. Whether each names a loaded rule is the Checker's to say.
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
	o.waivers, o.waiversFile = ws, file
	for _, w := range warns {
		say(stderr, "ogi: warning: %s\n", w)
	}
	return warns, true
}

func newCheckCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	o := checkOptions{}
	cmd := &cobra.Command{
		Use:   "check PATH...",
		Short: "Check reports against the rule packs and score them",
		Long: `Convert each report (any input 'ogi parse' reads; PATH is a file, a directory, a glob or a
CSV manifest, as for 'ogi assess'), evaluate the built-in rule pack
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
	f.StringArrayVarP(&o.Outputs, "output", "o", nil, outputHelp)
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

// outputSpecs are the -o specs, or --format to standard output.
func (o *checkOptions) outputSpecs() []string {
	if len(o.Outputs) == 0 {
		return []string{o.Format}
	}
	return o.Outputs
}

// onePagePerFile refuses, before any work, a page-per-report format to one
// file when there are several reports: the pages need a directory.
func onePagePerFile(specs []report.Spec, reports int) error {
	for _, s := range specs {
		if s.Format.PerReport && reports > 1 && outfile.IsFile(s.Path) && filepath.Ext(s.Path) != "" && !strings.HasSuffix(s.Path, "/") {
			if st, err := os.Stat(s.Path); err == nil && st.IsDir() {
				continue
			}
			return fmt.Errorf("%s: %d reports make %d pages: name a directory (-o %s=%s/)", s.Text, reports, reports,
				s.Format.Name, strings.TrimSuffix(s.Path, s.Format.Ext))
		}
	}
	return nil
}

// ruleRefWhere says where an enable or disable entry came from: the file
// and line of a configuration file, else the flag.
func (o *checkOptions) ruleRefWhere(key, pattern string) string {
	if w, ok := o.refLines[key+"\x00"+pattern]; ok {
		return w
	}
	return "--" + key
}
