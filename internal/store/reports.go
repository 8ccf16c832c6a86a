package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Report is one converted annual report. It is keyed by the hash of the
// input file rather than by its name, so that a renamed or moved file is
// still recognised and an edited one is not.
type Report struct {
	// Hash is the hex sha256 of the input bytes.
	Hash string
	// Converter is the ogi version that produced Document, so that a
	// caller can reconvert when the converter has changed.
	Converter string
	// File is the path the report was read from, for messages only.
	File string
	// Agency is the issuing agency as written in the report.
	Agency string
	// Body is the normalised body key that links a body's reports across
	// years even when its name is written differently.
	Body string
	// Template identifies the report layout the converter recognised.
	Template string
	// Year is nil when the report year could not be determined, which
	// keeps such reports out of cross-year lookups.
	Year *int
	// Document is the canonical JSON, uncompressed in the API; the store
	// compresses it.
	Document []byte
	// Signature is the caller's MinHash signature of the narrative (nil
	// when the report has none), kept beside the document so a re-run can
	// compare reports without decompressing them.
	Signature []byte
	// Unreadable is the caller's reason code when the input holds no
	// report ("" for a report): such an entry has no document to speak of,
	// and is never anyone's previous-year report.
	Unreadable string
}

// PutReport inserts or replaces the report with r.Hash, so that
// reconverting a file with a newer converter overwrites the stale document.
func (s *Store) PutReport(ctx context.Context, r Report) error {
	// Compress before taking the single writer connection so that
	// goroutines compress in parallel and only the SQL is serialised.
	doc, err := prepareReport(r)
	if err != nil {
		return err
	}
	return putReport(ctx, s.w, r, doc)
}

// prepareReport validates r and compresses its document.
func prepareReport(r Report) ([]byte, error) {
	if r.Hash == "" {
		return nil, errors.New("store: put report: empty hash")
	}
	doc, err := compress(r.Document)
	if err != nil {
		return nil, fmt.Errorf("store: put report %s: compress: %w", r.Hash, err)
	}
	return doc, nil
}

// putReport writes r with its already-compressed document through e.
func putReport(ctx context.Context, e execer, r Report, doc []byte) error {
	if _, err := e.ExecContext(ctx, `INSERT INTO reports (`+reportColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+reportConflict,
		reportArgs(r, doc)...); err != nil {
		return fmt.Errorf("store: put report %s: %w", r.Hash, err)
	}
	return nil
}

// reportMetaColumns are the columns of a Report without its document, the
// part worth reading when deciding whether a file needs converting.
const reportMetaColumns = `hash, converter, file, agency, body, year, template, signature, unreadable`

// scanReportMeta reads the columns listed in reportMetaColumns.
func scanReportMeta(row interface{ Scan(...any) error }) (Report, error) {
	var (
		r    Report
		year sql.NullInt64
	)
	if err := row.Scan(&r.Hash, &r.Converter, &r.File, &r.Agency, &r.Body, &year, &r.Template, &r.Signature, &r.Unreadable); err != nil {
		return Report{}, err
	}
	if year.Valid {
		y := int(year.Int64)
		r.Year = &y
	}
	return r, nil
}

// ReportMeta returns the report without its document: cheap enough to call
// for every input file when deciding whether to convert it. ok is false
// when no report has that hash.
func (s *Store) ReportMeta(ctx context.Context, hash string) (r Report, ok bool, err error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+reportMetaColumns+` FROM reports WHERE hash = ?`, hash)
	r, err = scanReportMeta(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, false, nil
	}
	if err != nil {
		return Report{}, false, fmt.Errorf("store: report %s: %w", hash, err)
	}
	return r, true, nil
}

// Document returns the uncompressed canonical JSON of a report, separately
// from ReportMeta because it is by far the largest column. ok is false when
// no report has that hash.
func (s *Store) Document(ctx context.Context, hash string) ([]byte, bool, error) {
	var blob []byte
	err := s.r.QueryRowContext(ctx, `SELECT document FROM reports WHERE hash = ?`, hash).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: document %s: %w", hash, err)
	}
	doc, err := decompress(blob)
	if err != nil {
		return nil, false, fmt.Errorf("store: document %s: decompress: %w", hash, err)
	}
	return doc, true, nil
}

// ReportsFor returns the reports (without documents) stored for a body key
// and year, which is how cross-year checks find last year's report; an
// unreadable input is not a report and is left out. There
// can be several, e.g. a corrected re-issue; they are sorted by hash so
// that the caller's choice among them is deterministic.
func (s *Store) ReportsFor(ctx context.Context, body string, year int) ([]Report, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+reportMetaColumns+` FROM reports
	WHERE body = ? AND year = ? AND unreadable = '' ORDER BY hash`, body, year)
	if err != nil {
		return nil, fmt.Errorf("store: reports for %s %d: %w", body, year, err)
	}
	defer func() { _ = rows.Close() }()
	var out []Report
	for rows.Next() {
		r, err := scanReportMeta(rows)
		if err != nil {
			return nil, fmt.Errorf("store: reports for %s %d: %w", body, year, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reports for %s %d: %w", body, year, err)
	}
	return out, nil
}
