package assess

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/report"
)

// TestInputName: a report kept under a path of the caller's is named in
// every result and message by the name it was given.
func TestInputName(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../testdata/seeds/002_a141446f969544e3.txt")
	if err != nil {
		t.Fatal(err)
	}
	good, empty := filepath.Join(dir, "1-a.txt"), filepath.Join(dir, "2-b.txt")
	if err := os.WriteFile(good, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	lines := filepath.Join(dir, "r.jsonl")
	specs, err := report.ParseSpecs([]string{"jsonl=" + lines})
	if err != nil {
		t.Fatal(err)
	}
	inputs := []check.Input{{File: good, Name: "威海市科学技术局 2019.txt"}, {File: empty, Name: "空白.txt"}}
	for _, db := range []string{"", filepath.Join(dir, "ogi.db"), filepath.Join(dir, "ogi.db")} { // the last reuses stored results
		runBatch(t, inputs, Options{Store: db, Outputs: specs})
		f, err := os.Open(lines)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var fr report.FileReport
			if err := json.Unmarshal(sc.Bytes(), &fr); err != nil {
				t.Fatal(err)
			}
			got = append(got, fr.File)
			if strings.Contains(fr.Error, dir) {
				t.Errorf("store %q: %s: error names the path: %s", db, fr.File, fr.Error)
			}
		}
		_ = f.Close()
		if want := []string{"威海市科学技术局 2019.txt", "空白.txt"}; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("store %q: files %q, want %q", db, got, want)
		}
	}
}
