//go:build !unix

package server

import "time"

// cpuTime is not measured here: TestWebVsCLI then logs 0 for the CPU.
func cpuTime() time.Duration { return 0 }
