// Package outfile writes a command's outputs: "-" is standard output, a
// device or FIFO is written in place, and any other path — whatever its
// extension — is written to a temporary file beside it and renamed into
// place only once complete, so a failed or killed run leaves the previous
// output intact.
package outfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ogi-checker/ogi/internal/atomicfile"
)

// Stdout is the output path that means standard output.
const Stdout = "-"

// PauseEnv names the variable that, set to a duration, makes every output wait that long between
// being written and being renamed into place. Only the fault tests set it:
// it makes the output pass long enough to be killed during.
const PauseEnv = "OGI_TEST_OUTPUT_PAUSE"

func pause() time.Duration {
	d, _ := time.ParseDuration(os.Getenv(PauseEnv))
	return d
}

// Write writes one output through fn: Stdout to stdout, a device such as
// /dev/stdout directly, any other path to a temporary file beside it that is
// renamed into place only once fn and the disk have succeeded. The path's
// directory is created.
func Write(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == Stdout {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		if err := fn(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if err := MkdirFor(path); err != nil {
		return err
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
	if d := pause(); d > 0 {
		time.Sleep(d)
	}
	return f.Commit()
}

// WriteWhen is Write for an output written side by side with others,
// which may replace its file only once ready is closed (when the outputs
// before it have replaced theirs). Until then what fn writes is held, in
// memory up to heldMem and past it in an unlinked file beside the output;
// the output's temporary file is created only then, so that the outputs'
// files appear and are replaced in the order they would be one after
// another. Standard output and a device are written at once, as Write
// writes them.
func WriteWhen(path string, stdout io.Writer, ready <-chan struct{}, fn func(io.Writer) error) error {
	if ready == nil || !IsFile(path) {
		return Write(path, stdout, fn)
	}
	if err := MkdirFor(path); err != nil {
		return err
	}
	hw := &heldWriter{path: path, ready: ready}
	defer hw.abort()
	bw := bufio.NewWriterSize(hw, 1<<16)
	if err := fn(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	<-ready
	if err := hw.open(); err != nil {
		return err
	}
	if d := pause(); d > 0 {
		time.Sleep(d)
	}
	return hw.file.Commit()
}

// heldMem is how much of an output waiting for its turn is held in memory.
const heldMem = 4 << 20

// heldWriter holds an output's bytes until its turn, then writes them and
// the rest to the output's temporary file.
type heldWriter struct {
	path    string
	ready   <-chan struct{}
	mem     []byte
	spill   *os.File
	removed bool
	file    *atomicfile.File
}

func (h *heldWriter) Write(p []byte) (int, error) {
	if h.file == nil {
		select {
		case <-h.ready:
			if err := h.open(); err != nil {
				return 0, err
			}
		default:
		}
	}
	if h.file != nil {
		return h.file.Write(p)
	}
	if h.spill == nil && len(h.mem)+len(p) <= heldMem {
		h.mem = append(h.mem, p...)
		return len(p), nil
	}
	if h.spill == nil {
		f, err := os.CreateTemp(filepath.Dir(h.path), "."+filepath.Base(h.path)+".held-*")
		if err != nil {
			return 0, err
		}
		h.spill = f
		// Unlinked at once where the system allows it: a killed run
		// leaves nothing of it behind.
		if os.Remove(f.Name()) == nil {
			h.spillGone()
		}
		if _, err := f.Write(h.mem); err != nil {
			return 0, err
		}
		h.mem = nil
	}
	return h.spill.Write(p)
}

// spillGone notes that the spill file has no name left to remove.
func (h *heldWriter) spillGone() { h.removed = true }

// open creates the output's temporary file and writes what was held to it.
func (h *heldWriter) open() error {
	if h.file != nil {
		return nil
	}
	f, err := atomicfile.Create(h.path)
	if err != nil {
		return err
	}
	h.file = f
	if h.spill == nil {
		_, err := f.Write(h.mem)
		h.mem = nil
		return err
	}
	if _, err := h.spill.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(f, h.spill); err != nil {
		return err
	}
	h.closeSpill()
	return nil
}

func (h *heldWriter) closeSpill() {
	if h.spill == nil {
		return
	}
	_ = h.spill.Close()
	if !h.removed {
		_ = os.Remove(h.spill.Name())
	}
	h.spill = nil
}

// abort drops what was held and the temporary file, unless committed.
func (h *heldWriter) abort() {
	h.closeSpill()
	if h.file != nil {
		h.file.Abort()
	}
}

// MkdirFor creates the directory an output path is in.
func MkdirFor(path string) error {
	if dir := filepath.Dir(path); dir != "." {
		return os.MkdirAll(dir, 0o755)
	}
	return nil
}

// IsDevice tells whether path is written in place, never replaced or made
// into a directory (/dev/stdout, a FIFO): see atomicfile.InPlace.
func IsDevice(path string) bool { return atomicfile.InPlace(path) }

// IsFile tells whether path names a file to replace: not standard output,
// not a device.
func IsFile(path string) bool { return path != "" && path != Stdout && !IsDevice(path) }

// PageNames gives every input its own file name in one output directory:
// the input's base name plus ext, and for a base name already taken
// (a/report.txt and b/report.txt) the first free "-2", "-3", … before ext,
// in input order, so the same inputs always get the same names. Names are
// compared without case, as a Windows or macOS disk would.
func PageNames(files []string, ext string) []string {
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

// Distinct refuses two outputs to one file, the second would replace the
// first without a word: names are flag or spec names, paths their targets.
func Distinct(names, paths []string) (string, string, bool) {
	seen := map[string]string{}
	for i, p := range paths {
		if !IsFile(p) {
			continue
		}
		key := filepath.Clean(p)
		if prev, ok := seen[key]; ok {
			return prev, names[i], false
		}
		seen[key] = names[i]
	}
	return "", "", true
}

// Problems reports output and store failures once each: a full disk fails
// every write after it the same way, and one line says so.
type Problems struct {
	mu   sync.Mutex
	fn   func(string)
	seen map[string]bool
}

// NewProblems tells fn of each distinct failure line.
func NewProblems(fn func(line string)) *Problems { return &Problems{fn: fn, seen: map[string]bool{}} }

// Add reports a failure unless the same line was already reported.
func (p *Problems) Add(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen[line] {
		return
	}
	p.seen[line] = true
	if p.fn != nil {
		p.fn(line)
	}
}

// Any tells whether a failure was reported.
func (p *Problems) Any() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.seen) > 0
}
