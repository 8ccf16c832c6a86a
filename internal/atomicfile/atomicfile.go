// Package atomicfile writes an output so that its path only ever holds a
// complete file: the bytes go to a temporary file in the same directory,
// which is synced and renamed over the path when the writer commits. A kill,
// a full disk or an encoding error leaves the previous file as it was.
//
// A path that exists and is not a regular file (a FIFO, a terminal), or is
// under /dev or /proc (/dev/stdout), cannot be replaced by a rename; it is
// written directly, appending.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// File is an output being written. Write to it, then Commit; Abort (safe
// after Commit, so it can be deferred) removes the temporary file.
type File struct {
	f      *os.File
	path   string
	direct bool // written in place: not a regular file
	done   bool
}

// Perm is the mode of a committed file before the umask, as os.Create
// gives it (os.CreateTemp's 0600 would make outputs private).
const Perm = 0o644

// Create starts writing path. The directory must exist. A symbolic link
// is followed, so that the file it points to is replaced, not the link.
func Create(path string) (*File, error) {
	if InPlace(path) {
		// Appending keeps what a shell's >> or earlier output put there.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return nil, err
		}
		return &File{f: f, path: path, direct: true}, nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	// A dot name keeps the partial file out of globs and directory walks
	// (ogi assess DIR would otherwise pick up a half-written report page).
	f, err := createTemp(dir, "."+base+".", ".tmp")
	if err != nil {
		return nil, err
	}
	return &File{f: f, path: path}, nil
}

// Name is the temporary file's name while writing (the path itself for a
// file written directly).
func (a *File) Name() string { return a.f.Name() }

// Write implements io.Writer.
func (a *File) Write(p []byte) (int, error) { return a.f.Write(p) }

// Commit makes the written bytes the file at path: synced to disk before the
// rename, so that a crash cannot leave a renamed but empty file. On error
// the temporary file is removed and path is untouched.
func (a *File) Commit() error {
	if a.done {
		return errors.New("atomicfile: already committed or aborted")
	}
	a.done = true
	if a.direct {
		return a.f.Close()
	}
	tmp := a.f.Name()
	err := a.f.Sync()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	syncDir(filepath.Dir(a.path))
	return nil
}

// Abort discards what was written; after Commit it does nothing.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	_ = a.f.Close()
	if !a.direct {
		_ = os.Remove(a.f.Name())
	}
}

// InPlace tells whether path must be written where it is: a device, a
// FIFO or a socket, and anything under /dev or /proc, whatever it points to
// (/dev/stdout redirected to a regular file is still the process's standard
// output: a rename would replace the link, not write the output).
func InPlace(path string) bool {
	clean := filepath.ToSlash(filepath.Clean(path))
	if strings.HasPrefix(clean, "/dev/") || strings.HasPrefix(clean, "/proc/") {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && !st.Mode().IsRegular() && !st.IsDir()
}

// createTemp is os.CreateTemp with mode Perm, so that the umask applies
// as it does to any other output.
func createTemp(dir, prefix, suffix string) (*os.File, error) {
	for try := 0; ; try++ {
		name := filepath.Join(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 36)+suffix)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, Perm)
		if err == nil || !errors.Is(err, fs.ErrExist) || try == 100 {
			return f, err
		}
	}
}

// WriteFile is os.WriteFile through a temporary file and a rename.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Commit()
}

// syncDir makes the rename itself durable; a file system that cannot sync a
// directory has nothing more to offer, so the error is not one.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
