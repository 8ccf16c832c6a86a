package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it the module version from the build info is used (see readVersion).
var version = "dev"

const exitCodesHelp = `Exit codes:
  0  nothing at or above --fail-on, and every score ≥ --min-score
  1  compliance failure: a finding at or above --fail-on, or a score below --min-score
  2  usage or configuration error
  3  an input could not be read or converted, or is unreadable: a scan without a
     text layer, an empty file, a text that is not an annual report (no findings,
     no score; one line names the file and the reason)
  4  a rule could not be compiled or evaluated
  5  an output or the store could not be written (a full disk, a read-only
     directory): the results are incomplete; one line per cause. An output
     replaced by a run is renamed into place only once complete, so the
     previous one stays intact
With several files the worst wins, in the order 2 > 5 > 4 > 3 > 1 > 0; every file
is still checked, and a closing line on standard error sums up files, checked,
unreadable, errors/warnings and how many are below --min-score. A --min-score
failure names each report below the bar with its score.`

func writeErr(w io.Writer, err error) {
	_, _ = fmt.Fprintf(w, "ogi: %v\n", err)
}

// newRoot builds the command tree. code receives the exit code a command
// decides on.
func newRoot(stdout, stderr io.Writer) (*cobra.Command, *int) {
	code := new(int)
	root := &cobra.Command{
		Use:   "ogi",
		Short: "Convert and check 政府信息公开工作年度报告 (government information-disclosure annual reports)",
		Long: `ogi converts government information-disclosure annual reports (政府信息公开工作年度报告)
from text, HTML, DOCX or PDF into a canonical JSON document, and checks them against
declarative rules (CEL and Rego): required sections, table completeness, the arithmetic
printed on the tables, timeliness, template version and more.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       readVersion().Version,
	}
	root.PersistentFlags().String("config", "", "project configuration file, instead of the .ogi.yaml found walking up from the working directory (\"\": none)")
	// Checked for every command, so that one reading no configuration
	// still refuses a FILE it cannot read.
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return checkConfigFlag(c.Flags()) }
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w (see 'ogi %s --help')", err, c.Name())
	})
	root.AddCommand(newParseCmd(stdout, stderr, code), newCheckCmd(stdout, stderr, code),
		newSchemaCmd(stdout, code), newEvalCmd(stdout, stderr, code),
		newRulesCmd(stdout, stderr, code), newExplainCmd(stdout, stderr, code),
		newConfigCmd(stdout, stderr, code), newGenerateCmd(stdout, stderr, code),
		newAssessCmd(stdout, stderr, code), newVersionCmd(stdout, stderr, code), newBriefCmd(stdout, stderr, code), newServeCmd(stdout, stderr, code), newMigrateCmd(stdout, stderr, code), newWorkerCmd(stdout, stderr, code))
	return root, code
}
