package engine

import (
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
)

// A rule pack runs without files, network, clock, randomness or the
// environment: the same document gives the same bytes on any machine, and
// a pack from elsewhere cannot read the host. OPA marks the built-ins that
// reach outside the evaluation as non-deterministic; those are refused, and
// so are the ones below that OPA does not mark. Every refused built-in is
// refused when the pack loads, at the call, not at run time.
var regoRefusedUnmarked = map[string]string{
	// x509 verification checks validity against the current time.
	"crypto.x509.parse_and_verify_certificates":              "it checks certificate validity against the clock",
	"crypto.x509.parse_and_verify_certificates_with_options": "it checks certificate validity against the clock unless told the time",
	// A time zone name is looked up in the host's zone database, and
	// "Local" is the host's own zone.
	"time.add_date": "it takes a time zone, read from the host (\"Local\" is the host's zone)",
	"time.clock":    "it takes a time zone, read from the host (\"Local\" is the host's zone)",
	"time.date":     "it takes a time zone, read from the host (\"Local\" is the host's zone)",
	"time.diff":     "it takes a time zone, read from the host (\"Local\" is the host's zone)",
	"time.format":   "it takes a time zone, read from the host (\"Local\" is the host's zone)",
	"time.weekday":  "it takes a time zone, read from the host (\"Local\" is the host's zone)",
	// Go resolves a zone abbreviation against the host's local zone.
	"time.parse_ns": "a zone abbreviation in the layout is resolved against the host's time zone",
	// OPA drops print and trace without a word unless told to print; a
	// rule reports through its findings.
	"print":          "a rule reports through its findings; OPA would drop the output silently",
	"internal.print": "a rule reports through its findings; OPA would drop the output silently",
	"trace":          "a rule reports through its findings; OPA would drop the output silently",
}

// regoRefusedMarked says why OPA's non-deterministic built-ins are refused;
// one OPA marks in a later version is refused with the generic reason.
var regoRefusedMarked = map[string]string{
	"http.send":              "it reaches the network and the file system",
	"net.lookup_ip_addr":     "it reaches the network",
	"opa.runtime":            "it reads the environment and the configuration of the process",
	"time.now_ns":            "it reads the clock",
	"rand.intn":              "it draws random numbers",
	"uuid.rfc4122":           "it draws random numbers",
	"io.jwt.encode_sign":     "its signatures differ from run to run",
	"io.jwt.encode_sign_raw": "its signatures differ from run to run",
	"io.jwt.decode_verify":   "it checks token expiry against the clock",
	"json.verify_schema":     "it follows a schema's $ref to files and the network",
	"json.match_schema":      "it follows a schema's $ref to files and the network",
}

// regoRefusal says whether a built-in is refused, and why.
func regoRefusal(b *ast.Builtin) (string, bool) {
	if why, ok := regoRefusedUnmarked[b.Name]; ok {
		return why, true
	}
	if b.Nondeterministic {
		if why, ok := regoRefusedMarked[b.Name]; ok {
			return why, true
		}
		return "OPA marks it non-deterministic", true
	}
	return "", false
}

// regoCaps are OPA's capabilities less the refused built-ins; refused maps
// a refused built-in's name to the reason.
var regoCaps, regoRefused = func() (*ast.Capabilities, map[string]string) {
	caps := ast.CapabilitiesForThisVersion()
	refused := map[string]string{}
	var keep []*ast.Builtin
	for _, b := range caps.Builtins {
		if why, bad := regoRefusal(b); bad {
			refused[b.Name] = why
			continue
		}
		keep = append(keep, b)
	}
	caps.Builtins = keep
	caps.AllowNet = []string{}
	return caps, refused
}()

// RegoRefusedBuiltins lists the OPA built-ins a rule pack may not call,
// sorted, each with the reason its load error gives.
func RegoRefusedBuiltins() [][2]string {
	out := make([][2]string, 0, len(regoRefused))
	for n, why := range regoRefused {
		out = append(out, [2]string{n, why})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// refusedUses finds every call of a refused built-in in a parsed module,
// every with that replaces one, and schema annotations. The compiler would
// call most of the built-ins undefined, but it erases print and trace
// calls without a word, so the module is searched as written.
func refusedUses(file string, m *ast.Module) []error {
	var errs []error
	for _, a := range m.Annotations {
		// Schemas only type-check with annotation checking on (it is off),
		// and their $ref would be followed to files and the network.
		if len(a.Schemas) > 0 {
			pos := Pos{File: file}
			if a.Location != nil {
				pos.Line, pos.Col = a.Location.Row, a.Location.Col
			}
			errs = append(errs, &LoadError{Pos: pos, Msg: "schema annotations are not supported in rule packs: rules are not type-checked against schemas, and a schema's $ref would reach files"})
		}
	}
	report := func(ref ast.Ref, loc *ast.Location) {
		name := ref.String()
		why, ok := regoRefused[name]
		if !ok {
			return
		}
		pos := Pos{File: file}
		if loc != nil {
			pos.Line, pos.Col = loc.Row, loc.Col
		}
		errs = append(errs, &LoadError{Pos: pos, Msg: fmt.Sprintf("built-in %s is refused in rule packs: %s", name, why)})
	}
	ast.NewGenericVisitor(func(x any) bool {
		switch x := x.(type) {
		case *ast.Expr:
			if ref := x.Operator(); ref != nil {
				report(ref, x.Location)
			}
		case ast.Call:
			if len(x) > 0 {
				if ref, ok := x[0].Value.(ast.Ref); ok {
					report(ref, x[0].Location)
				}
			}
		case *ast.With:
			if ref, ok := x.Target.Value.(ast.Ref); ok {
				report(ref, x.Location)
			}
		}
		return false
	}).Walk(m)
	return errs
}
