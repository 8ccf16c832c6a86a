package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ogi-checker/ogi/internal/pgtest"
)

// deployDir is where docs/deploy.md's example units live.
var deployDir = filepath.Join("..", "..", "docs", "deploy")

// The paths the example units name, which the test replaces with its own.
const (
	unitOgi     = "/usr/local/bin/ogi"
	unitEnvFile = "/etc/ogi/ogi.env"
)

// unit is a parsed systemd unit file: section → key → values in order.
type unit map[string]map[string][]string

// one is the single value of key in section, failing the test when there
// is not exactly one.
func (u unit) one(t *testing.T, name, section, key string) string {
	t.Helper()
	v := u[section][key]
	if len(v) != 1 {
		t.Fatalf("%s: [%s] %s= given %d times, want once", name, section, key, len(v))
	}
	return v[0]
}

// parseUnit reads a unit file as systemd does for what the test needs:
// sections, Key=value lines (continued by a trailing backslash), comments.
func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := unit{}
	section := ""
	var pending string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if pending != "" {
			line, pending = pending+" "+line, ""
		}
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSuffix(line, `\`)
			continue
		}
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && line[len(line)-1] == ']':
			section = line[1 : len(line)-1]
			if u[section] == nil {
				u[section] = map[string][]string{}
			}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s:%d: not a Key=value line in a section: %q", path, i+1, line)
			}
			u[section][strings.TrimSpace(k)] = append(u[section][strings.TrimSpace(k)], strings.TrimSpace(v))
		}
	}
	return u
}

// parseEnvFile reads an EnvironmentFile: VARIABLE=value lines, comments,
// values optionally quoted.
func parseEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || !regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`).MatchString(k) {
			t.Fatalf("%s:%d: not VARIABLE=value: %q", path, i+1, line)
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		env[k] = v
	}
	return env
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// commandLine is an ExecStart= as systemd runs it: %i (and %%) replaced
// by the instance, the line split into words, ${VAR} replaced within a
// word by the environment file's value (one argument, as systemd does).
// A bare $VAR, which systemd would split, is refused: the units must not
// depend on a value having no spaces.
func commandLine(t *testing.T, name, line, instance string, env map[string]string) []string {
	t.Helper()
	if strings.ContainsAny(line, `"'`) {
		t.Fatalf("%s: ExecStart= quotes; the test does not parse them: %s", name, line)
	}
	line = strings.NewReplacer("%%", "%", "%i", instance, "%I", instance).Replace(line)
	if strings.Contains(line, "%") {
		t.Fatalf("%s: ExecStart= uses a specifier other than %%i: %s", name, line)
	}
	var args []string
	for _, w := range strings.Fields(line) {
		w = envRef.ReplaceAllStringFunc(w, func(ref string) string {
			k := envRef.FindStringSubmatch(ref)[1]
			v, ok := env[k]
			if !ok {
				t.Fatalf("%s: ExecStart= uses ${%s}, which ogi.env does not set", name, k)
			}
			return v
		})
		if strings.Contains(w, "$") {
			t.Fatalf("%s: ExecStart= word %q: use ${VAR}", name, w)
		}
		args = append(args, w)
	}
	return args
}

// unitDuration is a systemd time span the units write as Go does (60s).
func unitDuration(t *testing.T, name, v string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s: time span %q: write it as 60s, 2min is not checked by the test", name, v)
	}
	return d
}

// freePorts are ports free on both loopback addresses the test uses: the
// replicas' application on 127.0.0.1 and every process's metrics on
// OGI_METRICS_HOST (127.0.0.2 here) at the same port, as the units do.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	var held []net.Listener
	defer func() {
		for _, l := range held {
			_ = l.Close()
		}
	}()
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, l)
		_, port, _ := net.SplitHostPort(l.Addr().String())
		l2, err := net.Listen("tcp", "127.0.0.2:"+port)
		if err != nil {
			if len(ports) == 0 && !errors.Is(err, syscall.EADDRINUSE) {
				t.Skipf("127.0.0.2 cannot be listened on here (%v): the units' metrics address needs it", err)
			}
			continue
		}
		held = append(held, l2)
		ports = append(ports, port)
	}
	return ports
}

