package report

import (
	"io"
	"iter"

	"github.com/ogi-checker/ogi/engine"
)

// Source is everything an output is written from: one run's results. A
// check holds its reports in memory (NewSource); a batch streams them from
// its store, which is why the reports are sequences and not a slice.
type Source struct {
	Tool     Tool
	Warnings []string
	// Rules are the rules the run checked with: SARIF describes them, and
	// the cohort statistics built when Cohort is nil count them.
	Rules []*engine.Rule
	// Lang is "zh" or "en".
	Lang string
	// CSVEncoding is the csv format's encoding: "utf-8" (the default when
	// empty) or "gb18030" (CSVEncodings).
	CSVEncoding string
	// Reports yields the run's reports in run order with their findings;
	// with grids (the tables the dashboard draws) when withGrids is set.
	Reports func(withGrids bool) iter.Seq[Ranked]
	// Summaries yields the reports without findings (the CSV, the
	// workbook's 汇总): a batch can give them without reading results back.
	// Nil means Reports(false).
	Summaries func() iter.Seq[Ranked]
	// Cohort is the run's statistics, and the reports' ranks are taken as
	// they come. Nil: the formats that rank (csv, xlsx, dashboard) build
	// the statistics from Reports and rank every report against them.
	Cohort *CohortStats
	// MaxDetails caps the dashboard's drill-downs (0: all); see
	// DashboardOptions.
	MaxDetails int
	// Coverage is the roster's coverage (nil without a roster): the
	// workbook's 覆盖情况 sheet and the dashboard's panel.
	Coverage *Coverage
}

// Format is one output format of ogi check and ogi assess.
type Format struct {
	// Name is what -o takes: "text", "json", ….
	Name string
	// Help is one line, in English, for --help.
	Help string
	// PerReport formats (html) can write one file per report into a
	// directory, each with the extension Ext, through WriteReport.
	PerReport bool
	Ext       string
	// Write writes the whole run.
	Write func(w io.Writer, src *Source) error
	// WriteReport writes one report (PerReport formats only).
	WriteReport func(w io.Writer, fr FileReport, src *Source) error
}

// registry holds the formats in the order FormatNames gives them: the
// formats of a check first, as --help has always listed them, then those
// of a batch.
var registry = []*Format{textFormat, jsonFormat, jsonlFormat, sarifFormat, junitFormat, githubFormat, markdownFormat, htmlFormat,
	xlsxFormat, csvFormat, dashboardFormat,
	circularFormat, circularPDFFormat}

// A nil source is a run without reports: every format writes its empty
// output rather than fail on the first field it reads.
func init() {
	for _, f := range registry {
		write := f.Write
		f.Write = func(w io.Writer, src *Source) error {
			if src == nil {
				src = &Source{}
			}
			return write(w, src)
		}
	}
}

// Lookup finds a format by name.
func Lookup(name string) (*Format, bool) {
	for _, f := range registry {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// FormatNames lists every format's name: text, json, jsonl, sarif, junit,
// github, markdown, html, xlsx, csv, dashboard, circular, circular-pdf, in
// that order.
func FormatNames() []string {
	names := make([]string, len(registry))
	for i, f := range registry {
		names[i] = f.Name
	}
	return names
}

// Formats lists the output formats `ogi check -o` has written since before
// the registry; it stays as it was so that the check command accepts no
// format it cannot yet write.
//
// Deprecated: use FormatNames and Lookup.
var Formats = []string{"text", "json", "jsonl", "sarif", "junit", "github", "markdown", "html"}

// NewSource is the source of a check whose reports are in memory. The
// reports have no ranks (Rank 0) unless a ranking format builds the cohort;
// grids are made from the documents when a format asks for them.
func NewSource(out *CheckOutput, rules []*engine.Rule, lang string) *Source {
	return &Source{Tool: out.Tool, Warnings: out.Warnings, Rules: rules, Lang: lang,
		Reports: func(withGrids bool) iter.Seq[Ranked] {
			return func(yield func(Ranked) bool) {
				for _, fr := range out.Reports {
					if withGrids && fr.Grid == nil && !fr.IsUnreadable() {
						fr.Grid = NewGrid(fr.Document, fr.Findings, lang)
					}
					if !yield(Ranked{Report: fr}) {
						return
					}
				}
			}
		}}
}

// reports is Reports, and no reports when the source has none.
func (s *Source) reports(withGrids bool) iter.Seq[Ranked] {
	if s.Reports == nil {
		return func(func(Ranked) bool) {}
	}
	return s.Reports(withGrids)
}

// summaries is Summaries, else the reports themselves.
func (s *Source) summaries() iter.Seq[Ranked] {
	if s.Summaries == nil {
		return s.reports(false)
	}
	return s.Summaries()
}

// CheckOutput collects the reports into the whole output that the formats
// of a check (text, json, sarif, …) are written from.
func (s *Source) CheckOutput() *CheckOutput {
	out := &CheckOutput{SchemaVersion: CheckSchemaVersion, Tool: s.Tool, Warnings: s.Warnings, Reports: []FileReport{}}
	for r := range s.reports(false) {
		out.Reports = append(out.Reports, r.Report)
	}
	return out
}

// ranked gives the formats that rank their statistics and a function that
// turns a sequence of reports into the sequence to write: the source's
// cohort with its reports as they come, or statistics built in a pass over
// Reports, with every report ranked against them.
func (s *Source) ranked() (*CohortStats, func(iter.Seq[Ranked]) iter.Seq[Ranked]) {
	if s.Cohort != nil {
		return s.Cohort, func(seq iter.Seq[Ranked]) iter.Seq[Ranked] { return seq }
	}
	c := NewCohortStats(s.Rules)
	for r := range s.reports(false) {
		c.Add(r.Report)
	}
	return c, func(seq iter.Seq[Ranked]) iter.Seq[Ranked] {
		return func(yield func(Ranked) bool) {
			for r := range seq {
				if !yield(c.Rank(r.Report)) {
					return
				}
			}
		}
	}
}

// checkFormat is a format written from the whole output of a check.
func checkFormat(name, help string, write func(w io.Writer, out *CheckOutput, src *Source) error) *Format {
	return &Format{Name: name, Help: help, Write: func(w io.Writer, src *Source) error {
		return write(w, src.CheckOutput(), src)
	}}
}

// reportsOf drops the ranks of a sequence, for the formats that have none.
func reportsOf(seq iter.Seq[Ranked]) iter.Seq[FileReport] {
	return func(yield func(FileReport) bool) {
		for r := range seq {
			if !yield(r.Report) {
				return
			}
		}
	}
}
