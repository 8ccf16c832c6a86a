package report

import (
	"encoding/json"
	"io"
)

// WriteJSONL writes one line of JSON per report: streaming consumers read
// a report as soon as it is written.
func WriteJSONL(w io.Writer, out *CheckOutput) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range out.Reports {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