// proc is a unit's process started by the test.
type proc struct {
	name     string
	cmd      *exec.Cmd
	out, err *lockedBuffer
	done     chan error
}

func startUnit(t *testing.T, dir, name string, args, env []string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: ogiChild(t, dir, env, args...), out: &lockedBuffer{}, err: &lockedBuffer{}, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.err
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitOutput waits until the process has printed want on stdout.
func (p *proc) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(p.out.String(), want) {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("%s ended (%v) before printing %q\nstdout:\n%s\nstderr:\n%s", p.name, err, want, p.out, p.err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q\nstdout:\n%s\nstderr:\n%s", p.name, want, p.out, p.err)
		}
	}
}

// stop sends SIGTERM, as systemctl stop does with KillSignal=SIGTERM, and
// wants exit 0.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("%s after SIGTERM: %v\nstderr:\n%s", p.name, err, p.err)
		}
	case <-time.After(90 * time.Second):
		t.Errorf("%s did not stop after SIGTERM\nstderr:\n%s", p.name, p.err)
	}
}

// replica is an HTTP client of one replica, sending what the nginx
// snippet sends; through nginx itself (proxied), what a browser sends.
type replica struct {
	t       *testing.T
	base    string
	hc      *http.Client
	proxied bool
}

func (r replica) do(method, path, cookie, ctype string, body io.Reader) (*http.Response, []byte) {
	r.t.Helper()
	req, err := http.NewRequest(method, r.base+path, body)
	if err != nil {
		r.t.Fatal(err)
	}
	if !r.proxied {
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
	}
	if method != http.MethodGet {
		req.Header.Set("Origin", r.base)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, r.base+path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return resp, b
}

// sessionCookie is the session cookie a response sets, as a Cookie
// header; it must be Secure, the proxy having said https.
func sessionCookie(t *testing.T, resp *http.Response) string {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Value != "" {
			if !c.Secure {
				t.Errorf("cookie %s not Secure behind the proxy: --trust-proxy not in effect?", c.Name)
			}
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("no cookie set: %v", resp.Header)
	return ""
}

// TestDeployUnits runs docs/deploy's systemd units as systemd would: the
// ExecStart lines with the environment file's values and %i, the ogi
// binary being this test's. PostgreSQL, ogi-migrate, two replicas and two
// workers; the first administrator made with the setup link the first
// replica prints, a batch added and run through replica 1 and seen done
// through replica 2 with the same session; every process stopped with
// SIGTERM exits 0.
func TestDeployUnits(t *testing.T) {
	units := map[string]unit{}
	for _, n := range []string{"ogi-migrate.service", "ogi-serve@.service", "ogi-worker@.service"} {
		units[n] = parseUnit(t, filepath.Join(deployDir, n))
	}
	example := parseEnvFile(t, filepath.Join(deployDir, "ogi.env"))
	checkUnits(t, units, example)
	verifyUnits(t)

	dsn := pgtest.Location(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	ports := freePorts(t, 6)
	env := map[string]string{}
	for k, v := range example {
		env[k] = v
	}
	env["OGI_DB"], env["OGI_DATA"], env["OGI_METRICS_HOST"] = dsn, data, "127.0.0.2"
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	slices.Sort(environ)
	args := func(name, instance string) []string {
		argv := commandLine(t, name, units[name].one(t, name, "Service", "ExecStart"), instance, env)
		if argv[0] != unitOgi {
			t.Fatalf("%s: ExecStart= runs %s, not %s", name, argv[0], unitOgi)
		}
		return argv[1:]
	}

	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()

	code, stdout, stderr := runChild(t, dir, environ, args("ogi-migrate.service", "")...)
	if code != 0 || !strings.Contains(stdout, "schema version 0 →") {
		t.Fatalf("ogi-migrate: exit %d\n%s%s", code, stdout, stderr)
	}
	baseDB := schemaBytes(t, db)

	// First start: both replicas print a setup link; replica 1's, used
	// through replica 2, makes the administrator, and replica 2's own link
	// is dead after it (the store keeps the links).
	r1 := startUnit(t, dir, "ogi-serve@"+ports[0], args("ogi-serve@.service", ports[0]), environ)
	r2 := startUnit(t, dir, "ogi-serve@"+ports[1], args("ogi-serve@.service", ports[1]), environ)
	r1.waitOutput(t, "/setup?token=")
	r2.waitOutput(t, "/setup?token=")
	m := regexp.MustCompile(`http://\S+/setup\?token=(\S+)`).FindStringSubmatch(r1.out.String())
	if m == nil || !strings.HasPrefix(m[0], "http://127.0.0.1:"+ports[0]+"/") {
		t.Fatalf("setup link of replica 1 not on 127.0.0.1:%s:\n%s", ports[0], r1.out)
	}
	hc := &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	c1 := replica{t: t, base: "http://127.0.0.1:" + ports[0], hc: hc}
	c2 := replica{t: t, base: "http://127.0.0.1:" + ports[1], hc: hc}
	const pw = "correct horse battery"
	m2 := regexp.MustCompile(`http://\S+/setup\?token=(\S+)`).FindStringSubmatch(r2.out.String())
	if m2 == nil || m2[1] == m[1] {
		t.Fatalf("replica 2's setup link: %v (replica 1's token %s)", m2, m[1])
	}
	if resp, b := c2.do(http.MethodGet, strings.TrimPrefix(m[0], c1.base), "", "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("replica 1's setup page through replica 2: %d %s", resp.StatusCode, b)
	}
	form := url.Values{"token": {m[1]}, "name": {"admin"}, "display": {"运维"}, "password": {pw}, "password2": {pw}}
	if resp, b := c2.do(http.MethodPost, "/setup", "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup through replica 2: %d %s", resp.StatusCode, b)
	}
	form = url.Values{"token": {m2[1]}, "name": {"evil"}, "display": {"x"}, "password": {pw}, "password2": {pw}}
	if resp, _ := c2.do(http.MethodPost, "/setup", "", "application/x-www-form-urlencoded", strings.NewReader(form.Encode())); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("replica 2's own link after the administrator exists: %d, want 404", resp.StatusCode)
	}
	w1 := startUnit(t, dir, "ogi-worker@"+ports[2], args("ogi-worker@.service", ports[2]), environ)
	w2 := startUnit(t, dir, "ogi-worker@"+ports[3], args("ogi-worker@.service", ports[3]), environ)
	w1.waitOutput(t, "ogi worker: working the job queue")
	w2.waitOutput(t, "ogi worker: working the job queue")

	// Log in through replica 1, work there, look through replica 2.
	resp, b := c1.do(http.MethodPost, "/login", "", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"name": {"admin"}, "password": {pw}}.Encode()))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	cookie := sessionCookie(t, resp)
	resp, b = c1.do(http.MethodPost, "/api/batches", cookie, "application/json",
		strings.NewReader(`{"name":"部署测试","year":2024,"profile":"default"}`))
	var batch struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
		Error string `json:"error"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &batch) != nil {
		t.Fatalf("create batch: %d %s", resp.StatusCode, b)
	}
	// The seeds and the real reports (PDF, DOCX, Markdown, text), for
	// sizes near a real batch's.
	files := []string{}
	for _, n := range allSeeds {
		files = append(files, seed(n))
	}
	real, err := filepath.Glob(filepath.Join("..", "..", "testdata", "real", "*"))
	if err != nil || len(real) == 0 {
		t.Fatalf("testdata/real: %v", err)
	}
	files = append(files, real...)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	var uploaded int64
	for _, f := range files {
		fw, err := mw.CreateFormFile("files", filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		uploaded += int64(len(raw))
		_, _ = fw.Write(raw)
	}
	_ = mw.Close()
	path := fmt.Sprintf("/api/batches/%d", batch.ID)
	var in struct {
		Added   []string `json:"added"`
		Refused []string `json:"refused"`
	}
	if resp, b := c1.do(http.MethodPost, path+"/files", cookie, mw.FormDataContentType(), &body); resp.StatusCode != http.StatusOK ||
		json.Unmarshal(b, &in) != nil || len(in.Added) != len(files) {
		t.Fatalf("upload of %d files: %d %s", len(files), resp.StatusCode, b)
	}
	if resp, b := c1.do(http.MethodPost, path+"/run", cookie, "application/json", nil); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("run: %d %s", resp.StatusCode, b)
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		resp, b := c2.do(http.MethodGet, path, cookie, "", nil)
		if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &batch) != nil {
			t.Fatalf("batch through replica 2 with replica 1's session: %d %s", resp.StatusCode, b)
		}
		if batch.State == "done" || batch.State == "failed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch still %s\nworker 1:\n%s\nworker 2:\n%s", batch.State, w1.err, w2.err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if batch.State != "done" {
		t.Fatalf("batch %s: %s", batch.State, batch.Error)
	}
	_, res1 := c1.do(http.MethodGet, path+"/results", cookie, "", nil)
	resp, res2 := c2.do(http.MethodGet, path+"/results", cookie, "", nil)
	var out struct {
		Reports []json.RawMessage `json:"reports"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(res2, &out) != nil || len(out.Reports) != len(files) {
		t.Fatalf("results through replica 2: %d, %d reports for %d files", resp.StatusCode, len(out.Reports), len(files))
	}
	if !bytes.Equal(res1, res2) {
		t.Error("results differ between the replicas")
	}

	// The metrics addresses answer without a session.
	metrics := func(port, path string) string {
		resp, b := replica{t: t, base: "http://127.0.0.2:" + port, hc: hc}.do(http.MethodGet, path, "", "", nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("metrics address :%s%s: %d %s", port, path, resp.StatusCode, b)
		}
		return string(b)
	}
	for _, p := range ports[:4] {
		if got := metrics(p, "/readyz"); got != "ready\n" {
			t.Errorf(":%s/readyz: %q", p, got)
		}
	}
	if got := metrics(ports[0], "/metrics"); !strings.Contains(got, `ogi_http_requests_total{code="201",method="POST",route="POST /api/batches"} 1`) {
		t.Errorf("replica 1's /metrics does not count the batch created:\n%s", got)
	}
	if got := metrics(ports[2], "/metrics") + metrics(ports[3], "/metrics"); !strings.Contains(got, `ogi_batch_runs_total{state="done"} 1`) {
		t.Errorf("no worker's /metrics counts the batch run:\n%s", got)
	}

	// What a report costs on disk, for docs/deploy.md's sizing.
	dbBytes := schemaBytes(t, db) - baseDB
	dataBytes := map[string]int64{}
	_ = filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				rel, _ := filepath.Rel(data, p)
				top, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
				dataBytes[top] += fi.Size()
				dataBytes[""] += fi.Size()
			}
		}
		return nil
	})
	n := int64(len(files))
	t.Logf("sizing, %d reports of %d bytes uploaded: PostgreSQL %d bytes over the empty schema, %d per report; "+
		"data directory %d bytes (%v), %d per report", n, uploaded, dbBytes, dbBytes/n, dataBytes[""], dataBytes, dataBytes[""]/n)

	logLargestTables(t, db)
	throughNginx(t, dir, ports, path, res1)

	for _, p := range []*proc{w1, w2, r2, r1} {
		p.stop(t)
	}
	if !strings.Contains(r1.err.String(), `"msg":`) {
		t.Errorf("replica 1 does not log JSON (--log-format json):\n%s", r1.err)
	}
}

