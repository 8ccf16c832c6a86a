package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// TestServeProcess: ogi serve as a process — the first start prints the
// URL and the setup link, the health check answers, a page without a
// session sends to the login, and SIGTERM stops it with exit 0 and the
// store left where --db said.
func TestServeProcess(t *testing.T) {
	dir := t.TempDir()
	c := ogiChild(t, dir, nil, "serve", "--addr", "127.0.0.1:0", "--db", "s/ogi.db", "--data", "s/data", "--log-format", "json", "--metrics-addr", "127.0.0.1:0")
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errb := &lockedBuffer{}
	c.Stderr = errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Process.Kill() }()
	sc := bufio.NewScanner(out)
	var lines []string
	deadline := time.After(30 * time.Second)
	got := make(chan string)
	go func() {
		for sc.Scan() {
			got <- sc.Text()
		}
		close(got)
	}()
	for len(lines) < 4 {
		select {
		case l, ok := <-got:
			if !ok {
				t.Fatalf("ogi serve ended: %v\n%s", lines, errb.String())
			}
			lines = append(lines, l)
		case <-deadline:
			t.Fatalf("no setup link printed: %v", lines)
		}
	}
	url, ok := strings.CutPrefix(lines[0], "ogi serve: listening on ")
	if !ok || !strings.HasPrefix(strings.TrimSpace(lines[2]), url+"/setup?token=") || !strings.Contains(lines[3], "创建第一个管理员账户") {
		t.Fatalf("first start printed:\n%s", strings.Join(lines, "\n"))
	}
	resp, err := http.Get(url + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.Get(url + "/batches")
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("/batches without a session: %v %v", resp, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	// The metrics listener, at the address its log line names.
	m := regexp.MustCompile(`"msg":"metrics","addr":"([^"]+)"`).FindStringSubmatch(errb.String())
	if m == nil {
		t.Fatalf("no metrics line in the log:\n%s", errb.String())
	}
	resp, err = http.Get("http://" + m[1] + "/metrics")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %v %v", resp, err)
	}
	mb, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !strings.Contains(string(mb), "ogi_jobs_queued 0") {
		t.Errorf("/metrics lacks ogi_jobs_queued:\n%.400s", mb)
	}
	if err := c.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ogi serve did not stop on SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "s", "ogi.db")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), `"msg":"shutting down"`) {
		t.Errorf("no JSON log line of the shutdown:\n%s", errb.String())
	}
}

// lockedBuffer is a log the child writes while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeHelp: ogi serve --help documents every flag it has.
func TestServeHelp(t *testing.T) {
	code, stdout, _ := runOgi(t, "serve", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, f := range []string{"--addr", "--db", "--data", "--tls-cert", "--tls-key", "--trust-proxy", "--fetch-allow",
		"--max-upload-mb", "--max-file-mb", "--max-files", "--fetch-timeout", "--session-ttl", "--shutdown-grace", "--jobs", "--log-format", "--metrics-addr"} {
		if !strings.Contains(stdout, f) {
			t.Errorf("--help does not mention %s", f)
		}
	}
	root, _ := newRoot(io.Discard, io.Discard)
	serve, _, err := root.Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	serve.Flags().VisitAll(func(f *pflag.Flag) {
		n++
		if f.Usage == "" || !strings.Contains(stdout, "--"+f.Name) {
			t.Errorf("flag --%s is not documented", f.Name)
		}
	})
	if n < 15 {
		t.Errorf("%d flags", n)
	}
}
