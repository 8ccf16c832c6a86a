package jobs

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// testBlobs keeps originals by hash in a directory, as intake.Blobs does;
// block, when set, is called on every Path (a test holds a run there).
type testBlobs struct {
	dir   string
	block func()
}

func (b *testBlobs) put(t *testing.T, src string) (hash string, size int64) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	hash = hex.EncodeToString(sum[:])
	if err := os.WriteFile(filepath.Join(b.dir, hash), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return hash, int64(len(data))
}

func (b *testBlobs) Path(hash string) (string, error) {
	if b.block != nil {
		b.block()
	}
	p := filepath.Join(b.dir, hash)
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

var (
	checkerOnce sync.Once
	checker     *check.Checker
	checkerErr  error
)

// builtin is the checker of the built-in pack, compiled once for the
// package's tests.
func builtin(string, string) (*check.Checker, error) {
	checkerOnce.Do(func() { checker, checkerErr = check.New(check.Options{}) })
	return checker, checkerErr
}

// env is a data directory and store that runners can be made over.
type env struct {
	t      *testing.T
	dir    string
	dbPath string
	st     *store.Store
	blobs  *testBlobs
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir, dbPath: filepath.Join(dir, "ogi.db"), blobs: &testBlobs{dir: filepath.Join(dir, "blobs")}}
	if err := os.MkdirAll(e.blobs.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), e.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e.st = st
	return e
}

func (e *env) runner() *Runner {
	e.t.Helper()
	r, err := New(Config{Store: e.st, StorePath: e.dbPath, Blobs: e.blobs, DataDir: filepath.Join(e.dir, "data"),
		Checker: builtin, Version: "test", Converter: "test", Workers: 2})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// upload is a test report and the name an office uploads it under.
type upload struct{ src, name string }

var (
	seed000     = upload{"../testdata/seeds/000_80384ef52a1d3930.txt", "临港区宣传文化办公室 2019.txt"}
	seed002     = upload{"../testdata/seeds/002_a141446f969544e3.txt", "威海市科学技术局.txt"}
	hongze2023  = upload{"../testdata/real/hongze-district-2023.pdf", "洪泽区2023年年报.pdf"}
	hongze2024  = upload{"../testdata/real/hongze-district-2024.pdf", "洪泽区2024年年报.pdf"}
	huaian2024  = upload{"../testdata/real/huaian-city-2024.pdf", "淮安市.pdf"}
	fullUploads = []upload{seed002, hongze2023, huaian2024, hongze2024, seed000}
)

func (e *env) batch(name string, year int, ups ...upload) int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.st.CreateBatch(ctx, store.Batch{Name: name, Year: year, Profile: "default", CreatedBy: "admin"})
	if err != nil {
		e.t.Fatal(err)
	}
	var items []store.Item
	for _, u := range ups {
		h, n := e.blobs.put(e.t, u.src)
		items = append(items, store.Item{Name: u.name, Blob: h, Size: n, Source: "upload"})
	}
	if n, err := e.st.AddItems(ctx, id, items); err != nil || n != len(items) {
		e.t.Fatalf("AddItems = %d, %v", n, err)
	}
	return id
}

// waitEnd reads a subscription until the batch is done or failed.
func waitEnd(t *testing.T, ch <-chan Progress) (last Progress, seen []Progress) {
	t.Helper()
	for p := range ch {
		seen = append(seen, p)
		if p.State == store.BatchDone || p.State == store.BatchFailed {
			return p, seen
		}
	}
	t.Fatal("subscription closed before the batch ended")
	return
}

// TestRunBatch runs a batch in this process on SQLite, and through the
// shared job queue on PostgreSQL (one process queueing and working):
// the same progress, results, documents, decisions and exports.
func TestRunBatch(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		e := newEnv(t)
		testRunBatch(t, e, e.runner())
	})
	t.Run("postgres", func(t *testing.T) {
		q := newQueueEnv(t)
		testRunBatch(t, q.env, q.runner(2))
	})
}

