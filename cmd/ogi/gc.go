package main

import (
	"os"
	"runtime/debug"
	"strings"
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
func tuneGC(args []string) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	switch commandName(args) {
	case "", "serve", "worker", "assess", "help", "completion":
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimitMiB << 20)
	debug.SetGCPercent(-1)
}

// commandName is the first argument that is not a flag; the persistent
// --config flag is the only one that takes a separate value before it.
func commandName(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			return a
		}
	}
	return ""
}
