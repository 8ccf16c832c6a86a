//go:build race

package main

// raceEnabled: the race detector multiplies a process's memory several
// times over, so memory bars are measured without it.
const raceEnabled = true
