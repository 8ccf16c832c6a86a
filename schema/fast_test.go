package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// small is a document touching every schema location with tables cut to one
// cell each, so that mutating every value in it is cheap for the full
// validator.
func small(t testing.TB) []byte {
	t.Helper()
	y, tpl, pub := 2021, Template2021, "2022-01-20"
	v := 3.0
	d := NewDocument(tpl)
	d.Meta.Title, d.Meta.Agency, d.Meta.AgencyKind = "某县2021年报告", "某县人民政府", "government"
	d.Meta.Year, d.Meta.Template, d.Meta.Published = &y, &tpl, &pub
	d.Meta.TemplateEvidence = []string{"label"}
	d.Meta.PublishedSource = &Loc{Line: 9}
	d.Meta.PagePublished, d.Meta.PagePublishedSource = &pub, &Loc{Line: 1}
	d.Meta.Period = &Period{From: "2021-01-01", To: "2021-12-31", Raw: "2021年", Year: &y}
	d.Meta.Source = Source{File: "a.txt", Format: "text", Layout: "tab", Encoding: "utf-8", SHA256: strings.Repeat("a", 64), Size: 10, Pages: 1}
	d.Intro = Intro{Text: "依据", Source: Loc{Line: 2}}
	d.Sections = []Section{{ID: "overview", Heading: "一、总体情况", Text: "x", Source: Loc{Line: 3}, EndLine: 4}}
	d.TableInfo = []TableInfo{{ID: "requests", Status: "found", Source: &Loc{Table: 1}, RowsFound: 1, RowsExpected: 25}}
	d.Diagnostics = []Diagnostic{{Code: "c", Severity: "warning", Message: "m", Table: "requests", Row: "granted", Col: "total", Raw: "x", Source: &Loc{Line: 5}}}
	num := &Cell{Value: &v, Raw: "3", Status: StatusNumber, Unit: "万元", Remark: "r", Source: &Loc{Line: 7, Row: 1, Col: 2}, Confidence: 0.95, Candidates: []float64{3, 4}, Digits: []string{"3|4"}}
	d.Tables.Active = map[string]map[string]map[string]*Cell{"art20_1": {"rules": {"made": num}}}
	d.Tables.Requests = map[string]map[string]*Cell{"granted": {"total": {Raw: "无", Status: StatusPlaceholder, Source: nil, Confidence: 1}}}
	d.Tables.ReviewLitigation = map[string]map[string]*Cell{"reconsideration": {"upheld": num}}
	return marshal(t, d)
}

// mutants returns doc changed at every value (or, with stride > 1, at every
// stride-th value): each key removed, each value replaced by one of each JSON
// type and by out-of-range numbers and unknown enum strings, an unknown key
// added to each object, integers written as 1.0, and keys duplicated.
func mutants(t testing.TB, doc []byte, stride int) map[string][]byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		t.Fatal(err)
	}
	repl := []any{nil, true, json.Number("1.5"), json.Number("-1"), json.Number("2"), json.Number("1.0"),
		json.Number("0"), json.Number("1e400"), json.Number("-1e-400"), json.Number("12345678901234567890"),
		"", "x", "number", "2019", "2022-13-40", "1.0.0", strings.Repeat("0", 64), []any{}, []any{json.Number("1")},
		map[string]any{}, map[string]any{"line": json.Number("1")}}
	out := map[string][]byte{}
	count := 0
	var walk func(path string, v any, set func(any))
	walk = func(path string, v any, set func(any)) {
		count++
		if count%stride == 0 {
			for i, r := range repl {
				set(r)
				out[fmt.Sprintf("%s=repl%d", path, i)] = marshal(t, root)
			}
			set(v)
		}
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if count%stride == 0 {
				v["extra_field"] = true
				out[path+"+extra"] = marshal(t, root)
				delete(v, "extra_field")
				for _, k := range keys {
					old := v[k]
					delete(v, k)
					out[path+"/"+k+"-removed"] = marshal(t, root)
					v[k] = old
				}
			}
			for _, k := range keys {
				walk(path+"/"+k, v[k], func(x any) { v[k] = x })
			}
		case []any:
			for i := range v {
				walk(fmt.Sprintf("%s/%d", path, i), v[i], func(x any) { v[i] = x })
			}
		}
	}
	walk("", root, func(any) {})
	// Textual mutants json.Marshal cannot make: duplicate keys, escaped
	// keys, trailing data, and broken syntax.
	s := string(doc)
	out["dup-status"] = []byte(strings.Replace(s, `"status":`, `"status":"bogus","status":`, 1))
	out["dup-status-last-bad"] = []byte(strings.Replace(s, `"status":"`, `"status":"number","status":"x`, 1))
	out["escaped-key"] = []byte(strings.Replace(s, `"raw":`, `"r\u0061w":`, 1))
	out["escaped-enum"] = []byte(strings.Replace(s, `"status":"number"`, `"status":"numb\u0065r"`, 1))
	out["trailing"] = []byte(s + " {}")
	out["truncated"] = []byte(s[:len(s)/2])
	out["bad-utf8"] = []byte(strings.Replace(s, `"format":"`, "\"format\":\"\xff", 1))
	out["empty"] = nil
	return out
}

func TestFastSchemaCompiles(t *testing.T) {
	if _, err := fastSchema(); err != nil {
		t.Fatalf("the fast validator does not cover the embedded schema, so every document takes the slow path: %v", err)
	}
}

