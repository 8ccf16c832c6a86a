//go:build unix && !linux

package ingest

import "syscall"

// dieWithParent has no equivalent outside Linux: there a child of a
// SIGKILLed ogi finishes its one file on its own.
func dieWithParent(*syscall.SysProcAttr) {}
