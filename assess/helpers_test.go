package assess

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/check"
)

// newChecker builds a checker with the built-in pack.
func newChecker(tb testing.TB, o check.Options) *check.Checker {
	tb.Helper()
	c, err := check.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// runBatch runs a batch with the built-in pack unless opts has a checker,
// and fails the test on an error or a failed output.
func runBatch(tb testing.TB, inputs []check.Input, opts Options) *Outcome {
	tb.Helper()
	if opts.Checker == nil {
		opts.Checker = newChecker(tb, check.Options{})
	}
	if opts.Lang == "" {
		opts.Lang = "zh"
	}
	if opts.Converter == "" {
		opts.Converter = "test"
	}
	opts.Problem = func(line string) { tb.Errorf("problem: %s", line) }
	out, err := Run(context.Background(), inputs, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// sameOutputs fails the test unless the outputs passOutputs names hold the
// same bytes in dir a as in dir b, and are not empty.
func sameOutputs(tb testing.TB, a, b, what string) {
	tb.Helper()
	for _, name := range []string{"a.jsonl", "a.csv", "a.xlsx", "a.html"} {
		x, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			tb.Fatal(err)
		}
		y, err := os.ReadFile(filepath.Join(b, name))
		if err != nil {
			tb.Fatal(err)
		}
		if len(x) == 0 || !bytes.Equal(x, y) {
			tb.Errorf("%s: %s differs (%d and %d bytes)", what, name, len(x), len(y))
		}
	}
}
