package assess

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ogi-checker/ogi/check"
)

// TestPreparedSameOutputs: a batch that prepares its reports in the
// convert pass and finishes them without their documents writes every
// output byte for byte as one that reads each document back, with and
// without a store; a report with last year's in the batch, and a rule
// pack whose peer rule reads the document, are read back.
func TestPreparedSameOutputs(t *testing.T) {
	if testing.Short() {
		t.Skip("checks a batch several times")
	}
	base := passInputs(t)[:20]
	items := append([]check.Input(nil), base...)
	// The same body in two years: the later report has a previous one.
	data, err := os.ReadFile(base[1].File)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, year := range []int{2021, 2022} {
		p := filepath.Join(dir, "years-"+string(rune('0'+year%10))+".txt")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		items = append(items, check.Input{File: p, Agency: "测试县人民政府", Year: year})
	}
	packDir := t.TempDir()
	rule := "rules:\n  - id: custom.peer_body\n    title: {zh: 雷同机关, en: peer body}\n    severity: warning\n    category: content\n    points: 1\n" +
		"    templates: [\"2019\", \"2021\"]\n    when: size(similarity.peers) > 0\n    assert: doc.meta.agency != \"\"\n"
	if err := os.WriteFile(filepath.Join(packDir, "peer.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, pack := range []string{"builtin", "reading the document"} {
		o := check.Options{}
		if pack != "builtin" {
			o.RuleDirs = []string{packDir}
		}
		chk := newChecker(t, o)
		for _, withStore := range []bool{false, true} {
			outs := map[string]string{}
			for _, mode := range []string{"read back", "prepared", "spilled"} {
				prepareOff, spillAll = mode == "read back", mode == "spilled"
				out := t.TempDir()
				opts := Options{Checker: chk, Outputs: passOutputs(t, out), Jobs: 3}
				if withStore {
					opts.Store = filepath.Join(out, "s.db")
				}
				runBatch(t, items, opts)
				prepareOff, spillAll = false, false
				outs[mode] = out
			}
			for _, mode := range []string{"prepared", "spilled"} {
				sameOutputs(t, outs["read back"], outs[mode], fmt.Sprintf("%s, store %v, read back and %s", pack, withStore, mode))
			}
		}
		for _, spilled := range []bool{false, true} {
			spillAll = spilled
			st, prevs, peers := passStats(t, items, chk)
			spillAll = false
			checkFinished(t, fmt.Sprintf("%s, spilled %v", pack, spilled), pack != "builtin", st, prevs, peers, len(items))
		}
	}
}

// passStats runs the passes of a batch of items, and returns its counts,
// each report's previous one and its peers.
func passStats(t *testing.T, items []check.Input, chk *check.Checker) (batchStats, []string, map[int][]peerRef) {
	t.Helper()
	p := newPassBatch(t, items, Options{Checker: chk, Lang: "zh", Converter: "test"})
	p.convert()
	p.pair()
	p.compare()
	p.check()
	return p.b.stats, p.prevs, p.peers
}

// checkFinished fails the test unless every report of the n without a
// previous one was finished without its document, or, for a pack whose
// peer rule reads the document (custom), those with peers were read back.
func checkFinished(t *testing.T, what string, custom bool, st batchStats, prevs []string, peers map[int][]peerRef, n int) {
	t.Helper()
	withPrev := 0
	for _, prev := range prevs {
		if prev != "" {
			withPrev++
		}
	}
	if withPrev != 1 || st.checked != n {
		t.Fatalf("%s: %d reports with a previous one, %d checked", what, withPrev, st.checked)
	}
	want, wantBack := n-withPrev, 0
	if custom {
		// The custom rule reads the document when there are peers.
		want, wantBack = 0, 0
		for i, prev := range prevs {
			switch {
			case prev != "":
			case len(peers[i]) > 0:
				wantBack++
			default:
				want++
			}
		}
		if wantBack == 0 {
			t.Fatalf("no report has peers")
		}
	}
	if st.finished != want || st.readBack != wantBack {
		t.Errorf("%s: %d finished without the document, %d read back; want %d and %d", what, st.finished, st.readBack, want, wantBack)
	}
}
