package gold

import (
	"context"

	"github.com/ogi-checker/ogi/engine"
	"github.com/ogi-checker/ogi/schema"
)

// evalDoc evaluates doc without a deadline, which cannot fail.
func evalDoc(e *engine.Engine, doc *schema.Document, opts ...engine.EvalOption) *engine.Result {
	res, err := e.Evaluate(context.Background(), doc, opts...)
	if err != nil {
		panic(err)
	}
	return res
}
