// Command ogi converts 政府信息公开工作年度报告 into canonical JSON and checks
// them against declarative rules.
package main

import (
	"io"
	"os"
)

func main() {
	tuneGC(os.Args[1:])
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code; tests call it
// in-process.
func run(args []string, stdout, stderr io.Writer) int {
	root, code := newRoot(stdout, stderr)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		// Errors cobra found (unknown flag or command, bad argument count)
		// are usage errors; commands report their own and set *code.
		if *code == exitOK {
			writeErr(stderr, err)
			return exitUsage
		}
	}
	return *code
}
