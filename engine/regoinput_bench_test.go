package engine

import "testing"

// BenchmarkRegoInput measures building the OPA input from a document.
func BenchmarkRegoInput(b *testing.B) {
	doc := SampleDocument("2021")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		regoInputValue(doc, nil, nil)
	}
}
