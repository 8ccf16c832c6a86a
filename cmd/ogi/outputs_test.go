package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// TestOutputs writes every format in one run and checks each: SARIF against
// the official 2.1.0 schema, JUnit parsed back, HTML with the failing cells
// highlighted, GitHub annotations and the markdown summary.
func TestOutputs(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	code, stdout, stderr := runOgi(t, "check",
		"-o", "sarif="+p("r.sarif"), "-o", "junit="+p("r.xml"), "-o", "jsonl="+p("r.jsonl"),
		"-o", "markdown="+p("sum.md"), "-o", "html="+p("html"), "-o", "github",
		seed("002_a141446f969544e3.txt"), seed("001_1dc63dd6a21548ca.txt"))
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}

	rep, err := sarif.Open(p("r.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	run := rep.Runs[0]
	if len(run.Tool.Driver.Rules) < 25 || run.Tool.Driver.Rules[0].Help == nil {
		t.Errorf("SARIF rules: %d, help %v", len(run.Tool.Driver.Rules), run.Tool.Driver.Rules[0].Help)
	}
	located := false
	for _, r := range run.Results {
		if *r.RuleID == "requests.identity" && r.Locations[0].PhysicalLocation.Region != nil && *r.Locations[0].PhysicalLocation.Region.StartLine == 59 {
			located = true
		}
	}
	if !located {
		t.Error("SARIF: requests.identity is not located at line 59 of seed 002")
	}

	data, err := os.ReadFile(p("r.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites junitSuitesForTest
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("JUnit does not parse: %v", err)
	}
	if len(suites.Suites) != 2 || suites.Suites[0].Failures != 3 || suites.Suites[1].Failures != 0 {
		t.Errorf("JUnit suites %+v", suites.Suites)
	}
	warningsVisible := false
	for _, c := range suites.Suites[1].Cases {
		if strings.Contains(c.SystemOut, "warning:") {
			warningsVisible = true
		}
	}
	if !warningsVisible {
		t.Error("JUnit: the warnings of seed 001 are not visible")
	}

	page, err := os.ReadFile(filepath.Join(p("html"), "002_a141446f969544e3.txt.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`class="bad" title="表三“（一）予以公开”行“总计”列"`, `class="bad" title="表三“（七）总计”行“总计”列"`, "<style>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	if strings.Contains(string(page), "http://") || strings.Contains(string(page), "https://") {
		t.Error("HTML refers to an external asset")
	}

	if !strings.Contains(stdout, "::error file=") || !strings.Contains(stdout, ",line=59,title=requests.identity::") {
		t.Errorf("GitHub annotations: %s", stdout)
	}
	md, _ := os.ReadFile(p("sum.md"))
	if !strings.Contains(string(md), "| 85 良好 | 4 |") {
		t.Errorf("markdown summary: %s", md)
	}
	jl, _ := os.ReadFile(p("r.jsonl"))
	if n := strings.Count(strings.TrimSpace(string(jl)), "\n") + 1; n != 2 {
		t.Errorf("jsonl has %d lines, want 2", n)
	}
	if code, _, stderr := runOgi(t, "check", "-o", "pdf", seed("001_1dc63dd6a21548ca.txt")); code != 2 || !strings.Contains(stderr, "unknown format") {
		t.Errorf("-o pdf: exit %d, %s", code, stderr)
	}
}

type junitSuitesForTest struct {
	Suites []struct {
		Name     string `xml:"name,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}
