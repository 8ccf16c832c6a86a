package jobs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ogi-checker/ogi/assess"
	"github.com/ogi-checker/ogi/check"
	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/internal/atomicfile"
	"github.com/ogi-checker/ogi/internal/store"
	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

// results are a batch's last results as its run wrote them, and the items
// they are of (the batch may have changed since).
type results struct {
	reports []report.FileReport
	items   []store.Item
	// run names the run directory they were read from (see currentRun).
	run string
}

// A batch's results are in a directory per run, batches/<id>/run-*, and
// the file current names the one in force: a run writes its directory
// and then replaces current, so that a reader in any process sharing the
// data directory sees one whole run's items and results, never one's
// items with another's results.
const (
	runPrefix   = "run-"
	currentFile = "current"
	// staleRun is how old a run directory that is neither current nor
	// the one before must be to be removed: younger, it may be another
	// process's run still being written.
	staleRun = time.Hour
)

// currentRun is the directory of the batch's results in force and its
// name ("" and the batch directory itself for results written before
// runs had directories).
func currentRun(dir string) (string, string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, fs.ErrNotExist) {
		return dir, "", nil
	}
	if err != nil {
		return "", "", err
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, runPrefix) || strings.ContainsAny(name, `/\`) {
		return "", "", fmt.Errorf("%s names no run directory", filepath.Join(dir, currentFile))
	}
	return filepath.Join(dir, name), name, nil
}

// publishRun makes the run directory name the batch's results in force
// and removes the runs before the one it replaces.
func publishRun(dir, name string) error {
	_, prev, _ := currentRun(dir)
	if err := atomicfile.WriteFile(filepath.Join(dir, currentFile), []byte(name+"\n")); err != nil {
		return err
	}
	// The results of before runs had directories give way to the new ones.
	for _, legacy := range []string{"items.json", "results.jsonl"} {
		_ = os.Remove(filepath.Join(dir, legacy))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || !strings.HasPrefix(n, runPrefix) || n == name || n == prev {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleRun {
			_ = os.RemoveAll(filepath.Join(dir, n))
		}
	}
	return nil
}

// maxResultLine bounds one report's JSON line when results are read back:
// a report with every cell failing is a few MB.
const maxResultLine = 64 << 20

// materialise puts every item's original under dir as <seq>-<name>, so
// that the readers see the extension the office's file had, and gives the
// inputs that name the reports as the office did.
func (r *Runner) materialise(dir string, items []store.Item) ([]check.Input, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, runError("无法创建工作目录", "cannot create the work directory", err)
	}
	inputs := make([]check.Input, len(items))
	for i, it := range items {
		src, err := r.cfg.Blobs.Path(it.Blob)
		if err != nil {
			return nil, runError("找不到上传的文件 "+it.Name, "the uploaded file "+it.Name+" is missing", err)
		}
		dst := filepath.Join(dir, strconv.Itoa(it.Seq)+"-"+safeFileName(it.Name))
		if err := linkOrCopy(src, dst); err != nil {
			return nil, runError("无法准备文件 "+it.Name, "cannot prepare the file "+it.Name, err)
		}
		inputs[i] = check.Input{File: dst, Name: it.Name}
	}
	return inputs, nil
}

// linkOrCopy makes dst the same bytes as src: a hard link when the data
// directory allows one, else a copy.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// maxNameBytes keeps <seq>-<name> under the 255 bytes most file systems
// allow in one name; a Chinese character is three.
const maxNameBytes = 200

// safeFileName makes an uploaded name one file name: no directories, no
// control characters, not too long, with its extension kept.
func safeFileName(name string) string {
	name = strings.Map(func(c rune) rune {
		if c == '/' || c == '\\' || c == ':' || unicode.IsControl(c) || c == utf8.RuneError {
			return '_'
		}
		return c
	}, name)
	name = strings.Trim(name, ". ")
	if name == "" {
		return "file"
	}
	if len(name) <= maxNameBytes {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:maxNameBytes-len(ext)]
	for !utf8.ValidString(stem) {
		stem = stem[:len(stem)-1]
	}
	return stem + ext
}

// writeRunItems keeps the items a run was of beside its results.
func writeRunItems(path string, items []store.Item) error {
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

// load reads a batch's last results (cached until its next run); nil when
// it has none yet.
func (r *Runner) load(batch int64) (*results, error) {
	r.cacheMu.Lock()
	defer r.cacheMu.Unlock()
	dir, name, err := currentRun(r.batchDir(batch))
	if err != nil {
		return nil, fmt.Errorf("jobs: batch %d: %w", batch, err)
	}
	if res, ok := r.cache[batch]; ok && res.run == name {
		return res, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "items.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: batch %d: %w", batch, err)
	}
	res := &results{run: name}
	if err := json.Unmarshal(data, &res.items); err != nil {
		return nil, fmt.Errorf("jobs: batch %d: items.json: %w", batch, err)
	}
	f, err := os.Open(filepath.Join(dir, "results.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("jobs: batch %d: %w", batch, err)
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxResultLine)
	for n := 1; sc.Scan(); n++ {
		var fr report.FileReport
		if err := json.Unmarshal(sc.Bytes(), &fr); err != nil {
			return nil, fmt.Errorf("jobs: batch %d: results.jsonl line %d: %w", batch, n, err)
		}
		res.reports = append(res.reports, fr)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("jobs: batch %d: results.jsonl: %w", batch, err)
	}
	if len(res.reports) != len(res.items) {
		return nil, fmt.Errorf("jobs: batch %d: %d results for %d files", batch, len(res.reports), len(res.items))
	}
	r.cache[batch] = res
	return res, nil
}

// Results are the batch's last results in batch order, named as the
// office uploaded the files, each finding with the decision in force now
// (made after the run included). The scores and counts are the run's: an
// export (Export) runs again and scores with the decisions. Nil when the
// batch has not run.
func (r *Runner) Results(ctx context.Context, batch int64) ([]report.FileReport, error) {
	res, err := r.load(batch)
	if err != nil || res == nil {
		return nil, err
	}
	ds, err := r.decisions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]report.FileReport, len(res.reports))
	for i, fr := range res.reports {
		fr.Findings = append([]engine.Finding(nil), fr.Findings...)
		check.ApplyDecisions(fr.Findings, ds)
		out[i] = fr
	}
	return out, nil
}

// decisions are the store's decisions as the checker applies them.
func (r *Runner) decisions(ctx context.Context) (map[string]check.Decision, error) {
	kept, err := r.cfg.Store.Decisions(ctx)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	ds := make(map[string]check.Decision, len(kept))
	for _, k := range kept {
		ds[k.Finding] = check.Decision{Identity: k.Finding, Values: k.Cells, Review: engine.Review{Verdict: k.Verdict,
			Reason: k.Reason, By: k.Reviewer, At: k.Decided.UTC().Format(time.RFC3339), Owner: k.Owner, Due: k.Due}}
	}
	return ds, nil
}

// ItemFor is the item of the idx-th result.
func (r *Runner) ItemFor(_ context.Context, batch int64, idx int) (store.Item, error) {
	res, err := r.load(batch)
	if err != nil {
		return store.Item{}, err
	}
	if res == nil || idx < 0 || idx >= len(res.items) {
		return store.Item{}, fmt.Errorf("jobs: batch %d has no result %d", batch, idx)
	}
	return res.items[idx], nil
}

// Document is the converted document of the idx-th result: the one the
// run kept in the store, or the original converted again when the store
// has none from this converter.
func (r *Runner) Document(ctx context.Context, batch int64, idx int) (*schema.Document, error) {
	it, err := r.ItemFor(ctx, batch, idx)
	if err != nil {
		return nil, err
	}
	b, ok, err := r.cfg.Store.Batch(ctx, batch)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("jobs: no batch %d", batch)
	}
	chk, err := r.cfg.Checker(b.Profile, b.Jurisdiction)
	if err != nil {
		return nil, fmt.Errorf("jobs: batch %d: %w", batch, err)
	}
	if doc := r.docs.get(it.Blob); doc != nil {
		return doc, nil
	}
	path, err := r.cfg.Blobs.Path(it.Blob)
	if err != nil {
		return nil, fmt.Errorf("jobs: %s: %w", it.Name, err)
	}
	data, err := check.ReadInput(path, chk.Limits())
	if err != nil {
		return nil, fmt.Errorf("jobs: %s: %w", it.Name, err)
	}
	key := assess.StoreKey(data, check.Input{})
	doc, ok := r.stored(ctx, key)
	if !ok {
		if doc, err = chk.ConvertBytes(ctx, check.Input{File: it.Name}, data); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	r.docs.put(it.Blob, doc)
	return doc, nil
}

// docCache keeps the documents pages asked for last: a report page reads
// its document, the previous year's and again for the comparison, and
// each read would decode the stored JSON. A document depends only on the
// original's bytes and the converter, so the blob's hash is its key; the
// documents are shared, never changed.
type docCache struct {
	mu    sync.Mutex
	docs  map[string]*schema.Document
	order []string
}

// docCacheSize is how many documents are kept (a few hundred KB each).
const docCacheSize = 32

func (c *docCache) get(key string) *schema.Document {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.docs[key]
}

func (c *docCache) put(key string, doc *schema.Document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil {
		c.docs = map[string]*schema.Document{}
	}
	if _, ok := c.docs[key]; ok {
		return
	}
	if len(c.order) >= docCacheSize {
		delete(c.docs, c.order[0])
		c.order = c.order[1:]
	}
	c.docs[key] = doc
	c.order = append(c.order, key)
}

// stored reads a document from the store, when the store has it from
// this converter.
func (r *Runner) stored(ctx context.Context, key string) (*schema.Document, bool) {
	m, ok, err := r.cfg.Store.ReportMeta(ctx, key)
	if err != nil || !ok || m.Converter != r.cfg.Converter || m.Unreadable != "" {
		return nil, false
	}
	data, ok, err := r.cfg.Store.Document(ctx, key)
	if err != nil || !ok {
		return nil, false
	}
	doc := &schema.Document{}
	if err := json.Unmarshal(data, doc); err != nil {
		return nil, false
	}
	return doc, true
}

// Previous is the same body's report for the year before the idx-th
// result's, and its file name: from the batch first, else from the store,
// as a run pairs them. Nil when there is none.
func (r *Runner) Previous(ctx context.Context, batch int64, idx int) (*schema.Document, string, error) {
	doc, err := r.Document(ctx, batch, idx)
	if err != nil {
		return nil, "", err
	}
	if doc.Meta.Year == nil || doc.Meta.Agency == "" {
		return nil, "", nil
	}
	year, agency := *doc.Meta.Year, doc.Meta.Agency
	res, err := r.load(batch)
	if err != nil || res == nil {
		return nil, "", err
	}
	for j, fr := range res.reports {
		if j == idx || fr.IsUnreadable() || fr.Year == nil || *fr.Year != year-1 || !assess.SameBody(fr.Agency, agency) {
			continue
		}
		prev, err := r.Document(ctx, batch, j)
		if err != nil {
			return nil, "", err
		}
		return prev, fr.File, nil
	}
	rs, err := r.cfg.Store.ReportsFor(ctx, schema.BodyKey(agency), year-1)
	if err != nil {
		return nil, "", fmt.Errorf("jobs: %w", err)
	}
	for _, rep := range rs {
		data, ok, err := r.cfg.Store.Document(ctx, rep.Hash)
		if err != nil || !ok {
			continue
		}
		prev := &schema.Document{}
		if err := json.Unmarshal(data, prev); err != nil {
			continue
		}
		return prev, rep.File, nil
	}
	return nil, "", nil
}
