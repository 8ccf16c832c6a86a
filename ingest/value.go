package ingest

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/ogi-checker/ogi/schema"
)

// placeholders are the marks reports put in numeric cells instead of a
// number. They are never read as 0: whether "无" means zero is a judgement
// for the rules, not for the converter.
var placeholders = map[string]bool{
	"无": true, "/": true, "-": true, "—": true, "——": true, "―": true, "--": true,
	"×": true, "x": true, "X": true, "－": true, "–": true, "_": true, "、": true,
	"暂无": true, "空": true, "/ ": true, "\\": true, "一": true,
}

var (
	reInt       = regexp.MustCompile(`^[+-]?\d+$`)
	reThousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)
	reDecimal   = regexp.MustCompile(`^\d+\.\d+$|^\d+$|^\.\d+$`)
	reRemark    = regexp.MustCompile(`^([+-]?[\d,.]+)\s*([(（].*[)）])$`)
	reDelta     = regexp.MustCompile(`^(增加|增|减少|减|新增|\+|-)\s*([\d,]+)\s*(项|件|个)?$`)
	reMoney     = regexp.MustCompile(`^([\d,]+(?:\.\d+)?)\s*(万元|元|亿元)?$`)
	reMeasure   = regexp.MustCompile(`^(\d+)\s*(件|项|个|条|次)$`)
)

// parsed is the converter's reading of one cell's text.
type parsed struct {
	value  *float64
	status string
	unit   string
	remark string
}

// parseValue reads a numeric cell written as raw under a column of the given
// kind. headerUnit is the unit the column header states (e.g. 万元), if any.
func parseValue(raw, kind, headerUnit string) parsed {
	if allDigits(raw) && (len(raw) == 1 || raw[0] != '0') && kind != schema.KindMoney {
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			return num(v, "")
		}
	}
	s := strings.TrimSpace(fold(raw))
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return parsed{status: schema.StatusBlank}
	}
	if placeholders[s] || isDashRun(s) {
		return parsed{status: schema.StatusPlaceholder}
	}
	var remark string
	if m := reRemark.FindStringSubmatch(s); m != nil {
		s = m[1]
		// Keep the remark as written, not width-folded.
		if o := reRemark.FindStringSubmatch(strings.TrimSpace(raw)); o != nil {
			remark = o[2]
		} else {
			remark = m[2]
		}
	}
	switch kind {
	case schema.KindMoney:
		return parseMoney(s, headerUnit, remark)
	case schema.KindDelta:
		if m := reDelta.FindStringSubmatch(s); m != nil {
			v, ok := number(m[2])
			if !ok {
				break
			}
			if strings.HasPrefix(m[1], "减") || m[1] == "-" {
				v = -v
			}
			return num(v, remark)
		}
	}
	compactNum := strings.ReplaceAll(s, " ", "")
	if reInt.MatchString(compactNum) || reThousands.MatchString(compactNum) || reDecimal.MatchString(compactNum) {
		if v, ok := number(compactNum); ok {
			return num(v, remark)
		}
	}
	// Counts written with a measure word: 18件, 3 项.
	if m := reMeasure.FindStringSubmatch(s); m != nil {
		if v, ok := number(m[1]); ok {
			return num(v, remark)
		}
	}
	return parsed{status: schema.StatusText}
}

func parseMoney(s, headerUnit, remark string) parsed {
	m := reMoney.FindStringSubmatch(strings.ReplaceAll(s, " ", ""))
	if m == nil {
		return parsed{status: schema.StatusText}
	}
	v, ok := number(m[1])
	if !ok {
		return parsed{status: schema.StatusText}
	}
	unit := m[2]
	if unit == "" {
		unit = headerUnit
	}
	switch unit {
	case "元":
		v /= 10000
	case "亿元":
		v *= 10000
	}
	v = round6(v)
	p := num(v, remark)
	p.unit = "万元"
	return p
}

func number(s string) (float64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	s = strings.TrimPrefix(s, "+")
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

func num(v float64, remark string) parsed {
	return parsed{value: &v, status: schema.StatusNumber, remark: remark}
}

// round6 removes float noise from unit conversion (251000元 → 25.1 万元).
func round6(v float64) float64 {
	return math.Round(v*1e6) / 1e6
}

func isDashRun(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("-—―－–_/", r) {
			return false
		}
	}
	return true
}

// isValueText reports whether a cell's text reads as a table value (number,
// signed delta, money, placeholder or blank) rather than a label.
func isValueText(s string) bool {
	if allDigits(s) {
		return true
	}
	// Without a digit only a placeholder or a blank can be a value; this
	// settles every label without running the value grammar.
	if !strings.ContainsAny(s, "0123456789０１２３４５６７８９") {
		t := strings.TrimSpace(fold(s))
		return t == "" || placeholders[t] || isDashRun(t)
	}
	// A value's Chinese is a unit, a measure word, 增/减 or a bracketed
	// remark; any other Chinese makes it a label (1.属于国家秘密).
	if !valueHan(s) {
		return false
	}
	p := parseValue(s, schema.KindMoney, "")
	if p.status != schema.StatusText {
		return true
	}
	return parseValue(s, schema.KindDelta, "").status != schema.StatusText
}

// valueHan reports whether every Han character of s can occur in a value.
func valueHan(s string) bool {
	inRemark := false
	for _, r := range s {
		switch r {
		case '(', '（':
			inRemark = true
		case ')', '）':
			inRemark = false
		}
		if inRemark || r < 0x3400 {
			continue
		}
		if !strings.ContainsRune("万元亿件项个条次增减加少新", r) && unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
