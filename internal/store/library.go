package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Library kinds: what an administrator keeps for the office's batches.
const (
	LibraryProfile = "profile"
	LibraryRoster  = "roster"
)

// LibraryItem is a scoring profile or a roster kept under a name.
type LibraryItem struct {
	Kind, Name string
	Data       []byte
	CreatedBy  string
	Created    time.Time
}

func validKind(kind string) bool { return kind == LibraryProfile || kind == LibraryRoster }

// PutLibraryItem stores an item, replacing one of the same kind and name.
func (s *Store) PutLibraryItem(ctx context.Context, it LibraryItem) error {
	if !validKind(it.Kind) || it.Name == "" || len(it.Data) == 0 {
		return fmt.Errorf("store: library item %s %q: kind, name and data needed", it.Kind, it.Name)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO library (kind, name, data, created_by, created) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, name) DO UPDATE SET data = excluded.data, created_by = excluded.created_by, created = excluded.created`,
		it.Kind, it.Name, it.Data, it.CreatedBy, formatTime(it.Created))
	if err != nil {
		return fmt.Errorf("store: library item %s %q: %w", it.Kind, it.Name, err)
	}
	return nil
}

// LibraryItem returns the item of a kind and name.
func (s *Store) LibraryItem(ctx context.Context, kind, name string) (LibraryItem, bool, error) {
	row := s.r.QueryRowContext(ctx, `SELECT kind, name, data, created_by, created FROM library WHERE kind = ? AND name = ?`, kind, name)
	it, err := scanLibrary(row)
	if errors.Is(err, sql.ErrNoRows) {
		return LibraryItem{}, false, nil
	}
	if err != nil {
		return LibraryItem{}, false, fmt.Errorf("store: library item %s %q: %w", kind, name, err)
	}
	return it, true, nil
}

// LibraryItems returns the items of a kind, by name.
func (s *Store) LibraryItems(ctx context.Context, kind string) ([]LibraryItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT kind, name, data, created_by, created FROM library WHERE kind = ? ORDER BY name`, kind)
	if err != nil {
		return nil, fmt.Errorf("store: library %s: %w", kind, err)
	}
	defer func() { _ = rows.Close() }()
	var out []LibraryItem
	for rows.Next() {
		it, err := scanLibrary(rows)
		if err != nil {
			return nil, fmt.Errorf("store: library %s: %w", kind, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// DeleteLibraryItem removes an item; batches that used it keep their copy.
func (s *Store) DeleteLibraryItem(ctx context.Context, kind, name string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM library WHERE kind = ? AND name = ?`, kind, name); err != nil {
		return fmt.Errorf("store: delete library item %s %q: %w", kind, name, err)
	}
	return nil
}

func scanLibrary(row interface{ Scan(...any) error }) (LibraryItem, error) {
	var it LibraryItem
	var created string
	if err := row.Scan(&it.Kind, &it.Name, &it.Data, &it.CreatedBy, &created); err != nil {
		return LibraryItem{}, err
	}
	t, err := parseTime(created)
	if err != nil {
		return LibraryItem{}, err
	}
	it.Created = t
	return it, nil
}
