package engine

import (
	"fmt"

	"github.com/ogi-checker/ogi/schema"
)

// SampleDocument returns a complete, compliant document of a template: every
// cell the number 0, the six sections under their official headings with
// text that satisfies the content checks, metadata in order. Rule fixtures
// start from it and change what their case is about.
func SampleDocument(template string) *schema.Document {
	t, ok := schema.Templates[template]
	if !ok {
		t = schema.Templates[schema.Template2021]
		template = t.ID
	}
	year := 2021
	if template == schema.Template2019 {
		year = 2019
	}
	published := fmt.Sprintf("%d-01-20", year+1)
	tpl := template
	pyear := year
	doc := &schema.Document{
		SchemaVersion: schema.Version,
		Meta: schema.Meta{
			Title:      fmt.Sprintf("某市某局%d年政府信息公开工作年度报告", year),
			Agency:     "某市某局",
			AgencyKind: "department",
			Year:       &year,
			Template:   &tpl,
			Published:  &published,
			Period: &schema.Period{From: fmt.Sprintf("%d-01-01", year), To: fmt.Sprintf("%d-12-31", year),
				Raw: fmt.Sprintf("%d年1月1日至%d年12月31日", year, year), Year: &pyear},
			Source: schema.Source{File: "sample", Format: "json", Layout: "canonical-json"},
		},
		Sections:    []schema.Section{},
		TableInfo:   []schema.TableInfo{},
		Diagnostics: []schema.Diagnostic{},
	}
	texts := map[string]string{
		"overview":          "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，完善工作考核、社会评议和责任追究制度。",
		"active_disclosure": "主动公开政府信息情况见下表。",
		"requests":          "收到和处理政府信息公开申请情况见下表。",
		"review_litigation": "行政复议、行政诉讼情况见下表。",
		"problems":          "存在的主要问题是公开内容不够细致。下一步将加强培训，改进工作。",
		"other_matters":     "本年度未收取信息处理费。",
	}
	for i, s := range schema.Sections {
		doc.Sections = append(doc.Sections, schema.Section{ID: s.ID, Heading: s.Heading, Text: texts[s.ID],
			Source: schema.Loc{Line: 10 * (i + 1)}})
	}
	line := 100
	cell := func() *schema.Cell {
		v := 0.0
		line++
		return &schema.Cell{Value: &v, Raw: "0", Status: schema.StatusNumber, Confidence: 1, Source: &schema.Loc{Line: line}}
	}
	doc.Tables.Active = map[string]map[string]map[string]*schema.Cell{}
	for _, st := range t.Active {
		doc.Tables.Active[st.ID] = map[string]map[string]*schema.Cell{}
		for _, r := range st.Rows {
			doc.Tables.Active[st.ID][r.ID] = map[string]*schema.Cell{}
			for _, c := range st.Cols {
				x := cell()
				if c.Kind == schema.KindMoney {
					x.Unit = "万元"
				}
				doc.Tables.Active[st.ID][r.ID][c.ID] = x
			}
		}
		doc.TableInfo = append(doc.TableInfo, schema.TableInfo{ID: "active." + st.ID, Status: "found",
			RowsFound: len(st.Rows), RowsExpected: len(st.Rows)})
	}
	doc.Tables.Requests = map[string]map[string]*schema.Cell{}
	for _, r := range t.RequestRows {
		doc.Tables.Requests[r.ID] = map[string]*schema.Cell{}
		for _, c := range t.RequestCols {
			doc.Tables.Requests[r.ID][c.ID] = cell()
		}
	}
	doc.TableInfo = append(doc.TableInfo, schema.TableInfo{ID: "requests", Status: "found",
		RowsFound: len(t.RequestRows), RowsExpected: len(t.RequestRows)})
	doc.Tables.ReviewLitigation = map[string]map[string]*schema.Cell{}
	for _, g := range t.ReviewGroups {
		doc.Tables.ReviewLitigation[g.ID] = map[string]*schema.Cell{}
		for _, c := range t.ReviewCols {
			doc.Tables.ReviewLitigation[g.ID][c.ID] = cell()
		}
	}
	doc.TableInfo = append(doc.TableInfo, schema.TableInfo{ID: "review_litigation", Status: "found",
		RowsFound: len(t.ReviewGroups), RowsExpected: len(t.ReviewGroups)})
	return doc
}
