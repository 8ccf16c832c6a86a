package schema

// NewDocument returns a document of the template with every table cell
// present and "missing": the converter fills in what it finds, and a row
// the report lacks stays visible as missing rather than absent.
func NewDocument(template string) *Document {
	t, ok := Templates[template]
	if !ok {
		t = Templates[Template2021]
	}
	miss := func() *Cell { return &Cell{Status: StatusMissing} }
	d := &Document{
		SchemaVersion: Version,
		Sections:      []Section{},
		TableInfo:     []TableInfo{},
		Diagnostics:   []Diagnostic{},
		Meta:          Meta{AgencyKind: "unknown", TemplateEvidence: []string{}},
	}
	d.Tables.Active = map[string]map[string]map[string]*Cell{}
	for _, s := range t.Active {
		rows := map[string]map[string]*Cell{}
		for _, r := range s.Rows {
			cols := map[string]*Cell{}
			for _, c := range s.Cols {
				cols[c.ID] = miss()
			}
			rows[r.ID] = cols
		}
		d.Tables.Active[s.ID] = rows
	}
	d.Tables.Requests = map[string]map[string]*Cell{}
	for _, r := range t.RequestRows {
		cols := map[string]*Cell{}
		for _, c := range t.RequestCols {
			cols[c.ID] = miss()
		}
		d.Tables.Requests[r.ID] = cols
	}
	d.Tables.ReviewLitigation = map[string]map[string]*Cell{}
	for _, g := range t.ReviewGroups {
		cols := map[string]*Cell{}
		for _, c := range t.ReviewCols {
			cols[c.ID] = miss()
		}
		d.Tables.ReviewLitigation[g.ID] = cols
	}
	return d
}
