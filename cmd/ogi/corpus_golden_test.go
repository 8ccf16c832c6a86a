package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// updateCorpusGolden rewrites testdata/golden/cli from today's outputs.
var updateCorpusGolden = flag.Bool("update", false, "rewrite the golden files of TestCorpusGolden (testdata/golden/cli)")

const corpusGoldenDir = "../../testdata/golden/cli"

// corpusGoldenFiles is the corpus of TestCorpusGolden, in the order it is
// passed to ogi: every report of testdata/seeds and testdata/real (text,
// markdown, text PDFs, DOCX), one rendering of each kind from
// testdata/rendered (HTML, DOCX, a Chromium PDF, a LibreOffice PDF of a
// generated report with 〇, 见附件 and wrapping labels; the whole directory
// would triple the golden files for no other code path), and three inputs of
// testdata/unreadable, one per reason (scan without text, empty, not a report).
var corpusGoldenFiles = []string{
	"seeds/000_80384ef52a1d3930.txt",
	"seeds/001_1dc63dd6a21548ca.txt",
	"seeds/002_a141446f969544e3.txt",
	"seeds/003_c95910d04a7fd181.txt",
	"seeds/004_cee81fd346254158.txt",
	"real/hongze-district-2023.pdf",
	"real/hongze-district-2024.pdf",
	"real/huaian-city-2024.pdf",
	"real/pingtan-2019.txt",
	"real/pingtan-2021.txt",
	"real/pingtan-2022.txt",
	"real/pingtan-2024.txt",
	"real/shanghai-office-2025.md",
	"real/template-2021-blank.docx",
	"rendered/html/golden-hongze-district-2023.html",
	"rendered/docx/golden-huaian-city-2024.docx",
	"rendered/chromium/golden-001_1dc63dd6a21548ca.pdf",
	"rendered/libreoffice/gen-2021-sparse+circle-zero+attachment-narrow-labels.pdf",
	"unreadable/scanned.pdf",
	"unreadable/empty.txt",
	"unreadable/news.txt",
}

// Normalisation of the assess summary line. Everything else is compared as
// written; running the corpus twice (and with --jobs 1 and 16) gives the
// same bytes for every output, so nothing else needs normalising.
//
//   - The wall-clock times that end the line ("; 0.5 s (convert 0.4s,
//     pair 0.0s, …)") vary from run to run: each number becomes #.#, the
//     phase names stay.
//   - The store's path in "(DIR/ogi.db, run 1)" is a fresh temporary
//     directory: DIR becomes $TMP (only in standard error; the outputs
//     never name it, and would fail the comparison if they did).
var (
	assessTimingsRE = regexp.MustCompile(`; [0-9]+\.[0-9] s \(([^()]*)\)$`)
	phaseTimeRE     = regexp.MustCompile(`\b([a-z]+) [0-9]+\.[0-9]s\b`)
)

func normaliseStderr(s, tmp string) string {
	s = strings.ReplaceAll(s, tmp, "$TMP")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if m := assessTimingsRE.FindStringSubmatchIndex(l); m != nil {
			lines[i] = l[:m[0]] + "; #.# s (" + phaseTimeRE.ReplaceAllString(l[m[2]:m[3]], "$1 #.#s") + ")"
		}
	}
	return strings.Join(lines, "\n")
}

