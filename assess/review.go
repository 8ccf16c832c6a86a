package assess

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

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
	reviewRectifiedYes = "已整改"
	reviewRectifyingZh = "整改中"
	reviewOwnerZh      = "整改责任人"
	reviewOwnerEn      = "Owner"
	reviewDueZh        = "整改期限"
	reviewDueEn        = "Due"
	reviewAgainZh      = "需重新核实"
	reviewAgainEn      = "to review again"
)

// The English headers of 整改状态, 整改责任人 and 整改期限: what ogi writes
// now first, then what earlier versions wrote, so that their workbooks
// still read.
var (
	reviewProgressHeaders = []string{reviewRectifiedZh, "Progress", "Rectification status"}
	reviewOwnerHeaders    = []string{reviewOwnerZh, reviewOwnerEn, "Responsible"}
	reviewDueHeaders      = []string{reviewDueZh, reviewDueEn, "Deadline"}
)

// reviewProgress maps what an officer writes in 整改状态 to the verdict it makes
// of a confirmed (or not yet decided) finding; 未整改 makes none.
var reviewProgress = map[string]string{
	reviewRectifyingZh: engine.VerdictRectify, "in progress": engine.VerdictRectify,
	reviewRectifiedYes: engine.VerdictRectified, "rectified": engine.VerdictRectified,
}

// verdicts maps what an officer writes in the verdict column to a verdict.
var verdicts = map[string]string{
	"确认": engine.VerdictConfirmed, "属实": engine.VerdictConfirmed, "成立": engine.VerdictConfirmed, "confirmed": engine.VerdictConfirmed,
	"不成立": engine.VerdictDismissed, "不属实": engine.VerdictDismissed, "dismissed": engine.VerdictDismissed,
	"整改中": engine.VerdictRectify, "rectify": engine.VerdictRectify,
	"已整改": engine.VerdictRectified, "rectified": engine.VerdictRectified,
}

// ReviewRow is one decision read from an edited 问题清单.
type ReviewRow struct {
	// ID is the finding's ID (engine.FindingID) from the 问题编号 column.
	ID      string
	Verdict string
	Reason  string
	// Owner and Due are the 整改责任人 and 整改期限 (YYYY-MM-DD).
	Owner, Due string
	// Row is the sheet row, for messages.
	Row int
}

// ReadReview reads the decisions an office wrote into the 问题清单 sheet of
// a workbook ogi wrote (zh or en headers): every row with a 问题编号 and a
// 核实结论 (确认, 不成立, 整改中 or 已整改). 整改状态 makes a confirmed or
// undecided finding 整改中 (sent for 整改) or 已整改; 整改中 needs its
// 整改责任人 and 整改期限 (a date: 2025-06-30, 2025/6/30, 2025年6月30日
// or a date cell), which are read when the columns are there and kept with
// any verdict. A dismissal needs its reason in 说明. Rows without a verdict
// are skipped; a verdict that is not one of these, a dismissal without a
// reason, or 整改 without its owner or date is an error naming the file,
// sheet, row and column.
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
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
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
		// Raw values: a date typed into 整改期限 is a day number whose
		// formatted text depends on the cell's format; text is the same.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
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
		get := func(names ...string) string {
			if i, ok := pick(col, names...); ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		id, said := get(reviewIDHeaderZh, reviewIDHeaderEn), get(reviewVerdictZh, reviewVerdictEn)
		note := ""
		if noteCol >= 0 && noteCol < len(cells) {
			note = strings.TrimSpace(cells[noteCol])
		}
		if id == "" || said == reviewAgainZh || strings.EqualFold(said, reviewAgainEn) {
			// Nothing decided, or ogi's own mark on a decision whose cells changed.
			continue
		}
		at := func(names ...string) string {
			i, _ := pick(col, names...)
			name, _ := excelize.CoordinatesToCellName(i+1, n)
			return fmt.Sprintf("%s: %s!%s", path, sheet, name)
		}
		where := func() string { return at(reviewVerdictZh, reviewVerdictEn) }
		v := ""
		if said != "" {
			var ok bool
			if v, ok = verdicts[strings.ToLower(said)]; !ok {
				return nil, fmt.Errorf("%s: %s %q is not 确认, 不成立 or 已整改 (整改中 with its 整改责任人 and 整改期限)", where(), reviewVerdictZh, said)
			}
		}
		if p, ok := reviewProgress[strings.ToLower(get(reviewProgressHeaders...))]; ok && (v == "" || v == engine.VerdictConfirmed) {
			v = p
		}
		if v == "" {
			continue
		}
		if v == engine.VerdictDismissed && note == "" {
			return nil, fmt.Errorf("%s: 不成立 needs its reason in %s", where(), reviewNoteZh)
		}
		if identity, values := engine.SplitFindingID(id); identity == "" || values == "" {
			return nil, fmt.Errorf("%s: %s %q is not a finding ID ogi wrote", where(), reviewIDHeaderZh, id)
		}
		owner, dueText := get(reviewOwnerHeaders...), get(reviewDueHeaders...)
		due, ok := reviewDate(dueText, date1904)
		if !ok {
			return nil, fmt.Errorf("%s: %s %q is not a date (年-月-日, such as 2025-06-30)", at(reviewDueHeaders...), reviewDueZh, dueText)
		}
		if v == engine.VerdictRectify {
			for _, need := range []struct {
				val     string
				headers []string
			}{{owner, reviewOwnerHeaders}, {due, reviewDueHeaders}} {
				if need.val != "" {
					continue
				}
				if _, ok := pick(col, need.headers...); !ok {
					return nil, fmt.Errorf("%s: %s: 整改中 needs %s, and the sheet has no %s column", where(), sheet, need.headers[0], need.headers[0])
				}
				return nil, fmt.Errorf("%s: 整改中 needs its %s", at(need.headers...), need.headers[0])
			}
		}
		out = append(out, ReviewRow{ID: id, Verdict: v, Reason: note, Owner: owner, Due: due, Row: n})
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
		out[i] = check.Decision{Identity: identity, Values: values, Review: engine.Review{Verdict: r.Verdict, Reason: r.Reason, By: by, At: at,
			Owner: r.Owner, Due: r.Due}}
	}
	return out
}

// reviewDateText is a date as officers type it: 2025-06-30, 2025/6/30,
// 2025.6.30, 2025年6月30日.
var reviewDateText = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)

// reviewDate gives a 整改期限 cell as YYYY-MM-DD: typed text, or the day
// number of a date cell (read raw; date1904 is the workbook's epoch).
// Empty is no date; false is not a date.
func reviewDate(s string, date1904 bool) (string, bool) {
	if s == "" {
		return "", true
	}
	if m := reviewDateText.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
			return "", false // 2025-02-30 is not a day
		}
		return t.Format(engine.DueLayout), true
	}
	// Day numbers of years 1990 to 2199: anything else in a date column is
	// a typo, not a date.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 32874 && f < 109575 {
		t, err := excelize.ExcelDateToTime(f, date1904)
		if err == nil {
			return t.Format(engine.DueLayout), true
		}
	}
	return "", false
}
