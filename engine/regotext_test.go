package engine

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/ogi-checker/ogi/schema"
)

// regoStrip is how the narrative was stripped in Rego before ogi computed
// it: OPA's strings.replace_n is a strings.Replacer over the sorted keys.
var regoStrip = strings.NewReplacer("\n", "", " ", "", "\u3000", "")

func TestStripNarrative(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"本年度。", "本年度。"},
		{"本 年\n度　。", "本年度。"},
		{"\u3000\u3000首行缩进", "首行缩进"},
		{"  \n\n", ""},
		// Bytes of U+3000 that are not the character stay.
		{"\xe3\x80", "\xe3\x80"},
		{"\xe3 \x80\x80", "\xe3\x80\x80"},
		{"a\xe3\x80\x80\x80b", "a\x80b"},
		{"。\u3001\u3002", "。\u3001\u3002"},
	}
	for _, tc := range cases {
		if got := stripNarrative(tc.in); got != tc.want {
			t.Errorf("stripNarrative(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := regoStrip.Replace(tc.in); got != tc.want {
			t.Errorf("the Replacer gives %q for %q, the case says %q", got, tc.in, tc.want)
		}
	}
}

func FuzzStripNarrative(f *testing.F) {
	for _, s := range []string{"", "本 年\n度　。", "\xe3\x80", "\xe3 \x80\x80", "a\u3000b\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := stripNarrative(s), regoStrip.Replace(s); got != want {
			t.Fatalf("stripNarrative(%q) = %q, the Replacer %q", s, got, want)
		}
	})
}

// TestNarrativeFactsMatchRego: input.narrative holds what the built-in
// pack's Rego computed before, evaluated by OPA itself, on every golden
// document of the corpus and on text built to catch a part boundary.
func TestNarrativeFactsMatchRego(t *testing.T) {
	const mod = `package t
strip(x) := strings.replace_n({"\n": "", " ": "", "　": ""}, x)
raw_intro := input.intro.text if {
	input.intro.text
} else := ""
text := strip(concat("", array.concat([raw_intro], [sec.text | some sec in input.sections])))
facts := {
	"text": text,
	"intro": strip(raw_intro),
	"sentences": split(text, "。"),
	"sections": [strip(sec.text) | some sec in input.sections],
}
`
	q, err := rego.New(rego.Query("data.t.facts"), rego.Module("t.rego", mod)).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, docs := goldenDocuments(t)
	if len(docs) < 10 {
		t.Fatalf("only %d golden documents", len(docs))
	}
	odd := SampleDocument(schema.Template2021)
	odd.Intro.Text = "引言 \n第一句。第二句"
	odd.Sections[0].Text = "。\u3000。"
	odd.Sections[1].Text = ""
	docs = append(docs, odd, &schema.Document{})
	for i, doc := range docs {
		// Through JSON, as OPA reads the document.
		data, _ := json.Marshal(doc)
		in, err := ast.ValueFromReader(strings.NewReader(string(data)))
		if err != nil {
			t.Fatal(err)
		}
		rs, err := q.Eval(context.Background(), rego.EvalParsedInput(in))
		if err != nil || len(rs) != 1 {
			t.Fatalf("doc %d: %v %v", i, rs, err)
		}
		got, _ := json.Marshal(newNarrativeFacts(doc))
		var g, w any
		_ = json.Unmarshal(got, &g)
		want, _ := json.Marshal(rs[0].Expressions[0].Value)
		_ = json.Unmarshal(want, &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("doc %d: Go facts\n%s\nRego facts\n%s", i, got, want)
		}
	}
}
