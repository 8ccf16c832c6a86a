package assess

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/report"
)

func TestParseRosterErrors(t *testing.T) {
	for _, tc := range []struct{ name, csv, want string }{
		{"empty", "", "r.csv: empty roster"},
		{"no type column", "body\n甲\n", "r.csv:1: the header has no type column"},
		{"unknown column", "body,type,level\n甲,government,1\n", `r.csv:1: unknown column "level" (columns: body, parent, type, url, aggregate, tolerance)`},
		{"no bodies", "body,type\n", "r.csv: the roster lists no body"},
		{"no body", "body,type\n甲市人民政府,government\n,department\n", "r.csv:3: no body"},
		{"bad type", "body,type\n甲市人民政府,county\n", `r.csv:2: type "county" must be government, department or township`},
		{"duplicate", "body,type\n甲市人民政府,government\n乙局,department\n甲市 人民政府,government\n", `r.csv:4: body "甲市 人民政府" is already on line 2`},
		{"unknown parent", "body,parent,type\n甲市人民政府,,government\n乙局,丙市人民政府,department\n", `r.csv:3: parent "丙市人民政府" is not a body of the roster`},
		{"own parent", "body,parent,type\n甲市人民政府,甲市人民政府,government\n", `r.csv:2: body "甲市人民政府" is its own parent`},
		{"cycle", "body,parent,type\n甲区人民政府,乙区人民政府,government\n乙区人民政府,甲区人民政府,government\n", `r.csv:2: body "甲区人民政府" is below itself (its parents go round in a cycle)`},
		{"bad aggregate", "body,type,aggregate\n甲市人民政府,government,maybe\n", `r.csv:2: aggregate "maybe" must be true or false`},
		{"bad tolerance", "body,type,aggregate,tolerance\n甲市人民政府,government,true,-1\n", `r.csv:2: tolerance "-1" is not a number of 0 or more`},
		{"tolerance without aggregate", "body,type,tolerance\n甲市人民政府,government,2\n", `r.csv:2: tolerance "2" is for an aggregate report (aggregate=true)`},
		{"bad quote", "body,type\n\"甲市人民政府,government\n", `r.csv:2:32: extraneous or missing " in quoted-field`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRoster("r.csv", []byte(tc.csv))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
}

func TestParseRoster(t *testing.T) {
	ro, err := ParseRoster("r.csv", []byte("\uFEFFbody,parent,type,url,aggregate,tolerance\n甲市人民政府,,人民政府,http://a,是,0.5\n\n甲市教育局,甲市人民政府,department,,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	tol := 0.5
	want := []RosterBody{
		{Name: "甲市人民政府", Type: BodyGovernment, URL: "http://a", Aggregate: true, Tolerance: &tol, Line: 2, key: "甲市人民政府", parent: -1},
		{Name: "甲市教育局", Parent: "甲市人民政府", Type: BodyDepartment, Line: 4, key: "甲市教育局", parent: 0},
	}
	if !reflect.DeepEqual(ro.Bodies, want) {
		t.Errorf("bodies %+v\nwant %+v", ro.Bodies, want)
	}
}

// coverageRun assesses the inputs with a roster and returns the coverage
// and the JSON lines.
func coverageRun(t *testing.T, roster string, years []int, args ...string) (*report.Coverage, []report.FileReport) {
	t.Helper()
	return coverageRunWith(t, nil, roster, years, args...)
}

// coverageRunWith is coverageRun with a checker of the test's.
func coverageRunWith(t *testing.T, chk *check.Checker, roster string, years []int, args ...string) (*report.Coverage, []report.FileReport) {
	t.Helper()
	ro, err := ReadRoster(roster)
	if err != nil {
		t.Fatal(err)
	}
	in, err := Expand(args)
	if err != nil {
		t.Fatal(err)
	}
	jl := filepath.Join(t.TempDir(), "out.jsonl")
	out := runBatch(t, Sorted(in), Options{Checker: chk, Roster: ro, Years: years, Outputs: specs(t, "jsonl="+jl)})
	f, err := os.Open(jl)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	var frs []report.FileReport
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var fr report.FileReport
		if err := json.Unmarshal(sc.Bytes(), &fr); err != nil {
			t.Fatal(err)
		}
		frs = append(frs, fr)
	}
	return out.Coverage, frs
}

func specs(t *testing.T, args ...string) []report.Spec {
	t.Helper()
	s, err := report.ParseSpecs(args)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// covRow is a coverage row as the tests compare it.
type covRow struct{ body, status, files, note string }

func rowsOf(c *report.Coverage) []covRow {
	var out []covRow
	for _, r := range c.Rows {
		out = append(out, covRow{r.Body, r.Status, strings.Join(r.Files, " "), r.Note.Zh})
	}
	return out
}

// The roster over the corpus for 2019: one body has no 2019 report (its
// 2020 one is in the batch) and one is dated after its deadline.
func TestRosterCoverageCorpus(t *testing.T) {
	cov, _ := coverageRun(t, "testdata/roster/corpus.csv", []int{2019}, "../testdata/seeds", "../testdata/real", "testdata/roster/late")
	want := []covRow{
		{"平潭综合实验区", "published", "../testdata/real/pingtan-2019.txt", ""},
		{"临港区宣传文化办公室", "published", "../testdata/seeds/000_80384ef52a1d3930.txt", ""},
		{"天津市静海区人民政府办公室", "published", "../testdata/seeds/001_1dc63dd6a21548ca.txt", "报告未注明落款日期，无法判断是否按期发布"},
		{"威海市科学技术局", "published", "../testdata/seeds/002_a141446f969544e3.txt", ""},
		{"威海市教育局", "late", "testdata/roster/late/weihai-education-2019.txt", "落款日期2020-02-20，晚于规定期限2020-01-31"},
		{"威海市文登区信访局", "missing", "", "批次中没有该单位本年度的报告；名册网址：http://www.wendeng.gov.cn/"},
	}
	if got := rowsOf(cov); !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
	if got, want := cov.Summary(), "6 bodies: 4 published, 1 missing, 1 late"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if cov.Rows[4].Type != BodyDepartment || cov.Rows[0].Type != BodyGovernment || !reflect.DeepEqual(cov.Years, []int{2019}) {
		t.Errorf("types %q %q, years %v", cov.Rows[4].Type, cov.Rows[0].Type, cov.Years)
	}
}

// Late is judged by the batch's jurisdiction, as timeliness.deadline
// judges it: under 岳阳's rules a department has until the end of
// February, so the report dated 2020-02-20 is on time.
func TestRosterLateByJurisdiction(t *testing.T) {
	p, err := jurisdiction.Resolve("yueyang", "")
	if err != nil {
		t.Fatal(err)
	}
	chk := newChecker(t, check.Options{Engine: engine.Options{Jurisdiction: p}})
	cov, _ := coverageRunWith(t, chk, "testdata/roster/corpus.csv", []int{2019}, "../testdata/seeds", "../testdata/real", "testdata/roster/late")
	if got := rowsOf(cov)[4]; got.body != "威海市教育局" || got.status != "published" {
		t.Errorf("under yueyang: %+v, want 威海市教育局 published", got)
	}
}

// A report posted again with one byte changed is a second version of the
// body's report for the year.
func TestRosterTwoVersions(t *testing.T) {
	cov, _ := coverageRun(t, "testdata/roster/corpus.csv", []int{2019}, "../testdata/seeds", "testdata/roster/versions", "testdata/roster/late/weihai-education-2019.txt")
	got := rowsOf(cov)[1]
	want := covRow{"临港区宣传文化办公室", "versions", "../testdata/seeds/000_80384ef52a1d3930.txt testdata/roster/versions/lingang-2019-reposted.txt",
		"同一单位同一年度有2个内容不同的版本"}
	if got != want {
		t.Errorf("row %q, want %q", got, want)
	}
	// The same bytes twice (one file in two folders) is one version.
	dir := t.TempDir()
	data, err := os.ReadFile("../testdata/seeds/000_80384ef52a1d3930.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "copy.txt"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	cov, _ = coverageRun(t, "testdata/roster/corpus.csv", []int{2019}, "../testdata/seeds/000_80384ef52a1d3930.txt", dir)
	if r := cov.Rows[1]; r.Status != report.CoveragePublished || len(r.Files) != 2 {
		t.Errorf("one version in two files: %+v", r)
	}
}

// The aggregate report of 示例市 against its districts: 新收 5 against
// 1 + 5 + 1 (丁区 matched through the manifest's body column), 办结 4
// against 0 + 4 + 0, and 丙区 without a report.
func TestRosterAggregate(t *testing.T) {
	for _, tc := range []struct {
		name, tolerance string
		// edit changes the roster's text.
		edit func(string) string
		want []string
	}{
		{"at least the sum", "", nil, []string{
			"coverage.aggregate_child_missing info 提示：下级单位2019年度报告缺少或无法核对，未计入本行政区域汇总核对：示例市丙区人民政府（未公开）",
			"coverage.aggregate_total error 本行政区域报告表三“本年新收申请”总计5件，少于下级单位合计7件（示例市甲区人民政府 1件、示例市乙区人民政府 5件、示例市丁区人民政府 1件） requests.new_received.total 7 5",
		}},
		{"equal within 1", "1", nil, []string{
			"coverage.aggregate_child_missing info 提示：下级单位2019年度报告缺少或无法核对，未计入本行政区域汇总核对：示例市丙区人民政府（未公开）",
			"coverage.aggregate_total error 本行政区域报告表三“本年新收申请”总计5件，与下级单位合计7件相差超过允许误差1件（示例市甲区人民政府 1件、示例市乙区人民政府 5件、示例市丁区人民政府 1件） requests.new_received.total 7 5",
		}},
		{"equal within 2", "2", nil, []string{
			"coverage.aggregate_child_missing info 提示：下级单位2019年度报告缺少或无法核对，未计入本行政区域汇总核对：示例市丙区人民政府（未公开）",
		}},
		{"a grandchild below a district without an aggregate report counts", "", func(s string) string {
			return strings.Replace(s, "示例市丁区人民政府,示例市人民政府", "示例市丁区人民政府,示例市乙区人民政府", 1)
		}, []string{
			"coverage.aggregate_child_missing info 提示：下级单位2019年度报告缺少或无法核对，未计入本行政区域汇总核对：示例市丙区人民政府（未公开）",
			"coverage.aggregate_total error 本行政区域报告表三“本年新收申请”总计5件，少于下级单位合计7件（示例市甲区人民政府 1件、示例市乙区人民政府 5件、示例市丁区人民政府 1件） requests.new_received.total 7 5",
		}},
		{"an aggregate district stands for its children", "", func(s string) string {
			s = strings.Replace(s, "示例市丁区人民政府,示例市人民政府", "示例市丁区人民政府,示例市乙区人民政府", 1)
			return strings.Replace(s, "示例市乙区人民政府,示例市人民政府,government,", "示例市乙区人民政府,示例市人民政府,government,true", 1)
		}, []string{
			"coverage.aggregate_child_missing info 提示：下级单位2019年度报告缺少或无法核对，未计入本行政区域汇总核对：示例市丙区人民政府（未公开）",
			"coverage.aggregate_total error 本行政区域报告表三“本年新收申请”总计5件，少于下级单位合计6件（示例市甲区人民政府 1件、示例市乙区人民政府 5件） requests.new_received.total 6 5",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			roster := "testdata/roster/aggregate/roster.csv"
			if tc.tolerance != "" || tc.edit != nil {
				data, err := os.ReadFile(roster)
				if err != nil {
					t.Fatal(err)
				}
				if tc.tolerance != "" {
					data = []byte(strings.Replace(strings.Replace(string(data), "aggregate\n", "aggregate,tolerance\n", 1), ",true\n", ",true,"+tc.tolerance+"\n", 1))
				}
				if tc.edit != nil {
					data = []byte(tc.edit(string(data)))
				}
				roster = filepath.Join(t.TempDir(), "roster.csv")
				if err := os.WriteFile(roster, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cov, frs := coverageRun(t, roster, nil, "testdata/roster/aggregate/manifest.csv")
			var got []string
			for _, fr := range frs {
				for _, f := range fr.Findings {
					if !strings.HasPrefix(f.Rule, "coverage.") {
						continue
					}
					if fr.Agency != "示例市人民政府" {
						t.Errorf("%s: %s on a child", fr.File, f.Rule)
					}
					s := f.Rule + " " + f.Severity + " " + f.Message.Zh
					for _, c := range f.Cells {
						s += " " + c.Address()
					}
					if f.Expected != nil {
						s += " " + num(*f.Expected) + " " + num(*f.Actual)
					}
					got = append(got, s)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings\n%q\nwant\n%q", got, tc.want)
			}
			wantRows := []covRow{
				{"示例市人民政府", "published", "testdata/roster/aggregate/city.txt", "报告未注明落款日期，无法判断是否按期发布"},
				{"示例市甲区人民政府", "published", "testdata/roster/aggregate/district-a.txt", ""},
				{"示例市乙区人民政府", "published", "testdata/roster/aggregate/district-b.txt", "报告未注明落款日期，无法判断是否按期发布"},
				{"示例市丙区人民政府", "missing", "", "批次中没有该单位本年度的报告"},
				{"示例市丁区人民政府", "published", "testdata/roster/aggregate/district-d.txt", ""},
			}
			if got := rowsOf(cov); !reflect.DeepEqual(got, wantRows) {
				t.Errorf("rows\n%q\nwant\n%q", got, wantRows)
			}
		})
	}
}

// Reports the roster does not list, and unreadable ones the manifest names,
// are rows of the coverage too.
func TestRosterOffRosterAndUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	man := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(man, []byte("file,agency,year\nempty.txt,威海市文登区信访局,2019\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cov, _ := coverageRun(t, "testdata/roster/corpus.csv", []int{2019}, man, "../testdata/seeds/002_a141446f969544e3.txt", "testdata/roster/aggregate/district-a.txt")
	got := rowsOf(cov)
	want := []covRow{
		{"平潭综合实验区", "missing", "", "批次中没有该单位本年度的报告；名册网址：https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"},
		{"临港区宣传文化办公室", "missing", "", "批次中没有该单位本年度的报告"},
		{"天津市静海区人民政府办公室", "missing", "", "批次中没有该单位本年度的报告"},
		{"威海市科学技术局", "published", "../testdata/seeds/002_a141446f969544e3.txt", ""},
		{"威海市教育局", "missing", "", "批次中没有该单位本年度的报告"},
		{"威海市文登区信访局", "unreadable", filepath.ToSlash(filepath.Join(dir, "empty.txt")), "文件没有任何文字（空文件，或只有图片）"},
		{"示例市甲区人民政府", "off_roster", "testdata/roster/aggregate/district-a.txt", "名册中没有与报告机关对应的单位"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows\n%q\nwant\n%q", got, want)
	}
}
