package report

import (
	"encoding/json"
	"io"
	"iter"
	"slices"
)

// WriteJSONL writes one line of JSON per report: streaming consumers read
// a report as soon as it is written.
func WriteJSONL(w io.Writer, out *CheckOutput) error {
	return writeJSONL(w, slices.Values(out.Reports))
}

var jsonlFormat = &Format{Name: "jsonl", Help: "one JSON report per line, each written as soon as it is checked",
	Write: func(w io.Writer, src *Source) error { return writeJSONL(w, reportsOf(src.reports(false))) }}

func writeJSONL(w io.Writer, reports iter.Seq[FileReport]) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for r := range reports {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
