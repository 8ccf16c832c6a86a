package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// corpusFiles lists every report in testdata/seeds and testdata/real.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"seeds", "real"} {
		entries, err := os.ReadDir(filepath.Join("..", "testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			files = append(files, filepath.Join("..", "testdata", dir, e.Name()))
		}
	}
	return files
}

func convertFile(t testing.TB, path string) *schema.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Convert(context.Background(), filepath.Base(path), data, Options{})
	if err != nil {
		t.Fatalf("convert %s: %v", path, err)
	}
	return doc
}

func marshalDoc(t testing.TB, doc *schema.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden converts every corpus report and compares the canonical JSON
// with testdata/golden/<name>.json. The golden files were checked cell by
// cell against the sources; regenerate with -update only after doing that
// again for every changed cell.
func TestGolden(t *testing.T) {
	for _, path := range corpusFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			got := marshalDoc(t, convertFile(t, path))
			golden := filepath.Join("..", "testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./ingest -run Golden -update after checking the output)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff shows the first differing line with some context.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestOutputValidates: every converted document satisfies the published
// JSON Schema, and passes through the canonical-JSON reader unchanged.
func TestOutputValidates(t *testing.T) {
	for _, path := range corpusFiles(t) {
		got := marshalDoc(t, convertFile(t, path))
		if err := schema.Validate(got); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		doc, err := Convert(context.Background(), "x.json", got, Options{})
		if err != nil {
			t.Errorf("%s: canonical JSON not read back: %v", filepath.Base(path), err)
			continue
		}
		doc.Meta.Source.File = convertFile(t, path).Meta.Source.File
		if again := marshalDoc(t, doc); !bytes.Equal(again, got) {
			t.Errorf("%s: canonical JSON changed on the way through:\n%s", filepath.Base(path), firstDiff(string(got), string(again)))
		}
	}
}
