package assess

import (
	"context"
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
