// Package gcearly sets the collector for the ogi command named on the
// command line while the program's packages are still initialising.
//
// Initialising them allocates a few MB (JSON Schema meta-schemas, OPA's
// builtins, excelize's tables), enough for two collections at the default
// pace before main runs, which a one-shot command, turning the collector
// off anyway, gains nothing from. Packages initialise dependencies first,
// then in the order of their import paths: runtime/debug, sorting late,
// initialises after nearly everything, so this package reaches the
// runtime's setters as runtime/debug does, by the names the runtime gives
// them, and imports os alone, which initialises among the first.
package gcearly

import (
	"os"
	_ "unsafe" // go:linkname
)

// DefaultMemoryLimitMiB is the soft limit of the Go heap for a command that
// sets none: the default of --memory-limit.
const DefaultMemoryLimitMiB = 192

// setGCPercent is runtime/debug.SetGCPercent's implementation, which the
// runtime provides under this name.
//
//go:linkname setGCPercent runtime/debug.setGCPercent
func setGCPercent(int32) int32

// setMemoryLimit is runtime/debug.SetMemoryLimit's implementation.
//
//go:linkname setMemoryLimit runtime/debug.setMemoryLimit
func setMemoryLimit(int64) int64

func init() { Tune(os.Args[1:]) }

// Tune sets the collector for the command named in args before it runs.
// A one-shot command (check, parse, explain…) allocates a few tens of MB
// and exits: collecting at the default pace cost `ogi check` a quarter of
// its 65 ms as a process. So the collector waits for the soft memory
// limit instead (the pairing of GOGC=off and GOMEMLIMIT the runtime
// documents), which still bounds a large PDF. Long-running commands and
// assess, which sets its own limit, keep the defaults, as does a user who
// set GOGC or GOMEMLIMIT.
func Tune(args []string) {
	if OneShot(args) {
		setMemoryLimit(DefaultMemoryLimitMiB << 20)
		setGCPercent(-1)
	}
}

// OneShot says whether args name a command Tune turns the collector off
// for.
func OneShot(args []string) bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	switch CommandName(args) {
	case "", "serve", "worker", "assess", "help", "completion":
		return false
	}
	return true
}

// CommandName is the first argument that is not a flag; the persistent
// --config flag is the only one that takes a separate value before it.
func CommandName(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config":
			i++
		case len(a) > 0 && a[0] == '-':
		default:
			return a
		}
	}
	return ""
}
