package assess

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/fileread"
)

// maxReviewBytes bounds the reviewed workbook read back: a few MB for
// thousands of findings; the bound stops a device or a runaway file, and
// the unzip limits stop a zip bomb.
const (
	maxReviewBytes     = 64 << 20
	maxReviewUnzipped  = 512 << 20
	maxReviewSheetXML  = 64 << 20
	reviewSheetZh      = "问题清单"
	reviewSheetEn      = "Findings"
	reviewIDHeaderZh   = "问题编号"
	reviewIDHeaderEn   = "Finding ID"
	reviewVerdictZh    = "核实结论"
	reviewVerdictEn    = "Verdict"
	reviewNoteZh       = "说明"
	reviewNoteEn       = "Note"
	reviewRectifiedZh  = "整改状态"
	reviewRectifiedEn  = "Rectification status"
	reviewRectifiedYes = "已整改"
	reviewAgainZh      = "需重新核实"
	reviewAgainEn      = "to review again"
)

// verdicts maps what an officer writes in the verdict column to a verdict.
var verdicts = map[string]string{
	"确认": engine.VerdictConfirmed, "属实": engine.VerdictConfirmed, "成立": engine.VerdictConfirmed, "confirmed": engine.VerdictConfirmed,
	"不成立": engine.VerdictDismissed, "不属实": engine.VerdictDismissed, "dismissed": engine.VerdictDismissed,
	"已整改": engine.VerdictRectified, "rectified": engine.VerdictRectified,
}

// ReviewRow is one decision read from an edited 问题清单.
type ReviewRow struct {
	// ID is the finding's ID (engine.FindingID) from the 问题编号 column.
	ID      string
	Verdict string
	Reason  string
	// Row is the sheet row, for messages.
	Row int
}

// ReadReview reads the decisions an office wrote into the 问题清单 sheet of
// a workbook ogi wrote (zh or en headers): every row with a 问题编号 and a
// 核实结论 (确认, 不成立 or 已整改; 整改状态 已整改 also counts as
// rectified). A dismissal needs its reason in 说明. Rows without a verdict
// are skipped; a verdict that is not one of these, or a dismissal without
// a reason, is an error naming the file, sheet, row and column.
func ReadReview(path string) ([]ReviewRow, error) {
	data, err := fileread.Read(path, maxReviewBytes)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxReviewUnzipped, UnzipXMLSizeLimit: maxReviewSheetXML})
	if err != nil {
		return nil, fmt.Errorf("%s: not a workbook: %w", path, err)
	}
	defer func() { _ = f.Close() }()
	sheet := ""
	for _, s := range f.GetSheetList() {
		if s == reviewSheetZh || s == reviewSheetEn {
			sheet = s
			break
		}
	}
	if sheet == "" {
		return nil, fmt.Errorf("%s: no sheet %s (or %s): review the 问题清单 of a workbook ogi wrote", path, reviewSheetZh, reviewSheetEn)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", path, sheet, err)
	}
	defer func() { _ = rows.Close() }()
	col := map[string]int{}
	noteCol := -1
	var out []ReviewRow
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, fmt.Errorf("%s: %s row %d: %w", path, sheet, n, err)
		}
		if n == 1 {
			for i, h := range cells {
				col[strings.TrimSpace(h)] = i
			}
			if _, ok := pick(col, reviewIDHeaderZh, reviewIDHeaderEn); !ok {
				return nil, fmt.Errorf("%s: %s: no %s column in the header row", path, sheet, reviewIDHeaderZh)
			}
			v, ok := pick(col, reviewVerdictZh, reviewVerdictEn)
			if !ok {
				return nil, fmt.Errorf("%s: %s: no %s column in the header row", path, sheet, reviewVerdictZh)
			}
			// The reason is the 说明 beside the verdict: the sheet may have
			// another 说明 column (the finding's message) before it.
			for i, h := range cells {
				if h := strings.TrimSpace(h); (h == reviewNoteZh || h == reviewNoteEn) && (noteCol < v || i > v && i < noteCol) {
					noteCol = i
				}
			}
			continue
		}
		get := func(zh, en string) string {
			if i, ok := pick(col, zh, en); ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		id, said := get(reviewIDHeaderZh, reviewIDHeaderEn), get(reviewVerdictZh, reviewVerdictEn)
		note := ""
		if noteCol >= 0 && noteCol < len(cells) {
			note = strings.TrimSpace(cells[noteCol])
		}
		if said == "" && get(reviewRectifiedZh, reviewRectifiedEn) == reviewRectifiedYes {
			said = reviewRectifiedYes
		}
		if id == "" || said == "" || said == reviewAgainZh || strings.EqualFold(said, reviewAgainEn) {
			// Nothing decided, or ogi's own mark on a decision whose cells changed.
			continue
		}
		where := func() string {
			i, _ := pick(col, reviewVerdictZh, reviewVerdictEn)
			name, _ := excelize.CoordinatesToCellName(i+1, n)
			return fmt.Sprintf("%s: %s!%s", path, sheet, name)
		}
		v, ok := verdicts[strings.ToLower(said)]
		if !ok {
			return nil, fmt.Errorf("%s: %s %q is not 确认, 不成立 or 已整改", where(), reviewVerdictZh, said)
		}
		if v == engine.VerdictDismissed && note == "" {
			return nil, fmt.Errorf("%s: 不成立 needs its reason in %s", where(), reviewNoteZh)
		}
		if identity, values := engine.SplitFindingID(id); identity == "" || values == "" {
			return nil, fmt.Errorf("%s: %s %q is not a finding ID ogi wrote", where(), reviewIDHeaderZh, id)
		}
		out = append(out, ReviewRow{ID: id, Verdict: v, Reason: note, Row: n})
	}
	return out, rows.Error()
}

func pick(col map[string]int, names ...string) (int, bool) {
	for _, n := range names {
		if i, ok := col[n]; ok {
			return i, true
		}
	}
	return 0, false
}

// decisionsFrom turns review rows into the checker's decisions.
func decisionsFrom(rows []ReviewRow, by, at string) []check.Decision {
	out := make([]check.Decision, len(rows))
	for i, r := range rows {
		identity, values := engine.SplitFindingID(r.ID)
		out[i] = check.Decision{Identity: identity, Values: values, Review: engine.Review{Verdict: r.Verdict, Reason: r.Reason, By: by, At: at}}
	}
	return out
}
