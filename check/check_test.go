package check

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/ingest"
)

const seed002 = "../testdata/seeds/002_a141446f969544e3.txt" // 4 errors, 3 warnings, score 85
const seed001 = "../testdata/seeds/001_1dc63dd6a21548ca.txt" // no error

func TestCheck(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	lim := ingest.DefaultLimits()
	lim.Timeout = time.Nanosecond
	cases := []struct {
		name   string
		opts   Options
		file   string
		code   Code
		status string
		err    bool
	}{
		{"errors fail", Options{}, seed002, ExitCompliance, "checked", false},
		{"clean passes", Options{}, seed001, ExitOK, "checked", false},
		{"never fails", Options{FailOn: "never"}, seed002, ExitOK, "checked", false},
		{"warnings fail", Options{FailOn: "warning"}, seed001, ExitCompliance, "checked", false},
		{"below the minimum score", Options{FailOn: "never", MinScore: f(90)}, seed002, ExitCompliance, "checked", false},
		{"at the minimum score", Options{FailOn: "never", MinScore: f(85)}, seed002, ExitOK, "checked", false},
		{"missing file", Options{}, "nope.txt", ExitInput, "unreadable", true},
		{"time limit", Options{Limits: lim}, seed001, ExitInput, "unreadable", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Check(context.Background(), Input{File: tc.file})
			if res.Code != tc.code || res.Report.Status != tc.status || (err != nil) != tc.err {
				t.Errorf("code %d status %s err %v, want %d %s err=%v", res.Code, res.Report.Status, err, tc.code, tc.status, tc.err)
			}
			if err != nil && CodeOf(err) != tc.code {
				t.Errorf("CodeOf(%v) = %d, want %d", err, CodeOf(err), tc.code)
			}
		})
	}
}

// TestInputApplies: what a manifest says replaces what the title line says.
func TestInputApplies(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := c.Check(context.Background(), Input{File: seed002, Agency: "某市某局", Year: 2020})
	if res.Report.Agency != "某市某局" || *res.Report.Year != 2020 || res.Document.Meta.Agency != "某市某局" {
		t.Errorf("agency %q year %d", res.Report.Agency, *res.Report.Year)
	}
}

func TestNewRefuses(t *testing.T) {
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "r.yaml"), []byte("rules:\n  - id: x\n    assert: ==\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		opts Options
		code Code
	}{
		{"fail on", Options{FailOn: "sometimes"}, ExitUsage},
		{"min score", Options{MinScore: new(float64(101))}, ExitUsage},
		{"unknown enable", Options{Engine: engine.Options{Enable: []string{"nope.*"}}}, ExitUsage},
		{"unknown override", Options{Engine: engine.Options{Overrides: map[string]engine.Override{"nope": {Severity: "info"}}}}, ExitUsage},
		{"waiver for no rule", Options{Waivers: []engine.Waiver{{Rule: "nope.*", Line: 3}}, WaiversFile: "w.yaml"}, ExitUsage},
		{"broken rule", Options{RuleDirs: []string{bad}}, ExitRules},
		{"rule dir is a file", Options{RuleDirs: []string{seed001}}, ExitRules},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts)
			if err == nil || CodeOf(err) != tc.code {
				t.Errorf("error %v (code %d), want code %d", err, CodeOf(err), tc.code)
			}
		})
	}
	_, err := New(Options{Waivers: []engine.Waiver{{Rule: "nope.*", Line: 3}}, WaiversFile: "w.yaml"})
	var we *WaiverError
	if !errors.As(err, &we) || we.File != "w.yaml" || we.Line != 3 {
		t.Errorf("waiver error %v does not name w.yaml:3", err)
	}
}

func TestCodeOf(t *testing.T) {
	cases := []struct {
		err  error
		want Code
	}{
		{nil, ExitOK},
		{ConfigError(errors.New("x")), ExitUsage},
		{OutputError(errors.New("x")), ExitOutput},
		{fmt.Errorf("write: %w", syscall.ENOSPC), ExitOutput},
		{&ingest.InputError{File: "a", Reason: "cannot open"}, ExitInput},
		{&engine.TimeoutError{Err: context.DeadlineExceeded}, ExitInput},
		{&engine.LoadError{Msg: "x"}, ExitRules},
		{&engine.PatternError{Key: "enable", Pattern: "x"}, ExitUsage},
	}
	for _, tc := range cases {
		if got := CodeOf(tc.err); got != tc.want {
			t.Errorf("CodeOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	for _, w := range []struct{ a, b, want Code }{
		{ExitCompliance, ExitInput, ExitInput}, {ExitOutput, ExitRules, ExitOutput}, {ExitOutput, ExitUsage, ExitUsage}, {ExitOK, ExitCompliance, ExitCompliance},
	} {
		if got := w.a.Worse(w.b); got != w.want || w.b.Worse(w.a) != w.want {
			t.Errorf("%d.Worse(%d) = %d, want %d", w.a, w.b, got, w.want)
		}
	}
}
