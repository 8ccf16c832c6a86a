package rules

import (
	"testing"

	"github.com/ogi-checker/ogi/engine"
)

// TestBuiltinPackLoads compiles every rule of the embedded pack.
func TestBuiltinPackLoads(t *testing.T) {
	e, err := engine.New([]engine.Pack{{Name: "builtin", FS: FS}}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Rules()) < 20 {
		t.Errorf("only %d rules loaded", len(e.Rules()))
	}
}
