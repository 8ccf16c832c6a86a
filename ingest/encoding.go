package ingest

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/ogi-checker/ogi/schema"
)

// decodeText turns the bytes of a text file into a string: UTF-8 with or
// without BOM, UTF-16 with BOM, otherwise GB18030 (which covers GBK and
// GB2312, the encodings of many government sites). Line ends become \n.
func decodeText(data []byte) (string, string, []schema.Diagnostic, error) {
	var text, enc string
	var diags []schema.Diagnostic
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", nil, errors.New("the file starts with a UTF-8 byte-order mark but is not valid UTF-8")
		}
		text, enc = string(data), "utf-8-bom"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order, name := unicode.LittleEndian, "utf-16le"
		if data[0] == 0xFE {
			order, name = unicode.BigEndian, "utf-16be"
		}
		if len(data)%2 != 0 {
			return "", "", nil, errors.New("UTF-16 file with an odd number of bytes")
		}
		dec := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder()
		out, _, err := transform.Bytes(dec, data)
		if err != nil {
			return "", "", nil, err
		}
		text, enc = string(out), name
	case utf8.Valid(data):
		text, enc = string(data), "utf-8"
	default:
		out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
		if err != nil {
			return "", "", nil, errors.New("unknown text encoding: neither UTF-8, UTF-16 nor GB18030")
		}
		bad := strings.Count(string(out), "\uFFFD")
		if bad > 0 && bad*50 > utf8.RuneCount(out) {
			return "", "", nil, errors.New("unknown text encoding: neither UTF-8, UTF-16 nor GB18030")
		}
		text, enc = string(out), "gb18030"
		diags = append(diags, schema.Diagnostic{Code: "encoding_guessed", Severity: "info",
			Message: "the text is not UTF-8; it was read as GB18030 (GBK)"})
	}
	if strings.ContainsRune(text, '\r') {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	return text, enc, diags, nil
}
