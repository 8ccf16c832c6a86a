package main

import (
	"testing"

	"github.com/ogi-checker/ogi/cmd/ogi/internal/gcearly"
)

// TestGCEarlySameLimit: the limit set while the packages initialise is
// the one --memory-limit documents as its default.
func TestGCEarlySameLimit(t *testing.T) {
	if defaultMemoryLimitMiB != gcearly.DefaultMemoryLimitMiB {
		t.Fatalf("gcearly sets %d MiB, --memory-limit defaults to %d", gcearly.DefaultMemoryLimitMiB, defaultMemoryLimitMiB)
	}
}
