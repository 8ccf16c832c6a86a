package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFile covers what a reader of the path may see: the old bytes until
// Commit, the new ones after, never a partial file, and no temporary file
// left behind whichever way the write ends.
func TestFile(t *testing.T) {
	cases := []struct {
		name    string
		old     string // "" means no file before
		commit  bool
		breakIt func(t *testing.T, path string) // before Commit
		want    string                          // content of path at the end ("" means absent)
		wantErr bool
	}{
		{name: "new file", commit: true, want: "new"},
		{name: "replace", old: "old", commit: true, want: "new"},
		{name: "abort keeps the old file", old: "old", want: "old"},
		{name: "abort leaves nothing", want: ""},
		{name: "failed rename keeps the old file and removes the temp", old: "old", commit: true, wantErr: true, want: "old",
			breakIt: func(t *testing.T, path string) {
				// A directory in the way of the rename, with the old file inside it.
				if err := os.Rename(path, path+".keep"); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Join(path, "x"), 0o755); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					_ = os.RemoveAll(path)
					_ = os.Rename(path+".keep", path)
				})
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.xlsx")
			if c.old != "" {
				if err := os.WriteFile(path, []byte(c.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write([]byte("new")); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(path); string(got) != c.old {
				t.Errorf("before commit the path holds %q, want the old %q", got, c.old)
			}
			var cerr error
			if c.breakIt != nil {
				c.breakIt(t, path)
			}
			if c.commit {
				cerr = f.Commit()
			}
			f.Abort()
			if (cerr != nil) != c.wantErr {
				t.Errorf("commit error %v, want error %v", cerr, c.wantErr)
			}
			if c.breakIt != nil {
				_ = os.RemoveAll(path)
				_ = os.Rename(path+".keep", path)
			}
			got, err := os.ReadFile(path)
			switch {
			case c.want == "" && err == nil:
				t.Errorf("path exists with %q, want none", got)
			case c.want != "" && string(got) != c.want:
				t.Errorf("path holds %q (%v), want %q", got, err, c.want)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if e.Name() != "out.xlsx" {
					t.Errorf("left behind %s", e.Name())
				}
			}
		})
	}
}

// TestMode: a committed file has os.Create's mode, not CreateTemp's 0600.
func TestMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m")
	if err := WriteFile(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(t.TempDir(), "ref")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(path)
	b, _ := os.Stat(ref)
	if a.Mode() != b.Mode() {
		t.Errorf("mode %v, want %v", a.Mode(), b.Mode())
	}
}

// TestSymlink: writing through a link replaces the file it points to and
// keeps the link.
func TestSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file")
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("the link's target holds %q, want new", got)
	}
}
