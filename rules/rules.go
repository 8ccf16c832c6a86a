// Package rules embeds the built-in rule pack: CEL rules in YAML under cel/,
// Rego modules under rego/, and their fixtures under testdata/.
package rules

import "embed"

// FS holds the built-in rule files.
//
//go:embed cel rego testdata
var FS embed.FS
