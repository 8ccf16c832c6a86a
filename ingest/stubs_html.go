package ingest

import "errors"

func readHTML(data []byte, lim Limits) (*Layout, error) {
	return nil, errors.New("html reader not implemented")
}

func readDOCX(data []byte, lim Limits) (*Layout, error) {
	return nil, errors.New("docx reader not implemented")
}
