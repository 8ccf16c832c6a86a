package report

import (
	"bytes"
	"encoding/json"
	"html/template"
	"testing"
)

// TestDashboardDataAsJS: a report's JSON handed to the page as template.JS
// is written as the template's escaper wrote the same JSON handed to it as
// a json.RawMessage, for the strings that escaper would act on.
func TestDashboardDataAsJS(t *testing.T) {
	page := `<script type="application/json" id="ogi-data">[{{range $i, $r := .}}{{if $i}},
{{end}}{{$r}}{{end}}]</script>`
	tests := []struct {
		name   string
		agency string
	}{
		{"plain", "甲县人民政府"},
		{"markup", `乙县<b>人民政府</b> & "丙"`},
		{"script end", `</script><script>alert(1)</script>`},
		{"comment", `<!-- x --> ]]> <![CDATA[`},
		{"line separators", "a\u2028b\u2029c"},
		{"backslash and quote", `\" \\ '`},
		{"control", "\x00\x1f\t\n"},
		{"invalid utf-8", "\xff\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score := 61.5
			d := dashReport{File: "a/" + tt.agency + ".txt", Agency: tt.agency, Score: &score, Findings: [][6]string{{tt.agency, "error", "fail", tt.agency, "", ""}}}
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var raw, js bytes.Buffer
			if err := template.Must(template.New("raw").Parse(page)).Execute(&raw, []json.RawMessage{b, b}); err != nil {
				t.Fatal(err)
			}
			if err := template.Must(template.New("js").Parse(page)).Execute(&js, []template.JS{template.JS(b), template.JS(b)}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(js.Bytes(), raw.Bytes()) {
				t.Errorf("as JS:\n%s\nas RawMessage:\n%s", js.Bytes(), raw.Bytes())
			}
		})
	}
}
