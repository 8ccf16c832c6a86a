package assess

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/report"
)

// TestTwinsSameOutputs: a batch where reports come twice or three times
// under other names (and an unreadable file twice) writes the same bytes
// whether twins are converted and checked once or each on its own, with
// and without a store, and converts each distinct input once.
func TestTwinsSameOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("checks a batch four times")
	}
	base := passInputs(t)[:16]
	dir := t.TempDir()
	items := append([]check.Input(nil), base...)
	for i, in := range base[:5] {
		data, err := os.ReadFile(in.File)
		if err != nil {
			t.Fatal(err)
		}
		for c := 0; c < 1+i%2; c++ {
			p := filepath.Join(dir, "copy"+string(rune('a'+c))+"-"+filepath.Base(in.File))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			items = append(items, check.Input{File: p})
		}
	}
	for _, name := range []string{"empty-1.txt", "empty-2.txt"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		items = append(items, check.Input{File: p})
	}
	chk := newChecker(t, check.Options{})
	for _, withStore := range []bool{false, true} {
		outs := map[bool]string{}
		for _, off := range []bool{true, false} {
			twinsOff = off
			out := t.TempDir()
			opts := Options{Checker: chk, Outputs: passOutputs(t, out), Jobs: 4}
			if withStore {
				opts.Store = filepath.Join(out, "s.db")
			}
			o := runBatch(t, items, opts)
			twinsOff = false
			if !off {
				// The empty files are converted each, so that each message
				// names its own file; the copies of readable reports are not.
				copies := len(items) - len(base) - 2
				if want := len(base) + 2; o.Stats.Converted != want {
					t.Errorf("store %v: converted %d inputs, want %d", withStore, o.Stats.Converted, want)
				}
				if o.Stats.ReusedDocs != copies {
					t.Errorf("store %v: reused %d documents, want %d", withStore, o.Stats.ReusedDocs, copies)
				}
				// A copy is a peer (内容雷同) of its original, so most twins are
				// checked in different contexts; two here share a result key.
				if o.Stats.Checked != len(base)+copies-2 || o.Stats.ReusedResults != 2 {
					t.Errorf("store %v: checked %d and reused %d results, want %d and 2", withStore, o.Stats.Checked, o.Stats.ReusedResults, len(base)+copies-2)
				}
			}
			outs[off] = out
		}
		sameOutputs(t, outs[true], outs[false], fmt.Sprintf("store %v, without twins and with", withStore))
	}
}

// TestWithFile: a report's JSON line with another file name is the line
// of the same report under that name, whatever either name holds; a line
// that does not start with a file name is refused.
func TestWithFile(t *testing.T) {
	names := []string{"a.txt", `dir/引号"与\反斜杠.docx`, "<b>&amp;</b>.html", "", `\"`, "\u2028行\t分隔.pdf", "x\\"}
	score := 91.5
	for _, from := range names {
		for _, to := range names {
			fr := report.FileReport{File: from, Status: report.StatusChecked, Agency: `某"局"`, Score: &score}
			raw, err := marshalJSON(fr)
			if err != nil {
				t.Fatal(err)
			}
			fr.File = to
			want, _ := marshalJSON(fr)
			got, ok := withFile(raw, to)
			if !ok || !bytes.Equal(got, want) {
				t.Errorf("%q -> %q: %s, %v; want %s", from, to, got, ok, want)
			}
		}
	}
	for _, bad := range []string{``, `{}`, `{"file":`, `{"file":"open`, `{"file":"x\"`, `{"agency":"a","file":"b"}`, `{"file":1}`} {
		if got, ok := withFile([]byte(bad), "n"); ok {
			t.Errorf("%s: %s, want refused", bad, got)
		}
	}
}