// TestCorpusGolden pins the bytes ogi writes for the corpus: check --format
// json, -o sarif, -o junit, the four assess outputs (with and without a
// store, and a second run on the store that reuses every document and
// result), and every run's exit code and standard error (runs.txt). It is
// the "behaviour unchanged" test of issue #13: moving the pipeline out of
// cmd/ogi must leave every file identical. Regenerate, only when a change of
// output is intended, with
//
//	go test ./cmd/ogi -run TestCorpusGolden -update
func TestCorpusGolden(t *testing.T) {
	// Only the corpus and the flags decide the outputs: no OGI_*
	// environment variable and no user configuration file.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "OGI_") {
			t.Setenv(k, "")
			if err := os.Unsetenv(k); err != nil {
				t.Fatal(err)
			}
		}
	}
	tmp := t.TempDir()
	noConfig := filepath.Join(tmp, "no-config.yaml")
	if err := os.WriteFile(noConfig, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OGI_CONFIG", noConfig)

	corpus := make([]string, len(corpusGoldenFiles))
	for i, f := range corpusGoldenFiles {
		corpus[i] = filepath.Join("..", "..", "testdata", filepath.FromSlash(f))
	}

	got := map[string][]byte{} // golden file name → bytes
	var runs strings.Builder
	_, _ = fmt.Fprintf(&runs, "# TestCorpusGolden (cmd/ogi/corpus_golden_test.go): every run, its exit code,\n"+
		"# standard output and standard error. CORPUS is, run from cmd/ogi, in this order:\n")
	for _, f := range corpus {
		_, _ = fmt.Fprintf(&runs, "#   %s\n", filepath.ToSlash(f))
	}
	// ogi runs one command; stdoutGolden names the golden file that holds
	// its standard output ("" when the output is empty or short enough to
	// be written in runs.txt).
	ogi := func(stdoutGolden string, args ...string) {
		t.Helper()
		code, stdout, stderr := runOgi(t, append(args, corpus...)...)
		shownArgs := make([]string, len(args))
		for i, a := range args {
			if a == "" {
				a = `""`
			}
			shownArgs[i] = strings.ReplaceAll(a, tmp, "$TMP")
		}
		shown := strings.Join(shownArgs, " ")
		_, _ = fmt.Fprintf(&runs, "\n$ ogi %s CORPUS\nexit %d\n", shown, code)
		switch {
		case stdoutGolden != "":
			got[stdoutGolden] = []byte(stdout)
			_, _ = fmt.Fprintf(&runs, "stdout: %s\n", stdoutGolden)
		case stdout == "":
			_, _ = fmt.Fprintf(&runs, "stdout: (empty)\n")
		default:
			_, _ = fmt.Fprintf(&runs, "stdout:\n%s", stdout)
		}
		_, _ = fmt.Fprintf(&runs, "stderr:\n%s", normaliseStderr(stderr, tmp))
	}
	readOut := func(path, name string) []byte {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return b
	}

	ogi("check.json", "check", "--format", "json")
	ogi("", "check", "-o", "sarif="+filepath.Join(tmp, "x.sarif"))
	got["check.sarif"] = readOut(filepath.Join(tmp, "x.sarif"), "check.sarif")
	ogi("", "check", "-o", "junit="+filepath.Join(tmp, "x.xml"))
	got["check.junit.xml"] = readOut(filepath.Join(tmp, "x.xml"), "check.junit.xml")

	assessNames := []string{"assess.jsonl", "assess.csv", "assess.xlsx", "assess.html"}
	// assess writes its four outputs into dir and returns them by golden name.
	assess := func(dir, db string) map[string][]byte {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		ogi("", "assess", "--db", db,
			"--jsonl", filepath.Join(dir, "a.jsonl"), "--csv", filepath.Join(dir, "a.csv"),
			"--xlsx", filepath.Join(dir, "a.xlsx"), "--html", filepath.Join(dir, "a.html"))
		out := map[string][]byte{}
		for _, name := range assessNames {
			out[name] = readOut(filepath.Join(dir, "a"+filepath.Ext(name)), name)
		}
		return out
	}
	noStore := assess(filepath.Join(tmp, "nostore"), "")
	for name, b := range noStore {
		got[name] = b
	}
	// With a store, the first run converts and checks everything and the
	// second reuses it all (runs.txt pins the counts): both must write the
	// same bytes as the run without a store.
	db := filepath.Join(tmp, "store", "ogi.db")
	first := assess(filepath.Join(tmp, "store", "run1"), db)
	second := assess(filepath.Join(tmp, "store", "run2"), db)
	for _, name := range assessNames {
		if d := firstDifference(name, noStore[name], first[name]); d != "" {
			t.Errorf("assess --db (first run) differs from assess --db \"\": %s", d)
		}
		if d := firstDifference(name, first[name], second[name]); d != "" {
			t.Errorf("assess --db (second run, reusing the store) differs from the first run: %s", d)
		}
	}
	got["runs.txt"] = []byte(runs.String())

	if *updateCorpusGolden {
		if err := os.MkdirAll(corpusGoldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range got {
			if err := os.WriteFile(filepath.Join(corpusGoldenDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, name := range []string{"check.json", "check.sarif", "check.junit.xml",
		"assess.jsonl", "assess.csv", "assess.xlsx", "assess.html", "runs.txt"} {
		want, err := os.ReadFile(filepath.Join(corpusGoldenDir, name))
		if err != nil {
			t.Errorf("%v (to write it: go test ./cmd/ogi -run TestCorpusGolden -update)", err)
			continue
		}
		if d := firstDifference(name, want, got[name]); d != "" {
			t.Errorf("testdata/golden/cli/%s: %s\n"+
				"if the change is intended: go test ./cmd/ogi -run TestCorpusGolden -update", name, d)
		}
	}
}

// firstDifference describes where got first differs from want: the line
// (for text) or the byte offset (for the workbook, a zip file), or "" when
// they are equal.
func firstDifference(name string, want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	off := 0
	for off < len(want) && off < len(got) && want[off] == got[off] {
		off++
	}
	if strings.HasSuffix(name, ".xlsx") {
		return fmt.Sprintf("first difference at byte %d (want %d bytes, got %d)", off, len(want), len(got))
	}
	line := bytes.Count(want[:off], []byte("\n")) + 1
	lineAt := func(b []byte) string {
		start := bytes.LastIndexByte(b[:off], '\n') + 1
		end := len(b)
		if i := bytes.IndexByte(b[start:], '\n'); i >= 0 {
			end = start + i
		}
		s := string(b[start:end])
		if r := []rune(s); len(r) > 200 {
			s = string(r[:200]) + "…"
		}
		return s
	}
	return fmt.Sprintf("first difference at line %d (byte %d; want %d bytes, got %d)\n  want: %q\n  got:  %q",
		line, off, len(want), len(got), lineAt(want), lineAt(got))
}
