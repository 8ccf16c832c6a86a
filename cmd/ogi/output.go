package main

import (
	"io"
	"strings"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/report"
)

// stdoutName is the output path that means standard output.
const stdoutName = outfile.Stdout

// writeFileOutput writes one output through fn (see outfile.Write).
func writeFileOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	return outfile.Write(path, stdout, fn)
}

// newFailures prints output and store errors once each (see
// outfile.Problems).
func newFailures(w io.Writer) *outfile.Problems {
	return outfile.NewProblems(func(line string) { say(w, "ogi: %s\n", line) })
}

// outputHelp describes -o for check and assess.
var outputHelp = "output FORMAT[=PATH], repeatable: " + strings.Join(report.FormatNames(), ", ") +
	" (PATH - or none: standard output; html=DIR/: a page per report; any other PATH is a file, whatever its extension)"

// expandArgs turns the reports a command names (files, directories, globs,
// manifests) into inputs; false means it said why there are none to check
// (a bad manifest, nothing found), a usage error.
func expandArgs(args []string, stderr io.Writer) ([]check.Input, bool) {
	inputs, err := assess.Expand(args)
	if err != nil {
		writeErr(stderr, err)
		return nil, false
	}
	if len(inputs) == 0 {
		say(stderr, "ogi: no report found in %s\n", strings.Join(args, " "))
		return nil, false
	}
	return inputs, true
}
