package engine

import (
	"testing"

	"github.com/ogi-checker/ogi/jurisdiction"
	"github.com/ogi-checker/ogi/schema"
)

// TestJurisdictionRegoValueShared checks that the shared input.jurisdiction
// of a document is the one its own facts build, whatever was asked before.
func TestJurisdictionRegoValueShared(t *testing.T) {
	year := func(y int) *schema.Document {
		d := SampleDocument(schema.Template2021)
		d.Meta.Year = &y
		return d
	}
	var profiles []*jurisdiction.Profile
	for _, n := range jurisdiction.Names() {
		p, _ := jurisdiction.Builtin(n)
		profiles = append(profiles, p)
	}
	tests := []struct {
		name      string
		doc       *schema.Document
		body      string
		threshold float64
	}{
		{"2021", year(2021), "", 0.8},
		{"2022", year(2022), "", 0.8},
		{"other threshold", year(2022), "", 0.9},
		{"unknown body", year(2022), jurisdiction.Unknown, 0.8},
		{"2022 again", year(2022), "", 0.8},
	}
	for _, p := range profiles {
		for _, tc := range tests {
			t.Run(p.Name+"/"+tc.name, func(t *testing.T) {
				f := newJurisdictionFacts(p, tc.body, tc.doc, tc.threshold)
				if got, want := f.regoValue(), f.buildRegoValue(); got.Compare(want) != 0 {
					t.Errorf("got %v, want %v", got, want)
				}
			})
		}
	}
}
