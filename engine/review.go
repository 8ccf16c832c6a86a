package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Review verdicts: what an office decided about a finding after checking
// it against the report, and Reopened for a decision whose cells have
// changed since. Rectify is a confirmed finding sent for 整改 (整改中: it
// names who is responsible and by when); Rectified is 整改 done.
const (
	VerdictConfirmed = "confirmed"
	VerdictDismissed = "dismissed"
	VerdictRectify   = "rectify"
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
	// Owner is who is responsible for the 整改 (整改责任人), and Due its
	// deadline (整改期限, YYYY-MM-DD): required when the verdict is
	// Rectify, kept when it is Rectified and through a reopening.
	Owner string `json:"owner,omitempty" yaml:"owner,omitempty"`
	Due   string `json:"due,omitempty" yaml:"due,omitempty"`
}

// DueLayout is how Review.Due writes a date.
const DueLayout = "2006-01-02"

// ReviewError is a decision an office cannot record as it stands, said in
// both languages so that a page can show the officer's own.
type ReviewError struct{ Zh, En string }

func (e *ReviewError) Error() string { return e.Zh + " (" + e.En + ")" }

// CheckReview says what a decision to be recorded lacks: a known verdict
// (Reopened is ogi's, not an office's), a dismissal's reason, and for 整改
// its owner and a due date that is a real YYYY-MM-DD day. It returns nil
// or a *ReviewError.
func CheckReview(r Review) error {
	switch r.Verdict {
	case VerdictConfirmed, VerdictRectified:
	case VerdictDismissed:
		if strings.TrimSpace(r.Reason) == "" {
			return &ReviewError{"不成立需说明理由", "a dismissal needs its reason"}
		}
	case VerdictRectify:
		if strings.TrimSpace(r.Owner) == "" || strings.TrimSpace(r.Due) == "" {
			return &ReviewError{"整改需填写整改责任人和整改期限", "rectification needs who is responsible and a due date"}
		}
	default:
		return &ReviewError{fmt.Sprintf("核实结论 %q 不是 确认、不成立、整改中 或 已整改", r.Verdict),
			fmt.Sprintf("verdict %q is not confirmed, dismissed, rectify or rectified", r.Verdict)}
	}
	if r.Due != "" {
		if _, err := time.Parse(DueLayout, r.Due); err != nil {
			return &ReviewError{fmt.Sprintf("整改期限 %q 不是 年-月-日 格式的日期（如 2025-06-30）", r.Due),
				fmt.Sprintf("due date %q is not a YYYY-MM-DD date (such as 2025-06-30)", r.Due)}
		}
	}
	return nil
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
