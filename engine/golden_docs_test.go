package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/schema"
)

// goldenDocuments reads the corpus's golden canonical documents, in file
// order, with their file names.
func goldenDocuments(t *testing.T) ([]string, []*schema.Document) {
	t.Helper()
	files, _ := filepath.Glob("../testdata/golden/*.json")
	docs := make([]*schema.Document, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := &schema.Document{}
		if err := json.Unmarshal(data, doc); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return files, docs
}
