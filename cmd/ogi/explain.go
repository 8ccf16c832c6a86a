package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
)

func newExplainCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	o := checkOptions{}
	cmd := &cobra.Command{
		Use:   "explain RULE FILE",
		Short: "Re-evaluate one rule on one report and show every operand, its cell and source line, and why",
		Long: `Show how a rule reached its result on a report: whether it applies (template, when), and for
each item of its for_each the operand cells with their values, raw text, status and source
line, the assertion's value, and the expected and actual numbers.

The rules, their selection (enable, disable), overrides, cannot_evaluate_severity, the
profile and the limits come from the same configuration as 'ogi check' (flags, OGI_*,
.ogi.yaml or --config FILE), so explain shows the rule check runs; a rule the configuration
leaves out is an error naming the entry that does.

Exit codes: 0 shown; 2 unknown or disabled rule, configuration or usage error; 3 the report
cannot be read; 4 the rules do not load.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, ok := configure(cmd, &o, stderr)
			if !ok {
				*code = exitUsage
				return nil
			}
			eng, err := loadEngine(&o)
			if err != nil {
				*code = loadFailure(err, stderr)
				return nil
			}
			r, ok := eng.Rule(args[0])
			if !ok {
				say(stderr, "ogi: %s\n", noRuleReason(args[0], eng.Loaded(), &o, cfg))
				*code = exitUsage
				return nil
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if o.Limits.Timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, o.Limits.Timeout)
				defer cancel()
			}
			doc, err := check.ConvertFile(ctx, args[1], o.Limits)
			if err != nil {
				writeErr(stderr, err)
				*code = exitInput
				return nil
			}
			tr := eng.Explain(doc, r)
			say(stdout, "%s — %s / %s\n%s:%d (%s), severity %s, category %s\n", r.ID, r.Title.Zh, r.Title.En, r.File, r.Line, r.Lang, r.Severity, r.Category)
			say(stdout, "result: %s\n", tr.Result.Status)
			if !tr.Applies {
				say(stdout, "not applicable: %s\n", tr.Why)
				return nil
			}
			if tr.Why != "" {
				say(stdout, "%s\n", tr.Why)
			}
			for _, it := range tr.Items {
				head := "item"
				if it.Item != "" {
					head += " " + it.Item
				}
				verdict := "holds"
				switch {
				case it.Err != "":
					verdict = "cannot be computed: " + it.Err
				case !it.Holds:
					verdict = "FAILS"
				}
				say(stdout, "\n%s: %s\n", head, verdict)
				for _, c := range it.Operands {
					v := "—"
					if c.Value != nil {
						v = strconv.FormatFloat(*c.Value, 'f', -1, 64)
					}
					line := ""
					if c.Source != nil && c.Source.Line > 0 {
						line = " line " + strconv.Itoa(c.Source.Line)
						if c.Source.Page > 0 {
							line += " page " + strconv.Itoa(c.Source.Page)
						}
					}
					say(stdout, "  %s.%s.%s = %s  (raw %q, %s, confidence %.2f%s)\n", c.Table, c.Row, c.Col, v, c.Raw, c.Status, c.Confidence, line)
				}
				if it.Expected != nil && it.Actual != nil {
					say(stdout, "  expected %s, actual %s\n", strconv.FormatFloat(*it.Expected, 'f', -1, 64), strconv.FormatFloat(*it.Actual, 'f', -1, 64))
				}
			}
			for _, f := range tr.Result.Findings {
				say(stdout, "\nfinding (%s, %s): %s\n", f.Status, f.Severity, f.Message.Zh)
			}
			return nil
		},
	}
	addSettingFlags(cmd.Flags(), groupRules, groupLimits)
	o.Limits = ingest.DefaultLimits()
	return cmd
}

// noRuleReason says why a rule id is not among the rules check would run:
// no loaded pack has it, or the configuration's enable or disable leaves it
// out (named with its file and line).
func noRuleReason(id string, loaded []*engine.Rule, o *checkOptions, cfg *config) string {
	var rule *engine.Rule
	for _, r := range loaded {
		if r.ID == id {
			rule = r
		}
	}
	if rule == nil {
		return fmt.Sprintf("no rule %q (see ogi rules list)", id)
	}
	one := []*engine.Rule{rule}
	for _, p := range o.Disable {
		if engine.MatchesAny(one, p) {
			return fmt.Sprintf("rule %q is disabled by disable: %s (%s), so check does not run it", id, p, o.ruleRefWhere("disable", p))
		}
	}
	return fmt.Sprintf("rule %q is not in enable: %s (%s), so check does not run it", id, strings.Join(o.Enable, ", "), cfg.values["enable"].Source)
}
