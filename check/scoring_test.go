package check_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
)

// stripLines forgets where a profile's entries stand, to compare a loaded
// profile with one built in Go.
func stripLines(cfg engine.ScoreConfig) engine.ScoreConfig {
	strip := func(ins []engine.Indicator) []engine.Indicator {
		out := make([]engine.Indicator, len(ins))
		for i, in := range ins {
			in.Line = 0
			in.Rules = append([]engine.Pattern(nil), in.Rules...)
			for j := range in.Rules {
				in.Rules[j].Line = 0
			}
			out[i] = in
		}
		return out
	}
	cfg.File = ""
	cfg.Indicators = strip(cfg.Indicators)
	for k, v := range cfg.Rubrics {
		cfg.Rubrics[k] = strip(v)
	}
	cfg.Coverage.Caps = append([]engine.CoverageCap(nil), cfg.Coverage.Caps...)
	for i := range cfg.Coverage.Caps {
		cfg.Coverage.Caps[i].Line = 0
	}
	return cfg
}

// TestDefaultProfileFile: rules/profiles/default.yaml, which documents the
// default, is the model DefaultScoreConfig builds, and every built-in
// profile names only rules of the built-in pack.
func TestDefaultProfileFile(t *testing.T) {
	got, err := check.LoadScoring("default")
	if err != nil {
		t.Fatal(err)
	}
	if want := engine.DefaultScoreConfig(); !reflect.DeepEqual(stripLines(got), want) {
		t.Errorf("default.yaml\n got %+v\nwant %+v", stripLines(got), want)
	}
	if names := check.ScoringProfiles(); !reflect.DeepEqual(names, []string{"default", "jinzhou-example"}) {
		t.Errorf("built-in profiles %v", names)
	}
	for _, name := range check.ScoringProfiles() {
		cfg, err := check.LoadScoring(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := check.New(check.Options{Score: &cfg}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := check.LoadScoring("nope"); err == nil || check.CodeOf(err) != check.ExitUsage {
		t.Errorf("unknown built-in: %v", err)
	}
}

// TestCoverageGrades: what cannot be evaluated is not free. The blank
// national template and a report with tables 3 and 4 left empty no longer
// grade above 合格 (they scored 87 良好 and 95 优秀 before coverage counted);
// complete reports keep their scores; an unreadable input is 无法评定.
func TestCoverageGrades(t *testing.T) {
	chk, err := check.New(check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file     string
		score    float64
		grade    string
		coverage float64
	}{
		{"real/template-2021-blank.docx", 59, "不合格", 0},
		{"seeds/000_80384ef52a1d3930.txt", 59, "不合格", 0.1111},
		{"seeds/004_cee81fd346254158.txt", 79, "合格", 0.7879},
		{"seeds/002_a141446f969544e3.txt", 85, "良好", 0.9747},
		{"real/pingtan-2024.txt", 98, "优秀", 1},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res, _ := chk.Check(context.Background(), check.Input{File: filepath.Join("..", "testdata", c.file)})
			fr := res.Report
			if fr.Score == nil || *fr.Score != c.score || fr.Grade != c.grade || fr.Coverage == nil || fr.Coverage.Ratio != c.coverage {
				t.Fatalf("score %v grade %q coverage %+v, want %g %q %g", fr.Score, fr.Grade, fr.Coverage, c.score, c.grade, c.coverage)
			}
			if c.grade == "优秀" || c.grade == "良好" {
				return
			}
			last := fr.Ledger[len(fr.Ledger)-1]
			if last.Indicator != engine.CoverageIndicator || last.Capped != engine.CoverageIndicator {
				t.Errorf("the ledger does not show the coverage cap: %+v", last)
			}
		})
	}
	for _, file := range []string{"unreadable/scanned.pdf", "unreadable/empty.txt", "unreadable/news.txt", "nonexistent.txt"} {
		res, err := chk.Check(context.Background(), check.Input{File: filepath.Join("..", "testdata", file)})
		if err == nil || res.Report.Score != nil || res.Report.Grade != engine.GradeNone {
			t.Errorf("%s: score %v grade %q, want none and %s", file, res.Report.Score, res.Report.Grade, engine.GradeNone)
		}
	}
	if fr := check.Failed("x.pdf", errors.New("broken")).Report; fr.Grade != engine.GradeNone {
		t.Errorf("Failed: grade %q", fr.Grade)
	}
}

// TestRubricByBodyType: the jinzhou-example profile scores a government's
// report with the government rubric (which has 考核评议情况) and a
// department's with the department one.
func TestRubricByBodyType(t *testing.T) {
	cfg, err := check.LoadScoring("jinzhou-example")
	if err != nil {
		t.Fatal(err)
	}
	chk, err := check.New(check.Options{Score: &cfg})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file, agency, kind, rubric string
		weights                    map[string]float64
	}{
		{"real/hongze-district-2024.pdf", "", "", "government",
			map[string]float64{"timeliness": 15, "format": 10, "completeness": 20, "accuracy": 30, "assessment": 10, "content": 15}},
		{"seeds/002_a141446f969544e3.txt", "", "", "department",
			map[string]float64{"timeliness": 20, "format": 15, "completeness": 25, "accuracy": 25, "content": 15}},
		{"seeds/002_a141446f969544e3.txt", "某县某镇人民政府", "government", "government", nil},
	}
	for _, c := range cases {
		res, _ := chk.Check(context.Background(), check.Input{File: filepath.Join("..", "testdata", c.file), Agency: c.agency, Kind: c.kind})
		fr := res.Report
		if fr.Rubric != c.rubric || fr.ScoringProfile != "jinzhou-example" {
			t.Errorf("%s: rubric %q profile %q, want %q", c.file, fr.Rubric, fr.ScoringProfile, c.rubric)
			continue
		}
		if c.weights == nil {
			continue
		}
		got := map[string]float64{}
		for _, in := range fr.Indicators {
			got[in.ID] = in.Weight
		}
		if !reflect.DeepEqual(got, c.weights) {
			t.Errorf("%s: weights %v, want %v", c.file, got, c.weights)
		}
		for _, l := range fr.Ledger {
			if _, ok := c.weights[l.Indicator]; !ok && l.Indicator != engine.CoverageIndicator {
				t.Errorf("%s: ledger entry %+v outside the rubric", c.file, l)
			}
		}
	}
}

