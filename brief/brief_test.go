package brief

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

// doc is a 2021-template document with the given table-3 and table-4
// totals set (row id, or group.col → value; a negative value leaves the cell
// blank) and the problems section.
func doc(year int, req, rev map[string]float64, problems string) *schema.Document {
	d := schema.NewDocument(schema.Template2021)
	d.Meta.Agency, d.Meta.Year = "某县人民政府", &year
	set := func(c *schema.Cell, v float64) {
		if v < 0 {
			*c = schema.Cell{Status: schema.StatusBlank}
			return
		}
		*c = schema.Cell{Value: &v, Raw: fmtNum(v), Status: schema.StatusNumber, Confidence: 1}
	}
	for row, v := range req {
		set(d.Tables.Requests[row]["total"], v)
	}
	for key, v := range rev {
		group, col, _ := strings.Cut(key, ".")
		set(d.Tables.ReviewLitigation[group][col], v)
	}
	if problems != "" {
		d.Sections = append(d.Sections, schema.Section{ID: "problems", Heading: "五、存在的主要问题及改进情况", Text: problems})
	}
	return d
}

func figure(t *testing.T, b *Brief, id string) Figure {
	t.Helper()
	for _, f := range b.Figures {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no figure %s", id)
	return Figure{}
}

// TestMinCountGuard: no percentage from a base below MinCount and no rate
// from a total below it; at the bound they are given; a cell that is not a
// number gives no figure and no change.
func TestMinCountGuard(t *testing.T) {
	cases := []struct {
		name              string
		minCount          int
		lastNew, thisNew  float64
		recTotal, recCorr float64
		wantPct           *float64
		wantRate          *float64
		wantPctGuarded    bool
		wantRateGuarded   bool
	}{
		{"below default", 0, 9, 18, 9, 3, nil, nil, true, true},
		{"at default", 0, 10, 15, 10, 3, p(50), p(30), false, false},
		{"lowered to 3", 3, 3, 4, 3, 1, p(33.3), p(33.3), false, false},
		{"raised to 20", 20, 19, 38, 19, 1, nil, nil, true, true},
		{"zero last year", 0, 0, 5, 0, 0, nil, nil, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			last := doc(2023, map[string]float64{"new_received": c.lastNew}, nil, "")
			this := doc(2024, map[string]float64{"new_received": c.thisNew},
				map[string]float64{"reconsideration.total": c.recTotal, "reconsideration.corrected": c.recCorr}, "")
			b := Build(this, last, "a", "b", Options{MinCount: c.minCount})
			f := figure(t, b, "new_received")
			if f.Change == nil || *f.Change != c.thisNew-c.lastNew || !eqp(f.ChangePct, c.wantPct) || f.PctGuarded != c.wantPctGuarded {
				t.Errorf("new_received: change %v pct %v guarded %v; want pct %v guarded %v", fp(f.Change), fp(f.ChangePct), f.PctGuarded, fp(c.wantPct), c.wantPctGuarded)
			}
			r := b.Rates[0].This
			if !eqp(r.Rate, c.wantRate) || r.Guarded != c.wantRateGuarded {
				t.Errorf("reconsideration rate %v guarded %v; want %v guarded %v", fp(r.Rate), r.Guarded, fp(c.wantRate), c.wantRateGuarded)
			}
		})
	}
	t.Run("blank cell", func(t *testing.T) {
		last := doc(2023, map[string]float64{"new_received": -1}, nil, "")
		this := doc(2024, map[string]float64{"new_received": 40}, nil, "")
		f := figure(t, Build(this, last, "a", "b", Options{}), "new_received")
		if f.Last.Value != nil || f.Last.Status != schema.StatusBlank || f.Change != nil || f.ChangePct != nil || f.PctGuarded {
			t.Errorf("blank last year: %+v", f)
		}
		if f := figure(t, Build(this, last, "a", "b", Options{}), "litigation"); f.This.Status != schema.StatusMissing {
			t.Errorf("missing table 4 cells: status %q, want missing", f.This.Status)
		}
	})
}

