package report

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the check output as indented JSON (see check.schema.json).
func WriteJSON(w io.Writer, out *CheckOutput) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
