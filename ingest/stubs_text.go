package ingest

import "errors"

// readText is replaced by the text-layout reader (text.go).
func readText(data []byte, lim Limits) (*Layout, error) {
	return nil, errors.New("text reader not implemented")
}
