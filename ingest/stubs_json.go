package ingest

import (
	"errors"

	"github.com/ogi-checker/ogi/schema"
)

func readCanonical(data []byte) (*schema.Document, error) {
	return nil, errors.New("json reader not implemented")
}
