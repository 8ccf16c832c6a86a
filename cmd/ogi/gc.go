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

// batchGCPercent is the collector's pace while ogi assess runs a batch
// (GOGC), under the batch's memory limit.
const batchGCPercent = 200

// perReportBytes is about what a batch keeps live for each report while it
// runs (its entry, names and keys, the narrative's signature): 1 KiB.
const perReportBytes = 1 << 10

// batchMemoryLimit is the heap limit in bytes for a batch of n reports
// under --memory-limit mib. The default grows by what the batch keeps
// live per report, so that the room the collector has to work in stays
// the same at any batch size: under a fixed 192 MiB, 100,000 reports kept
// about 150 MB live by the end of the check pass, and the collector ran
// every few dozen reports, marking all of it each time. A limit the user
// set is taken as it is.
func batchMemoryLimit(mib, n int, isDefault bool) int64 {
	limit := int64(mib) << 20
	if isDefault {
		limit += int64(n) * perReportBytes
	}
	return limit
}
