// Package intake takes in what an office hands the server: uploaded files
// kept by content hash (Blobs), zip archives unpacked within limits (Unzip),
// and reports downloaded from URLs without letting a URL reach the server's
// own networks (Fetcher, ParseURLList).
//
// Everything here reads untrusted bytes, so every reader is bounded in bytes
// and time, and every refusal is a typed error whose Zh method gives the
// sentence an officer reads.
package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Blobs is a content-addressed store: a file's name is the sha256 of its
// bytes, under a two-character fan-out directory (dir/ab/abcd…), so the same
// upload twice is stored once and a name can be checked against its bytes.
// Files are 0600: originals are never served directly, only through the
// server's access checks.
type Blobs struct {
	dir string
}

// OpenBlobs opens the store at dir, creating it (0700) when missing.
func OpenBlobs(dir string) (*Blobs, error) {
	if dir == "" {
		return nil, errors.New("intake: blob directory not set")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("intake: blob directory: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("intake: blob directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("intake: blob directory %s is not a directory", dir)
	}
	return &Blobs{dir: dir}, nil
}

// Put stores what r yields and returns its sha256 (lowercase hex) and size.
// It reads at most limit+1 bytes and returns a *TooLargeError when there
// are more than limit (limit <= 0: no limit — only for trusted readers).
// The bytes go to a temporary file in the store, synced and renamed into
// place, so a blob path only ever holds a complete file; storing bytes that
// are already there leaves the existing file alone.
func (b *Blobs) Put(r io.Reader, limit int64) (hash string, size int64, err error) {
	tmp, err := os.CreateTemp(b.dir, ".put-*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	defer func() {
		if tmp != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	h := sha256.New()
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), src)
	if err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	if limit > 0 && n > limit {
		return "", 0, &TooLargeError{Limit: limit}
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	final := b.path(hash)
	if st, err := os.Stat(final); err == nil && st.Mode().IsRegular() && st.Size() == n {
		// Same hash, same size: the same bytes are already stored.
		_ = os.Remove(tmp.Name())
		tmp = nil
		return hash, n, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", 0, fmt.Errorf("intake: storing upload: %w", err)
	}
	tmp = nil
	return hash, n, nil
}

// Path returns the file of a stored blob. The hash is checked to be 64
// lowercase hex digits before it becomes part of a path (*InvalidHashError),
// and the file must exist (an error wrapping fs.ErrNotExist otherwise).
func (b *Blobs) Path(hash string) (string, error) {
	if !ValidHash(hash) {
		return "", &InvalidHashError{Hash: hash}
	}
	p := b.path(hash)
	st, err := os.Lstat(p)
	if err != nil {
		return "", fmt.Errorf("intake: blob %s: %w", hash, err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("intake: blob %s is not a regular file", hash)
	}
	return p, nil
}

// Open opens a stored blob for reading (see Path).
func (b *Blobs) Open(hash string) (*os.File, error) {
	p, err := b.Path(hash)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// ValidHash reports whether s is a blob hash: 64 lowercase hex digits.
func ValidHash(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// path is only called with a validated hash.
func (b *Blobs) path(hash string) string {
	return filepath.Join(b.dir, hash[:2], hash)
}
