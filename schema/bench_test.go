package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// goldenDocs returns the corpus golden canonical documents: what ogi parse
// writes for every report in testdata, the documents ogi reads back as input.
func goldenDocs(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no golden documents: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(p)] = data
	}
	return out
}

func benchDoc(b *testing.B) []byte {
	b.Helper()
	return goldenDocs(b)["huaian-city-2024.pdf.json"]
}

// BenchmarkValidate is the cost of checking one canonical document read as
// input (a converted PDF report, 68 KB).
func BenchmarkValidate(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateFull is what Validate cost before the fast validator:
// the full JSON Schema validator on the same document.
func BenchmarkValidateFull(b *testing.B) {
	doc := benchDoc(b)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateFull(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateParts splits the full validator's cost into the parse and
// the schema walk, and shows the typed decode the reader does afterwards.
func BenchmarkValidateParts(b *testing.B) {
	doc := benchDoc(b)
	sch, err := compiledSchema()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("unmarshal-any", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc)); err != nil {
				b.Fatal(err)
			}
		}
	})
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	b.Run("schema-walk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := sch.Validate(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("typed-decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var d Document
			dec := json.NewDecoder(bytes.NewReader(doc))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&d); err != nil {
				b.Fatal(err)
			}
		}
	})
}
