package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// packFor is the pack a rules subcommand works on: a directory, or the
// built-in pack when none is given.
func packFor(args []string) (engine.Pack, string, error) {
	if len(args) == 0 {
		return engine.Pack{Name: "builtin", FS: rules.FS}, "", nil
	}
	st, err := os.Stat(args[0])
	if err != nil {
		return engine.Pack{}, "", err
	}
	if !st.IsDir() {
		return engine.Pack{}, "", fmt.Errorf("%s is not a directory", args[0])
	}
	abs, err := filepath.Abs(args[0])
	if err != nil {
		return engine.Pack{}, "", err
	}
	return engine.Pack{Name: args[0], FS: fileread.DirFS(args[0], check.MaxRuleFileBytes)}, abs, nil
}

func newRulesCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List, lint, test and document rule packs",
	}
	var jsonOut bool
	var format string
	list := &cobra.Command{
		Use:   "list [DIR]",
		Short: "List the rules of a pack (the built-in one without DIR)",
		Long: `List the rules of a pack (the built-in one without DIR): one line per rule as text, or with
--format json an array sorted by id of {id, title {zh, en}, severity, category, points,
templates, language, file, line} for scripts.

Exit codes: 0 listed; 2 usage error (an unknown --format); 4 the pack does not load.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if jsonOut {
				format = "json"
			}
			if format != "text" && format != "json" {
				writeErr(stderr, fmt.Errorf("--format must be text or json, not %q", format))
				*code = exitUsage
				return nil
			}
			e, ok := loadPackFor(args, stderr, code)
			if !ok {
				return nil
			}
			if format == "json" {
				enc := json.NewEncoder(stdout)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(listedRules(e.Rules()))
			}
			for _, r := range e.Rules() {
				say(stdout, "%-34s %-4s %-7s %-12s %4g  %-10s %s\n", r.ID, r.Lang, r.Severity, r.Category, r.Points,
					strings.Join(r.Templates, ","), r.Title.Zh)
			}
			return nil
		},
	}
	list.Flags().StringVar(&format, "format", "text", "output format: text or json")
	list.Flags().BoolVar(&jsonOut, "json", false, "print JSON (same as --format json)")
	_ = list.Flags().MarkDeprecated("json", "use --format json")

	lint := &cobra.Command{
		Use:   "lint [DIR]",
		Short: "Check a pack: metadata, unique ids, CEL types, strict Rego, a passing and a failing fixture per rule",
		Long: `Load the pack (which checks metadata, unique ids, CEL types and ids, and compiles Rego in
strict mode without network, file or clock built-ins) and report rules without a passing and
a failing fixture case, a legal reference or a remediation.

Exit codes: 0 clean; 1 lint findings; 4 the pack does not load.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			e, fx, ok := loadWithFixtures(args, stderr, code)
			if !ok {
				return nil
			}
			problems := engine.Lint(e.Rules(), fx)
			for _, p := range problems {
				say(stdout, "%s\n", p)
			}
			if len(problems) > 0 {
				*code = exitCompliance
				return nil
			}
			say(stdout, "%d rules, no problems\n", len(e.Rules()))
			return nil
		},
	}

	var run string
	test := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run the fixture cases of a pack; any unexpected or missing finding fails",
		Long: `Run every fixture case (YAML under testdata/ or named *_test.yaml): the input — a sample
document changed by the case, or a report file converted by ogi — must produce exactly the
expected findings of the case's rule.

Exit codes: 0 all pass; 1 a case fails; 4 the pack or a fixture does not load.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			pack, dir, err := packFor(args)
			if err != nil {
				writeErr(stderr, err)
				*code = exitUsage
				return nil
			}
			var filter *regexp.Regexp
			if run != "" {
				if filter, err = regexp.Compile(run); err != nil {
					writeErr(stderr, fmt.Errorf("--run: %w", err))
					*code = exitUsage
					return nil
				}
			}
			e, ok := loadPackFor(args, stderr, code)
			if !ok {
				return nil
			}
			lim := ingest.DefaultLimits()
			conv := func(p string) (*schema.Document, error) { return check.ConvertFile(context.Background(), p, lim) }
			if dir == "" {
				// The built-in fixtures' reports are embedded with the pack
				// (rules/testdata/reports), so the cases run from any
				// directory, not only from a checkout.
				conv = func(p string) (*schema.Document, error) {
					data, err := fs.ReadFile(pack.FS, p)
					if err != nil {
						return nil, err
					}
					return ingest.Convert(context.Background(), p, data, ingest.Options{Limits: lim})
				}
			}
			results, err := e.RunFixtures(pack.FS, dir, conv, filter)
			if err != nil {
				writeErr(stderr, err)
				*code = exitRules
				return nil
			}
			pass, fail := 0, 0
			*code = exitOK
			for _, r := range results {
				switch {
				case r.Error != "":
					fail++
					say(stdout, "ERROR %s / %s (%s): %s\n", r.Rule, r.Case, r.File, r.Error)
					*code = worse(*code, exitRules)
				case r.Pass:
					pass++
				default:
					fail++
					say(stdout, "FAIL  %s / %s (%s)\n", r.Rule, r.Case, r.File)
					for _, d := range r.Diffs {
						say(stdout, "        %s\n", d)
					}
					*code = worse(*code, exitCompliance)
				}
			}
			say(stdout, "%d passed, %d failed\n", pass, fail)
			return nil
		},
	}
	test.Flags().StringVar(&run, "run", "", "only cases of rules whose id matches this regular expression")

	var out string
	doc := &cobra.Command{
		Use:   "doc [DIR]",
		Short: "Write the Markdown catalog of a pack (metadata, legal basis, examples from the fixtures)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			e, fx, ok := loadWithFixtures(args, stderr, code)
			if !ok {
				return nil
			}
			text := engine.Catalog(e.Rules(), fx)
			if out == "" {
				out = stdoutName
			}
			if err := writeFileOutput(out, stdout, func(w io.Writer) error {
				_, err := io.WriteString(w, text)
				return err
			}); err != nil {
				say(stderr, "ogi: --out %s: %v\n", out, err)
				*code = exitOutput
			}
			return nil
		},
	}
	doc.Flags().StringVar(&out, "out", "", "write to FILE instead of standard output")
	cmd.AddCommand(list, lint, test, doc)
	return cmd
}

// loadWithFixtures loads a pack and its fixtures, setting the exit code
// when either fails.
func loadWithFixtures(args []string, stderr io.Writer, code *int) (*engine.Engine, map[string][]engine.FixtureFile, bool) {
	e, ok := loadPackFor(args, stderr, code)
	if !ok {
		return nil, nil, false
	}
	pack, _, _ := packFor(args)
	fx, err := engine.LoadFixtures(pack.FS)
	if err != nil {
		writeErr(stderr, err)
		*code = exitRules
		return nil, nil, false
	}
	return e, fx, true
}

func loadPackFor(args []string, stderr io.Writer, code *int) (*engine.Engine, bool) {
	pack, _, err := packFor(args)
	if err != nil {
		writeErr(stderr, err)
		*code = exitUsage
		return nil, false
	}
	e, err := engine.New([]engine.Pack{pack}, engine.Options{})
	if err != nil {
		say(stderr, "ogi: cannot load rules:\n%v\n", err)
		*code = exitRules
		return nil, false
	}
	return e, true
}

// listedRule is one entry of `ogi rules list --format json`: what a script
// needs to pick rules, without the rule text. Its fields are a contract;
// add, do not rename.
type listedRule struct {
	ID        string      `json:"id"`
	Title     engine.Text `json:"title"`
	Severity  string      `json:"severity"`
	Category  string      `json:"category"`
	Points    float64     `json:"points"`
	Templates []string    `json:"templates"`
	Language  string      `json:"language"`
	File      string      `json:"file"`
	Line      int         `json:"line"`
}

// listedRules sorts by id so that the output does not depend on the order
// packs were loaded or walked in.
func listedRules(rs []*engine.Rule) []listedRule {
	out := make([]listedRule, 0, len(rs))
	for _, r := range rs {
		t := r.Templates
		if t == nil {
			t = []string{}
		}
		out = append(out, listedRule{ID: r.ID, Title: r.Title, Severity: r.Severity, Category: r.Category,
			Points: r.Points, Templates: t, Language: r.Lang, File: r.File, Line: r.Line})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
