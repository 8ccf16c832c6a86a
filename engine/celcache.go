package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"cel.dev/cel-go/cel"
	exprpb "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
	"google.golang.org/protobuf/proto"

	"github.com/ogi-checker/ogi/internal/atomicfile"
)

// Parsing and checking the built-in pack's expressions is most of what an
// ogi process spends before it reads a report (ANTLR's parser allocates
// heavily). A rule file that compiled without an error is therefore kept
// as its checked expressions in the user's cache directory, and read back
// by the next process instead of being compiled again.
//
// An entry is named by a digest of the file's bytes and of everything that
// decides whether and how they check (celFingerprint): the cel-go version,
// every declared variable, function, macro and object field, the table ids
// and the cost limit. It also keeps the rules' metadata as the YAML gave
// them, so that a process reading it does not parse the YAML either (a
// fifth of loading the pack); the YAML library's version and the shape of
// Rule are in the fingerprint too. An entry that does not match its own
// digest is ignored and the file compiled; a cache that cannot be read or
// written only costs the compilation. Files with errors are never stored,
// so their messages are those of the compiler.

// celCacheFormat changes when the entry's layout or the checks made before
// an expression is stored (checkPaths, the cost estimate) change.
const celCacheFormat = "ogi-cel-cache 2\n"

// celCacheDir is where entries are kept ("" : nowhere); tests replace it.
var celCacheDir = func() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "ogi", "cel")
}

// celFingerprint digests the declarations rules are checked against.
var celFingerprint = sync.OnceValue(func() string {
	h := sha256.New()
	// A hash's Write never fails.
	line := func(format string, a ...any) { _, _ = fmt.Fprintf(h, format+"\n", a...) }
	line("%s%s\n%s\n%d", celCacheFormat, moduleVersion("cel.dev/cel-go"), moduleVersion("go.yaml.in/yaml/v3"), celCostLimit)
	// The metadata kept is a Rule in JSON: a field added is a new entry.
	rt := reflect.TypeFor[Rule]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		line("rule %s %s %q", f.Name, f.Type, f.Tag)
	}
	env, err := celCore()
	if err != nil {
		return ""
	}
	for _, v := range env.Variables() {
		line("var %s %s", v.Name(), v.Type())
	}
	fns := env.Functions()
	names := make([]string, 0, len(fns))
	for n := range fns {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, o := range fns[n].OverloadDecls() {
			line("fn %s %s member=%v %v -> %s", n, o.ID(), o.IsMemberFunction(), o.ArgTypes(), o.ResultType())
		}
	}
	for _, m := range env.Macros() {
		line("macro %s", m.MacroKey())
	}
	objs := make([]string, 0, len(objectFields))
	for t := range objectFields {
		objs = append(objs, t)
	}
	sort.Strings(objs)
	for _, t := range objs {
		fields := make([]string, 0, len(objectFields[t]))
		for f, d := range objectFields[t] {
			fields = append(fields, f+" "+d.t.String())
		}
		sort.Strings(fields)
		line("type %s {%s}", t, strings.Join(fields, "; "))
	}
	roots := make([]string, 0, len(idLevels))
	for r := range idLevels {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	for _, r := range roots {
		for depth, ids := range idLevels[r] {
			list := make([]string, 0, len(ids))
			for id := range ids {
				list = append(list, id)
			}
			sort.Strings(list)
			line("ids %s %d %s", r, depth, strings.Join(list, ","))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
})

// moduleVersion is a module's version and checksum in this build ("" where
// the build has no module information, as under go test: the declarations
// are digested all the same).
func moduleVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == path {
			if d.Replace != nil {
				d = d.Replace
			}
			return d.Path + "@" + d.Version + " " + d.Sum
		}
	}
	return ""
}

// celCachePath is the entry for a rule file's bytes ("" : no cache).
func celCachePath(data []byte) string {
	dir := celCacheDir()
	fp := celFingerprint()
	if dir == "" || fp == "" {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(fp))
	h.Write(data)
	return filepath.Join(dir, hex.EncodeToString(h.Sum(nil)))
}

// celCacheEntry is what an entry keeps of a rule file: every rule's
// metadata (as the YAML gave it, with its line) and its checked
// expressions by step, nil where the rule has no such expression. Each is
// a CheckedExpr in protobuf, for decodeCELExpr.
type celCacheEntry struct {
	rules []Rule
	asts  [][][]byte
}

// readCELCache returns the entry at path, or nil when there is no usable
// one.
func readCELCache(path string) *celCacheEntry {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	ent, err := decodeCELCache(data, filepath.Base(path))
	if err != nil {
		return nil
	}
	return ent
}

