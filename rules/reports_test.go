package rules

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
)

// TestEmbeddedReportsMatchCorpus: the reports the fixtures use are copies
// of the corpus under ../testdata, embedded so that `ogi rules test` runs
// anywhere; a copy that drifted from its original would test a report the
// corpus no longer has.
func TestEmbeddedReportsMatchCorpus(t *testing.T) {
	n := 0
	err := fs.WalkDir(FS, "testdata/reports", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		embedded, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		orig := path.Join("..", "testdata", strings.TrimPrefix(p, "testdata/reports/"))
		want, err := os.ReadFile(orig)
		if err != nil {
			t.Errorf("%s has no original: %v", p, err)
			return nil
		}
		if !bytes.Equal(embedded, want) {
			t.Errorf("%s differs from %s: copy it again", p, orig)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no embedded reports under testdata/reports")
	}
}
