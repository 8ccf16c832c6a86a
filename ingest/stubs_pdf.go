package ingest

import (
	"context"
	"errors"
)

func readPDF(ctx context.Context, data []byte, lim Limits) (*Layout, error) {
	return nil, errors.New("pdf reader not implemented")
}
