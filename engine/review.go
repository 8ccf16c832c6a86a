package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Review verdicts: what an office decided about a finding after checking
// it against the report, and Reopened for a decision whose cells have
// changed since.
const (
	VerdictConfirmed = "confirmed"
	VerdictDismissed = "dismissed"
	VerdictRectified = "rectified"
	VerdictReopened  = "reopened"
)

// Review is an office's decision on a finding, kept across runs.
type Review struct {
	Verdict string `json:"verdict" yaml:"verdict"`
	Reason  string `json:"reason,omitempty" yaml:"reason,omitempty"`
	By      string `json:"by,omitempty" yaml:"by,omitempty"`
	// At is when the decision was recorded (RFC 3339).
	At string `json:"at,omitempty" yaml:"at,omitempty"`
	// Was is the verdict a reopened finding had before its cells changed.
	Was string `json:"was,omitempty" yaml:"was,omitempty"`
}

// FindingID identifies a finding across runs: the rule, the report's body
// and year, the item and the cells it points at (its identity), then a
// digest of those cells' values. Two runs over the same report give the
// same ID; a report whose cell changed gives the findings on that cell the
// same identity with another value digest, so a decision about them can be
// reopened rather than silently carried over. body is the normalised body
// name (schema.BodyKey).
func FindingID(f Finding, body string, year int) string {
	cells := make([]string, len(f.Cells))
	values := make([]string, len(f.Cells))
	for i, c := range f.Cells {
		cells[i] = c.Address()
		v := c.Raw
		if c.Value != nil {
			v = strconv.FormatFloat(*c.Value, 'g', -1, 64)
		}
		values[i] = c.Address() + "=" + c.Status + ":" + v
	}
	sort.Strings(cells)
	sort.Strings(values)
	id := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%s", f.Rule, body, year, f.Item, strings.Join(cells, "\x00"))))
	val := sha256.Sum256([]byte(strings.Join(values, "\x00")))
	return hex.EncodeToString(id[:6]) + "-" + hex.EncodeToString(val[:3])
}

// SplitFindingID gives a FindingID's identity and value digest.
func SplitFindingID(id string) (identity, values string) {
	identity, values, _ = strings.Cut(id, "-")
	return identity, values
}
