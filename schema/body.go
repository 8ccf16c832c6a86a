package schema

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// BodyKey normalises an agency name for matching a body across years and
// runs: compatibility forms folded (full-width letters and digits,
// brackets) and spaces dropped, as titles print them inconsistently.
func BodyKey(agency string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(agency)), "")
}
