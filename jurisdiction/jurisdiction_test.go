package jurisdiction

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinProfiles(t *testing.T) {
	if got := strings.Join(Names(), ","); got != "huaihua,statute,suqian,yueyang" {
		t.Fatalf("built-in profiles: %s", got)
	}
	for _, n := range Names() {
		p, _ := Builtin(n)
		if p.Name != n || p.Title.Zh == "" || p.Title.En == "" {
			t.Errorf("%s: name %q, title %+v", n, p.Name, p.Title)
		}
		// Only the statute is law; the local ones are examples.
		if p.Example != (n != StatuteName) {
			t.Errorf("%s: example = %v", n, p.Example)
		}
		for k, d := range p.Deadlines {
			if d.Bodies.En == "" || d.Source.En == "" {
				t.Errorf("%s: deadline %s lacks English", n, k)
			}
		}
		if p.Filing.Required && (p.Filing.To.En == "" || p.Filing.Source.En == "") {
			t.Errorf("%s: filing lacks English", n)
		}
	}
	for _, b := range BodyTypes {
		if _, ok := Statute().Deadlines[b]; !ok {
			t.Errorf("the statute sets no deadline for %s: a profile could fall back to nothing", b)
		}
	}
}

func TestDeadlineFor(t *testing.T) {
	yy, _ := Builtin("yueyang")
	hh, _ := Builtin("huaihua")
	sq, _ := Builtin("suqian")
	tests := []struct {
		p          *Profile
		body       string
		year       int
		date, from string
		zh         string
	}{
		{Statute(), Department, 2021, "2022-01-31", "statute", "2022年1月31日"},
		{Statute(), Government, 2021, "2022-03-31", "statute", "2022年3月31日"},
		{Statute(), Township, 2021, "2022-03-31", "statute", "2022年3月31日"},
		{Statute(), Unknown, 2021, "2022-03-31", "statute", "2022年3月31日"},
		{nil, Department, 2021, "2022-01-31", "statute", "2022年1月31日"},
		{yy, Government, 2021, "2022-02-20", "yueyang", "2022年2月20日"},
		{yy, Department, 2021, "2022-02-28", "yueyang", "2022年2月28日"},
		{yy, Department, 2023, "2024-02-29", "yueyang", "2024年2月29日"},
		// 岳阳 sets no township date: the statute's.
		{yy, Township, 2021, "2022-03-31", "statute", "2022年3月31日"},
		{hh, Department, 2021, "2022-01-28", "huaihua", "2022年1月28日"},
		{hh, Township, 2021, "2022-02-20", "huaihua", "2022年2月20日"},
		{hh, Government, 2021, "2022-03-31", "statute", "2022年3月31日"},
		// Unknown: the latest date any body type has.
		{hh, Unknown, 2021, "2022-03-31", "statute", "2022年3月31日"},
		{yy, Unknown, 2021, "2022-03-31", "statute", "2022年3月31日"},
		{sq, Department, 2021, "2022-01-31", "statute", "2022年1月31日"},
		// No year: no date to compare with.
		{yy, Department, 0, "", "yueyang", ""},
	}
	for _, tc := range tests {
		r := tc.p.DeadlineFor(tc.body)
		name := tc.body
		if tc.p != nil {
			name = tc.p.Name + "/" + tc.body
		}
		if got := r.Date(tc.year); got != tc.date {
			t.Errorf("%s %d: date %q, want %q", name, tc.year, got, tc.date)
		}
		if got := r.DateZh(tc.year); got != tc.zh {
			t.Errorf("%s %d: zh %q, want %q", name, tc.year, got, tc.zh)
		}
		if r.From == nil || r.From.Name != tc.from {
			t.Errorf("%s: from %v, want %s", name, r.From, tc.from)
		}
	}
	if got := Statute().DeadlineFor(Department).DateEn(2021); got != "31 January 2022" {
		t.Errorf("DateEn: %q", got)
	}
}

func TestBodyTypeOf(t *testing.T) {
	tests := []struct{ kind, agency, want string }{
		{"government", "某市某区人民政府", Government},
		{"government", "某县某镇人民政府", Township},
		{"government", "某县某乡 人民政府", Township},
		{"unknown", "某区某某街道办事处", Township},
		{"department", "某市某局", Department},
		// A department named after a town is still a department.
		{"department", "某镇人民政府办公室", Department},
		{"unknown", "某某公司", Unknown},
		{"", "", Unknown},
	}
	for _, tc := range tests {
		if got := BodyTypeOf(tc.kind, tc.agency); got != tc.want {
			t.Errorf("BodyTypeOf(%q, %q) = %q, want %q", tc.kind, tc.agency, got, tc.want)
		}
	}
}

