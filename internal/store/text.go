package store

import (
	"database/sql"
	"database/sql/driver"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// cleanText is s as a TEXT column keeps it on either backend: every run of
// bytes that is not UTF-8 becomes one U+FFFD, and so does every NUL byte.
//
// PostgreSQL refuses both in text, SQLite takes them; text from outside
// (uploaded file names, names typed in forms, what converters read from
// documents, their error messages) has them now and then. Cleaning on both
// backends, not only on PostgreSQL, keeps what the store reads back — and
// so every output — the same whichever backend it runs on.
//
// A NUL becomes U+FFFD rather than vanishing so that the reader sees that
// a character was lost, as with an invalid byte, and so that "a\x00b"
// does not silently become the name "ab" of something else.
func cleanText(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// cleanArgs returns the arguments of a statement with every text value
// cleaned (cleanText), so that writes and the lookups by the same value
// (WHERE name = ?) agree. Byte slices go to BLOB/BYTEA columns and are
// passed as they are. args itself is left unchanged (callers reuse their
// argument lists); it is returned as is when nothing needs cleaning.
func cleanArgs(args []any) []any {
	var out []any
	for i, a := range args {
		c, changed := cleanArg(a)
		if !changed {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = c
	}
	if out == nil {
		return args
	}
	return out
}

// cleanArg is a cleaned a and whether it differs from a. Besides string it
// handles what database/sql would turn into a string for the driver: a
// sql.NullString, a type whose underlying type is string, a pointer to
// one. Other driver.Valuers encode themselves and are not looked into.
func cleanArg(a any) (any, bool) {
	switch v := a.(type) {
	case string:
		c := cleanText(v)
		return c, c != v
	case nil, []byte, int, int64, float64, bool, time.Time, sql.NullInt64, sql.NullFloat64:
		return a, false
	case sql.NullString:
		c := cleanText(v.String)
		if c == v.String {
			return a, false
		}
		v.String = c
		return v, true
	case driver.Valuer:
		return a, false
	}
	rv := reflect.ValueOf(a)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.String {
		if _, ok := rv.Elem().Interface().(driver.Valuer); !ok {
			return cleanText(rv.Elem().String()), true
		}
	}
	if rv.Kind() == reflect.String {
		return cleanText(rv.String()), true
	}
	return a, false
}
