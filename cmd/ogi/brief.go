package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/brief"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/schema"
)

func newBriefCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var format, lang, out string
	var minCount int
	var threshold float64
	lim := ingest.DefaultLimits()
	cmd := &cobra.Command{
		Use:   "brief THIS_YEAR LAST_YEAR | brief PATH...",
		Short: "Year-on-year brief per body: key figures, narrative shared with last year, follow-up of last year's problems",
		Long: `Compare a body's report with its report for the year before (同比简报):

  - the key figures of tables 3 and 4 (新收申请, 上年结转, 办结, 结转下年, 行政复议,
    行政诉讼) with their change, and the correction rates (纠错率: 结果纠正 over 总计);
    a percent change needs last year's figure and a rate its total to be at least
    --min-count (default 10), otherwise the brief says 样本过少;
  - how much of the narrative (sections 一, 五, 六) is last year's text, with the
    shared passages quoted;
  - whether section 五 takes up the problems and measures last year's section 五
    stated: a heuristic over shared wording that shows its evidence.

With two report files the first is this year's and the second last year's. Otherwise
the arguments are what assess takes (files, directories, globs, CSV manifests) and each
report is paired with the same body's report for the year before as assess pairs them
(normalised name, a place prefix allowed, or the manifest's body column); reports
without one are listed at the end.

Exit codes: 0 briefs written; 2 usage error; 3 an input could not be read or converted
(the others are still briefed); 5 the output could not be written.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			*code = exitOK
			write, ok := briefWriters[format]
			var usage error
			switch {
			case lang != "zh" && lang != "en":
				usage = fmt.Errorf("--lang must be zh or en, not %q", lang)
			case !ok:
				usage = fmt.Errorf("--format must be text, markdown or json, not %q", format)
			case minCount < 1:
				usage = fmt.Errorf("--min-count must be at least 1, not %d", minCount)
			case threshold <= 0 || threshold > 1:
				usage = fmt.Errorf("--similarity-threshold must be above 0 and at most 1, not %v", threshold)
			}
			if usage != nil {
				writeErr(stderr, usage)
				*code = exitUsage
				return nil
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			opts := brief.Options{MinCount: minCount, Threshold: threshold}
			var set *brief.Set
			if pairArgs(args) {
				set = briefPair(ctx, args[0], args[1], lim, opts, stderr, code)
			} else {
				set = briefBatch(ctx, args, lim, opts, stderr, code)
			}
			if set == nil {
				return nil
			}
			var buf bytes.Buffer
			if err := write(&buf, set, lang); err != nil {
				writeErr(stderr, err)
				*code = exitOutput
				return nil
			}
			var err error
			if out == "" || out == "-" {
				_, err = stdout.Write(buf.Bytes())
			} else {
				err = atomicfile.WriteFile(out, buf.Bytes())
			}
			if err != nil {
				*code = worse(*code, exitOutput)
				say(stderr, "ogi: --out %s: %v\n", out, unwrapPathError(err))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, markdown or json")
	cmd.Flags().StringVar(&lang, "lang", "zh", "language of the text and markdown output: zh or en")
	cmd.Flags().StringVar(&out, "out", "", "write to FILE (replaced only once complete) instead of standard output")
	cmd.Flags().IntVar(&minCount, "min-count", brief.DefaultMinCount, "smallest count a percent change or a correction rate is computed from")
	cmd.Flags().Float64Var(&threshold, "similarity-threshold", engine.DefaultSimilarityThreshold, "narrative overlap (0-1) at which the two years count as the same text (内容雷同)")
	addLimitFlags(cmd, &lim)
	return cmd
}

var briefWriters = map[string]func(io.Writer, *brief.Set, string) error{
	"text":     brief.WriteText,
	"markdown": brief.WriteMarkdown,
	"json":     func(w io.Writer, s *brief.Set, _ string) error { return brief.WriteJSON(w, s) },
}

// pairArgs: two report files (not directories, globs or manifests) are
// THIS_YEAR LAST_YEAR.
func pairArgs(args []string) bool {
	if len(args) != 2 {
		return false
	}
	for _, a := range args {
		if strings.ContainsAny(a, "*?[") || strings.HasSuffix(strings.ToLower(a), ".csv") {
			return false
		}
		if st, err := os.Stat(a); err != nil || st.IsDir() {
			return false
		}
	}
	return true
}

func briefPair(ctx context.Context, thisFile, lastFile string, lim ingest.Limits, opts brief.Options, stderr io.Writer, code *int) *brief.Set {
	this, err1 := check.ConvertFile(ctx, thisFile, lim)
	last, err2 := check.ConvertFile(ctx, lastFile, lim)
	for _, err := range []error{err1, err2} {
		if err != nil {
			writeErr(stderr, err)
			*code = exitInput
		}
	}
	if *code != exitOK {
		return nil
	}
	ty, ly := docYear(this), docYear(last)
	if ty != 0 && ly != 0 && ty <= ly {
		*code = exitUsage
		say(stderr, "ogi: brief THIS_YEAR LAST_YEAR: %s is %d and %s is %d; give this year's report first\n", thisFile, ty, lastFile, ly)
		return nil
	}
	if !assess.SameBody(this.Meta.Agency, last.Meta.Agency) {
		say(stderr, "ogi: warning: %s (%s) and %s (%s) do not look like the same body\n", thisFile, this.Meta.Agency, lastFile, last.Meta.Agency)
	}
	return &brief.Set{Briefs: []*brief.Brief{brief.Build(this, last, thisFile, lastFile, opts)}, Unpaired: []brief.Side{}}
}

func briefBatch(ctx context.Context, args []string, lim ingest.Limits, opts brief.Options, stderr io.Writer, code *int) *brief.Set {
	items, ok := expandArgs(args, stderr)
	if !ok {
		*code = exitUsage
		return nil
	}
	var docs []*schema.Document
	var files, bodies []string
	var years []int
	for _, it := range items {
		doc, err := check.ConvertFile(ctx, it.File, lim)
		if err != nil {
			writeErr(stderr, err)
			*code = worse(*code, exitInput)
			continue
		}
		if it.Agency != "" {
			doc.Meta.Agency = it.Agency
		}
		if it.Year != 0 {
			y := it.Year
			doc.Meta.Year = &y
		}
		body := it.Body
		if body == "" {
			body = doc.Meta.Agency
		}
		docs, files, bodies, years = append(docs, doc), append(files, it.File), append(bodies, body), append(years, docYear(doc))
	}
	set := &brief.Set{Briefs: []*brief.Brief{}, Unpaired: []brief.Side{}}
	for i, j := range assess.PreviousYear(bodies, years) {
		if j < 0 {
			set.Unpaired = append(set.Unpaired, brief.Side{File: files[i], Agency: docs[i].Meta.Agency, Year: years[i]})
			continue
		}
		set.Briefs = append(set.Briefs, brief.Build(docs[i], docs[j], files[i], files[j], opts))
	}
	return set
}

func docYear(doc *schema.Document) int {
	if doc.Meta.Year == nil {
		return 0
	}
	return *doc.Meta.Year
}
