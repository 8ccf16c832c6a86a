//go:build !unix

package fileread

import "os"

// openNonBlocking falls back to a plain open where O_NONBLOCK does not exist;
// the mode check before it still refuses FIFOs and devices.
func openNonBlocking(path string) (*os.File, error) {
	return os.Open(path)
}
