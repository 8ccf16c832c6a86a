package rules

import (
	"io/fs"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ogi-checker/ogi/engine"
)

func mustFixtures(t *testing.T) []engine.FixtureFile {
	t.Helper()
	var out []engine.FixtureFile
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !engine.IsFixtureFile(p) {
			return err
		}
		data, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		var f engine.FixtureFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
