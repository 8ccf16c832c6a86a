package main

import (
	"cmp"
	"context"
	"io"
	"maps"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/gold"
	"github.com/ogi-checker/ogi/schema"
)

func newEvalCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	o := checkOptions{}
	var verbose bool
	cmd := &cobra.Command{
		Use:   "eval MANIFEST",
		Short: "Measure ogi on a gold set: cell accuracy, finding precision and recall",
		Long: `Convert and check every report a gold manifest lists, compare each table cell with the
value recorded as published and the findings with those that must and must not fire, and
print cell accuracy, precision and recall (see testdata/gold/manifest.yaml for the format).
The rules, their selection, overrides and the limits come from the same configuration as
'ogi check' (flags, OGI_*, .ogi.yaml or --config FILE): eval measures what check would do.

Exit codes: 0 all figures 100%; 1 something differs (listed with --verbose); 2 usage or
configuration error;
3 the manifest cannot be read; 4 a rule could not be compiled.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, ok := configure(cmd, &o, stderr); !ok {
				*code = exitUsage
				return nil
			}
			m, err := gold.Load(args[0])
			if err != nil {
				writeErr(stderr, err)
				*code = exitInput
				return nil
			}
			eng, err := loadEngine(&o)
			if err != nil {
				*code = loadFailure(err, stderr)
				return nil
			}
			conv := func(p string) (*schema.Document, error) {
				ctx := context.Background()
				if o.Limits.Timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, o.Limits.Timeout)
					defer cancel()
				}
				return check.ConvertFile(ctx, p, o.Limits)
			}
			met := gold.Evaluate(m, filepath.Dir(args[0]), conv, eng)
			say(stdout, "reports      %d\n", met.Reports)
			say(stdout, "cell accuracy %.2f%%  (%d of %d cells, %d wrong values)\n", 100*met.CellAccuracy(), met.CellsCorrect, met.Cells, met.CellsWrong)
			// A manifest whose reports name their format (the rendered
			// corpus) gets the figures per format too.
			if byFormat := gold.EvaluateByFormat(m, filepath.Dir(args[0]), conv, eng); len(byFormat) > 1 || byFormat[""].Reports == 0 {
				for _, f := range slices.Sorted(maps.Keys(byFormat)) {
					fm := byFormat[f]
					say(stdout, "  %-16s %d reports, cell accuracy %.2f%% (%d of %d cells, %d wrong values)\n",
						cmp.Or(f, "(no format)"), fm.Reports, 100*fm.CellAccuracy(), fm.CellsCorrect, fm.Cells, fm.CellsWrong)
				}
			}
			say(stdout, "precision    %.2f%%  (%d right, %d false)\n", 100*met.Precision(), met.TP, met.FP)
			say(stdout, "recall       %.2f%%  (%d found, %d missed)\n", 100*met.Recall(), met.TP, met.FN)
			if verbose || len(met.Mismatches) <= 20 {
				for _, s := range met.Mismatches {
					say(stdout, "  %s\n", s)
				}
			} else {
				say(stdout, "  %d differences (--verbose lists them)\n", len(met.Mismatches))
			}
			if !met.Perfect() {
				*code = exitCompliance
			}
			return nil
		},
	}
	addSettingFlags(cmd.Flags(), groupRules, groupLimits)
	o.Limits = ingest.DefaultLimits()
	cmd.Flags().BoolVar(&verbose, "verbose", false, "list every difference")
	return cmd
}
