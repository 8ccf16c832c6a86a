package main

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionFrom: the version comes from -ldflags, else from the module
// version `go install …@v` stamps; a modified build is never a release
// (it must not key stored results).
func TestVersionFrom(t *testing.T) {
	deps := []*debug.Module{
		{Path: "github.com/open-policy-agent/opa", Version: "v1.22.2"},
		{Path: "cel.dev/cel-go", Version: "v0.33.2"},
	}
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T00:00:00Z"}}
	tests := []struct {
		name     string
		ldflags  string
		bi       *debug.BuildInfo
		want     string
		modified bool
		release  bool
	}{
		{"no build info", "dev", nil, "dev", false, false},
		{"go install @version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Deps: deps}, "v1.4.0", false, true},
		{"devel", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, "dev", false, false},
		{"ldflags win", "v2.0.0", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v2.0.0", false, true},
		{"dirty pseudo-version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201-abc123+dirty"}}, "v0.0.0-20261201-abc123+dirty", true, false},
		{"vcs.modified", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201-abc123"},
			Settings: append(vcs, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, "v0.0.0-20261201-abc123", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := versionFrom(tt.ldflags, tt.bi)
			if v.Version != tt.want || v.Modified != tt.modified || v.release() != tt.release {
				t.Errorf("got %+v release=%v, want version %q modified=%v release=%v", v, v.release(), tt.want, tt.modified, tt.release)
			}
			if tt.bi != nil && tt.bi.Deps != nil && (v.OPA != "v1.22.2" || v.CELGo != "v0.33.2") {
				t.Errorf("engine versions: opa %q cel-go %q", v.OPA, v.CELGo)
			}
			if tt.bi != nil && tt.bi.Settings != nil && (v.Revision != "abc123" || !strings.Contains(v.text(), "revision abc123")) {
				t.Errorf("revision: %+v\n%s", v, v.text())
			}
		})
	}
}

// TestVersionCommand: text and JSON name the OPA and cel-go versions the
// binary is linked with; an unknown format is a usage error.
func TestVersionCommand(t *testing.T) {
	code, out, _ := runOgi(t, "version")
	if code != 0 || !strings.HasPrefix(out, "ogi ") || !strings.Contains(out, "\nopa v") || !strings.Contains(out, "\ncel-go v") {
		t.Errorf("version: exit %d\n%s", code, out)
	}
	code, out, _ = runOgi(t, "version", "--format", "json")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil {
		t.Fatalf("version --format json: exit %d, %v\n%s", code, err, out)
	}
	for _, k := range []string{"version", "modified", "opa", "cel_go"} {
		if _, ok := v[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, out)
		}
	}
	if code, _, stderr := runOgi(t, "version", "--format", "yaml"); code != 2 || !strings.Contains(stderr, "--format") {
		t.Errorf("unknown format: exit %d, %q", code, stderr)
	}
}
