//go:build unix

package fileread

import (
	"os"
	"syscall"
)

// openNonBlocking opens with O_NONBLOCK so that a FIFO swapped in after the
// mode check cannot block the open; the flag does not change reads of a
// regular file.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
