// Package browsertest loads a page in headless Chromium for tests and
// returns the DOM its scripts built, failing the test on console errors.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/printpdf"
)

// Chromium finds a Chromium binary: OGI_CHROMIUM, else the usual names.
func Chromium() string {
	if p := os.Getenv("OGI_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Load opens file://page+fragment and returns the DOM after the page's
// scripts ran. It skips the test when there is no Chromium, unless
// OGI_REQUIRE_BROWSER=1 (CI sets it, so the test cannot silently skip
// there). Console errors and errors the page recorded on <body
// data-errors> fail the test; the page must set <body data-ready="1">.
func Load(t *testing.T, page, fragment string) string {
	t.Helper()
	bin := Chromium()
	if bin == "" {
		if os.Getenv("OGI_REQUIRE_BROWSER") == "1" {
			t.Fatal("OGI_REQUIRE_BROWSER=1 but no chromium found (apt-get install chromium, or set OGI_CHROMIUM)")
		}
		t.Skip("no chromium on PATH")
	}
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The flags keep Chromium off the network (this machine's network is
	// closed, and a test must not depend on one) and out of the user's
	// profile.
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=10000", "--dump-dom", "file://"+abs+fragment)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	dom := stdout.String()
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error")) {
			t.Errorf("console: %s", line)
		}
	}
	if strings.Contains(dom, "data-errors=") {
		t.Errorf("the page recorded errors: %s", regexp.MustCompile(`data-errors="[^"]*"`).FindString(dom))
	}
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Fatalf("the page's script did not finish; DOM starts:\n%.2000s", dom)
	}
	return dom
}

// Printers starts one headless Chromium for printing HTML to PDF, closed
// when the test ends, and makes sure LibreOffice is there for DOCX. Like
// Load, it skips the test when either is missing, unless
// OGI_REQUIRE_BROWSER=1.
func Printers(t *testing.T) *printpdf.Browser {
	t.Helper()
	b, err := printpdf.NewBrowser(context.Background())
	if err == nil && printpdf.Soffice() == "" {
		b.Close()
		err = printpdf.ErrNoSoffice
	}
	if errors.Is(err, printpdf.ErrNoChromium) || errors.Is(err, printpdf.ErrNoSoffice) {
		if os.Getenv("OGI_REQUIRE_BROWSER") == "1" {
			t.Fatal("OGI_REQUIRE_BROWSER=1 but " + err.Error())
		}
		t.Skip(err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}
