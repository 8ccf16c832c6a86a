package brief

import (
	"math"
	"strconv"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// Value is a figure read from one report: a number, or the reason there is
// none (the status of the first operand that is not a number, and what the
// cell says).
type Value struct {
	Value  *float64 `json:"value"`
	Status string   `json:"status"`
	Raw    string   `json:"raw,omitempty"`
}

// Metric names a figure or a rate of the brief.
type Metric struct {
	ID string `json:"id"`
	// Name is what is counted; Cells says where the table prints it.
	Name  engine.Text `json:"name"`
	Cells engine.Text `json:"cells"`
}

// Figure is one key count of this year against last year's.
type Figure struct {
	Metric
	This Value `json:"this"`
	Last Value `json:"last"`
	// Change is this year minus last year, when both are numbers.
	Change *float64 `json:"change"`
	// ChangePct is the change in percent of last year's figure, rounded to
	// one decimal; nil when either is missing or PctGuarded.
	ChangePct *float64 `json:"change_pct"`
	// PctGuarded: last year's figure is below MinCount, so no percentage.
	PctGuarded bool `json:"pct_guarded"`
}

// cellID names one cell of table 3 ("requests") or table 4 ("review").
type cellID struct{ table, row, col string }

type figureDef struct {
	id    string
	name  engine.Text
	cells []cellID
	// where overrides the label made from cells, for sums over groups.
	where engine.Text
}

func req(row string) cellID { return cellID{"requests", row, "total"} }

// The figures of the brief, in the order an officer reads table 3 and 4.
var figureDefs = []figureDef{
	{"new_received", engine.Text{Zh: "新收申请", En: "New requests"}, []cellID{req("new_received")}, engine.Text{}},
	{"carried_over", engine.Text{Zh: "上年结转", En: "Carried over from last year"}, []cellID{req("carried_over")}, engine.Text{}},
	{"total_handled", engine.Text{Zh: "办结", En: "Handled"}, []cellID{req("total_handled")}, engine.Text{}},
	{"carried_forward", engine.Text{Zh: "结转下年", En: "Carried forward to next year"}, []cellID{req("carried_forward")}, engine.Text{}},
	{"reconsideration", engine.Text{Zh: "行政复议", En: "Administrative reconsideration"},
		[]cellID{{"review", "reconsideration", "total"}}, engine.Text{}},
	{"litigation", engine.Text{Zh: "行政诉讼", En: "Administrative litigation"},
		[]cellID{{"review", "litigation_direct", "total"}, {"review", "litigation_after_review", "total"}}, litigationWhere("总计")},
}

// litigationWhere names a column summed over table 4's two litigation
// groups.
func litigationWhere(col string) engine.Text {
	return engine.Text{Zh: "表四“行政诉讼”下“未经复议直接起诉”与“复议后起诉”两组的“" + col + "”之和",
		En: "table 4, “行政诉讼”: “" + col + "” of “未经复议直接起诉” plus “复议后起诉”"}
}

// cellLabel names a cell by its printed labels: 表三“（七）总计”行“总计”列.
func cellLabel(c cellID) engine.Text {
	if c.table == "requests" {
		row, col := engine.Label("requests.row", c.row), engine.Label("requests.col", c.col)
		return engine.Text{Zh: "表三“" + row + "”行“" + col + "”列", En: "table 3, row “" + row + "”, column “" + col + "”"}
	}
	g, col := engine.Label("review.group", c.row), engine.Label("review.col", c.col)
	return engine.Text{Zh: "表四“" + g + "”的“" + col + "”", En: "table 4, “" + g + "”, “" + col + "”"}
}

func cell(doc *schema.Document, c cellID) *schema.Cell {
	if doc == nil {
		return nil
	}
	var m map[string]map[string]*schema.Cell
	if c.table == "requests" {
		m = doc.Tables.Requests
	} else {
		m = doc.Tables.ReviewLitigation
	}
	return m[c.row][c.col]
}

// read sums the cells; any cell that is not a number makes the figure
// unknown rather than a partial sum.
func read(doc *schema.Document, cs []cellID) Value {
	var sum float64
	for _, c := range cs {
		x := cell(doc, c)
		if x == nil {
			return Value{Status: schema.StatusMissing}
		}
		if x.Value == nil || x.Status != schema.StatusNumber {
			return Value{Status: x.Status, Raw: x.Raw}
		}
		sum += *x.Value
	}
	return Value{Value: &sum, Status: schema.StatusNumber}
}

func figures(this, last *schema.Document, minCount int) []Figure {
	out := make([]Figure, 0, len(figureDefs))
	for _, d := range figureDefs {
		where := d.where
		if where.Zh == "" {
			where = cellLabel(d.cells[0])
		}
		f := Figure{Metric: Metric{ID: d.id, Name: d.name, Cells: where}, This: read(this, d.cells), Last: read(last, d.cells)}
		if f.This.Value != nil && f.Last.Value != nil {
			ch := *f.This.Value - *f.Last.Value
			f.Change = &ch
			if *f.Last.Value < float64(minCount) {
				f.PctGuarded = true
			} else {
				f.ChangePct = ptr(round1(ch / *f.Last.Value * 100))
			}
		}
		out = append(out, f)
	}
	return out
}

// RateValue is one year's correction rate: 结果纠正 over 总计.
type RateValue struct {
	Corrected Value `json:"corrected"`
	Total     Value `json:"total"`
	// Rate is in percent, rounded to one decimal; nil when a count is
	// missing or Guarded.
	Rate *float64 `json:"rate"`
	// Guarded: the total is below MinCount (样本过少).
	Guarded bool `json:"guarded"`
}

// Rate is a correction rate (纠错率) of this year against last year's.
type Rate struct {
	Metric
	This RateValue `json:"this"`
	Last RateValue `json:"last"`
	// ChangePoints is the difference in percentage points, when both
	// rates are given.
	ChangePoints *float64 `json:"change_points"`
}

type rateDef struct {
	id     string
	name   engine.Text
	groups []string
	where  engine.Text
}

var rateDefs = []rateDef{
	{"reconsideration_corrected", engine.Text{Zh: "行政复议纠错率", En: "Reconsideration correction rate"}, []string{"reconsideration"},
		engine.Text{Zh: "表四“行政复议”的“结果纠正”÷“总计”", En: "table 4, “行政复议”: “结果纠正” ÷ “总计”"}},
	{"litigation_corrected", engine.Text{Zh: "行政诉讼纠错率", En: "Litigation correction rate"}, []string{"litigation_direct", "litigation_after_review"},
		engine.Text{Zh: litigationWhere("结果纠正").Zh + "÷“总计”之和", En: litigationWhere("结果纠正").En + " ÷ the same of “总计”"}},
}

func groupCells(groups []string, col string) []cellID {
	out := make([]cellID, len(groups))
	for i, g := range groups {
		out[i] = cellID{"review", g, col}
	}
	return out
}

func rates(this, last *schema.Document, minCount int) ([]Rate, []engine.Text) {
	out := make([]Rate, 0, len(rateDefs))
	for _, d := range rateDefs {
		corr, tot := groupCells(d.groups, "corrected"), groupCells(d.groups, "total")
		r := Rate{Metric: Metric{ID: d.id, Name: d.name, Cells: d.where},
			This: rateValue(this, corr, tot, minCount), Last: rateValue(last, corr, tot, minCount)}
		if r.This.Rate != nil && r.Last.Rate != nil {
			r.ChangePoints = ptr(round1(*r.This.Rate - *r.Last.Rate))
		}
		out = append(out, r)
	}
	var notes []engine.Text
	for _, doc := range []struct {
		d      *schema.Document
		zh, en string
	}{{this, "本年", "this year's"}, {last, "上年", "last year's"}} {
		for _, g := range []string{"reconsideration", "litigation_direct", "litigation_after_review"} {
			if n, ok := totalOff(doc.d, g); ok {
				notes = append(notes, n.with(doc.zh, doc.en))
			}
		}
	}
	return out, notes
}

func rateValue(doc *schema.Document, corr, tot []cellID, minCount int) RateValue {
	v := RateValue{Corrected: read(doc, corr), Total: read(doc, tot)}
	if v.Corrected.Value == nil || v.Total.Value == nil {
		return v
	}
	if *v.Total.Value < float64(minCount) {
		v.Guarded = true
		return v
	}
	v.Rate = ptr(round1(*v.Corrected.Value / *v.Total.Value * 100))
	return v
}

// offNote is a table-4 group whose printed 总计 is not the sum of its
// results, before the year is named.
type offNote struct {
	group      string
	total, sum float64
}

func (n offNote) with(zh, en string) engine.Text {
	g := engine.Label("review.group", n.group)
	return engine.Text{
		Zh: zh + "表四“" + g + "”的“总计”为" + fmtNum(n.total) + "，而结果维持、结果纠正、其他结果、尚未审结之和为" + fmtNum(n.sum) + "；纠错率按表中所列总计计算。",
		En: "In " + en + " table 4, “" + g + "” prints 总计 " + fmtNum(n.total) + " but its results add up to " + fmtNum(n.sum) + "; rates use the printed total.",
	}
}

// totalOff reports a group whose printed total differs from the sum of its
// four results (all numbers).
func totalOff(doc *schema.Document, group string) (offNote, bool) {
	t := read(doc, []cellID{{"review", group, "total"}})
	parts := read(doc, groupCellsCols(group, "upheld", "corrected", "other", "pending"))
	if t.Value == nil || parts.Value == nil || *t.Value == *parts.Value {
		return offNote{}, false
	}
	return offNote{group: group, total: *t.Value, sum: *parts.Value}, true
}

func groupCellsCols(group string, cols ...string) []cellID {
	out := make([]cellID, len(cols))
	for i, c := range cols {
		out[i] = cellID{"review", group, c}
	}
	return out
}

func ptr(f float64) *float64 { return &f }

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func itoa(i int) string { return strconv.Itoa(i) }
