package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/ogi-checker/ogi/report"
	"github.com/ogi-checker/ogi/schema"
)

func newSchemaCmd(stdout io.Writer, code *int) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the canonical document (or of the check output)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			s := schema.JSONSchema()
			if check {
				s = report.CheckSchema()
			}
			_, err := stdout.Write(s)
			return err
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "print the schema of 'ogi check --format json' instead")
	return cmd
}
