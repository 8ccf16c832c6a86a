package ingest

import "github.com/ogi-checker/ogi/schema"

// newDocTmp stands in for schema.NewDocument until it lands.
func newDocTmp(tpl string) *schema.Document {
	t := schema.Templates[tpl]
	miss := func() *schema.Cell { return &schema.Cell{Status: schema.StatusMissing} }
	d := &schema.Document{SchemaVersion: schema.Version, Sections: []schema.Section{}, TableInfo: []schema.TableInfo{}, Diagnostics: []schema.Diagnostic{}}
	d.Tables.Active = map[string]map[string]map[string]*schema.Cell{}
	for _, s := range t.Active {
		d.Tables.Active[s.ID] = map[string]map[string]*schema.Cell{}
		for _, r := range s.Rows {
			d.Tables.Active[s.ID][r.ID] = map[string]*schema.Cell{}
			for _, c := range s.Cols {
				d.Tables.Active[s.ID][r.ID][c.ID] = miss()
			}
		}
	}
	d.Tables.Requests = map[string]map[string]*schema.Cell{}
	for _, r := range t.RequestRows {
		d.Tables.Requests[r.ID] = map[string]*schema.Cell{}
		for _, c := range t.RequestCols {
			d.Tables.Requests[r.ID][c.ID] = miss()
		}
	}
	d.Tables.ReviewLitigation = map[string]map[string]*schema.Cell{}
	for _, g := range t.ReviewGroups {
		d.Tables.ReviewLitigation[g.ID] = map[string]*schema.Cell{}
		for _, c := range t.ReviewCols {
			d.Tables.ReviewLitigation[g.ID][c.ID] = miss()
		}
	}
	return d
}
