package ingest

import "github.com/ogi-checker/ogi/schema"

// Map turns a Layout into the canonical document.
func Map(lay *Layout, src schema.Source) *schema.Document {
	return &schema.Document{SchemaVersion: schema.Version}
}
