package engine

import (
	"context"

	"github.com/ogi-checker/ogi/schema"
)

// evalDoc evaluates doc without a deadline, which cannot fail.
func evalDoc(e *Engine, doc *schema.Document, opts ...EvalOption) *Result {
	res, err := e.Evaluate(context.Background(), doc, opts...)
	if err != nil {
		panic(err)
	}
	return res
}
