package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ogi-checker/ogi/internal/atomicfile"
)

// exportArgs are an export job's. Key names everything the export's bytes
// depend on (see exportKey): two officers asking for the same export at
// once get one job and one file.
type exportArgs struct {
	Batch  int64  `json:"batch" river:"unique"`
	Format string `json:"format" river:"unique"`
	Key    string `json:"key" river:"unique"`
}

// Kind names the job for River.
func (exportArgs) Kind() string { return kindExport }

// InsertOpts: someone is waiting for an export, so it goes first.
func (exportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: queueExport, Priority: 1, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

const (
	kindExport  = "ogi_export"
	queueExport = "ogi_export"
	// exportWait bounds how long a request waits for its export job.
	exportWait = 10 * time.Minute
	// exportKeep is how long an export file is kept for the same request.
	exportKeep = 24 * time.Hour
)

// exportFile is what an export job leaves: the file name to offer and the
// path of the bytes.
type exportFile struct {
	Name string `json:"name"`
}

// exportKey digests what an export's bytes depend on: the batch's
// settings, its run in force, the decisions and the language.
func (q *queue) exportKey(ctx context.Context, batch int64, format string) (string, error) {
	st := q.r.cfg.Store
	b, ok, err := st.Batch(ctx, batch)
	if err != nil {
		return "", fmt.Errorf("jobs: %w", err)
	}
	if !ok {
		return "", fmt.Errorf("jobs: no batch %d", batch)
	}
	_, run, err := currentRun(q.r.batchDir(batch))
	if err != nil {
		return "", fmt.Errorf("jobs: batch %d: %w", batch, err)
	}
	v, err := st.DecisionsVersion(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, _ = fmt.Fprintf(h, "%d\x00%s\x00%s\x00%d\x00%s\x00%s\x00%d\x00%s\x00%d\x00%s\x00", batch, format, b.Name, b.Year, b.Profile,
		b.Jurisdiction, b.Runs, run, v, q.r.cfg.Lang)
	_, _ = fmt.Fprintf(h, "%s\x00", b.RosterName)
	_, _ = h.Write(b.Roster)
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// exportDir is where the export job with that key leaves its file.
func (r *Runner) exportDir(key string) string {
	return filepath.Join(r.cfg.DataDir, "exports", key)
}

// export queues the export (or finds it done), waits for it and copies
// the file to w.
func (q *queue) export(ctx context.Context, batch int64, format string, w io.Writer) (string, error) {
	key, err := q.exportKey(ctx, batch, format)
	if err != nil {
		return "", err
	}
	if name, err := q.r.copyExport(key, w); err == nil {
		return name, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	res, err := q.client.Insert(ctx, exportArgs{Batch: batch, Format: format, Key: key}, nil)
	if err != nil {
		return "", fmt.Errorf("jobs: queueing the export: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, exportWait)
	defer cancel()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		job, err := q.client.JobGet(wctx, res.Job.ID)
		if err != nil {
			return "", fmt.Errorf("jobs: the export: %w", err)
		}
		switch job.State {
		case rivertype.JobStateCompleted:
			return q.r.copyExport(key, w)
		case rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
			msg := "the export job failed"
			if n := len(job.Errors); n > 0 {
				msg = job.Errors[n-1].Error
			}
			return "", fmt.Errorf("jobs: export: %s", msg)
		}
		select {
		case <-wctx.Done():
			return "", runError("导出任务未完成：没有工作进程处理导出", "the export was not done in time: no worker took it", wctx.Err())
		case <-t.C:
		}
	}
}

// copyExport copies the export with that key to w; fs.ErrNotExist when
// there is none.
func (r *Runner) copyExport(key string, w io.Writer) (string, error) {
	dir := r.exportDir(key)
	b, err := os.ReadFile(filepath.Join(dir, "name.json"))
	if err != nil {
		return "", err
	}
	var f exportFile
	if err := json.Unmarshal(b, &f); err != nil || f.Name == "" || strings.ContainsAny(f.Name, `/\`) {
		return "", fmt.Errorf("jobs: %s: not an export", dir)
	}
	return f.Name, copyFile(w, filepath.Join(dir, "export"))
}

// exportWorker writes an export into the data directory.
type exportWorker struct {
	river.WorkerDefaults[exportArgs]
	q *queue
}

// Timeout: an export of a large batch re-runs it from the store.
func (w *exportWorker) Timeout(*river.Job[exportArgs]) time.Duration { return w.q.timeout(exportWait) }

// Work writes the export to a directory of its own, then renames it into
// place: a reader sees a whole export or none.
func (w *exportWorker) Work(ctx context.Context, job *river.Job[exportArgs]) error {
	r, a := w.q.r, job.Args
	if _, err := os.Stat(r.exportDir(a.Key)); err == nil {
		return nil // done by another attempt
	}
	root := filepath.Join(r.cfg.DataDir, "exports")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return err
	}
	pruneExports(root)
	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	f, err := os.Create(filepath.Join(tmp, "export"))
	if err != nil {
		return err
	}
	name, err := r.export(ctx, a.Batch, a.Format, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx, err)
		}
		// The same batch and decisions fail the same way again: the one
		// waiting is told now rather than after the retries.
		return river.JobCancel(err)
	}
	meta, _ := json.Marshal(exportFile{Name: name})
	if err := atomicfile.WriteFile(filepath.Join(tmp, "name.json"), meta); err != nil {
		return err
	}
	if err := os.Rename(tmp, r.exportDir(a.Key)); err != nil && !errors.Is(err, fs.ErrExist) {
		if _, serr := os.Stat(r.exportDir(a.Key)); serr == nil {
			return nil // another worker's rename came first: the same bytes
		}
		return err
	}
	return nil
}

// pruneExports removes the exports older than exportKeep.
func pruneExports(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > exportKeep {
			_ = os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}
