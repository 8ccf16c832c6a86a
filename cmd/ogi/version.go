package main

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
)

// versionInfo is what `ogi version` reports: which ogi this is and the
// rule-engine libraries it was built with (rule authors need the OPA
// version to know which Rego built-ins exist).
type versionInfo struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	// Modified is true when the build had uncommitted changes.
	Modified  bool   `json:"modified"`
	GoVersion string `json:"go_version,omitempty"`
	OPA       string `json:"opa,omitempty"`
	CELGo     string `json:"cel_go,omitempty"`
}

// readVersion reads the running binary's build information, once: the
// batch asks for it per stored run and per converter key.
var readVersion = sync.OnceValue(func() versionInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return versionFrom(version, bi)
})

// versionFrom resolves the version: a -ldflags "-X main.version=…" value
// wins; otherwise the module version the go command stamped (set by
// `go install …@v1.2.3`, a pseudo-version in a checkout); "(devel)" or
// nothing is "dev".
func versionFrom(ldflags string, bi *debug.BuildInfo) versionInfo {
	v := versionInfo{Version: ldflags}
	if bi == nil {
		return v
	}
	v.GoVersion = bi.GoVersion
	if v.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if strings.HasSuffix(v.Version, "+dirty") {
		v.Modified = true
	}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		switch {
		case d.Path == "github.com/open-policy-agent/opa":
			v.OPA = d.Version
		case strings.HasSuffix(d.Path, "/cel-go"):
			v.CELGo = d.Version
		}
	}
	return v
}

// release reports whether the version names one immutable build, so that
// it can key stored results: not "dev" and not a build with uncommitted
// changes.
func (v versionInfo) release() bool {
	return v.Version != "dev" && v.Version != "" && !v.Modified
}

func (v versionInfo) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ogi %s\n", v.Version)
	if v.Revision != "" {
		mod := ""
		if v.Modified {
			mod = ", modified"
		}
		fmt.Fprintf(&b, "revision %s (%s%s)\n", v.Revision, v.Time, mod)
	}
	for _, kv := range [][2]string{{"go", v.GoVersion}, {"opa", v.OPA}, {"cel-go", v.CELGo}} {
		if kv[1] != "" {
			fmt.Fprintf(&b, "%s %s\n", kv[0], kv[1])
		}
	}
	return b.String()
}

func newVersionCmd(stdout, stderr io.Writer, code *int) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, VCS revision and the OPA and cel-go versions ogi is built with",
		Long: `Print ogi's version (the module version of 'go install …@VERSION', or the one set with
-ldflags "-X main.version=…"; "dev" when neither), the VCS revision and time, whether the
build had uncommitted changes, and the Go, OPA and cel-go versions. --format json prints
{version, revision, time, modified, go_version, opa, cel_go}.

Exit codes: 0 printed; 2 an unknown --format.`,
		Args: cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			v := readVersion()
			switch format {
			case "text":
				_, _ = io.WriteString(stdout, v.text())
			case "json":
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				_ = enc.Encode(v)
			default:
				writeErr(stderr, fmt.Errorf("--format must be text or json, not %q", format))
				*code = exitUsage
			}
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// converterID names the build that converts documents. A release (the
// version `ogi version` prints, from -ldflags or the module version, for a
// build without uncommitted changes) is its version; a development build
// is its VCS revision when it has no uncommitted changes, else its Go
// build ID (which holds a hash of the executable's content: the linker
// writes it, and `go tool buildid` prints it), else its executable's
// hash, so that a rebuilt converter never reuses documents converted by
// an older one. Hashing the 60 MB executable was 60 ms of every `ogi
// assess` of a build without VCS stamps (-buildvcs=false).
func converterID() string {
	if v := readVersion(); v.release() {
		return v.Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" && !dirty {
			return "dev-" + rev
		}
	}
	exe, err := os.Executable()
	if err == nil {
		if id, ok := goBuildID(exe); ok {
			sum := sha256.Sum256([]byte(id))
			return "dev-" + hex.EncodeToString(sum[:])[:16]
		}
		if f, err := os.Open(exe); err == nil {
			defer func() { _ = f.Close() }()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				return "dev-" + hex.EncodeToString(h.Sum(nil))[:16]
			}
		}
	}
	return "dev-" + strconv.FormatInt(time.Now().UnixNano(), 10) // unknown build: never reuse
}

// goBuildID is the Go build ID the linker wrote into the ELF executable
// exe (its .note.go.buildid note: name "Go", type 4, the ID as the
// descriptor); false when exe has none, as on other platforms.
func goBuildID(exe string) (string, bool) {
	f, err := elf.Open(exe)
	if err != nil {
		return "", false
	}
	defer func() { _ = f.Close() }()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return "", false
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return "", false
	}
	bo := f.ByteOrder
	nameSize, descSize, typ := bo.Uint32(data[0:]), bo.Uint32(data[4:]), bo.Uint32(data[8:])
	const nameEnd = 12 + 4 // "Go\x00\x00", padded to 4 bytes
	if nameSize != 4 || typ != 4 || string(data[12:nameEnd]) != "Go\x00\x00" || uint64(descSize) > uint64(len(data)-nameEnd) || descSize == 0 {
		return "", false
	}
	return string(data[nameEnd : nameEnd+int(descSize)]), true
}
