package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, on: true}
	for i := range 3 {
		p.update("check", i+1, 3)
	}
	out := buf.String()
	if !strings.Contains(out, "3/3") || !strings.Contains(out, "[##############################]") || !strings.HasSuffix(out, "\n") {
		t.Errorf("progress line %q", out)
	}
	buf.Reset()
	quiet := &progress{w: &buf}
	quiet.update("check", 1, 3)
	if buf.Len() != 0 {
		t.Errorf("progress off a terminal wrote %q", buf.String())
	}
}
