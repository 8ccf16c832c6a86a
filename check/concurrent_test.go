package check

import (
	"sync"
	"testing"
)

// TestNewConcurrently: checkers are built at once in one process (the
// server builds one per scoring profile as requests come); under -race
// this fails on shared compile state.
func TestNewConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = New(Options{})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("checker %d: %v", i, err)
		}
	}
}
