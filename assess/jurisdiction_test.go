package assess

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/report"
)

// writeDistrictReport writes a district government's 2021 report dated
// 25 February 2022 as canonical JSON: on time by the statute (31 March),
// late by 岳阳's 20 February.
func writeDistrictReport(t *testing.T, path string) {
	t.Helper()
	doc := engine.SampleDocument("2021")
	dated := "2022-02-25"
	doc.Meta.Agency, doc.Meta.AgencyKind, doc.Meta.Published = "某市某区人民政府", "government", &dated
	doc.Meta.Title = "某市某区人民政府2021年政府信息公开工作年度报告"
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// deadlineStatus runs the batch and returns each report's
// timeliness.deadline status by file base name.
func deadlineStatus(t *testing.T, manifest string, opts Options) map[string]string {
	t.Helper()
	inputs, err := Expand([]string{manifest})
	if err != nil {
		t.Fatal(err)
	}
	j := filepath.Join(t.TempDir(), "r.jsonl")
	opts.Outputs = []report.Spec{report.FlagSpec("--jsonl", "jsonl", j)}
	runBatch(t, inputs, opts)
	data, err := os.ReadFile(j)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var fr report.FileReport
		if err := json.Unmarshal(l, &fr); err != nil {
			t.Fatal(err)
		}
		for _, rr := range fr.Rules {
			if rr.Rule == "timeliness.deadline" {
				out[filepath.Base(fr.File)] = rr.Status
			}
		}
	}
	return out
}

// TestManifestJurisdiction: a manifest row's jurisdiction column (a
// built-in name or a profile file beside the manifest) decides which
// deadline the row's report is held to; rows without one keep the batch's.
// A re-run with the row's jurisdiction changed does not reuse the stored
// result.
func TestManifestJurisdiction(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.json", "b.json", "c.json", "d.json"} {
		writeDistrictReport(t, filepath.Join(dir, f))
	}
	local := "name: local\ntitle: {zh: 某地}\ndeadlines:\n  government:\n    by: \"02-10\"\n    bodies: {zh: 区县人民政府}\n    source: {zh: 某地规定}\n"
	if err := os.WriteFile(filepath.Join(dir, "local.yaml"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "m.csv")
	write := func(text string) {
		if err := os.WriteFile(manifest, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("file,level,jurisdiction\na.json,government,yueyang\nb.json,government,\nc.json,government,local.yaml\nd.json,township,huaihua\n")
	db := filepath.Join(dir, "ogi.db")
	got := deadlineStatus(t, manifest, Options{Store: db})
	want := map[string]string{"a.json": engine.StatusFail, "b.json": engine.StatusPass, "c.json": engine.StatusFail, "d.json": engine.StatusFail}
	for f, w := range want {
		if got[f] != w {
			t.Errorf("%s: timeliness.deadline %s, want %s (all: %v)", f, got[f], w, got)
		}
	}
	// b moves to 岳阳, a to the statute: the stored results must not stand.
	write("file,level,jurisdiction\na.json,government,statute\nb.json,government,yueyang\nc.json,government,local.yaml\nd.json,township,huaihua\n")
	got = deadlineStatus(t, manifest, Options{Store: db})
	if got["a.json"] != engine.StatusPass || got["b.json"] != engine.StatusFail {
		t.Errorf("after changing the rows' jurisdictions: %v", got)
	}
}

// TestManifestJurisdictionErrors: a bad jurisdiction in a manifest names
// the manifest's line, and for a bad profile file the profile's line too.
func TestManifestJurisdictionErrors(t *testing.T) {
	dir := t.TempDir()
	bad := "name: bad\ntitle: {zh: 坏}\ndeadlines:\n  department:\n    by: \"02-30\"\n    bodies: {zh: 部门}\n    source: {zh: 规定}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ rows, want string }{
		{"a.json,nowhere\n", `m.csv:2: column jurisdiction: jurisdiction "nowhere" is not a built-in profile`},
		{"a.json,yueyang\nb.json,bad.yaml\n", `m.csv:3: column jurisdiction: ` + filepath.Join(dir, "bad.yaml") + `:5: deadlines.department.by "02-30" is not a day of every year`},
		{"a.json,missing.yaml\n", `m.csv:2: column jurisdiction: `},
	} {
		m := filepath.Join(dir, "m.csv")
		if err := os.WriteFile(m, []byte("file,jurisdiction\n"+tc.rows), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Expand([]string{m})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("rows %q: error %v, want one containing %q", tc.rows, err, tc.want)
		}
	}
}
