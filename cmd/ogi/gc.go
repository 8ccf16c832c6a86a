package main

import (
	"runtime/debug"

	"github.com/ogi-checker/ogi/cmd/ogi/internal/gcearly"
)

// defaultMemoryLimitMiB is the soft limit of the Go heap for a command that
// sets none: the default of --memory-limit.
const defaultMemoryLimitMiB = 192

// batchGCPercent is assess's GOGC under its soft memory limit.
const batchGCPercent = 400

// tuneGC sets the collector for the command named in args before it runs.
// A one-shot command (check, parse, explain…) allocates a few tens of MB
// and exits: collecting at the default pace cost `ogi check` a quarter of
// its 65 ms as a process. So the collector waits for the soft memory
// limit instead (the pairing of GOGC=off and GOMEMLIMIT the runtime
// documents), which still bounds a large PDF. Long-running commands and
// assess, which sets its own limit, keep the defaults, as does a user who
// set GOGC or GOMEMLIMIT.
//
// Importing gcearly has already done so for os.Args, before the other
// packages initialised (gcearly.OneShot decides for both); main asks
// again through runtime/debug, which then changes nothing, so that the
// choice stays visible where the program starts.
func tuneGC(args []string) {
	if gcearly.OneShot(args) {
		debug.SetMemoryLimit(defaultMemoryLimitMiB << 20)
		debug.SetGCPercent(-1)
	}
}
