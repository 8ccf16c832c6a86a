// Package enginetest holds what the tests of several packages need from
// the engine.
package enginetest

import (
	"context"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// Eval evaluates doc without a deadline, which cannot fail: a test that
// gets an error here has found a bug, and panics with it.
func Eval(e *engine.Engine, doc *schema.Document, opts ...engine.EvalOption) *engine.Result {
	res, err := e.Evaluate(context.Background(), doc, opts...)
	if err != nil {
		panic(err)
	}
	return res
}