// checkAgree fails when the fast validator accepts a document the full one
// refuses, or when Validate's answer differs from the full validator's.
func checkAgree(t *testing.T, name string, doc []byte) (fast bool) {
	t.Helper()
	full := ValidateFull(doc)
	fast = provenValid(doc)
	if fast && full != nil {
		t.Errorf("%s: fast validator accepts a document the schema refuses: %v", name, full)
	}
	got := Validate(doc)
	if (got == nil) != (full == nil) || (got != nil && got.Error() != full.Error()) {
		t.Errorf("%s: Validate says %v, the full validator %v", name, got, full)
	}
	return fast
}

// TestExtraPropertiesMessage: several properties the schema does not
// allow are named in sorted order, the same every time (the validator
// lists them in map order; FuzzFastValidator found it).
func TestExtraPropertiesMessage(t *testing.T) {
	doc := bytes.Replace(small(t), []byte(`{`), []byte(`{"zz": 1, "aa": 2, "mm": 3, `), 1)
	var first string
	for i := range 20 {
		err := Validate(doc)
		if err == nil {
			t.Fatal("extra properties accepted")
		}
		if i == 0 {
			first = err.Error()
			if !strings.Contains(first, `'aa', 'mm', 'zz'`) {
				t.Fatalf("message %q: want the properties sorted", first)
			}
		} else if err.Error() != first {
			t.Fatalf("message changed between runs:\n%s\n%s", first, err)
		}
	}
}

// TestFastAgreesWithFull runs both validators over every golden document (what
// ogi parse writes for the corpus) and over mutants of them: the verdicts and
// the messages must be the same, and the valid goldens must take the fast path.
func TestFastAgreesWithFull(t *testing.T) {
	for name, doc := range goldenDocs(t) {
		if err := ValidateFull(doc); err != nil {
			t.Fatalf("%s: golden invalid: %v", name, err)
		}
		if !checkAgree(t, name, doc) {
			t.Errorf("%s: valid golden not proven valid by the fast validator", name)
		}
	}
	for _, tpl := range []string{Template2019, Template2021} {
		for name, d := range map[string]*Document{"skeleton": NewDocument(tpl), "filled": filled(tpl)} {
			if !checkAgree(t, tpl+" "+name, marshal(t, d)) {
				t.Errorf("%s %s: not proven valid", tpl, name)
			}
		}
	}
	if !checkAgree(t, "small", small(t)) {
		t.Fatal("small document not proven valid")
	}
	var valid, invalid int
	for name, doc := range mutants(t, small(t), 1) {
		if checkAgree(t, "small "+name, doc) {
			valid++
		} else if ValidateFull(doc) != nil {
			invalid++
		}
	}
	stride := 97
	if testing.Short() {
		stride = 997
	}
	golden := goldenDocs(t)["huaian-city-2024.pdf.json"]
	for name, doc := range mutants(t, golden, stride) {
		if checkAgree(t, "huaian "+name, doc) {
			valid++
		} else if ValidateFull(doc) != nil {
			invalid++
		}
	}
	// Both kinds must occur, or the mutants test nothing.
	if valid < 50 || invalid < 500 {
		t.Errorf("mutants: %d proven valid, %d invalid; want both plentiful", valid, invalid)
	}
	t.Logf("mutants: %d proven valid, %d invalid", valid, invalid)
}

// TestFastRefusesInvalid pins cases where the fast path must not accept, with
// the message a person then reads from the full validator.
func TestFastRefusesInvalid(t *testing.T) {
	doc := string(small(t))
	for _, tc := range []struct {
		name, doc, msg string
	}{
		{"bad enum", strings.Replace(doc, `"agency_kind":"government"`, `"agency_kind":"county"`, 1), "/meta/agency_kind: value must be one of"},
		{"missing required", strings.Replace(doc, `"source":null,"confidence":1}`, `"source":null}`, 1), "/tables/requests/granted/total: missing property 'confidence'"},
		{"wrong type", strings.Replace(doc, `"size":10`, `"size":"10"`, 1), "/meta/source/size: got string, want integer"},
		{"extra field", strings.Replace(doc, `"raw":"无"`, `"raw":"无","colour":1`, 1), "/tables/requests/granted/total: additional properties 'colour' not allowed"},
		{"value on placeholder", strings.Replace(doc, `"value":null,"raw":"无"`, `"value":0,"raw":"无"`, 1), "/tables/requests/granted/total/value: got number, want null"},
		{"confidence above 1", strings.Replace(doc, `"confidence":0.95`, `"confidence":1.5`, 1), "/tables/active/art20_1/rules/made/confidence: maximum: got 1.5, want 1"},
		{"unknown row", strings.Replace(doc, `"granted":`, `"grantd":`, 1), "/tables/requests: additional properties 'grantd' not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.doc == doc {
				t.Fatal("mutation did not apply")
			}
			if provenValid([]byte(tc.doc)) {
				t.Fatal("fast validator accepts")
			}
			err := Validate([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %q", err, tc.msg)
			}
		})
	}
}

// FuzzFastValidator: whatever the bytes, the fast validator never accepts a
// document the full validator refuses, and Validate says what the full one
// says.
func FuzzFastValidator(f *testing.F) {
	f.Add(small(f))
	for _, doc := range mutants(f, small(f), 7) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkAgree(t, "fuzz", doc)
	})
}
