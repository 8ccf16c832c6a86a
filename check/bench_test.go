package check

import (
	"context"
	"testing"
)

// BenchmarkLoad builds a Checker with the built-in pack, as ogi check does
// once per process.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSingle is ogi check on one report as a whole: load the rules,
// read, convert, evaluate and score one text report.
func BenchmarkSingle(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		res, err := c.Check(context.Background(), Input{File: seed002})
		if err != nil || res.Report.Status != "checked" {
			b.Fatalf("status %q, err %v", res.Report.Status, err)
		}
	}
}

// BenchmarkSingleChecked is the per-report part of BenchmarkSingle, with
// the Checker built once.
func BenchmarkSingleChecked(b *testing.B) {
	c, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Check(context.Background(), Input{File: seed002}); err != nil {
			b.Fatal(err)
		}
	}
}
