//go:build linux

package ingest

import "syscall"

// dieWithParent makes the kernel kill the child when ogi dies, even by
// SIGKILL, which no cleanup in ogi itself can catch.
func dieWithParent(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
