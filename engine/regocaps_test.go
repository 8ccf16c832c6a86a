package engine

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

var updateBuiltins = flag.Bool("update-builtins", false, "rewrite testdata/rego_builtins.txt (review every change by hand)")

// builtinCall is a rule calling the built-in with its arity of arguments
// taken from input (of any type, so the type checker lets them through)
// and its result bound to _; the call is on line 12, column 2.
func builtinCall(b *ast.Builtin) string {
	n := 1
	if b.Decl != nil && b.Decl.FuncArgs().Variadic == nil {
		n = len(b.Decl.FuncArgs().Args)
	}
	var args []string
	for i := 0; i < n; i++ {
		args = append(args, fmt.Sprintf("input.a%d", i))
	}
	if b.Decl != nil && b.Decl.Result() != nil {
		args = append(args, "_")
	}
	return regoHead + "deny contains f if {\n\t" + b.Name + "(" + strings.Join(args, ", ") + ")\n\tf := {\"msg\": \"x\"}\n}\n"
}

// TestRegoEveryBuiltin tries every built-in of the OPA version ogi is built
// with in a rule of its own. Every built-in OPA marks non-deterministic and
// every one ogi refuses besides fails to load, with an error at the call
// naming it; every other one loads unless OPA's strict mode refuses it
// (deprecated built-ins, operators that are not functions).
// testdata/rego_builtins.txt records the outcome for each: a new OPA
// version changes it, and the change is reviewed there.
func TestRegoEveryBuiltin(t *testing.T) {
	var lines []string
	loaded := 0
	for _, b := range ast.CapabilitiesForThisVersion().Builtins {
		_, err := loadRego(t, map[string]string{"r.rego": builtinCall(b)})
		why, refused := regoRefusal(b)
		outcome := "loads"
		switch {
		case refused:
			want := "p/r.rego:12:2: built-in " + b.Name + " is refused in rule packs: " + why
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want %q", b.Name, err, want)
			}
			outcome = "refused: " + why
		case err != nil:
			if strings.Contains(err.Error(), "refused") {
				t.Errorf("%s is not refused, but: %v", b.Name, err)
			}
			// The first error, without positions and generated names.
			msg := strings.SplitN(err.Error(), "\n", 2)[0]
			msg = regexp.MustCompile(`^p/r\.rego:\d+(:\d+)?: `).ReplaceAllString(msg, "")
			outcome = "does not load: " + msg
		default:
			loaded++
		}
		if b.Nondeterministic && !refused {
			t.Errorf("%s: OPA marks it non-deterministic, but it is allowed", b.Name)
		}
		lines = append(lines, b.Name+"\t"+outcome)
	}
	if loaded < 100 {
		t.Errorf("only %d built-ins load", loaded)
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "rego_builtins.txt")
	if *updateBuiltins {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("built-in outcomes differ from %s (go test ./engine -run EveryBuiltin -update-builtins, then review the diff):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff lists the lines only in a (-) and only in b (+).
func lineDiff(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for _, l := range strings.Split(a, "\n") {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestRegoRefusedAtLoad: the calls a hostile pack used, each refused when
// the pack loads with the position of the call.
func TestRegoRefusedAtLoad(t *testing.T) {
	body := func(s string) string {
		return regoHead + "deny contains f if {\n\t" + s + "\n\tf := {\"msg\": \"x\"}\n}\n"
	}
	cases := []struct{ name, src, want string }{
		{"schema $ref to a local file", body(`json.match_schema(input, {"$ref": "file:///etc/passwd"})`), "p/r.rego:12:2: built-in json.match_schema is refused"},
		{"schema $ref, verify", body(`json.verify_schema({"$ref": "file:///dev/zero"})`), "p/r.rego:12:2: built-in json.verify_schema is refused"},
		{"schema $ref inside an assignment", body(`x := json.match_schema(input, {"$ref": "file:///etc/passwd"}); x[0]`), "p/r.rego:12:7: built-in json.match_schema is refused"},
		{"print", body(`print("hello")`), "p/r.rego:12:2: built-in print is refused"},
		{"print in a comprehension", body(`x := [1 | print("x")]; count(x) > 0`), "p/r.rego:12:12: built-in print is refused"},
		{"trace", body(`trace("hello")`), "p/r.rego:12:2: built-in trace is refused"},
		{"jwt signing", body(`io.jwt.encode_sign({"alg": "ES256"}, {}, {}) != ""`), "p/r.rego:12:2: built-in io.jwt.encode_sign is refused"},
		{"x509 verification", body(`crypto.x509.parse_and_verify_certificates_with_options(input.pem, {})`), "p/r.rego:12:2: built-in crypto.x509.parse_and_verify_certificates_with_options is refused"},
		{"local time zone", body(`time.clock([0, "Local"])`), "p/r.rego:12:2: built-in time.clock is refused"},
		{"with replacing the clock", body(`true with time.now_ns as 1`), "p/r.rego:12:7: built-in time.now_ns is refused"},
		{"schema annotation with a $ref", strings.Replace(regoHead, "# custom:", "# schemas:\n#   - input: {\"$ref\": \"file:///etc/passwd\"}\n# custom:", 1) +
			"deny contains f if {\n\tinput.x\n\tf := {\"msg\": \"x\"}\n}\n", "p/r.rego:1:1: schema annotations are not supported"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadRego(t, map[string]string{"r.rego": tc.src})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
