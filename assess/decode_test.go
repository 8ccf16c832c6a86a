package assess

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// TestDecodeStoredMatchesStdlib: every golden document, and the results a
// check of them produces, decode to the same values as with encoding/json.
func TestDecodeStoredMatchesStdlib(t *testing.T) {
	files, _ := filepath.Glob("../testdata/golden/*.json")
	if len(files) < 10 {
		t.Fatalf("only %d golden documents", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var want, got schema.Document
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatal(err)
		}
		if err := decodeStored(data, &got); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: the document decodes differently", f)
		}
		std, _ := json.Marshal(&want)
		if fast, err := encodeStored(&want); err != nil || !bytes.Equal(fast, std) {
			t.Errorf("%s: the document encodes differently (%v)", f, err)
		}
		// Into a buffer that held a longer document before.
		buf := bytes.NewBufferString(strings.Repeat("x", len(std)+10))
		if fast, err := encodeStoredTo(buf, &want); err != nil || !bytes.Equal(fast, std) {
			t.Errorf("%s: the document encodes differently into a buffer (%v)", f, err)
		}
		grid := report.NewGrid(&want, nil, "zh")
		stdGrid, _ := json.Marshal(grid)
		if fast, err := encodeStored(grid); err != nil || !bytes.Equal(fast, stdGrid) {
			t.Errorf("%s: the grid encodes differently (%v)", f, err)
		}
	}
	// Results with findings, cells, a score ledger and a grid.
	lines := seedResultLines(t)
	if len(lines) != 5 {
		t.Fatalf("%d result lines", len(lines))
	}
	for _, l := range lines {
		var want, got report.FileReport
		if err := json.Unmarshal(l, &want); err != nil {
			t.Fatal(err)
		}
		if err := decodeStored(l, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: the result decodes differently", want.File)
		}
		std, _ := json.Marshal(&want)
		if fast, err := encodeStored(&want); err != nil || !bytes.Equal(fast, std) {
			t.Errorf("%s: the result encodes differently (%v)", want.File, err)
		}
	}
}

// FuzzDecodeStored: on any bytes, the fast path accepts exactly what
// encoding/json accepts and reads the same value, or falls back to it.
func FuzzDecodeStored(f *testing.F) {
	// Small seeds: the fuzzer crawls on whole 60 KB documents, which the
	// test above covers.
	f.Add([]byte(`{"schema_version":"1","meta":{"title":"某县2021年政府信息公开工作年度报告","year":2021,"template":"2021","period":null},` +
		`"sections":[{"id":"overview","heading":"一、总体情况","text":"本年度……","source":{"line":3}}],` +
		`"tables":{"requests":{"granted":{"total":{"value":12,"raw":"12","status":"number","confidence":1,"source":{"line":40,"col":8}}}},` +
		`"review_litigation":{},"active":{"art20_1":{"rules":{"issued":{"value":null,"raw":"无","status":"placeholder"}}}}},` +
		`"table_info":[],"diagnostics":[{"code":"x","severity":"warning","message":"m"}]}`))
	f.Add([]byte(`{"meta":{"year":2021},"tables":{"requests":{"granted":{"total":{"value":1e400}}}}}`))
	f.Add([]byte(`{"sections":[{"id":"overview","text":"\ud800"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var want, got schema.Document
		werr := json.Unmarshal(data, &want)
		done := make(chan error, 1)
		go func() { done <- decodeStored(data, &got) }()
		var gerr error
		select {
		case gerr = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("decodeStored hangs on %q", data)
		}
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("encoding/json error %v, decodeStored error %v", werr, gerr)
		}
		if werr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("different values\nstd  %+v\nfast %+v", want, got)
		}
	})
}

// TestEncodedSummary: the stored result made of a result's JSON line and
// grid (encodedResult.summary) decodes to what encoding the whole result
// gives, with and without a grid, whatever the exit code, and with text
// that the two encoders escape differently (<, >, &).
func TestEncodedSummary(t *testing.T) {
	golden, err := os.ReadFile("../testdata/golden/" + goldenName(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc schema.Document
	if err := json.Unmarshal(golden, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for k, l := range seedResultLines(t) {
		var fr report.FileReport
		if err := json.Unmarshal(l, &fr); err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			fr.Agency = `<b>A&B</b> "局"`
		}
		for _, grid := range []*report.Grid{nil, report.NewGrid(&doc, fr.Findings, "zh")} {
			sr := storedResult{Report: fr, Code: check.Code(k % 3), Grid: grid}
			enc, err := encodeResult(&sr)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := encodeStored(sr)
			if err != nil {
				t.Fatal(err)
			}
			var want, got storedResult
			if err := decodeStored(whole, &want); err != nil {
				t.Fatal(err)
			}
			if err := decodeStored(enc.summary(), &got); err != nil {
				t.Fatalf("%s: %v", fr.File, err)
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s (grid %v): the summary made of the line decodes differently", fr.File, grid != nil)
			}
			n++
		}
	}
	if n != 10 {
		t.Fatalf("%d results compared", n)
	}
}

// goldenName is one golden document's file name.
func goldenName(t *testing.T) string {
	files, _ := filepath.Glob("../testdata/golden/*.json")
	if len(files) == 0 {
		t.Fatal("no golden documents")
	}
	return filepath.Base(files[0])
}

// seedResultLines are the JSON lines of a batch of the seeds: results with
// findings, cells, a score ledger and a grid.
func seedResultLines(t *testing.T) [][]byte {
	t.Helper()
	j := filepath.Join(t.TempDir(), "r.jsonl")
	inputs, err := Expand([]string{"../testdata/seeds"})
	if err != nil {
		t.Fatal(err)
	}
	runBatch(t, inputs, Options{Outputs: []report.Spec{report.FlagSpec("--jsonl", "jsonl", j)}})
	data, err := os.ReadFile(j)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSpace(data), []byte("\n"))
}
