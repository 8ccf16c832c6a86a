// Package fileread reads the files ogi is handed — reports, rule files,
// waivers, manifests, configuration — so that a device, a FIFO, a socket or
// a file larger than its limit is refused before anything is read without
// bound. /dev/zero named report.txt, a symlink to it, or a FIFO that nobody
// writes to must end with an error naming the file, never an out-of-memory
// abort or an open that blocks forever.
package fileread

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Error says which file was refused and why.
type Error struct {
	Path   string
	Reason string
	// Limit is the byte limit that was exceeded; 0 when the reason is not size.
	Limit int64
	Err   error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Path, e.Reason, e.Err)
	}
	return e.Path + ": " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is wrapped by an Error for a file over its limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by an Error for a directory, device, FIFO or socket.
var ErrNotRegular = errors.New("not a regular file")

// Read returns the contents of the regular file at path, at most max bytes
// (max <= 0: no limit). Symbolic links are resolved first and the target is
// judged by its mode; the file is opened without blocking, checked again
// through the open descriptor (so a swap after the check is caught), and
// read through a limit of max+1 bytes, so a file that grows while it is read
// is refused too.
func Read(path string, max int64) ([]byte, error) {
	f, size, err := open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	if max > 0 && size > max {
		return nil, tooLarge(path, size, max, true)
	}
	var r io.Reader = f
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	// Sized from the mode so that a large file is read into one buffer,
	// not grown by doubling (which holds twice the file at the last copy).
	var buf bytes.Buffer
	buf.Grow(int(size) + bytes.MinRead)
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, &Error{Path: path, Reason: "cannot read", Err: unwrap(err)}
	}
	data := buf.Bytes()
	if max > 0 && int64(len(data)) > max {
		return nil, tooLarge(path, int64(len(data)), max, false)
	}
	return data, nil
}

// tooLarge names the size when the file's mode gave it; a file that reads
// longer than its mode said (it grows, or is a /proc entry) is "more than"
// the limit, as only max+1 bytes of it were read.
func tooLarge(path string, size, max int64, known bool) error {
	what := fmt.Sprintf("%d bytes", size)
	if !known {
		what = fmt.Sprintf("more than %d bytes", max)
	}
	return &Error{Path: path, Reason: fmt.Sprintf("file is %s, larger than the limit of %d bytes", what, max), Limit: max, Err: ErrTooLarge}
}

// open resolves path, refuses what is not a regular file, and opens it.
func open(path string) (*os.File, int64, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, 0, &Error{Path: path, Reason: "cannot open", Err: unwrap(err)}
	}
	st, err := os.Stat(resolved)
	if err != nil {
		return nil, 0, &Error{Path: path, Reason: "cannot open", Err: unwrap(err)}
	}
	if err := regular(path, st); err != nil {
		return nil, 0, err
	}
	f, err := openNonBlocking(resolved)
	if err != nil {
		return nil, 0, &Error{Path: path, Reason: "cannot open", Err: unwrap(err)}
	}
	fst, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, &Error{Path: path, Reason: "cannot open", Err: unwrap(err)}
	}
	if err := regular(path, fst); err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	if !os.SameFile(st, fst) {
		_ = f.Close()
		return nil, 0, &Error{Path: path, Reason: "changed while it was opened"}
	}
	return f, fst.Size(), nil
}

func regular(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch {
	case m.IsDir():
		kind = "is a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "is a named pipe (FIFO), not a regular file"
	case m&fs.ModeSocket != 0:
		kind = "is a socket, not a regular file"
	case m&fs.ModeCharDevice != 0, m&fs.ModeDevice != 0:
		kind = "is a device, not a regular file"
	}
	return &Error{Path: path, Reason: kind + "; ogi reads only regular files", Err: ErrNotRegular}
}

// unwrap drops the *PathError wrapper, whose path the Error repeats.
func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// DirFS is os.DirFS for a directory of input files (a rule pack): every file
// is read through Read with the limit, so a FIFO or device inside the
// directory, or a symlink to one, is refused instead of blocking or
// exhausting memory.
func DirFS(dir string, max int64) fs.FS {
	return dirFS{root: dir, base: os.DirFS(dir), max: max}
}

type dirFS struct {
	root string
	base fs.FS
	max  int64
}

func (d dirFS) path(name string) string { return filepath.Join(d.root, filepath.FromSlash(name)) }

// Open opens directories as os.DirFS does and files only once they are
// known to be regular.
func (d dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	st, err := fs.Stat(d.base, name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return d.base.Open(name)
	}
	f, _, err := open(d.path(name))
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ReadFile reads one file of the directory within the limit.
func (d dirFS) ReadFile(name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "readfile", Path: name, Err: fs.ErrInvalid}
	}
	return Read(d.path(name), d.max)
}

// ReadDir lists a directory of the tree.
func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.base, name) }

// Stat describes a file of the tree, following symlinks as os.DirFS does.
func (d dirFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.base, name) }
