package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"modernc.org/sqlite"

	"github.com/ogi-checker/ogi/internal/atomicfile"
)

// exitOutput is the exit code of a run whose results did not all reach
// their outputs or the store: not a compliance result (exit 1), since the
// reports were never fully written.
const exitOutput = 5

// stdoutName is the output path that means standard output.
const stdoutName = "-"

// pauseEnv, set to a duration, makes every output wait that long between
// being written and being renamed into place. Only the fault tests set it:
// it makes the output pass long enough to be killed during.
const pauseEnv = "OGI_TEST_OUTPUT_PAUSE"

// outputPause reads pauseEnv once per run.
func outputPause() time.Duration {
	d, _ := time.ParseDuration(os.Getenv(pauseEnv))
	return d
}

// writeFileOutput writes one output through fn: "-" to stdout, a device
// such as /dev/stdout directly, any other path, whatever its extension,
// to a temporary file beside it that is renamed into place only once fn
// and the disk have succeeded. The path's directory is created.
func writeFileOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == stdoutName {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fn(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if d := outputPause(); d > 0 {
		time.Sleep(d)
	}
	return f.Commit()
}

// isDevice tells whether path is written in place, never replaced or
// made into a directory (/dev/stdout, a FIFO): see atomicfile.InPlace.
func isDevice(path string) bool { return atomicfile.InPlace(path) }

// pageNames gives every input its own file name in one output directory:
// the input's base name plus ext, and for a base name already taken
// (a/report.txt and b/report.txt) the first free "-2", "-3", … before ext,
// in input order, so the same inputs always get the same names. Names are
// compared without case, as a Windows or macOS disk would.
func pageNames(files []string, ext string) []string {
	taken := map[string]bool{}
	out := make([]string, len(files))
	for i, f := range files {
		base := filepath.Base(filepath.FromSlash(f))
		name := base + ext
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = base + "-" + strconv.Itoa(n) + ext
		}
		taken[strings.ToLower(name)] = true
		out[i] = name
	}
	return out
}

// failures reports output and store errors once each: a full disk fails
// every write after it the same way, and one line says so.
type failures struct {
	mu   sync.Mutex
	w    io.Writer
	seen map[string]bool
}

func newFailures(w io.Writer) *failures { return &failures{w: w, seen: map[string]bool{}} }

// add reports a failure unless the same line was already reported.
func (f *failures) add(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seen[line] {
		return
	}
	f.seen[line] = true
	say(f.w, "ogi: %s\n", line)
}

// any tells whether a failure was reported.
func (f *failures) any() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.seen) > 0
}

// SQLite's primary result codes for a write the disk refused
// (https://sqlite.org/rescode.html); an extended code keeps them in its
// low byte.
const (
	sqliteReadOnly = 8
	sqliteIOErr    = 10
	sqliteFull     = 13
)

// isWriteFailure tells a store that could not be written (a full disk, an
// I/O error, a read-only file system) from one that could not be used
// (not a database, a newer schema): the first is an output failure (exit 5),
// the second a configuration error (exit 2).
func isWriteFailure(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteReadOnly, sqliteIOErr, sqliteFull:
			return true
		}
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO) || errors.Is(err, syscall.EROFS)
}