// TestScoringProfileErrors: a profile naming an unknown rule is a
// configuration error naming file:line.
func TestScoringProfileErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	body := "grades: [{name: A, min: 0}]\nindicators:\n  - id: all\n    weight: 100\n    rules: [arithmetic, requests.nope]\n"
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := check.LoadScoring(file)
	if err != nil {
		t.Fatal(err)
	}
	_, err = check.New(check.Options{Score: &cfg})
	if err == nil || check.CodeOf(err) != check.ExitUsage || !strings.Contains(err.Error(), file+":5: rule \"requests.nope\"") {
		t.Errorf("error %v", err)
	}
	if _, err := check.LoadScoring(filepath.Join(dir, "missing.yaml")); err == nil || check.CodeOf(err) != check.ExitUsage {
		t.Errorf("missing file: %v", err)
	}
}

// TestReadmeProfile: the profile the README shows loads and names only
// rules of the built-in pack.
func TestReadmeProfile(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "name: my-office")
	end := strings.Index(text[max(start, 0):], "```")
	if start < 0 || end < 0 {
		t.Fatal("README has no example profile")
	}
	file := filepath.Join(t.TempDir(), "my-office.yaml")
	if err := os.WriteFile(file, []byte(text[start:start+end]), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := check.LoadScoring(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := check.New(check.Options{Score: &cfg}); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rubrics[engine.BodyGovernment]) != 3 || len(cfg.Advisory) != 2 {
		t.Errorf("README profile read as %+v", cfg)
	}
}