func testRunBatch(t *testing.T, e *env, r *Runner) {
	ctx := context.Background()
	id := e.batch("2024年度", 0, fullUploads...)
	ch, unsub := r.Subscribe(id)
	defer unsub()
	if p := <-ch; p.State != store.BatchDraft {
		t.Errorf("first progress %+v, want the draft state", p)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Shutdown(ctx) }()
	if err := r.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	last, _ := waitEnd(t, ch)
	if last.State != store.BatchDone || last.Phase != "check" || last.Done != len(fullUploads) || last.Total != len(fullUploads) {
		t.Fatalf("last progress %+v, want done, check %d/%d", last, len(fullUploads), len(fullUploads))
	}
	b, _, err := e.st.Batch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != store.BatchDone || b.Done != b.Total || b.Total != len(fullUploads) || b.Runs != 1 || b.Started.IsZero() || b.Finished.IsZero() {
		t.Errorf("stored batch %+v", b)
	}

	res, err := r.Results(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fr := range res {
		names = append(names, fr.File)
	}
	var want []string
	for _, u := range fullUploads {
		want = append(want, u.name)
	}
	if !slices.Equal(names, want) {
		t.Fatalf("result files %q, want the uploaded names %q", names, want)
	}
	for i, fr := range res {
		if fr.IsUnreadable() || fr.Score == nil {
			t.Errorf("%s: not scored: %s", fr.File, fr.Error)
		}
		it, err := r.ItemFor(ctx, id, i)
		if err != nil || it.Name != fr.File {
			t.Errorf("ItemFor(%d) = %+v, %v", i, it, err)
		}
	}
	if _, err := r.ItemFor(ctx, id, len(res)); err == nil {
		t.Error("ItemFor past the end: no error")
	}
	testRoundTrip(t, r, id, res)

	// 洪泽区2024's previous report is 洪泽区2023 in the batch; 淮安市 has none.
	doc, err := r.Document(ctx, id, 3)
	if err != nil || doc.Meta.Year == nil || *doc.Meta.Year != 2024 {
		t.Fatalf("Document(3) = %+v, %v", doc, err)
	}
	prev, name, err := r.Previous(ctx, id, 3)
	if err != nil || prev == nil || name != hongze2023.name || *prev.Meta.Year != 2023 {
		t.Errorf("Previous(3) = %v, %q, %v; want the 2023 report %q", prev != nil, name, err, hongze2023.name)
	}
	if prev, name, err := r.Previous(ctx, id, 2); prev != nil || name != "" || err != nil {
		t.Errorf("Previous(淮安市) = %v, %q, %v; want none", prev != nil, name, err)
	}
	// In another batch, 洪泽区2024's previous report comes from the store,
	// by its exact body key as a run pairs it: the stored 2023 report is
	// 洪泽区人民政府's, so a 2023 report of 淮安市洪泽区人民政府 is put there.
	other := e.batch("another", 2024, hongze2024)
	if err := r.Enqueue(ctx, other); err != nil {
		t.Fatal(err)
	}
	och, ounsub := r.Subscribe(other)
	if last, _ := waitEnd(t, och); last.State != store.BatchDone {
		t.Fatalf("other batch: %+v", last)
	}
	ounsub()
	if prev, name, err := r.Previous(ctx, other, 0); prev != nil || err != nil {
		t.Errorf("Previous with no report of the body in the store = %q, %v; want none", name, err)
	}
	old, err := r.Document(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	old.Meta.Agency = doc.Meta.Agency
	js, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	y := 2023
	if err := e.st.PutReport(ctx, store.Report{Hash: "stored-2023", Converter: "test", File: "去年.pdf", Agency: old.Meta.Agency,
		Body: schema.BodyKey(old.Meta.Agency), Year: &y, Document: js}); err != nil {
		t.Fatal(err)
	}
	if prev, name, err := r.Previous(ctx, other, 0); err != nil || prev == nil || *prev.Meta.Year != 2023 || name != "去年.pdf" {
		t.Errorf("Previous from the store = %v, %q, %v", prev != nil, name, err)
	}

	testDecisionAfterRun(t, e, r, id)
	testExports(t, r, id)
}

// testRoundTrip: what Results parsed from results.jsonl encodes to the
// same line again (nothing of a FileReport is lost on the way back).
func testRoundTrip(t *testing.T, r *Runner, id int64, res []report.FileReport) {
	t.Helper()
	dir, _, err := currentRun(r.batchDir(id))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxResultLine)
	for i := 0; sc.Scan(); i++ {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res[i]); err != nil {
			t.Fatal(err)
		}
		if got := bytes.TrimSpace(buf.Bytes()); !bytes.Equal(got, sc.Bytes()) {
			t.Errorf("%s: re-encoded result differs from its line:\n%.300s\n%.300s", res[i].File, got, sc.Bytes())
		}
	}
}

