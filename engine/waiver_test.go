package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWaiversStrayByte: a stray byte in a waivers file is placed by line
// and column, not just "control characters are not allowed".
func TestWaiversStrayByte(t *testing.T) {
	f := filepath.Join(t.TempDir(), "waivers.yaml")
	if err := os.WriteFile(f, []byte("waivers:\n  - rule: requests.identity\n    reason: 已核实\x01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadWaivers(f, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err == nil || !strings.Contains(err.Error(), "waivers.yaml:3:16: control character 0x01 at line 3, column 16") {
		t.Fatalf("error %v", err)
	}
}
