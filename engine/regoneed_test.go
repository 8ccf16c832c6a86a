package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/ogi-checker/ogi/schema"
)

// needPaths lists the needed paths of n, "" standing for everything.
func needPaths(n *inputNeed, prefix string) []string {
	if n.whole() {
		return []string{prefix}
	}
	var out []string
	for k, c := range n.keys {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		out = append(out, needPaths(c, p)...)
	}
	sort.Strings(out)
	return out
}

// TestRegoInputNeed: the input paths a module can read are found from its
// references, and anything the analysis cannot bound needs all of input.
func TestRegoInputNeed(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string
	}{
		{"table by variables", `x if { some r, c; input.tables.requests[r][c].value > 0 }`, []string{"tables.requests"}},
		{"two paths", `x if { input.intro.text; some s in input.sections; s.text }`, []string{"intro.text", "sections"}},
		{"alias", `req := input.tables.requests
x if { req.granted.total.value > 0 }`, []string{"tables.requests"}},
		{"prefix wins", `x if { input.tables.requests.granted; input.tables }`, []string{"tables"}},
		{"input as a value", `x if { y := input; y.meta }`, []string{""}},
		{"input as an argument", `x if { object.get(input, ["meta", "year"], 0) > 0 }`, []string{""}},
		{"input by a variable", `x if { some k; input[k] }`, []string{""}},
		{"index read from input", `x if { input.tables.requests[input.meta.title] }`, []string{"meta.title", "tables.requests"}},
		{"no input", `x if { data.ogi.rules.t.y }
y := 1`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ast.ParseModuleWithOpts("m.rego", "package ogi.rules.t\n"+tc.body+"\n", ast.ParserOptions{RegoVersion: ast.RegoV1})
			if err != nil {
				t.Fatal(err)
			}
			c := ast.NewCompiler()
			c.Compile(map[string]*ast.Module{"m.rego": m})
			if c.Failed() {
				t.Fatal(c.Errors)
			}
			got := needPaths(regoInputNeed(c.Modules), "")
			// "" stands for all of input; no paths at all for none of it.
			if !slices.Equal(got, tc.want) {
				t.Fatalf("need = %q, want %q", got, tc.want)
			}
		})
	}
}

// inputJSON is the Rego input as `opa eval --input` reads it: the
// canonical JSON of the document plus input.narrative.
func inputJSON(t *testing.T, doc *schema.Document) []byte {
	t.Helper()
	canon, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(canon, &m); err != nil {
		t.Fatal(err)
	}
	m["narrative"] = newNarrativeFacts(doc)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRegoPrunedInputParity: the built-in Rego rules give the same results
// on the pruned input as on the whole canonical JSON of the document, over
// every golden document of the corpus.
func TestRegoPrunedInputParity(t *testing.T) {
	e, err := New([]Pack{{Name: "rules", FS: os.DirFS("../rules")}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var pack *regoPack
	for _, r := range e.Rules() {
		if rr, ok := r.impl.(*regoRule); ok {
			pack = rr.pack
		}
	}
	if pack == nil || pack.need.whole() {
		t.Fatalf("the built-in Rego rules should read part of the input, need = %+v", pack)
	}
	files, golden := goldenDocuments(t)
	if len(files) < 10 {
		t.Fatalf("only %d golden documents", len(files))
	}
	docs := map[string]*schema.Document{}
	for i, f := range files {
		docs[f] = golden[i]
	}
	// The claims the corpus never makes: no applications, no
	// reconsideration or litigation, over tables that say otherwise.
	for _, tpl := range []string{schema.Template2019, schema.Template2021} {
		doc := SampleDocument(tpl)
		doc.Sections[0].Text += "本年度未收到政府信息公开申请，未发生政府信息公开行政复议、行政诉讼。"
		seven := 7.0
		doc.Tables.Requests["granted"]["natural"] = &schema.Cell{Value: &seven, Raw: "7", Status: schema.StatusNumber}
		doc.Tables.ReviewLitigation["reconsideration"]["upheld"] = &schema.Cell{Value: &seven, Raw: "7", Status: schema.StatusNumber}
		docs["claims-"+tpl] = doc
		files = append(files, "claims-"+tpl)
	}
	fired := 0
	for _, f := range files {
		doc := docs[f]
		// The whole document as OPA reads JSON, independent of the builder,
		// with the narrative facts as a user hands them to opa eval.
		canon := inputJSON(t, doc)
		whole, err := ast.ValueFromReader(bytes.NewReader(canon))
		if err != nil {
			t.Fatal(err)
		}
		eval := func(in ast.Value) rego.ResultSet {
			rs, err := pack.query.Eval(context.Background(), rego.EvalParsedInput(in))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			return rs
		}
		a := eval(regoInputValue(doc, nil, pack.need))
		b := eval(whole)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: pruned input gives\n%+v\nthe whole document gives\n%+v", f, a, b)
		}
		for _, r := range a {
			for _, v := range r.Bindings {
				if l, ok := v.([]any); ok {
					fired += len(l)
				}
			}
		}
	}
	if fired == 0 {
		t.Fatal("no Rego rule fired on the corpus: the comparison shows nothing")
	}
}
