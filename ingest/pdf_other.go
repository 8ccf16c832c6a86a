//go:build !unix

package ingest

import "os/exec"

// ownGroup leaves the default: cancellation kills the process itself.
func ownGroup(*exec.Cmd) {}
