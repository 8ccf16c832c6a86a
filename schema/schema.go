package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/ogi-checker/ogi/internal/textpos"
)

//go:embed ogi.schema.json
var jsonSchema []byte

// SchemaURL is the $id of the canonical document's JSON Schema.
const SchemaURL = "https://github.com/ogi-checker/ogi/schema/ogi.schema.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of the canonical document.
func JSONSchema() []byte { return jsonSchema }

var printer = message.NewPrinter(language.English)

var (
	compileOnce sync.Once
	compiled    *jsonschema.Schema
	compileErr  error
)

func compiledSchema() (*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(jsonSchema))
		if err != nil {
			compileErr = fmt.Errorf("embedded schema: %w", err)
			return
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(SchemaURL, doc); err != nil {
			compileErr = fmt.Errorf("embedded schema: %w", err)
			return
		}
		compiled, compileErr = c.Compile(SchemaURL)
	})
	return compiled, compileErr
}

// Validate checks a canonical document (JSON) against the schema. The error
// names the JSON Pointer of every offending value and the reason.
//
// A document the fast validator proves valid is accepted without building
// its tree; every other one, and so every error message, goes through the
// full validator.
func Validate(doc []byte) error {
	if provenValid(doc) {
		return nil
	}
	return ValidateFull(doc)
}

// ValidateFull checks doc with the full JSON Schema validator only. Validate
// gives the same verdict and message faster; this is its reference, for
// tests and for comparing the two.
func ValidateFull(doc []byte) error {
	sch, err := compiledSchema()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		// Say where: a stray byte in an otherwise valid file is found by
		// its line and column, not by reading the whole file.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("not JSON at %s: %w", textpos.At(doc, int(se.Offset)-1), err)
		}
		if what, at, ok := textpos.Stray(doc); ok {
			return fmt.Errorf("not JSON: %s at %s", what, at)
		}
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := sch.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return errors.New(strings.Join(leafErrors(ve), "; "))
		}
		return err
	}
	return nil
}

// leafErrors flattens a validation error tree to "/pointer: reason" lines.
func leafErrors(ve *jsonschema.ValidationError) []string {
	if len(ve.Causes) == 0 {
		if ap, ok := ve.ErrorKind.(*kind.AdditionalProperties); ok {
			// The validator lists them in map order: the same document
			// must give the same message.
			slices.Sort(ap.Properties)
		}
		ptr := "/" + strings.Join(ve.InstanceLocation, "/")
		return []string{fmt.Sprintf("%s: %s", ptr, ve.ErrorKind.LocalizedString(printer))}
	}
	var out []string
	for _, c := range ve.Causes {
		out = append(out, leafErrors(c)...)
	}
	return out
}
