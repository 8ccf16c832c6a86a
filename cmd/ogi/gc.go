package main

import (
	"runtime/debug"

	"github.com/ogi-checker/ogi/cmd/ogi/internal/gcearly"
)

// defaultMemoryLimitMiB is the soft limit of the Go heap for a command that
// sets none: the default of --memory-limit.
const defaultMemoryLimitMiB = gcearly.DefaultMemoryLimitMiB

// tuneGC sets the collector for the command named in args (gcearly.Tune
// says when and why). Importing gcearly has done so for os.Args before the
// other packages initialised; main asks again through runtime/debug, which
// changes nothing then, so that the choice stays visible where the
// program starts.
func tuneGC(args []string) {
	if gcearly.OneShot(args) {
		debug.SetMemoryLimit(defaultMemoryLimitMiB << 20)
		debug.SetGCPercent(-1)
	}
}
