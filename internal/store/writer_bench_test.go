package store

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the user and system CPU this process has used, to report what
// a benchmark costs across the goroutines it keeps busy (the Writer's and
// the callers'), which wall time per op does not show.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWriterFirstRun queues what `ogi assess` writes per report on a
// first run (a document of about 26 KB, a summary of about 9 KB, four
// findings, three pair scores) through one Writer, as its workers do, and
// reports the CPU per report besides the wall time.
func BenchmarkWriterFirstRun(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	doc := testDocument(26<<10, 1)
	summary := testDocument(9<<10, 2)
	findings := make([]Finding, 4)
	for i := range findings {
		findings[i] = Finding{Seq: i, Rule: "continuity.narrative_shared_with_peer", Severity: "warning", Status: "fail",
			Message: strings.Repeat("叙述部分与样例市第3局的报告雷同", 8) + fmt.Sprint(i), Cells: "null"}
	}
	w := s.NewWriter(ctx, 256)
	defer func() { _ = w.Close() }()
	start := cpuTime(b)
	for i := 0; b.Loop(); i++ {
		h := fmt.Sprintf("%064x", i)
		if _, err := w.PutReportPacked(Report{Hash: h, Converter: "ogi 1.0", File: "/tmp/gen10k/report.docx", Agency: "某某市人民政府",
			Body: "某某市", Year: intp(2024), Template: "gb", Document: doc, Signature: make([]byte, 256)}); err != nil {
			b.Fatal(err)
		}
		if err := w.PutResult(Result{Key: Key{h, "68115a2f2a253996ba1e79685c458add", "f6f1148ba209a90d025f04077a69daa7", ""},
			Score: floatp(90), Grade: "A", Warnings: 4, Summary: summary, Findings: findings}); err != nil {
			b.Fatal(err)
		}
		for j := range 3 {
			if err := w.PutPairScore(h, fmt.Sprintf("%064x", i+j+1), 0.9); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}
