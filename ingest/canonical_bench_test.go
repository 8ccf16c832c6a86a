package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkReadCanonical reads one canonical JSON document as input, as
// `ogi check report.json` does: validation against the schema and the typed
// decode (one op = one document, the corpus goldens in turn).
func BenchmarkReadCanonical(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.json"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no golden documents: %v", err)
	}
	docs := make([][]byte, len(paths))
	for i, p := range paths {
		if docs[i], err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Convert(context.Background(), "report.json", docs[i%len(docs)], Options{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
