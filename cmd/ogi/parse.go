package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/ingest"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/schema"
)

func newParseCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var compact bool
	var outDir, format string
	lim := ingest.DefaultLimits()
	cmd := &cobra.Command{
		Use:   "parse FILE...",
		Short: "Convert reports to canonical JSON",
		Long: `Convert each report (text, HTML, DOCX, PDF or canonical JSON) into the canonical
JSON document described by 'ogi schema'. Without --out the documents are printed:
indented, or one per line with --compact. With --out DIR each is written to
DIR/<file name>.json, replaced only once complete; inputs with one base name
(a/r.txt, b/r.txt) get r.txt.json, r.txt-2.json in the order given.

Exit codes: 0 all converted; 2 usage error; 3 an input could not be read or converted,
or holds no report (a scan without a text layer, an empty file, a text that is not an
annual report): no document is printed for it; 5 a document could not be written
(one line per cause). The worst wins: 2 > 5 > 3 > 0.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			switch format {
			case "auto", "text", "html", "docx", "pdf", "json":
			default:
				*code = exitUsage
				return fmt.Errorf("--format must be auto, text, html, docx, pdf or json, not %q", format)
			}
			if outDir != "" {
				if err := os.MkdirAll(outDir, 0o755); err != nil {
					*code = exitOutput
					say(stderr, "ogi: --out %s: %v\n", outDir, unwrapPathError(err))
					return nil
				}
			}
			*code = exitOK
			names := outfile.PageNames(files, ".json")
			fails := newFailures(stderr)
			for i, f := range files {
				opts := ingest.Options{Limits: lim}
				ctx := cmd.Context()
				if ctx == nil {
					ctx = context.Background()
				}
				if format != "auto" {
					opts.Format = format
				}
				doc, err := convertWith(ctx, f, opts)
				if err != nil {
					writeErr(stderr, err)
					*code = worse(*code, exitInput)
					continue
				}
				data, err := encodeDocument(doc, compact)
				if err != nil {
					writeErr(stderr, fmt.Errorf("%s: %w", f, err))
					*code = worse(*code, exitInput)
					continue
				}
				if outDir == "" {
					if _, err := stdout.Write(data); err != nil {
						fails.Add("standard output: %v", err)
						*code = worse(*code, exitOutput)
					}
					continue
				}
				if err := atomicfile.WriteFile(filepath.Join(outDir, names[i]), data); err != nil {
					fails.Add("--out %s: %v", outDir, unwrapPathError(err))
					*code = worse(*code, exitOutput)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&compact, "compact", false, "one JSON document per line")
	cmd.Flags().StringVar(&outDir, "out", "", "write DIR/<file>.json instead of printing")
	cmd.Flags().StringVar(&format, "format", "auto", "input format: auto, text, html, docx, pdf or json")
	addLimitFlags(cmd, &lim)
	return cmd
}

// encodeDocument renders a document deterministically: map keys sorted,
// Chinese and <> left readable.
func encodeDocument(doc *schema.Document, compact bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if !compact {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func convertWith(ctx context.Context, path string, opts ingest.Options) (*schema.Document, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.Format == "" {
		return check.ConvertFile(ctx, path, opts.Limits)
	}
	data, err := check.ReadInput(path, opts.Limits)
	if err != nil {
		return nil, err
	}
	return ingest.Convert(ctx, path, data, opts)
}
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
