package assess

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/internal/fileread"
	"github.com/ogi-checker/ogi/jurisdiction"
)

// maxManifestBytes bounds a manifest: a few KB a thousand reports; the
// bound stops a device or a runaway file from being read whole.
const maxManifestBytes = 64 << 20

// reportExts are the files a directory walk picks up.
var reportExts = map[string]bool{".txt": true, ".md": true, ".html": true, ".htm": true, ".docx": true, ".pdf": true}

// Expand turns files, directories, globs and CSV manifests into the list
// of reports, in the order of args; what one directory or glob holds is
// sorted by path, and a file named twice is kept once. A path that does not
// exist is kept: checking it reports it as unreadable. A manifest's errors
// name its file and line.
func Expand(args []string) ([]check.Input, error) {
	var items []check.Input
	seen := map[string]bool{}
	add := func(it check.Input) {
		if !seen[it.File] {
			seen[it.File] = true
			items = append(items, it)
		}
	}
	for _, a := range args {
		switch {
		case strings.HasSuffix(strings.ToLower(a), ".csv"):
			its, err := readManifest(a)
			if err != nil {
				return nil, err
			}
			for _, it := range its {
				add(it)
			}
		case strings.ContainsAny(a, "*?["):
			ms, err := filepath.Glob(a)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
			sort.Strings(ms)
			for _, m := range ms {
				add(check.Input{File: m})
			}
		default:
			st, err := os.Stat(a)
			if err != nil || !st.IsDir() {
				add(check.Input{File: a}) // a missing file is reported as unreadable
				continue
			}
			err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && reportExts[strings.ToLower(filepath.Ext(p))] {
					add(check.Input{File: p})
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return items, nil
}

// readManifest reads a CSV with a header naming file and optionally agency,
// year, level (government, department or township), body (the identity
// that pairs a body's reports across years when its name changed) and
// jurisdiction (a built-in profile's name or a profile file); files are
// relative to it.
func readManifest(path string) ([]check.Input, error) {
	data, err := fileread.Read(path, maxManifestBytes)
	if err != nil {
		return nil, err
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty manifest", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	fi, ok := col["file"]
	if !ok {
		return nil, fmt.Errorf("%s: the header has no file column", path)
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var out []check.Input
	// A profile file named on many rows is read once.
	profiles := map[string]*jurisdiction.Profile{}
	for n, row := range rows[1:] {
		if fi >= len(row) || strings.TrimSpace(row[fi]) == "" {
			continue
		}
		file := strings.TrimSpace(row[fi])
		if !filepath.IsAbs(file) {
			file = filepath.Join(filepath.Dir(path), file)
		}
		it := check.Input{File: file, Agency: get(row, "agency"), Body: get(row, "body")}
		if y := get(row, "year"); y != "" {
			v, err := strconv.Atoi(y)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: year %q is not a number", path, n+2, y)
			}
			it.Year = v
		}
		switch lv := get(row, "level"); lv {
		case "", "government", "department", "township", "unknown":
			it.Kind = lv
		default:
			return nil, fmt.Errorf("%s:%d: level %q must be government, department or township", path, n+2, lv)
		}
		if ref := get(row, "jurisdiction"); ref != "" {
			p, ok := profiles[ref]
			if !ok {
				var err error
				if p, err = jurisdiction.Resolve(ref, filepath.Dir(path)); err != nil {
					return nil, fmt.Errorf("%s:%d: column jurisdiction: %w", path, n+2, err)
				}
				profiles[ref] = p
			}
			it.Jurisdiction = p
		}
		out = append(out, it)
	}
	return out, nil
}

// Sorted returns the inputs sorted by path, the batch order of a run.
func Sorted(in []check.Input) []check.Input {
	out := append([]check.Input(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}