// TestParseErrors: every mistake in a profile names its file and line.
func TestParseErrors(t *testing.T) {
	const head = "name: local\ntitle: {zh: 某地}\n"
	tests := []struct{ name, text, want string }{
		{"empty", "", "p.yaml: empty profile"},
		{"not yaml", "name: [", "p.yaml:1: did not find expected node content"},
		{"unknown key", head + "deadline: {}\n", "p.yaml:3: unknown key deadline"},
		{"unknown deadline key", head + "deadlines:\n  department:\n    date: \"01-31\"\n", "p.yaml:5: unknown key date"},
		{"bad name", "name: Local Rules\ntitle: {zh: 某地}\n", `p.yaml:1: name "Local Rules" must be lower-case letters, digits, - or _`},
		{"no title", "name: local\n", "p.yaml:1: title.zh is required"},
		{"bad body type", head + "deadlines:\n  county:\n    by: \"02-20\"\n", `p.yaml:4: deadline for "county": the body types are government, department, township`},
		{"bad date form", head + "deadlines:\n  department:\n    by: 2月20日\n", `p.yaml:5: deadlines.department.by "2月20日" must be MM-DD or MM-last ("02-20", "02-last")`},
		{"no such day", head + "deadlines:\n  department:\n    by: \"02-29\"\n", `p.yaml:5: deadlines.department.by "02-29" is not a day of every year`},
		{"no such month", head + "deadlines:\n  department:\n    by: \"13-01\"\n", `p.yaml:5: deadlines.department.by "13-01" is not a day of every year`},
		{"no source", head + "deadlines:\n  department:\n    by: \"02-20\"\n    bodies: {zh: 部门}\n", "p.yaml:4: deadlines.department needs bodies.zh and source.zh"},
		{"filing without office", head + "filing:\n  required: true\n", "p.yaml:3: filing.required needs filing.to.zh and filing.source.zh"},
		{"threshold out of range", head + "similarity_threshold: 50\n", "p.yaml:3: similarity_threshold 50 is not between 0 and 1"},
		{"threshold not a number", head + "similarity_threshold: half\n", "p.yaml:3: cannot unmarshal !!str `half` into float64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tc.text))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want a *Error", err, err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n  %s\nwant\n  %s", err, tc.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	local := "name: local\ntitle: {zh: 某地, en: somewhere}\ndeadlines:\n  department:\n    by: \"01-20\"\n    bodies: {zh: 市直部门}\n    source: {zh: 某地规定}\n"
	if err := os.WriteFile(filepath.Join(dir, "local.yaml"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ref, dir, want, err string }{
		{"", "", "statute", ""},
		{"yueyang", "", "yueyang", ""},
		{"local.yaml", dir, "local", ""},
		{filepath.Join(dir, "local.yaml"), "", "local", ""},
		{"nowhere", "", "", `jurisdiction "nowhere" is not a built-in profile (huaihua, statute, suqian, yueyang) or a .yaml file`},
		{"missing.yaml", dir, "", "missing.yaml"},
	} {
		p, err := Resolve(tc.ref, tc.dir)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Resolve(%q): error %v, want one containing %q", tc.ref, err, tc.err)
			}
		case err != nil:
			t.Errorf("Resolve(%q): %v", tc.ref, err)
		case p.Name != tc.want:
			t.Errorf("Resolve(%q) = %s, want %s", tc.ref, p.Name, tc.want)
		}
	}
	a, _ := Resolve("local.yaml", dir)
	if a.Digest() == Statute().Digest() || a.Digest() == "" {
		t.Errorf("digest %q does not tell the profile from the statute", a.Digest())
	}
}

// TestReadmeExample: the profile the README shows is one ogi accepts.
func TestReadmeExample(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```yaml\n# my-city.yaml")
	if !ok {
		t.Fatal("the README shows no my-city.yaml profile")
	}
	text, _, _ := strings.Cut(rest, "```")
	p, err := Parse("README my-city.yaml", []byte("#"+text))
	if err != nil {
		t.Fatal(err)
	}
	if d := p.DeadlineFor(Department).Date(2023); d != "2024-02-29" || !p.Filing.Required || p.SimilarityThreshold != 0.5 {
		t.Errorf("department %s, filing %v, threshold %v", d, p.Filing.Required, p.SimilarityThreshold)
	}
}