// A hand-made 第五部分 pair: last year states two problems and three
// measures; this year names last year, takes up the first problem in
// other words, repeats the first measure verbatim, mentions the second
// measure's subject in passing and says nothing of the rest.
const (
	lastProblems = "2023年，我县政府信息公开工作取得一定成效，但仍存在一些不足：一是政策解读形式较为单一，图解和视频解读偏少；二是基层政务公开标准目录更新不及时。" +
		"下一步，我县将从以下方面改进：一是丰富政策解读形式，每项重要政策同步推出图解或视频解读，提高政策知晓度和群众满意度。" +
		"二是建立基层标准目录季度更新机制，由县政务公开办每季度组织核查。三是加强依申请公开答复文书审核，聘请法律顾问参与疑难件办理。"
	thisProblems = "对照2023年报告提出的问题，我县已在全部重要政策发布时同步推出图解和视频解读，政策解读形式更加丰富。" +
		"今年仍存在政务新媒体运维管理不够规范的问题。下一步，我县将：一是丰富政策解读形式，每项重要政策同步推出图解或视频解读，提高政策知晓度和群众满意度。" +
		"二是完善政务新媒体管理制度，并结合基层目录开展检查。"
)

func TestFollowUpHeuristic(t *testing.T) {
	last := doc(2023, nil, nil, lastProblems)
	this := doc(2024, nil, nil, thisProblems)
	f := Build(this, last, "a", "b", Options{}).FollowUp
	type want struct{ kind, text, status string }
	wants := []want{
		{KindProblem, "政策解读形式较为单一，图解和视频解读偏少", StatusFollowed},
		{KindProblem, "基层政务公开标准目录更新不及时", StatusPartial},
		{KindMeasure, "丰富政策解读形式，每项重要政策同步推出图解或视频解读，提高政策知晓度和群众满意度", StatusRepeated},
		{KindMeasure, "建立基层标准目录季度更新机制，由县政务公开办每季度组织核查", StatusNotFound},
		{KindMeasure, "加强依申请公开答复文书审核，聘请法律顾问参与疑难件办理", StatusNotFound},
	}
	var got []want
	for _, it := range f.Items {
		got = append(got, want{it.Kind, it.Text, it.Status})
	}
	if !reflect.DeepEqual(got, wants) {
		t.Errorf("items:\n got %q\nwant %q", got, wants)
	}
	if f.RefersBack != "对照2023年报告提出的问题，我县已在全部重要政策发布时同步推出图解和视频解读，政策解读形式更加丰富。" {
		t.Errorf("refers back = %q", f.RefersBack)
	}
	if len(f.Items) > 0 {
		first := f.Items[0]
		if !reflect.DeepEqual(first.Terms, []string{"图解和视频解读", "政策解读形式"}) ||
			first.Evidence != "对照2023年报告提出的问题，我县已在全部重要政策发布时同步推出图解和视频解读，政策解读形式更加丰富。" {
			t.Errorf("evidence of the first item: terms %q, sentence %q", first.Terms, first.Evidence)
		}
	}
	if f.Followed != 1 || f.Partial != 1 || f.Repeated != 1 || f.NotFound != 2 || f.TooShort != 0 {
		t.Errorf("counts %d %d %d %d %d", f.Followed, f.Partial, f.Repeated, f.NotFound, f.TooShort)
	}
}

// TestFollowUpMissing: without last year's section there is nothing to
// follow up, and the brief says so rather than judging nothing as done.
func TestFollowUpMissing(t *testing.T) {
	f := Build(doc(2024, nil, nil, thisProblems), doc(2023, nil, nil, ""), "a", "b", Options{}).FollowUp
	if !f.LastMissing || f.ThisMissing || len(f.Items) != 0 {
		t.Errorf("last year without section V: %+v", f)
	}
}

func TestExtractItems(t *testing.T) {
	cases := []struct {
		text string
		want []rawItem
	}{
		{"工作取得一定成效，但对照上级要求仍有差距。如依申请公开规范性有待提高、政务公开队伍建设有待加强等。针对存在问题，将：一是优化流程。二是加强培训。",
			[]rawItem{{KindProblem, "依申请公开规范性有待提高"}, {KindProblem, "政务公开队伍建设有待加强"},
				{KindMeasure, "优化流程"}, {KindMeasure, "加强培训"}}},
		{"（一）存在的主要问题:政策解读形式不够丰富。（二）改进措施：丰富解读形式。拓宽公开渠道。",
			[]rawItem{{KindProblem, "政策解读形式不够丰富"}, {KindMeasure, "丰富解读形式"}, {KindMeasure, "拓宽公开渠道"}}},
		{"本年度无。", []rawItem{{KindProblem, "本年度无"}}},
		{"", nil},
	}
	for _, c := range cases {
		if got := extractItems(c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("extractItems(%q) =\n %q\nwant %q", c.text, got, c.want)
		}
	}
}
