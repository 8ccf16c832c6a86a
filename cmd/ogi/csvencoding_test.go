package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestCSVEncodingFlag: --csv-encoding reaches the csv output of check and
// assess; gb18030 gives the UTF-8 table (without its byte-order mark) in
// GB18030, and an unknown encoding is refused as a usage error.
func TestCSVEncodingFlag(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "none.yaml")
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OGI_CONFIG", cfg)
	seed := filepath.Join("..", "..", "testdata", "seeds", "001_1dc63dd6a21548ca.txt")
	dir := t.TempDir()
	for _, cmd := range []string{"check", "assess"} {
		out := func(enc string) []byte {
			t.Helper()
			p := filepath.Join(dir, cmd+enc+".csv")
			args := []string{cmd, "-o", "csv=" + p, seed}
			if cmd == "assess" {
				args = append(args, "--db", "")
			}
			if enc != "" {
				args = append(args, "--csv-encoding", enc)
			}
			if code, _, stderr := runOgi(t, args...); code > 1 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		utf8, gb := out(""), out("gb18030")
		if !bytes.HasPrefix(utf8, []byte("\ufeff报告文件")) {
			t.Errorf("%s: utf-8 csv starts %.30q", cmd, utf8)
		}
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(gb)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(dec, bytes.TrimPrefix(utf8, []byte("\ufeff"))) {
			t.Errorf("%s: the gb18030 csv is not the utf-8 one:\n%s\n%s", cmd, dec, utf8)
		}
	}
	if code, _, stderr := runOgi(t, "check", "--csv-encoding", "latin1", seed); code != 2 {
		t.Errorf("--csv-encoding latin1: exit %d, want 2 (%s)", code, stderr)
	}
}
