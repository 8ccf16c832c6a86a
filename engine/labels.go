package engine

import (
	"strings"

	"github.com/ogi-checker/ogi/schema"
)

// labels maps "<kind>:<id>" to the official Chinese label, so that messages
// name rows and columns the way the printed table does.
var labels = func() map[string]string {
	m := map[string]string{}
	put := func(kind, id, label string) {
		k := kind + ":" + id
		if _, ok := m[k]; !ok {
			m[k] = strings.TrimSpace(label)
		}
	}
	for _, id := range []string{schema.Template2021, schema.Template2019} {
		t := schema.Templates[id]
		for _, r := range t.RequestRows {
			put("requests.row", r.ID, r.Label)
		}
		for _, c := range t.RequestCols {
			put("requests.col", c.ID, c.Label)
		}
		for _, g := range t.ReviewGroups {
			label := g.Label
			if g.Group != "" {
				label = g.Group + "（" + g.Label + "）"
			}
			put("review.group", g.ID, label)
		}
		for _, c := range t.ReviewCols {
			put("review.col", c.ID, c.Label)
		}
		for _, s := range t.Active {
			put("active.subtable", s.ID, s.Caption)
			for _, r := range s.Rows {
				put("active.row", r.ID, r.Label)
			}
			for _, c := range s.Cols {
				put("active.col", c.ID, c.Label)
			}
		}
	}
	for _, s := range schema.Sections {
		put("section", s.ID, s.Heading)
	}
	return m
}()

// Label returns the official Chinese label of an id: kind is one of
// requests.row, requests.col, review.group, review.col, active.subtable,
// active.row, active.col and section. Unknown ids come back unchanged.
func Label(kind, id string) string {
	if l, ok := labels[kind+":"+id]; ok {
		return l
	}
	return id
}
