package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ogi-checker/ogi/rules"
	"github.com/ogi-checker/ogi/schema"
)

// useCELCache points the cache of checked expressions at dir for one test.
func useCELCache(t *testing.T, dir string) {
	t.Helper()
	old := celCacheDir
	celCacheDir = func() string { return dir }
	t.Cleanup(func() { celCacheDir = old })
}

// cacheDocs are documents whose rules fail as well as pass, so that
// messages, operands and cells are evaluated from the cache too.
func cacheDocs(t *testing.T) []*schema.Document {
	t.Helper()
	_, golden := goldenDocuments(t)
	docs := append([]*schema.Document{SampleDocument("2019"), SampleDocument("2021")}, golden...)
	if len(docs) < 5 {
		t.Fatalf("%d documents", len(docs))
	}
	return docs
}

// results evaluates the built-in pack on every document, as JSON.
func results(t *testing.T, docs []*schema.Document) []string {
	t.Helper()
	e, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range docs {
		res, err := e.Evaluate(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, _ := filepath.Glob(filepath.Join(dir, "*"))
	return es
}

// TestCELCacheSameResults: the built-in pack read back from the cache
// finds exactly what it finds compiled, and is not compiled again; a
// corrupt, truncated or misnamed entry is ignored and replaced.
func TestCELCacheSameResults(t *testing.T) {
	docs := cacheDocs(t)
	useCELCache(t, "")
	want := results(t, docs)

	dir := t.TempDir()
	useCELCache(t, dir)
	before := celCompiled.Load()
	if got := results(t, docs); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatal("results differ on the run that fills the cache")
	}
	if celCompiled.Load() == before {
		t.Fatal("nothing compiled with an empty cache")
	}
	entries := cacheEntries(t, dir)
	if len(entries) == 0 {
		t.Fatal("no cache entries written")
	}

	before = celCompiled.Load()
	if got := results(t, docs); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatal("results differ when read from the cache")
	}
	if n := celCompiled.Load() - before; n != 0 {
		t.Fatalf("%d expressions compiled with a full cache", n)
	}

	spoil := []struct {
		name string
		f    func(b []byte) []byte
	}{
		{"flipped byte", func(b []byte) []byte { b[len(b)-3] ^= 0x20; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", func([]byte) []byte { return nil }},
		{"another file's", func([]byte) []byte {
			other, err := os.ReadFile(entries[(1)%len(entries)])
			if err != nil {
				t.Fatal(err)
			}
			return other
		}},
	}
	for _, sp := range spoil {
		t.Run(sp.name, func(t *testing.T) {
			good, err := os.ReadFile(entries[0])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(entries[0], sp.f(append([]byte(nil), good...)), 0o644); err != nil {
				t.Fatal(err)
			}
			before := celCompiled.Load()
			if got := results(t, docs); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatal("results differ with a spoilt entry")
			}
			if celCompiled.Load() == before {
				t.Fatal("a spoilt entry was used")
			}
			if again, _ := os.ReadFile(entries[0]); string(again) != string(good) {
				t.Fatal("the spoilt entry was not replaced")
			}
		})
	}
}

// TestCELCacheUnwritable: a cache directory that cannot be made only
// costs the compilation.
func TestCELCacheUnwritable(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	useCELCache(t, filepath.Join(blocker, "cel"))
	for range 2 {
		before := celCompiled.Load()
		if _, err := loadOne(t, "    assert: req.granted.total.value == 0.0\n"); err != nil {
			t.Fatal(err)
		}
		if celCompiled.Load() == before {
			t.Fatal("not compiled")
		}
	}
}

// TestCELCacheErrorsNotKept: a file with an error is compiled, and its
// error reported, on every load; a file without one is kept.
func TestCELCacheErrorsNotKept(t *testing.T) {
	dir := t.TempDir()
	useCELCache(t, dir)
	bad := "    assert: req.granted.totl.value == 1.0\n"
	const want = `p/r.yaml:8:25: rule t.rule: assert: unknown table-3 column id "totl"`
	for range 2 {
		_, err := loadOne(t, bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("error %v, want %q", err, want)
		}
	}
	if es := cacheEntries(t, dir); len(es) != 0 {
		t.Fatalf("entries %v for a file with an error", es)
	}
	// Two rules, one of them bad: nothing kept either.
	two := "    assert: req.granted.total.value == 0.0\n  - id: t.other\n    title: {zh: 测试, en: test}\n    severity: error\n    category: arithmetic\n    templates: [\"2021\"]\n" + bad
	if _, err := New([]Pack{{Name: "p", FS: fstest.MapFS{"r.yaml": {Data: []byte(ruleHead + two)}}}}, Options{}); err == nil {
		t.Fatal("loaded")
	}
	if es := cacheEntries(t, dir); len(es) != 0 {
		t.Fatalf("entries %v for a file with an error", es)
	}
	if _, err := loadOne(t, "    assert: req.granted.total.value == 0.0\n"); err != nil {
		t.Fatal(err)
	}
	if es := cacheEntries(t, dir); len(es) != 1 {
		t.Fatalf("entries %v, want one", es)
	}
}

// TestCELCachePrune: past celCacheKeep entries the oldest written are
// removed, the newest kept.
func TestCELCachePrune(t *testing.T) {
	dir := t.TempDir()
	for i := range celCacheKeep + 10 {
		p := filepath.Join(dir, fmt.Sprintf("e%04d", i))
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Unix(1_700_000_000+int64(i), 0)
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	pruneCELCache(dir)
	es := cacheEntries(t, dir)
	if len(es) != celCacheKeep*3/4 {
		t.Fatalf("%d entries left, want %d", len(es), celCacheKeep*3/4)
	}
	if filepath.Base(es[0]) != fmt.Sprintf("e%04d", celCacheKeep+10-celCacheKeep*3/4) || filepath.Base(es[len(es)-1]) != fmt.Sprintf("e%04d", celCacheKeep+9) {
		t.Fatalf("kept %s … %s", es[0], es[len(es)-1])
	}
}

// TestCELCacheSameRules: the rules read back from the cache, which skips
// the YAML, carry the metadata the YAML gives, position included.
func TestCELCacheSameRules(t *testing.T) {
	load := func() string {
		t.Helper()
		e, err := New([]Pack{{Name: "builtin", FS: rules.FS}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(e.Rules())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	useCELCache(t, "")
	want := load()
	useCELCache(t, t.TempDir())
	for _, run := range []string{"filling the cache", "from the cache"} {
		before := celCompiled.Load()
		if got := load(); got != want {
			t.Fatalf("rules %s differ:\n%s\nwant\n%s", run, got, want)
		}
		if compiled := celCompiled.Load() != before; compiled != (run == "filling the cache") {
			t.Fatalf("%s: compiled %v", run, compiled)
		}
	}
}
