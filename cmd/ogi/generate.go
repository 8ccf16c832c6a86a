package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/internal/render"
	"github.com/ogi-checker/ogi/schema"
)

func newGenerateCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var count int
	var seed int64
	var rate float64
	var out string
	cmd := &cobra.Command{
		Use:   "generate [BASE...] --out DIR",
		Short: "Write synthetic reports in mixed layouts with recorded errors (for tests and benchmarks)",
		Long: `Write --count reports derived from the BASE reports (converted by ogi; without BASE, complete
sample documents of both templates) in rotating layouts — tab, HTML, DOCX, |, markdown, one
cell per line — with controlled errors in a share of them (--error-rate): a table cell off by
some amount, a blank or 无 cell, a heading variant, a missing 落款 date. DIR/manifest.csv lists
each file with its layout and the errors put into it. The same --seed gives the same files.`,
		RunE: func(_ *cobra.Command, args []string) error {
			if out == "" || count <= 0 {
				say(stderr, "ogi: generate needs --out DIR and a positive --count\n")
				*code = exitUsage
				return nil
			}
			var bases []*schema.Document
			for _, a := range args {
				doc, err := check.ConvertFile(context.Background(), a, ingest.DefaultLimits())
				if err != nil {
					writeErr(stderr, err)
					*code = exitInput
					return nil
				}
				bases = append(bases, doc)
			}
			if len(bases) == 0 {
				bases = []*schema.Document{engine.SampleDocument("2019"), engine.SampleDocument("2021")}
			}
			gen, err := render.Generate(bases, count, seed, rate)
			if err != nil {
				writeErr(stderr, err)
				*code = exitUsage
				return nil
			}
			if err := writeGenerated(out, gen); err != nil {
				say(stderr, "ogi: --out %s: %v\n", out, err)
				*code = exitOutput
				return nil
			}
			say(stdout, "%s\n", fmt.Sprintf("%d reports in %s", len(gen), out))
			return nil
		},
	}
	cmd.Flags().IntVar(&count, "count", 100, "number of reports")
	cmd.Flags().Int64Var(&seed, "seed", 1, "random seed")
	cmd.Flags().Float64Var(&rate, "error-rate", 0.3, "share of reports that get errors")
	cmd.Flags().StringVar(&out, "out", "", "output directory")
	return cmd
}

// writeGenerated writes the reports and then the manifest, each file
// renamed into place once complete: a manifest is never left listing
// reports that were not written.
func writeGenerated(dir string, gen []render.Generated) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, g := range gen {
		if err := atomicfile.WriteFile(filepath.Join(dir, g.Name), g.Data); err != nil {
			return err
		}
	}
	return writeFileOutput(filepath.Join(dir, "manifest.csv"), nil, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"file", "layout", "errors"})
		for _, g := range gen {
			_ = cw.Write([]string{g.Name, g.Format, strings.Join(g.Errors, "; ")})
		}
		cw.Flush()
		return cw.Error()
	})
}
