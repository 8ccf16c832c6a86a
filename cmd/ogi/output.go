package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/ogi-checker/ogi/internal/outfile"
	"github.com/ogi-checker/ogi/report"
)

// stdoutName is the output path that means standard output.
const stdoutName = outfile.Stdout

// writeFileOutput writes one output through fn (see outfile.Write).
func writeFileOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	return outfile.Write(path, stdout, fn)
}

// isDevice tells whether path is written in place (see outfile.IsDevice).
func isDevice(path string) bool { return outfile.IsDevice(path) }

// failures prints output and store errors once each: a full disk fails
// every write after it the same way, and one line says so.
type failures struct {
	mu   sync.Mutex
	w    io.Writer
	seen map[string]bool
}

func newFailures(w io.Writer) *failures { return &failures{w: w, seen: map[string]bool{}} }

// add prints a failure unless the same line was already printed.
func (f *failures) add(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[line] {
		return
	}
	f.seen[line] = true
	say(f.w, "ogi: %s\n", line)
}

// outputHelp describes -o for check and assess.
var outputHelp = "output FORMAT[=PATH], repeatable: " + strings.Join(report.FormatNames(), ", ") +
	" (PATH - or none: standard output; html=DIR/: a page per report; any other PATH is a file, whatever its extension)"