var errCELCache = errors.New("not a cache entry for this file")

// celCompiled counts expressions parsed and checked, for the tests that
// show a cached file is not compiled again.
var celCompiled atomic.Int64

func decodeCELCache(data []byte, key string) (*celCacheEntry, error) {
	head := len(celCacheFormat) + sha256.Size
	if len(data) < head || !bytes.HasPrefix(data, []byte(celCacheFormat)) {
		return nil, errCELCache
	}
	payload := data[head:]
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], data[len(celCacheFormat):head]) {
		return nil, errCELCache
	}
	// The entry names its key: a file copied under another name is not
	// taken for that file's.
	if !bytes.HasPrefix(payload, []byte(key+"\n")) {
		return nil, errCELCache
	}
	payload = payload[len(key)+1:]
	size, k := binary.Uvarint(payload)
	if k <= 0 || size > uint64(len(payload)-k) {
		return nil, errCELCache
	}
	ent := &celCacheEntry{}
	if err := json.Unmarshal(payload[k:k+int(size)], &ent.rules); err != nil {
		return nil, errCELCache
	}
	payload = payload[k+int(size):]
	ent.asts = make([][][]byte, len(ent.rules))
	for i := range ent.rules {
		ent.asts[i] = make([][]byte, len(celSteps))
		for j := range celSteps {
			size, k := binary.Uvarint(payload)
			if k <= 0 || size > uint64(len(payload)-k) {
				return nil, errCELCache
			}
			if size > 0 {
				ent.asts[i][j] = payload[k : k+int(size)]
			}
			payload = payload[k+int(size):]
		}
	}
	if len(payload) != 0 {
		return nil, errCELCache
	}
	return ent, nil
}

// decodeCELExpr reads one checked expression of an entry, whose digest
// held: an error here is a cel-go that reads its own output differently.
func decodeCELExpr(b []byte) (*cel.Ast, error) {
	ce := &exprpb.CheckedExpr{}
	if err := proto.Unmarshal(b, ce); err != nil {
		return nil, fmt.Errorf("cached expression: %w", err)
	}
	if ce.GetExpr() == nil {
		return nil, fmt.Errorf("cached expression: %w", errCELCache)
	}
	return cel.CheckedExprToAst(ce), nil
}

func encodeCELCache(key string, rules []Rule, asts [][]*cel.Ast) ([]byte, error) {
	if len(rules) != len(asts) {
		return nil, errCELCache
	}
	meta, err := json.Marshal(rules)
	if err != nil {
		return nil, err
	}
	payload := binary.AppendUvarint([]byte(key+"\n"), uint64(len(meta)))
	payload = append(payload, meta...)
	for _, rule := range asts {
		if len(rule) != len(celSteps) {
			return nil, errCELCache
		}
		for _, a := range rule {
			if a == nil {
				payload = binary.AppendUvarint(payload, 0)
				continue
			}
			ce, err := cel.AstToCheckedExpr(a)
			if err != nil {
				return nil, err
			}
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(ce)
			if err != nil {
				return nil, err
			}
			payload = binary.AppendUvarint(payload, uint64(len(b)))
			payload = append(payload, b...)
		}
	}
	sum := sha256.Sum256(payload)
	out := append([]byte(celCacheFormat), sum[:]...)
	return append(out, payload...), nil
}

// writeCELCache stores a file's checked expressions; failing to is not an
// error (a read-only home, a full disk): the next process compiles again.
func writeCELCache(path string, rules []Rule, asts [][]*cel.Ast) {
	if path == "" {
		return
	}
	data, err := encodeCELCache(filepath.Base(path), rules, asts)
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	if atomicfile.WriteFile(path, data) == nil {
		pruneCELCache(filepath.Dir(path))
	}
}

// celCacheKeep bounds the entries kept: each edit of a rule file, and each
// new ogi, leaves one behind. The oldest written go first; one still in
// use is only compiled and written again.
const celCacheKeep = 512

func pruneCELCache(dir string) {
	es, err := os.ReadDir(dir)
	if err != nil || len(es) <= celCacheKeep {
		return
	}
	type entry struct {
		name string
		mod  int64
	}
	var list []entry
	for _, e := range es {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			list = append(list, entry{e.Name(), info.ModTime().UnixNano()})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].mod < list[j].mod })
	for _, e := range list[:max(0, len(list)-celCacheKeep*3/4)] {
		_ = os.Remove(filepath.Join(dir, e.name))
	}
}
