package engine

import (
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/ogi-checker/ogi/schema"
)

// narrativeFacts is input.narrative: the report's text as the narrative
// rules read it, computed once per document in Go. In Rego, stripping the
// text (strings.replace_n builds a new replacer on every call) and
// splitting it cost more than every rule that reads it; here they are a
// copy of the text. A rule run under `opa eval` reads the same fields from
// the input file, so the Rego stays plain Rego.
//
//	text       the introduction and every section's text, joined and stripped
//	intro      the introduction's text, stripped
//	sentences  text split at every 。 (as split(text, "。"): the piece after
//	           the last 。 is kept, empty or not)
//	sections   each section's text stripped, in the order of input.sections
//
// Stripped is without line breaks, spaces and ideographic spaces (U+3000):
// PDF text wraps sentences, and cut words must match again.
type narrativeFacts struct {
	Text      string   `json:"text"`
	Intro     string   `json:"intro"`
	Sentences []string `json:"sentences"`
	Sections  []string `json:"sections"`
}

func newNarrativeFacts(d *schema.Document) *narrativeFacts {
	n := &narrativeFacts{Intro: stripNarrative(d.Intro.Text), Sections: make([]string, len(d.Sections))}
	size := len(d.Intro.Text)
	for i := range d.Sections {
		size += len(d.Sections[i].Text)
	}
	// Stripping only removes characters, so the joined text stripped is
	// the stripped parts joined but for an ideographic space whose bytes a
	// part boundary cuts (text that is not UTF-8): joined first, as the
	// Rego did.
	var b strings.Builder
	b.Grow(size)
	b.WriteString(d.Intro.Text)
	for i := range d.Sections {
		b.WriteString(d.Sections[i].Text)
		n.Sections[i] = stripNarrative(d.Sections[i].Text)
	}
	n.Text = stripNarrative(b.String())
	n.Sentences = strings.Split(n.Text, "。")
	return n
}

// ideoSpace is U+3000 in UTF-8.
const ideoSpace = "\u3000"

// stripNarrative removes line breaks, spaces and ideographic spaces, byte
// for byte what strings.replace_n({"\n": "", " ": "", "　": ""}, t) does:
// a strings.Replacer scans once, left to right, and none of the three
// keys is a prefix of another.
func stripNarrative(t string) string {
	if !strings.ContainsAny(t, "\n ") && !strings.Contains(t, ideoSpace) {
		return t
	}
	b := make([]byte, 0, len(t))
	for i := 0; i < len(t); {
		switch c := t[i]; {
		case c == '\n' || c == ' ':
			i++
		case c == 0xe3 && strings.HasPrefix(t[i:], ideoSpace):
			i += len(ideoSpace)
		default:
			b = append(b, c)
			i++
		}
	}
	return string(b)
}

func (n *narrativeFacts) regoValue() ast.Value {
	strs := func(ss []string) *ast.Term {
		ts := make([]*ast.Term, len(ss))
		for i, s := range ss {
			ts[i] = ast.StringTerm(s)
		}
		return ast.ArrayTerm(ts...)
	}
	return ast.NewObject(
		ast.Item(ast.InternedTerm("text"), ast.StringTerm(n.Text)),
		ast.Item(ast.InternedTerm("intro"), ast.StringTerm(n.Intro)),
		ast.Item(ast.InternedTerm("sentences"), strs(n.Sentences)),
		ast.Item(ast.InternedTerm("sections"), strs(n.Sections)))
}
