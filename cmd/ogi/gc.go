package main

import (
	"runtime/debug"

	"github.com/ogi-checker/ogi/cmd/ogi/internal/gcearly"
)

// defaultMemoryLimitMiB is the default of --memory-limit, the limit gcearly
// sets for one-shot commands.
const defaultMemoryLimitMiB = gcearly.DefaultMemoryLimitMiB

// tuneGC sets the collector for the command named in args before it runs,
// as gcearly.Tune says why.
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
