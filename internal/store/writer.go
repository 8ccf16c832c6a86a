package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Writer queues writes and commits them in batches on one goroutine, so a
// batch of thousands of reports pays one transaction per few hundred
// writes rather than one per report: the workers that convert and check
// never wait for the disk. Everything but executing the SQL happens in the
// calling goroutine (validating, compressing, cleaning the text of the
// arguments), so that the writer, which every worker's writes go through,
// does as little as it can. Reads see a write only after Flush.
type Writer struct {
	s    *Store
	ctx  context.Context
	ops  chan writeOp
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error // the first failed write, reported by Flush and Close
	size int
	// relaxed commits without waiting for the disk (see Relax).
	relaxed bool
}

// A writeOp is one queued write, its statement arguments ready and
// cleaned (cleanArgs), or a flush marker.
type writeOp struct {
	report *reportRow
	result *resultRow
	pair   *pairRow
	flush  chan error
}

// bytes is roughly what an op holds, to bound a transaction's memory.
func (op writeOp) bytes() int {
	switch {
	case op.report != nil:
		return 256 + len(op.report.doc)
	case op.result != nil:
		return 256 + len(op.result.summary) + 64*op.result.findings
	}
	return 64
}

// reportRow is a report's arguments in reportColumns order.
type reportRow struct {
	id   string // names the row among a batch's (writeOp.id)
	hash string
	doc  []byte // compressed, also in args
	args []any
}

// resultRow is a result's arguments in resultColumns order, its key's
// for the findings it replaces, and its findings' (findingColumns order,
// one row after another).
type resultRow struct {
	id       string
	key      []any
	summary  []byte
	args     []any
	findings int
	fargs    []any
}

type pairRow struct {
	id   string
	args []any
}

// The column lists and upsert clauses of the statements a Writer batches;
// the single writes (putReport, putResult, putPair) say the same.
const (
	reportColumns  = `hash, converter, file, agency, body, year, template, document, created, signature, unreadable`
	reportConflict = ` ON CONFLICT (hash) DO UPDATE SET converter = excluded.converter, file = excluded.file, agency = excluded.agency,
	body = excluded.body, year = excluded.year, template = excluded.template, document = excluded.document,
	created = excluded.created, signature = excluded.signature, unreadable = excluded.unreadable`
	resultColumns  = `report_hash, rules_hash, config_digest, prev_hash, run_id, score, grade, errors, warnings, summary`
	resultConflict = ` ON CONFLICT (report_hash, rules_hash, config_digest, prev_hash) DO UPDATE SET run_id = excluded.run_id,
	score = excluded.score, grade = excluded.grade, errors = excluded.errors, warnings = excluded.warnings,
	summary = excluded.summary`
	findingColumns = `report_hash, rules_hash, config_digest, prev_hash, seq, rule, severity, status, message, cells`
	pairConflict   = ` ON CONFLICT (a, b) DO UPDATE SET score = excluded.score`
)

// rowsPerStatement bounds the rows of one multi-row statement, keeping it
// well below the bound parameters either engine takes (SQLite 32,766,
// PostgreSQL 65,535).
const rowsPerStatement = 500

// batchBytes bounds what one transaction holds in memory; batchLinger is
// how long the writer waits for more writes before committing what it
// has (a Flush commits at once). Without the wait it committed whatever
// was queued the moment it woke, often a single write.
const (
	batchBytes  = 16 << 20
	batchLinger = 50 * time.Millisecond
)

// NewWriter starts a writer committing at most size writes per transaction.
func (s *Store) NewWriter(ctx context.Context, size int) *Writer {
	if size < 1 {
		size = 1
	}
	w := &Writer{s: s, ctx: ctx, ops: make(chan writeOp, size), size: size}
	w.wg.Add(1)
	go w.loop()
	return w
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *Writer) firstErr() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *Writer) loop() {
	defer w.wg.Done()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for op := range w.ops {
		batch, size := []writeOp{op}, op.bytes()
		linger.Reset(batchLinger)
	fill:
		for len(batch) < w.size && size < batchBytes && batch[len(batch)-1].flush == nil {
			select {
			case next, ok := <-w.ops:
				if !ok {
					break fill
				}
				batch = append(batch, next)
				size += next.bytes()
			case <-linger.C:
				break fill
			}
		}
		linger.Stop()
		w.commit(batch)
		if f := batch[len(batch)-1].flush; f != nil {
			f <- w.firstErr()
		}
	}
}

// commit writes a batch in one transaction with a few multi-row
// statements. Should any of them fail, the transaction is undone and the
// batch written again one write at a time, so that the bad write is the
// one reported and undone while the others are committed.
func (w *Writer) commit(batch []writeOp) {
	n := 0
	for _, op := range batch {
		if op.flush == nil {
			n++
		}
	}
	if n == 0 {
		return
	}
	tx, err := w.begin()
	if err != nil {
		w.fail(err)
		return
	}
	if err := execBatch(w.ctx, tx, batch); err != nil {
		_ = tx.Rollback()
		w.commitEach(batch)
		return
	}
	if err := tx.Commit(); err != nil {
		w.fail(fmt.Errorf("store: commit: %w", err))
	}
}

