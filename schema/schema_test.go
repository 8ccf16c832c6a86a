package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// filled returns a document of the template with every cell a number.
func filled(tpl string) *Document {
	d := NewDocument(tpl)
	y := 2021
	d.Meta.Year = &y
	d.Meta.Template = &tpl
	for _, rows := range d.Tables.Requests {
		for col := range rows {
			v := 1.0
			rows[col] = &Cell{Value: &v, Raw: "1", Status: StatusNumber, Confidence: 1, Source: &Loc{Line: 3}}
		}
	}
	return d
}

func TestNewDocumentCounts(t *testing.T) {
	for tpl, rows := range map[string]int{Template2019: 23, Template2021: 25} {
		d := NewDocument(tpl)
		if len(d.Tables.Requests) != rows {
			t.Errorf("%s: %d table-3 rows, want %d", tpl, len(d.Tables.Requests), rows)
		}
		cells := 0
		for _, r := range d.Tables.Requests {
			cells += len(r)
		}
		if cells != rows*7 {
			t.Errorf("%s: %d table-3 cells, want %d", tpl, cells, rows*7)
		}
		n := 0
		for _, g := range d.Tables.ReviewLitigation {
			n += len(g)
		}
		if n != 15 {
			t.Errorf("%s: %d table-4 cells, want 15", tpl, n)
		}
		for id, st := range d.Tables.Active {
			for rid, r := range st {
				for cid, c := range r {
					if c.Status != StatusMissing || c.Value != nil {
						t.Errorf("%s: active.%s.%s.%s not missing", tpl, id, rid, cid)
					}
				}
			}
		}
	}
	if n := len(NewDocument(Template2019).Tables.Active); n != 5 {
		t.Errorf("2019 has %d sub-tables, want 5", n)
	}
	if n := len(NewDocument(Template2021).Tables.Active); n != 4 {
		t.Errorf("2021 has %d sub-tables, want 4", n)
	}
}

func TestValidateAccepts(t *testing.T) {
	for _, tpl := range []string{Template2019, Template2021} {
		if err := Validate(marshal(t, NewDocument(tpl))); err != nil {
			t.Errorf("%s skeleton: %v", tpl, err)
		}
		if err := Validate(marshal(t, filled(tpl))); err != nil {
			t.Errorf("%s filled: %v", tpl, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m map[string]any)
		want   string
	}{
		{"bad status", func(m map[string]any) {
			cell(m, "granted", "total")["status"] = "zero"
		}, "/tables/requests/granted/total/status"},
		{"number status with null value", func(m map[string]any) {
			cell(m, "granted", "total")["value"] = nil
		}, "/tables/requests/granted/total/value"},
		{"blank with a value", func(m map[string]any) {
			c := cell(m, "granted", "total")
			c["status"] = "blank"
		}, "/tables/requests/granted/total/value"},
		{"unknown row id", func(m map[string]any) {
			m["tables"].(map[string]any)["requests"].(map[string]any)["grantd"] = map[string]any{}
		}, "/tables/requests"},
		{"missing schema_version", func(m map[string]any) { delete(m, "schema_version") }, "schema_version"},
		{"year as string", func(m map[string]any) { m["meta"].(map[string]any)["year"] = "2021" }, "/meta/year"},
		{"bad date", func(m map[string]any) { m["meta"].(map[string]any)["published"] = "2021年1月" }, "/meta/published"},
		{"bad page date", func(m map[string]any) { m["meta"].(map[string]any)["page_published"] = "2022-2-8" }, "/meta/page_published"},
		{"null page date (absent means none)", func(m map[string]any) { m["meta"].(map[string]any)["page_published"] = nil }, "/meta/page_published"},
		{"page date source not a loc", func(m map[string]any) { m["meta"].(map[string]any)["page_published_source"] = 2 }, "/meta/page_published_source"},
	}
	for _, tc := range cases {
		var m map[string]any
		if err := json.Unmarshal(marshal(t, filled(Template2021)), &m); err != nil {
			t.Fatal(err)
		}
		tc.mutate(m)
		err := Validate(marshal(t, m))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", tc.name, err, tc.want)
		}
	}
}

func cell(m map[string]any, row, col string) map[string]any {
	return m["tables"].(map[string]any)["requests"].(map[string]any)[row].(map[string]any)[col].(map[string]any)
}

// TestSchemaCoversTemplates keeps the JSON Schema's ids in step with the
// template definitions: every row and column of both templates is allowed.
func TestSchemaCoversTemplates(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatal(err)
	}
	props := func(m any, path ...string) map[string]any {
		for _, p := range path {
			m = m.(map[string]any)[p]
		}
		return m.(map[string]any)
	}
	tables := props(s, "properties", "tables", "properties")
	for _, tpl := range Templates {
		req := props(tables, "requests", "properties")
		for _, r := range tpl.RequestRows {
			row, ok := req[r.ID]
			if !ok {
				t.Errorf("schema lacks requests row %s", r.ID)
				continue
			}
			for _, c := range tpl.RequestCols {
				if _, ok := props(row, "properties")[c.ID]; !ok {
					t.Errorf("schema lacks requests.%s.%s", r.ID, c.ID)
				}
			}
		}
		for _, g := range tpl.ReviewGroups {
			grp, ok := props(tables, "review_litigation", "properties")[g.ID]
			if !ok {
				t.Errorf("schema lacks review group %s", g.ID)
				continue
			}
			for _, c := range tpl.ReviewCols {
				if _, ok := props(grp, "properties")[c.ID]; !ok {
					t.Errorf("schema lacks review_litigation.%s.%s", g.ID, c.ID)
				}
			}
		}
		for _, st := range tpl.Active {
			sub, ok := props(tables, "active", "properties")[st.ID]
			if !ok {
				t.Errorf("schema lacks sub-table %s", st.ID)
				continue
			}
			for _, r := range st.Rows {
				row, ok := props(sub, "properties")[r.ID]
				if !ok {
					t.Errorf("schema lacks active.%s.%s", st.ID, r.ID)
					continue
				}
				for _, c := range st.Cols {
					if _, ok := props(row, "properties")[c.ID]; !ok {
						t.Errorf("schema lacks active.%s.%s.%s", st.ID, r.ID, c.ID)
					}
				}
			}
		}
	}
}

// TestValidatePageDate: a document with the page's own date (and where it
// was read) is valid, and so is one without it.
func TestValidatePageDate(t *testing.T) {
	d := filled(Template2021)
	if err := Validate(marshal(t, d)); err != nil {
		t.Fatalf("without page date: %v", err)
	}
	date := "2022-02-08"
	d.Meta.PagePublished, d.Meta.PagePublishedSource = &date, &Loc{Line: 2}
	if err := Validate(marshal(t, d)); err != nil {
		t.Fatalf("with page date: %v", err)
	}
}

// TestValidateSaysWhere: a stray byte in an otherwise valid document is
// reported with its line, column and byte offset.
func TestValidateSaysWhere(t *testing.T) {
	doc := NewDocument(Template2021)
	good, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(good, []byte(`"tables"`))
	line := bytes.Count(good[:at], []byte("\n")) + 1
	for _, stray := range []string{"\x01", "\xff"} {
		bad := append(append(append([]byte{}, good[:at]...), stray...), good[at:]...)
		err := Validate(bad)
		want := fmt.Sprintf("not JSON at line %d, column 3 (byte %d)", line, at)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("stray %q: error %v, want %q", stray, err, want)
		}
	}
}
