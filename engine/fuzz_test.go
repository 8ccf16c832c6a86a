package engine

import (
	"testing"
	"testing/fstest"
	"time"
)

// FuzzLoadCEL: no rule file makes the loader panic or hang.
func FuzzLoadCEL(f *testing.F) {
	f.Add([]byte(ruleHead + "    assert: req.granted.total.value == 1.0\n"))
	f.Add([]byte(ruleHead + "    for_each: ids[\"requests_cols\"]\n    operands: \"[req.new_received[item]]\"\n    assert: num(req.new_received[item]) >= 0.0\n"))
	f.Add([]byte("rules: [{id: x}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		loadWithin(t, fstest.MapFS{"r.yaml": {Data: data}})
	})
}

// FuzzLoadRego: no module makes the loader panic or hang.
func FuzzLoadRego(f *testing.F) {
	f.Add([]byte(regoHead + "deny contains f if {\n\tinput.meta.year > 0\n\tf := {\"msg\": \"x\"}\n}\n"))
	f.Add([]byte("package ogi.rules.x\nwarn contains 1 if true\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		loadWithin(t, fstest.MapFS{"r.rego": {Data: data}})
	})
}

func loadWithin(t *testing.T, fsys fstest.MapFS) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e, err := New([]Pack{{Name: "f", FS: fsys}}, Options{})
		if err == nil {
			evalDoc(e, SampleDocument("2021"))
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("loading did not finish within 5 s")
	}
}