func (w *Writer) begin() (*txn, error) {
	tx, err := w.s.w.BeginTx(w.ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	if w.relaxed && w.s.w.dialect == postgresDialect {
		if _, err := tx.ExecContext(w.ctx, `SET LOCAL synchronous_commit = off`); err != nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	return tx, nil
}

// commitEach writes a batch one write at a time, each all or nothing
// inside the transaction (a result and its findings are several
// statements).
func (w *Writer) commitEach(batch []writeOp) {
	tx, err := w.begin()
	if err != nil {
		w.fail(err)
		return
	}
	defer func() { _ = tx.Rollback() }()
	for _, op := range batch {
		if op.flush != nil {
			continue
		}
		if _, err := tx.ExecContext(w.ctx, `SAVEPOINT w`); err != nil {
			w.fail(fmt.Errorf("store: savepoint: %w", err))
			return
		}
		if err := execOne(w.ctx, tx, op); err != nil {
			w.fail(err)
			_, _ = tx.ExecContext(w.ctx, `ROLLBACK TO w`)
		}
		if _, err := tx.ExecContext(w.ctx, `RELEASE w`); err != nil {
			w.fail(fmt.Errorf("store: release: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		w.fail(fmt.Errorf("store: commit: %w", err))
	}
}

// execOne writes one op with single-row statements.
func execOne(ctx context.Context, tx *txn, op writeOp) error {
	switch {
	case op.report != nil:
		if err := execRows(ctx, tx, `INSERT INTO reports (`+reportColumns+`) VALUES `, reportConflict, 11, op.report.args); err != nil {
			return fmt.Errorf("store: put report %s: %w", op.report.hash, err)
		}
	case op.result != nil:
		r := op.result
		if err := execRows(ctx, tx, `INSERT INTO results (`+resultColumns+`) VALUES `, resultConflict, 10, r.args); err != nil {
			return fmt.Errorf("store: put result %s: %w", r.key[0], err)
		}
		if err := execFindingsDelete(ctx, tx, r.key); err != nil {
			return fmt.Errorf("store: put result %s: clearing findings: %w", r.key[0], err)
		}
		if err := execRows(ctx, tx, `INSERT INTO findings (`+findingColumns+`) VALUES `, "", 10, r.fargs); err != nil {
			return fmt.Errorf("store: put result %s: findings (seq must be unique): %w", r.key[0], err)
		}
	case op.pair != nil:
		if err := execRows(ctx, tx, `INSERT INTO pairs (a, b, score) VALUES `, pairConflict, 3, op.pair.args); err != nil {
			return fmt.Errorf("store: put pair %s %s: %w", op.pair.args[0], op.pair.args[1], err)
		}
	}
	return nil
}

// execBatch writes a batch's reports, results with their findings, and
// pairs, a few hundred rows to a statement. A row written twice in the
// batch is written once, as it was last queued: PostgreSQL refuses an
// upsert that meets the same row twice, and the last write is what
// writing them in turn would have left.
func execBatch(ctx context.Context, tx *txn, batch []writeOp) error {
	last := make(map[string]int, len(batch))
	for i, op := range batch {
		if id := op.id(); id != "" {
			last[id] = i
		}
	}
	var reports, results, findings, keys, pairs []any
	for i, op := range batch {
		if id := op.id(); id == "" || last[id] != i {
			continue
		}
		switch {
		case op.report != nil:
			reports = append(reports, op.report.args...)
		case op.result != nil:
			results = append(results, op.result.args...)
			keys = append(keys, op.result.key...)
			findings = append(findings, op.result.fargs...)
		case op.pair != nil:
			pairs = append(pairs, op.pair.args...)
		}
	}
	if err := execRows(ctx, tx, `INSERT INTO reports (`+reportColumns+`) VALUES `, reportConflict, 11, reports); err != nil {
		return err
	}
	if err := execRows(ctx, tx, `INSERT INTO results (`+resultColumns+`) VALUES `, resultConflict, 10, results); err != nil {
		return err
	}
	for len(keys) > 0 {
		n := min(len(keys), 4*rowsPerStatement)
		if err := execFindingsDelete(ctx, tx, keys[:n]); err != nil {
			return err
		}
		keys = keys[n:]
	}
	if err := execRows(ctx, tx, `INSERT INTO findings (`+findingColumns+`) VALUES `, "", 10, findings); err != nil {
		return err
	}
	return execRows(ctx, tx, `INSERT INTO pairs (a, b, score) VALUES `, pairConflict, 3, pairs)
}

// id names the row an op writes, "" for a flush marker.
func (op writeOp) id() string {
	switch {
	case op.report != nil:
		return op.report.id
	case op.result != nil:
		return op.result.id
	case op.pair != nil:
		return op.pair.id
	}
	return ""
}

// execRows inserts rows of cols arguments each (args one row after
// another), rowsPerStatement to a statement.
func execRows(ctx context.Context, tx *txn, head, tail string, cols int, args []any) error {
	row := "(?" + strings.Repeat(", ?", cols-1) + ")"
	for len(args) > 0 {
		n := min(len(args)/cols, rowsPerStatement)
		var q strings.Builder
		q.Grow(len(head) + n*(len(row)+2) + len(tail))
		q.WriteString(head)
		for i := range n {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(row)
		}
		q.WriteString(tail)
		if _, err := tx.execCleaned(ctx, q.String(), args[:n*cols]...); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}

// execFindingsDelete removes the findings of the results whose keys are
// keys (four arguments each).
func execFindingsDelete(ctx context.Context, tx *txn, keys []any) error {
	n := len(keys) / 4
	var q strings.Builder
	// Through a subquery, not IN (VALUES …) itself, which SQLite
	// answers by scanning the whole table instead of its primary key.
	q.WriteString(`DELETE FROM findings WHERE (report_hash, rules_hash, config_digest, prev_hash) IN
	(SELECT column1, column2, column3, column4 FROM (VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?)")
	}
	q.WriteString(") AS k)")
	_, err := tx.execCleaned(ctx, q.String(), keys...)
	return err
}

// Relax makes the writer's commits on PostgreSQL return before the write
// is on disk (synchronous_commit off for its transactions): for writes
// that are a cache, which a crash may lose because whoever needs them
// computes them again — a report job's prepared document and result,
// which the batch's run converts or checks itself when they are missing.
// A commit costs a round trip instead of a flush of the WAL. Call it
// before the first write; SQLite's commits are unchanged.
func (w *Writer) Relax() { w.relaxed = true }

// PutReport queues Store.PutReport.
func (w *Writer) PutReport(r Report) error {
	_, err := w.PutReportPacked(r)
	return err
}

// PutReportPacked queues Store.PutReport and returns the document as it
// is stored, compressed; Unpack reads it back. A caller that keeps the
// documents it writes (the check pass of a batch reads them again) keeps
// them so without compressing them a second time. The bytes must not be
// modified.
func (w *Writer) PutReportPacked(r Report) ([]byte, error) {
	doc, err := prepareReport(r)
	if err != nil {
		return nil, err
	}
	h := cleanText(r.Hash)
	w.ops <- writeOp{report: &reportRow{id: "r\x00" + h, hash: h, doc: doc, args: cleanArgs(reportArgs(r, doc))}}
	return doc, nil
}

// PutResult queues Store.PutResult.
func (w *Writer) PutResult(r Result) error {
	summary, err := prepareResult(r)
	if err != nil {
		return err
	}
	k := r.Key
	row := &resultRow{id: "s\x00" + cleanText(k.ReportHash) + "\x00" + cleanText(k.RulesHash) + "\x00" + cleanText(k.ConfigDigest) + "\x00" + cleanText(k.PrevHash),
		key: cleanArgs([]any{k.ReportHash, k.RulesHash, k.ConfigDigest, k.PrevHash}), summary: summary,
		args: cleanArgs(resultArgs(r, summary)), findings: len(r.Findings), fargs: make([]any, 0, 10*len(r.Findings))}
	for _, f := range r.Findings {
		row.fargs = append(row.fargs, row.key...)
		row.fargs = append(row.fargs, cleanArgs([]any{f.Seq, f.Rule, f.Severity, f.Status, f.Message, f.Cells})...)
	}
	w.ops <- writeOp{result: row}
	return nil
}

// PutPairScore queues Store.PutPairScore.
func (w *Writer) PutPairScore(a, b string, score float64) error {
	a, b, err := preparePair(a, b)
	if err != nil {
		return err
	}
	a, b = cleanText(a), cleanText(b)
	w.ops <- writeOp{pair: &pairRow{id: "p\x00" + a + "\x00" + b, args: []any{a, b, score}}}
	return nil
}

// reportArgs are r's arguments in reportColumns order, doc its
// compressed document.
func reportArgs(r Report, doc []byte) []any {
	var year sql.NullInt64
	if r.Year != nil {
		year = sql.NullInt64{Int64: int64(*r.Year), Valid: true}
	}
	return []any{r.Hash, r.Converter, r.File, r.Agency, r.Body, year, r.Template, doc, formatTime(time.Now()), r.Signature, r.Unreadable}
}

// resultArgs are r's arguments in resultColumns order, summary its
// compressed summary.
func resultArgs(r Result, summary []byte) []any {
	k := r.Key
	var runID sql.NullInt64
	if r.RunID != 0 {
		runID = sql.NullInt64{Int64: r.RunID, Valid: true}
	}
	var score sql.NullFloat64
	if r.Score != nil {
		score = sql.NullFloat64{Float64: *r.Score, Valid: true}
	}
	return []any{k.ReportHash, k.RulesHash, k.ConfigDigest, k.PrevHash, runID, score, r.Grade, r.Errors, r.Warnings, summary}
}

// Flush waits until every queued write is committed and returns the first
// error any write met so far.
func (w *Writer) Flush() error {
	done := make(chan error, 1)
	w.ops <- writeOp{flush: done}
	return <-done
}

// Close flushes and stops the writer.
func (w *Writer) Close() error {
	err := w.Flush()
	close(w.ops)
	w.wg.Wait()
	return err
}
