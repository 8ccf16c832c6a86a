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

var jsonFormat = checkFormat("json", "the whole run as one JSON document (see ogi schema check)",
	func(w io.Writer, out *CheckOutput, _ *Source) error { return WriteJSON(w, out) })
