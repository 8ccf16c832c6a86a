package engine

import (
	"sync"

	"cel.dev/cel-go/cel"
)

// Building a CEL environment from its options is most of what compiling a
// small expression costs (a NewEnv per rule was a third of loading the
// built-in pack), and the environment is the same for every rule but for
// the type of item. So the core is built once per process and extended
// with item once per element type; environments are immutable and safe to
// share.
var celCore = sync.OnceValues(celCoreEnv)

// celEnvs holds the core extended with item, by the type's name.
var celEnvs sync.Map // string → *cel.Env

// celEnvFor is the environment for a rule whose for_each lists itemType
// (dyn without one).
func celEnvFor(itemType *cel.Type) (*cel.Env, error) {
	key := itemType.String()
	if e, ok := celEnvs.Load(key); ok {
		return e.(*cel.Env), nil
	}
	core, err := celCore()
	if err != nil {
		return nil, err
	}
	e, err := core.Extend(cel.Variable("item", itemType))
	if err != nil {
		return nil, err
	}
	actual, _ := celEnvs.LoadOrStore(key, e)
	return actual.(*cel.Env), nil
}
