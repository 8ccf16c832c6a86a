//go:build unix

package server

import (
	"syscall"
	"time"
)

// cpuTime is the CPU the process has used (user and system): unlike the
// wall clock it does not count the time other processes on the machine
// take, so it tells a slower path from a busier machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
