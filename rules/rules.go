// Package rules embeds the built-in rule pack: CEL rules in YAML under cel/,
// Rego modules under rego/, and their fixtures under testdata/; and the
// built-in scoring profiles under profiles/.
package rules

import "embed"

// FS holds the built-in rule files.
//
//go:embed cel rego testdata
var FS embed.FS

// Profiles holds the built-in scoring profiles (profiles/NAME.yaml).
//
//go:embed profiles
var Profiles embed.FS