// schemaBytes is the size of every table of the DSN's schema, indexes
// and TOAST included: the query docs/deploy.md gives operators.
func schemaBytes(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var n int64
	err := db.QueryRowContext(context.Background(), `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = current_schema() AND c.relkind IN ('r', 'm')`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// logLargestTables logs where the database's bytes are, for the sizing.
func logLargestTables(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT c.relname, pg_total_relation_size(c.oid)
		FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC, 1 LIMIT 8`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
	var parts []string
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, n))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("sizing, largest tables: %s", strings.Join(parts, ", "))
}

// checkUnits checks what the test cannot see by running the units: the
// hardening, the ordering, and that the settings agree with each other.
func checkUnits(t *testing.T, units map[string]unit, env map[string]string) {
	t.Helper()
	grace := unitDuration(t, "ogi.env", env["OGI_SHUTDOWN_GRACE"])
	for name, u := range units {
		want := map[string]string{"User": "ogi", "NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
			"EnvironmentFile": unitEnvFile}
		if name != "ogi-migrate.service" {
			want["Restart"] = "on-failure"
			want["KillSignal"] = "SIGTERM"
			if !slices.Contains(strings.Fields(u.one(t, name, "Service", "ReadWritePaths")), env["OGI_DATA"]) {
				t.Errorf("%s: ReadWritePaths= does not name OGI_DATA %s", name, env["OGI_DATA"])
			}
			if stop := unitDuration(t, name, u.one(t, name, "Service", "TimeoutStopSec")); stop <= grace {
				t.Errorf("%s: TimeoutStopSec=%v does not cover --shutdown-grace %v", name, stop, grace)
			}
			for _, k := range []string{"Requires", "After"} {
				if !slices.Contains(strings.Fields(strings.Join(u["Unit"][k], " ")), "ogi-migrate.service") {
					t.Errorf("%s: %s= lacks ogi-migrate.service", name, k)
				}
			}
		} else if u.one(t, name, "Service", "Type") != "oneshot" {
			t.Errorf("%s: not Type=oneshot", name)
		}
		for k, v := range want {
			if got := u.one(t, name, "Service", k); got != v {
				t.Errorf("%s: %s=%s, want %s", name, k, got, v)
			}
		}
	}
	line := units["ogi-serve@.service"].one(t, "ogi-serve@.service", "Service", "ExecStart")
	for _, f := range []string{"--queue-workers 0", "--no-migrate", "--trust-proxy", "--log-format json", "--metrics-addr", "--shutdown-grace ${OGI_SHUTDOWN_GRACE}"} {
		if !strings.Contains(line, f) {
			t.Errorf("ogi-serve@.service: ExecStart= lacks %s", f)
		}
	}
	line = units["ogi-worker@.service"].one(t, "ogi-worker@.service", "Service", "ExecStart")
	for _, f := range []string{"--no-migrate", "--rescue-after", "--shutdown-grace ${OGI_SHUTDOWN_GRACE}"} {
		if !strings.Contains(line, f) {
			t.Errorf("ogi-worker@.service: ExecStart= lacks %s", f)
		}
	}
}

// verifyUnits runs systemd-analyze verify on the units, when the machine
// has it, with the ogi path made this test binary's (verify wants the
// program to exist) and one instance of each template.
func verifyUnits(t *testing.T) {
	t.Helper()
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze not found: the units are not verified")
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	envFile, err := filepath.Abs(filepath.Join(deployDir, "ogi.env"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for n, inst := range map[string]string{"ogi-migrate.service": "ogi-migrate.service",
		"ogi-serve@.service": "ogi-serve@8081.service", "ogi-worker@.service": "ogi-worker@9101.service"} {
		b, err := os.ReadFile(filepath.Join(deployDir, n))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(unitOgi), []byte(exe)), []byte(unitEnvFile), []byte(envFile))
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if inst != n {
			if err := os.Symlink(n, filepath.Join(dir, inst)); err != nil {
				t.Fatal(err)
			}
		}
		files = append(files, filepath.Join(dir, inst))
	}
	slices.Sort(files)
	out, err := exec.Command(sa, append([]string{"verify"}, files...)...).CombinedOutput()
	// Warnings about the units (an unknown key) leave the exit code 0:
	// any line naming them fails the test too.
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if strings.Contains(sc.Text(), dir) || strings.Contains(sc.Text(), "ogi-") {
			bad = append(bad, sc.Text())
		}
	}
	if err != nil || len(bad) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// throughNginx runs nginx, when the machine has it, with docs/deploy's
// snippet in front of the two replicas (their ports and its own made the
// test's, a certificate made for it) and signs in, reads the batch's
// results and its progress stream through it, as a browser would.
func throughNginx(t *testing.T, dir string, ports []string, batchPath string, results []byte) {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		// Debian puts it in /usr/sbin, which a user's PATH may lack.
		bin, err = exec.LookPath("/usr/sbin/nginx")
	}
	if err != nil {
		t.Log("nginx not found: the snippet is not run")
		return
	}
	const host = "ogi.example.gov.cn"
	ndir := filepath.Join(dir, "nginx")
	if err := os.MkdirAll(ndir, 0o755); err != nil {
		t.Fatal(err)
	}
	pool := selfSigned(t, host, filepath.Join(ndir, "tls.crt"), filepath.Join(ndir, "tls.key"))
	b, err := os.ReadFile(filepath.Join(deployDir, "nginx-ogi.conf"))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(b)
	for _, r := range [][2]string{
		{"server 127.0.0.1:8081 ", "server 127.0.0.1:" + ports[0] + " "},
		{"server 127.0.0.1:8082 ", "server 127.0.0.1:" + ports[1] + " "},
		{"listen 80;", "listen 127.0.0.1:" + ports[5] + ";"},
		{"listen 443 ssl http2;", "listen 127.0.0.1:" + ports[4] + " ssl http2;"},
		{"/etc/nginx/tls/" + host + ".crt", filepath.Join(ndir, "tls.crt")},
		{"/etc/nginx/tls/" + host + ".key", filepath.Join(ndir, "tls.key")},
	} {
		if strings.Count(conf, r[0]) != 1 {
			t.Fatalf("nginx-ogi.conf: %q not found once; the test replaces it", r[0])
		}
		conf = strings.Replace(conf, r[0], r[1], 1)
	}
	if err := os.WriteFile(filepath.Join(ndir, "ogi.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var temps strings.Builder
	for _, k := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		fmt.Fprintf(&temps, "  %s_temp_path %s;\n", k, filepath.Join(ndir, k))
	}
	main := fmt.Sprintf("pid %s;\nerror_log %s;\nevents {}\nhttp {\n  access_log off;\n%s  include %s;\n}\n",
		filepath.Join(ndir, "nginx.pid"), filepath.Join(ndir, "error.log"), temps.String(), filepath.Join(ndir, "ogi.conf"))
	if err := os.WriteFile(filepath.Join(ndir, "nginx.conf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", ndir, "-e", filepath.Join(ndir, "error.log"), "-c", filepath.Join(ndir, "nginx.conf")}
	if out, err := exec.Command(bin, append(args, "-t")...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	ng := exec.Command(bin, append(args, "-g", "daemon off;")...)
	var nerr lockedBuffer
	ng.Stderr = &nerr
	if err := ng.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = ng.Process.Signal(syscall.SIGTERM)
		_ = ng.Wait()
	}()

	hc := &http.Client{Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}}}
	px := replica{t: t, base: "https://127.0.0.1:" + ports[4], hc: hc, proxied: true}
	deadline := time.Now().Add(time.Minute)
	for {
		req, _ := http.NewRequest(http.MethodGet, px.base+"/readyz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx does not answer /readyz: %v\n%s", err, nerr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	resp, body := px.do(http.MethodPost, "/login", "", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"name": {"admin"}, "password": {"correct horse battery"}}.Encode()))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login through nginx: %d %s", resp.StatusCode, body)
	}
	cookie := sessionCookie(t, resp) // Secure: nginx said X-Forwarded-Proto https
	for range 2 {                    // both replicas, round robin
		if resp, got := px.do(http.MethodGet, batchPath+"/results", cookie, "", nil); resp.StatusCode != http.StatusOK || !bytes.Equal(got, results) {
			t.Errorf("results through nginx: %d, same as direct: %v", resp.StatusCode, bytes.Equal(got, results))
		}
	}
	// The progress stream: its first event (the batch's state) arrives
	// through the proxy while the stream stays open.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, px.base+batchPath+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookie)
	resp, err = hc.Do(req)
	if err != nil {
		t.Fatalf("events through nginx: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events through nginx: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data:") {
			if !strings.Contains(sc.Text(), `"state":"done"`) {
				t.Errorf("first event through nginx: %s", sc.Text())
			}
			return
		}
	}
	t.Errorf("no event through nginx: %v", sc.Err())
}

// selfSigned writes a certificate and key for host and returns a pool
// that trusts the certificate.
func selfSigned(t *testing.T, host, certPath, keyPath string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}
