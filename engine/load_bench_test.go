package engine

import (
	"testing"

	"github.com/ogi-checker/ogi/rules"
)

// BenchmarkLoadBuiltin compiles the built-in pack, what every ogi process
// does before it checks anything.
func BenchmarkLoadBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