// testDecisionAfterRun: a decision recorded after the run shows in
// Results and in the exported 问题清单.
func testDecisionAfterRun(t *testing.T, e *env, r *Runner, id int64) {
	t.Helper()
	ctx := context.Background()
	res, err := r.Results(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var target engine.Finding
	for _, f := range res[0].Findings {
		if f.ID != "" && f.Status == engine.StatusFail && !f.Waived {
			target = f
			break
		}
	}
	if target.ID == "" {
		t.Fatalf("%s has no failing finding", res[0].File)
	}
	identity, values := engine.SplitFindingID(target.ID)
	if err := e.st.PutDecision(ctx, store.Decision{Finding: identity, Cells: values, Verdict: engine.VerdictDismissed,
		Reason: "已电话核实", Reviewer: "张三", Decided: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Source: "web"}); err != nil {
		t.Fatal(err)
	}
	res, err = r.Results(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got *engine.Finding
	for i := range res[0].Findings {
		if res[0].Findings[i].ID == target.ID {
			got = &res[0].Findings[i]
		}
	}
	if got == nil || got.Review == nil || got.Review.Verdict != engine.VerdictDismissed || got.Review.By != "张三" || !got.Waived {
		t.Fatalf("finding after the decision: %+v", got)
	}
	var buf bytes.Buffer
	name, err := r.Export(ctx, id, "xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if name != "2024年度.xlsx" {
		t.Errorf("export name %q", name)
	}
	book, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = book.Close() }()
	rows, err := book.GetRows("问题清单")
	if err != nil {
		t.Fatal(err)
	}
	idCol, verdictCol := slices.Index(rows[0], "问题编号"), slices.Index(rows[0], "核实结论")
	if idCol < 0 || verdictCol < 0 {
		t.Fatalf("问题清单 header %q", rows[0])
	}
	found := false
	for _, row := range rows[1:] {
		if len(row) > max(idCol, verdictCol) && row[idCol] == target.ID {
			found = true
			if row[verdictCol] != "不成立" {
				t.Errorf("问题清单 row of %s: verdict %q, want 不成立", target.ID, row[verdictCol])
			}
		}
	}
	if !found {
		t.Errorf("问题清单 has no row %s", target.ID)
	}
}

// testExports: every format, the same bytes twice, and the zip's entries.
func testExports(t *testing.T, r *Runner, id int64) {
	t.Helper()
	ctx := context.Background()
	for _, format := range ExportFormats() {
		var a, b bytes.Buffer
		if _, err := r.Export(ctx, id, format, &a); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if _, err := r.Export(ctx, id, format, &b); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if a.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two exports differ (%d and %d bytes)", format, a.Len(), b.Len())
		}
		if format != "zip" {
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		want := []string{"2024年度.csv", "2024年度.docx", "2024年度.html", "2024年度.json", "2024年度.jsonl", "2024年度.xlsx",
			"originals/临港区宣传文化办公室 2019.txt", "originals/威海市科学技术局.txt", "originals/洪泽区2023年年报.pdf",
			"originals/洪泽区2024年年报.pdf", "originals/淮安市.pdf"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("zip entries\n%q\nwant\n%q", names, want)
		}
		orig, err := zr.Open("originals/淮安市.pdf")
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		_, _ = got.ReadFrom(orig)
		src, _ := os.ReadFile(huaian2024.src)
		if !bytes.Equal(got.Bytes(), src) {
			t.Error("originals/淮安市.pdf is not the uploaded file")
		}
	}
	if _, err := r.Export(ctx, id, "pdf", &bytes.Buffer{}); err == nil {
		t.Error("unknown export format: no error")
	}
}

// TestResume: a batch cancelled by Shutdown stays queued, one left running
// by a server that died is queued again, and a new Runner over the same
// store runs both, in order.
func TestResume(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	a := e.batch("a", 2019, seed000, seed002)

	// The first runner is held in a's first file until it is shut down.
	inRun, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	e.blobs.block = func() {
		once.Do(func() { close(inRun) })
		<-release
	}
	r1 := e.runner()
	if err := r1.Enqueue(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := r1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-inRun
	done, cancel := context.WithCancel(ctx)
	cancel()
	// An expired context: Shutdown cancels the run and returns at once.
	if err := r1.Shutdown(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown(expired) = %v", err)
	}
	close(release)
	if err := r1.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r1.Enqueue(ctx, a); err == nil {
		t.Error("Enqueue after Shutdown: no error")
	}
	e.blobs.block = nil
	// A server that died in a run left it running.
	crashed := e.batch("crashed", 2019, seed002)
	if err := e.st.SetBatchState(ctx, crashed, store.BatchRunning, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{a: store.BatchQueued, crashed: store.BatchRunning} {
		b, _, err := e.st.Batch(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.State != want {
			t.Errorf("batch %s after shutdown: %s, want %s", b.Name, b.State, want)
		}
	}
	if res, err := r1.Results(ctx, a); res != nil || err != nil {
		t.Errorf("results of a cancelled first run: %d, %v; want none", len(res), err)
	}

	r2 := e.runner()
	cha, unsubA := r2.Subscribe(a)
	defer unsubA()
	chc, unsubC := r2.Subscribe(crashed)
	defer unsubC()
	if err := r2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r2.Shutdown(ctx) }()
	lastA, _ := waitEnd(t, cha)
	lastC, _ := waitEnd(t, chc)
	for _, p := range []Progress{lastA, lastC} {
		if p.State != store.BatchDone {
			t.Errorf("batch %d: %+v, want done", p.Batch, p)
		}
	}
	ba, _, _ := e.st.Batch(ctx, a)
	bc, _, _ := e.st.Batch(ctx, crashed)
	if ba.Runs != 2 || bc.Runs != 2 {
		t.Errorf("runs %d and %d, want 2 each (one cut short, one crashed)", ba.Runs, bc.Runs)
	}
	if !ba.Finished.Before(bc.Started) && !ba.Finished.Equal(bc.Started) {
		t.Errorf("batch a finished %v after the crashed batch started %v: not one at a time in order", ba.Finished, bc.Started)
	}
	res, err := r2.Results(ctx, a)
	if err != nil || len(res) != 2 || res[0].File != seed000.name || res[1].File != seed002.name {
		t.Errorf("results after the resumed run: %v, %v", fileNames(res), err)
	}
}

func fileNames(frs []report.FileReport) []string {
	var out []string
	for _, fr := range frs {
		out = append(out, fr.File)
	}
	return out
}

func TestSafeFileName(t *testing.T) {
	long := ""
	for range 100 {
		long += "报"
	}
	for _, tc := range []struct{ in, want string }{
		{"年报.pdf", "年报.pdf"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"a\x00b\nc.txt", "a_b_c.txt"},
		{"", "file"},
		{"..", "file"},
		{long + ".pdf", long[:195] + ".pdf"},
	} {
		if got := safeFileName(tc.in); got != tc.want {
			t.Errorf("safeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewRefusesIncompleteConfig(t *testing.T) {
	e := newEnv(t)
	full := Config{Store: e.st, StorePath: e.dbPath, Blobs: e.blobs, DataDir: e.dir, Checker: builtin}
	for name, mod := range map[string]func(c *Config){
		"no store":    func(c *Config) { c.Store = nil },
		"no path":     func(c *Config) { c.StorePath = "" },
		"no blobs":    func(c *Config) { c.Blobs = nil },
		"no data dir": func(c *Config) { c.DataDir = "" },
		"no checker":  func(c *Config) { c.Checker = nil },
	} {
		c := full
		mod(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := New(full); err != nil {
		t.Errorf("full config: %v", err)
	}
}
