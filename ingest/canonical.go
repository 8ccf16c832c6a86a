package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ogi-checker/ogi/schema"
)

// readCanonical passes a canonical document through after validating it
// against the published schema, so that hand-made or externally produced
// documents meet the same contract as converted ones.
func readCanonical(data []byte) (*schema.Document, error) {
	if err := schema.Validate(data); err != nil {
		return nil, err
	}
	var doc schema.Document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return &doc, nil
}
